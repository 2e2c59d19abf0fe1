/* SPDX-License-Identifier: ISC */
/* Placeholder until the isolators land: nothing is enforced. */
#include "stage1/stage1_isol.h"

int
isol_app(int dirfd, const char *app, json_t *ai, json_t *pi, json_t *an,
    int flags)
{
	(void)dirfd, (void)app, (void)ai, (void)pi, (void)an, (void)flags;
	return 0;
}

int
isol_sysctl(json_t *pi, const char *procdir, int apply)
{
	(void)pi, (void)procdir, (void)apply;
	return 0;
}

int
isol_paths(const char *procdir, int flags)
{
	(void)procdir, (void)flags;
	return 0;
}
