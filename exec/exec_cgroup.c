/* SPDX-License-Identifier: ISC */
/*
 * The app's memory, cpu and pids limits. pod1-supervise has put run in a
 * cgroup v2 of its own (pod1-<dev>-<ino>, named after the service dir):
 * where the controller is enabled there, the limit is written into it.
 * Otherwise (a v1 + v2 hybrid whose v2 has no controllers) run makes a
 * cgroup of the same name in the controller's v1 hierarchy, below the
 * one it is in, writes the limit and moves itself in before the chroot.
 * finish, which runs beside run rather than in its cgroups, reads the
 * OOM kill count there to say why the app got SIGKILL, and removes the
 * v1 cgroups so the next run starts with fresh counters.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec/exec.h"
#include "lib/cgroup.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/kv.h"

/* the cfs period for cpu-max, in microseconds */
#define CG_PERIOD 100000

enum { CG_MEMORY, CG_PIDS, CG_CPU, CG_N };

static const char *const cg_ctl[CG_N] = { "memory", "pids", "cpu" };
/* a v2 file that exists only where the controller is enabled */
static const char *const cg_v2file[CG_N] = { "memory.max", "pids.max",
	"cpu.max" };

static int cg_inlist(const char *, const char *);
static char *cg_line(char *);
static char *cg_cat(const char *, const char *, const char *);
static char *cg_leaf(int);
static char *cg_v2(int, const char *, int, int *);
static char *cg_v1(const char *, int);
static int cg_write(const char *, const char *, const char *, int);
static void cg_set(struct xconf *, int, int, const char *);

static char *
cg_cat(const char *a, const char *b, const char *c)
{
	char *s = malloc(strlen(a) + strlen(b) + strlen(c) + 1);

	if (s == 0)
		die_sys(111, "unable to allocate memory");
	strcpy(s, a);
	strcat(s, b);
	return strcat(s, c);
}

/* Whether word is in the comma-separated list. */
static int
cg_inlist(const char *list, const char *word)
{
	size_t n = strlen(word), k;

	for (;;) {
		k = strcspn(list, ",");
		if (k == n && strncmp(list, word, n) == 0)
			return 1;
		if (list[k] == 0)
			return 0;
		list += k + 1;
	}
}

/* End the line at p with a NUL: where the next one starts. */
static char *
cg_line(char *p)
{
	char *e = strchr(p, '\n');

	if (e == 0)
		return p + strlen(p);
	*e = 0;
	return e + 1;
}

/* "/pod1-<dev>-<ino>" of the service dir open at sfd, as supervise. */
static char *
cg_leaf(int sfd)
{
	char buf[8 + 2 * FMT_ULONG], *p = buf;
	struct stat st;

	if (fstat(sfd, &st) < 0)
		die_sys(111, "unable to stat the service dir");
	memcpy(p, "/pod1-", 6);
	p += 6;
	p += fmt_uint(p, st.st_dev);
	*p++ = '-';
	p[fmt_uint(p, st.st_ino)] = 0;
	return cg_cat(buf, "", "");
}

/*
 * The app's v2 cgroup, when the controller is enabled there: run is in
 * it already (*in), finish and enter find it below the service dir's
 * cgroup-parent (supervise's setting), else below their own.
 */
static char *
cg_v2(int sfd, const char *leaf, int ctl, int *in)
{
	char *text, *own, *dir, *f, *parent = 0;
	const char *mnt;
	size_t n;

	text = conf_text(AT_FDCWD, "", "/proc/self/cgroup", 0);
	if (text == 0 || (own = cgroup_v2_own(text)) == 0) {
		free(text);
		return 0;
	}
	n = strlen(own);
	*in = n >= strlen(leaf) && strcmp(own + n - strlen(leaf), leaf) == 0;
	if (!*in && (parent = conf_text(sfd, "", "cgroup-parent", 0)) != 0) {
		parent[strcspn(parent, "\n")] = 0;
		if (*parent == '/')
			own = strcmp(parent, "/") == 0 ? parent + 1 : parent;
	}
	mnt = cgroup_v2_mount();
	dir = 0;
	if (mnt) {
		dir = cg_cat(mnt, own, *in ? "" : leaf);
		f = cg_cat(dir, "/", cg_v2file[ctl]);
		if (access(f, F_OK) < 0) {
			free(dir);
			dir = 0;
		}
		free(f);
	}
	free(text);
	free(parent);
	return dir;
}

