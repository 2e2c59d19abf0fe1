/* SPDX-License-Identifier: ISC */
/*
 * What each process of the app gets on its own, after the chroot and just
 * before its exec: rlimits, groups, gid and uid, the working dir.
 */
#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "lib/err.h"
#include "lib/fmt.h"

static void priv_ids(struct xconf *);
static void priv_cwd(struct xconf *);

void
priv_rlimits(struct xconf *c)
{
	struct rlimit rl;
	const char *name;
	int i, res;

	for (i = 0; i < EXEC_NRLIMIT; i++) {
		if (!c->rlim[i].set)
			continue;
		res = conf_rlimit_resource(i, &name);
		rl.rlim_cur = c->rlim[i].soft;
		rl.rlim_max = c->rlim[i].hard;
		if (setrlimit(res, &rl) < 0)
			die_sys(111, "unable to set rlimit-", name, " of ",
			    c->name);
	}
}

/*
 * setgroups, setgid, setuid, in that order: after setuid nothing else
 * could be changed. A pod1-exec that is not root itself (a test, a log
 * service run by a user) keeps ids it cannot and need not change.
 */
static void
priv_ids(struct xconf *c)
{
	char num[FMT_ULONG];

	if (geteuid() != 0 && c->uid == geteuid() && c->gid == getegid() &&
	    c->ngroups == 0)
		return;
	if (setgroups(c->ngroups, c->groups) < 0)
		die_sys(111, "unable to set the groups of ", c->name);
	fmt_uint(num, c->gid);
	if (setgid(c->gid) < 0)
		die_sys(111, "unable to set gid ", num, " for ", c->name);
	fmt_uint(num, c->uid);
	if (setuid(c->uid) < 0)
		die_sys(111, "unable to set uid ", num, " for ", c->name);
}

/* appc: a working dir that does not exist fails the execution. */
static void
priv_cwd(struct xconf *c)
{
	const char *d = c->cwd ? c->cwd : "/";

	if (chdir(d) < 0)
		die_sys(errno == ENOENT || errno == ENOTDIR ? 100 : 111,
		    "unable to enter the working dir ", d, " of ", c->name);
}

void
priv_apply(struct xconf *c)
{
	priv_rlimits(c);
	priv_ids(c);
	priv_cwd(c);
}
