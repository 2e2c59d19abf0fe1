/* SPDX-License-Identifier: ISC */
/*
 * The app's cgroup limits (placeholder: part of the isolators).
 */
#include "exec/exec.h"

void
cg_apply(struct xconf *c, int sfd)
{
	(void)c, (void)sfd;
}

void
cg_finish(struct xconf *c, int sfd, int st)
{
	(void)c, (void)sfd, (void)st;
}