/*
 * The controller's v1 hierarchy (from mountinfo, where the hierarchy's
 * root may be a subdir) and our place in it (from /proc/self/cgroup),
 * with leaf appended.
 */
static char *
cg_v1(const char *leaf, int ctl)
{
	char *cg, *mi, *p, *e, *path = 0, *dir = 0, *f[10];
	int k;

	cg = conf_text(AT_FDCWD, "", "/proc/self/cgroup", 0);
	mi = conf_text(AT_FDCWD, "", "/proc/self/mountinfo", 0);
	if (cg == 0 || mi == 0)
		goto out;
	/* "4:memory:/a/b" or "1:cpu,cpuacct:/" */
	for (p = cg; *p && path == 0; p = e) {
		char *ctls, *c;

		e = cg_line(p);
		if ((ctls = strchr(p, ':')) == 0 ||
		    (c = strchr(++ctls, ':')) == 0)
			continue;
		*c = 0;
		if (cg_inlist(ctls, cg_ctl[ctl]))
			path = c + 1;
	}
	if (path == 0)
		goto out;
	/* "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory" */
	for (p = mi; *p && dir == 0; p = e) {
		e = cg_line(p);
		for (k = 0; k < 10 && *p; k++) {
			f[k] = p;
			p += strcspn(p, " ");
			if (*p)
				*p++ = 0;
			/* optional fields end at "-" */
			if (k >= 5 && strcmp(f[k], "-") == 0) {
				f[5] = f[k];
				k = 5;
			}
		}
		if (k < 9 || strcmp(f[5], "-") || strcmp(f[6], "cgroup"))
			continue;
		if (!cg_inlist(f[8], cg_ctl[ctl]))
			continue;
		/* a hierarchy mounted from a subdir: our path is below it */
		if (strcmp(f[3], "/") != 0) {
			size_t r = strlen(f[3]);

			if (strncmp(path, f[3], r) ||
			    (path[r] && path[r] != '/'))
				continue;
			path += r;
		}
		dir = cg_cat(f[4], strcmp(path, "/") ? path : "", leaf);
	}
out:
	free(cg);
	free(mi);
	return dir;
}

static int
cg_write(const char *dir, const char *file, const char *val, int must)
{
	char *path = cg_cat(dir, "/", file);
	int fd, r = -1;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = fd_write_all(fd, val, strlen(val));
		fd_close(fd);
	}
	if (r < 0 && must)
		die_sys(111, "unable to write ", val, " to ", path);
	free(path);
	return r;
}

