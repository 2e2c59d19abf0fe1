/* SPDX-License-Identifier: ISC */
/*
 * What each process of the app gets on its own, after the chroot and just
 * before its exec: rlimits, the bounding set, groups, gid and uid, the
 * working dir, capabilities, no_new_privs and (priv_seccomp, just before
 * the exec) the seccomp filter, in that order. The filter comes last so
 * that our own system calls are not subject to it; loading one needs
 * CAP_SYS_ADMIN or no_new_privs, so when the app is not to keep
 * CAP_SYS_ADMIN we hold it in the permitted and effective sets until the
 * exec, which drops it: it is in neither the bounding set (root) nor the
 * ambient set (any other user).
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "exec/exec.h"
#include "lib/err.h"
#include "lib/errname.h"
#include "lib/fmt.h"

#define CAPBIT(c) (1ULL << (c))

static void priv_ids(struct xconf *);
static void priv_cwd(struct xconf *);
static unsigned long long priv_capmask(struct xconf *, char *, const char *);
static void priv_bound(struct xconf *, unsigned long long);
static void priv_caps(struct xconf *, unsigned long long, unsigned long long,
    unsigned long long);
static int priv_sysno(struct xconf *, const char *);

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

/* Capability names ("CAP_NET_RAW", "net_raw", a number) as a bit mask. */
static unsigned long long
priv_capmask(struct xconf *c, char *text, const char *file)
{
	unsigned long long m = 0;
	char name[64], *p = text, *e;
	cap_value_t v;
	size_t n;

	for (;;) {
		while (*p && strchr(" \t\n,", *p))
			p++;
		if (*p == 0)
			return m;
		for (e = p; *e && !strchr(" \t\n,", *e); e++)
			;
		n = e - p;
		if (n + 5 > sizeof name)
			die(100, "bad ", c->dir, "/", file, ": a long name");
		if (n < 4 || strncasecmp(p, "cap_", 4) != 0) {
			memcpy(name, "cap_", 4);
			memcpy(name + 4, p, n);
			n += 4;
		} else {
			memcpy(name, p, n);
		}
		name[n] = 0;
		for (n = 0; name[n]; n++)
			if (name[n] >= 'A' && name[n] <= 'Z')
				name[n] += 'a' - 'A';
		if (cap_from_name(name, &v) < 0 || v < 0 || v > 63)
			die(100, "bad ", c->dir, "/", file, ": ", name,
			    " is no capability");
		if (v < cap_max_bits())
			m |= CAPBIT(v);
		p = e;
	}
}

/* Drop from the bounding set what the app may never have (as root). */
static void
priv_bound(struct xconf *c, unsigned long long keep)
{
	cap_value_t v;

	for (v = 0; v < cap_max_bits(); v++)
		if (!(keep & CAPBIT(v)) && cap_get_bound(v) == 1 &&
		    cap_drop_bound(v) < 0)
			die_sys(111, "unable to drop ", cap_to_name(v),
			    " from the bounding set of ", c->name);
}

/*
 * Permitted and effective: what the app keeps, plus hold (CAP_SYS_ADMIN
 * for the filter) until the exec; inheritable and ambient: the ambient
 * set, which a non-root app needs to keep anything across the exec.
 */