/* One limit: in the app's v2 cgroup, or a v1 one made and joined. */
static void
cg_set(struct xconf *c, int sfd, int ctl, const char *leaf)
{
	char num[2 * FMT_ULONG + 2], *dir;
	unsigned long long q;
	size_t n;
	int v1 = 0, in;

	if ((dir = cg_v2(sfd, leaf, ctl, &in)) == 0) {
		if ((dir = cg_v1(leaf, ctl)) == 0)
			die(111, "no ", cg_ctl[ctl], " controller for ",
			    c->name, "'s ", cg_v2file[ctl], " limit");
		v1 = 1;
		/* one a run left is made anew, for fresh OOM counters */
		if (mkdir(dir, 0755) < 0 && (errno != EEXIST ||
		    (rmdir(dir) == 0 && mkdir(dir, 0755) < 0)))
			die_sys(111, "unable to make ", dir);
	}
	switch (ctl) {
	case CG_MEMORY:
		num[fmt_uint(num, c->memory_max)] = 0;
		if (v1) {
			/* with swap accounting, no swap beyond the limit */
			cg_write(dir, "memory.memsw.limit_in_bytes", "-1", 0);
			cg_write(dir, "memory.limit_in_bytes", num, 1);
			cg_write(dir, "memory.memsw.limit_in_bytes", num, 0);
		} else {
			cg_write(dir, "memory.max", num, 1);
			cg_write(dir, "memory.swap.max", "0", 0);
		}
		break;
	case CG_PIDS:
		num[fmt_uint(num, c->pids_max)] = 0;
		cg_write(dir, "pids.max", num, 1);
		break;
	case CG_CPU:
		q = c->cpu_max * (CG_PERIOD / 1000);
		if (q < 1000)
			q = 1000;
		n = fmt_uint(num, q);
		if (v1) {
			num[n] = 0;
			cg_write(dir, "cpu.cfs_period_us", "100000", 1);
			cg_write(dir, "cpu.cfs_quota_us", num, 1);
		} else {
			num[n++] = ' ';
			num[n + fmt_uint(num + n, CG_PERIOD)] = 0;
			cg_write(dir, "cpu.max", num, 1);
		}
		break;
	}
	if (v1 || !in)
		cg_write(dir, "cgroup.procs", "0", 1);
	free(dir);
}

/* run: set the limits asked for, before the chroot hides /sys. */
void
cg_apply(struct xconf *c, int sfd)
{
	long long want[CG_N] = { c->memory_max, c->pids_max, c->cpu_max };
	int i;
	char *leaf;

	if (want[0] < 0 && want[1] < 0 && want[2] < 0)
		return;
	leaf = cg_leaf(sfd);
	for (i = 0; i < CG_N; i++)
		if (want[i] >= 0)
			cg_set(c, sfd, i, leaf);
	free(leaf);
}

/*
 * finish: a SIGKILL with an OOM kill counted in the app's memory cgroup
 * was the OOM killer's; say so. Then remove the v1 cgroups run made.
 */
void
cg_finish(struct xconf *c, int sfd, int st)
{
	static const char *const events[2] = { "memory.events",
		"memory.oom_control" };
	struct timespec tick = { 0, 10000000 };
	unsigned long long n;
	const char *v;
	char *leaf, *dir, *f, *t, *e;
	int i, k, r;

	if (c->memory_max < 0 && c->pids_max < 0 && c->cpu_max < 0)
		return;
	leaf = cg_leaf(sfd);
	for (k = 0; k < 2 && c->memory_max >= 0 && st == 128 + 9; k++) {
		dir = k == 0 ? cg_v2(sfd, leaf, CG_MEMORY, &r) :
		    cg_v1(leaf, CG_MEMORY);
		if (dir == 0)
			continue;
		f = cg_cat(dir, "/", events[k]);
		t = conf_text(AT_FDCWD, "", f, 0);
		free(dir);
		free(f);
		if (t == 0)
			continue;
		if ((v = kv_get(t, "oom_kill")) != 0) {
			for (e = (char *)v; *e >= '0' && *e <= '9'; e++)
				;
			*e = 0;
			if (scan_uint(v, ~0ULL, &n) == 0 && n > 0)
				warn("app ", c->name,
				    ": killed by the OOM killer");
		}
		free(t);
		break;
	}
	/*
	 * The app's last processes may be dying still (a TERMed tree): give
	 * them a second. One that stays is left, for the next run to use.
	 */
	for (i = 0; i < CG_N; i++) {
		if ((dir = cg_v1(leaf, i)) == 0)
			continue;
		for (k = 0; (r = rmdir(dir)) < 0 && errno == EBUSY && k < 100;
		    k++)
			nanosleep(&tick, 0);
		if (r < 0 && errno != ENOENT && errno != EBUSY)
			warn_sys("unable to remove ", dir);
		free(dir);
	}
	free(leaf);
}