static void
priv_caps(struct xconf *c, unsigned long long keep, unsigned long long amb,
    unsigned long long hold)
{
	cap_value_t v;
	cap_t cap;

	cap = cap_init();
	if (cap == 0)
		die_sys(111, "unable to allocate memory");
	for (v = 0; v < cap_max_bits(); v++) {
		if ((keep | hold) & CAPBIT(v) &&
		    (cap_set_flag(cap, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(cap, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0))
			die_sys(111, "unable to set a capability");
		if (amb & CAPBIT(v) &&
		    cap_set_flag(cap, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)
			die_sys(111, "unable to set a capability");
	}
	if (cap_set_proc(cap) < 0)
		die_sys(111, "unable to set the capabilities of ", c->name);
	cap_free(cap);
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		die_sys(111, "unable to clear the ambient set of ", c->name);
	for (v = 0; v < cap_max_bits(); v++)
		if (amb & CAPBIT(v) && cap_set_ambient(v, CAP_SET) < 0)
			die_sys(111, "unable to raise ambient ", cap_to_name(v),
			    " for ", c->name);
}

/* A system call's native number; negative: none on this architecture. */
static int
priv_sysno(struct xconf *c, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		die(100, "bad ", c->dir, "/seccomp: ", name,
		    " is no system call");
	return nr;
}

/*
 * The seccomp file: "retain" or "remove" and the action (an errno name or
 * number, or kill: SIGSYS) on its first line, then system call names. The
 * filter covers the 32-bit ABIs too, so int 0x80 is no way around it.
 */
void
priv_seccomp(struct xconf *c)
{
	static const char *const always[] = { "execve", "exit", "exit_group" };
	static const unsigned arches[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
	char *t = c->seccomp, *line, *mode, *act, *p, *e;
	unsigned long long n;
	uint32_t action;
	scmp_filter_ctx ctx;
	int retain, nr, r, en;
	unsigned i;

	line = t;
	p = strchr(t, '\n');
	if (p)
		*p++ = 0;
	else
		p = t + strlen(t);
	mode = strtok(line, " \t");
	act = mode ? strtok(0, " \t") : 0;
	if (mode == 0 || (strcmp(mode, "retain") && strcmp(mode, "remove")) ||
	    strtok(0, " \t"))
		die(100, "bad ", c->dir, "/seccomp: the first line is not "
		    "retain or remove and an action");
	retain = strcmp(mode, "retain") == 0;
	if (act == 0 || strcmp(act, "kill") == 0)
		action = SCMP_ACT_KILL_PROCESS;
	else if ((en = errname_number(act)) > 0)
		action = SCMP_ACT_ERRNO(en);
	else if (scan_uint(act, 4095, &n) == 0 && n > 0)
		action = SCMP_ACT_ERRNO(n);
	else
		die(100, "bad ", c->dir, "/seccomp: ", act,
		    " is neither an errno nor kill");

	ctx = seccomp_init(retain ? action : SCMP_ACT_ALLOW);
	if (ctx == 0)
		die_sys(111, "unable to make a seccomp filter");
	/* no_new_privs is the no-new-privs file's business */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0 && (errno = -r))
		die_sys(111, "unable to make a seccomp filter");
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		for (i = 0; i < sizeof arches / sizeof arches[0]; i++)
			if ((r = seccomp_arch_add(ctx, arches[i])) < 0 &&
			    r != -EEXIST && (errno = -r))
				die_sys(111, "unable to make a seccomp filter");
	for (;; p = e) {
		while (*p && strchr(" \t\n,", *p))
			p++;
		if (*p == 0)
			break;
		for (e = p; *e && !strchr(" \t\n,", *e); e++)
			;
		if (*e)
			*e++ = 0;
		/* a call only the 32-bit ABIs have: for them, if it can */
		nr = priv_sysno(c, p);
		r = seccomp_rule_add(ctx, retain ? SCMP_ACT_ALLOW : action,
		    nr, 0);
		if (r < 0 && r != -EEXIST && nr >= 0 && (errno = -r))
			die_sys(111, "unable to filter ", p, " for ", c->name);
	}
	/* whatever the list: the app can be started, and can end */
	for (i = 0; retain && i < sizeof always / sizeof always[0]; i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    priv_sysno(c, always[i]), 0);
		if (r < 0 && r != -EEXIST && (errno = -r))
			die_sys(111, "unable to allow ", always[i], " for ",
			    c->name);
	}
	r = seccomp_load(ctx);
	if (r < 0 && (errno = -r))
		die_sys(111, "unable to load the seccomp filter of ", c->name);
	/*
	 * No seccomp_release: the exec frees it, and free() could make a
	 * call the filter forbids (a sanitizer's allocator does).
	 */
}

void
priv_apply(struct xconf *c)
{
	unsigned long long all = 0, bound, amb = 0, keep, hold = 0;
	cap_value_t v;
	int setcaps;

	priv_rlimits(c);
	for (v = 0; v < cap_max_bits() && v < 64; v++)
		all |= CAPBIT(v);
	bound = c->caps ? priv_capmask(c, c->caps, "caps") : all;
	if (c->ambient)
		amb = priv_capmask(c, c->ambient, "ambient-caps");
	if (amb & ~bound)
		die(100, "bad ", c->dir, "/ambient-caps: not within caps");
	/* root keeps its bounding set; any other user its ambient set */
	keep = c->uid == 0 ? bound : amb;
	if (c->seccomp && !(keep & CAPBIT(CAP_SYS_ADMIN)) && !c->nnp) {
		cap_flag_value_t f = CAP_CLEAR;
		cap_t cur = cap_get_proc();

		if (cur && cap_get_flag(cur, CAP_SYS_ADMIN, CAP_PERMITTED,
		    &f) == 0 && f == CAP_SET)
			hold = CAPBIT(CAP_SYS_ADMIN);
		cap_free(cur);
	}
	/* with no caps file root stays root; a user changes nothing */
	setcaps = c->caps || c->ambient || hold;
	if (c->caps)
		priv_bound(c, bound);
	if (setcaps && c->uid != 0 &&
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die_sys(111, "unable to keep capabilities for ", c->name);
	priv_ids(c);
	priv_cwd(c);
	if (setcaps)
		priv_caps(c, keep, amb, hold);
	if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_sys(111, "unable to set no_new_privs for ", c->name);
	/* the filter is exec_app's to load, after its last allocation */
}
