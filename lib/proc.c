/* SPDX-License-Identifier: ISC */
/*
 * proc: find and signal processes through /proc. A subreaper that is not
 * PID 1 cannot use kill(-1), which would reach the whole host; it walks
 * each process's parent chain up to itself instead. A supervisor without
 * a cgroup finds an app's processes by their session.
 */
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/proc.h"

struct proc_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct proc_kill {
	pid_t root, exclude, sid;
	int sig, count;
};

/* A parent chain longer than this is a loop from pid reuse: give up. */
#define PROC_MAXDEPTH 1024

static int proc_kill_below(pid_t, void *);
static int proc_kill_insession(pid_t, void *);

/*
 * Parse the text of /proc/PID/stat: "pid (comm) S ppid pgrp sid ...", with
 * the start time as field 22. comm may hold spaces and parentheses, so the
 * fields are counted from the last ')'.
 */
int
proc_stat_parse(const char *buf, size_t len, struct proc_stat *ps)
{
	unsigned long long v[20];
	size_t i, close = len;
	int f;

	for (i = 0; i < len; i++)
		if (buf[i] == ')')
			close = i;
	if (close == len || close + 4 > len || buf[close + 1] != ' ')
		return -1;
	/* field 3 is the state letter; fields 4..22 are numbers */
	i = close + 2;
	ps->state = buf[i];
	while (i < len && buf[i] != ' ')
		i++;
	for (f = 0; f < 19; f++) {
		size_t start;
		int neg = 0;

		if (i >= len || buf[i] != ' ')
			return -1;
		start = ++i;
		if (i < len && buf[i] == '-') {
			neg = 1;
			start = ++i;
		}
		for (v[f] = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
			v[f] = v[f] * 10 + (buf[i] - '0');
		if (i == start)
			return -1;
		if (neg)
			v[f] = 0;
	}
	if (v[0] > 0x7fffffff || v[1] > 0x7fffffff || v[2] > 0x7fffffff)
		return -1;
	ps->ppid = v[0];
	ps->pgrp = v[1];
	ps->sid = v[2];
	ps->start = v[18];
	return 0;
}

/* 0 with *ps filled, -1 when pid is gone or its stat unreadable. */
int
proc_stat_read(pid_t pid, struct proc_stat *ps)
{
	char path[32] = "/proc/", buf[1024];
	int fd, n;

	memcpy(path + 6 + fmt_uint(path + 6, pid), "/stat", 6);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = fd_read_nointr(fd, buf, sizeof buf);
	fd_close(fd);
	if (n <= 0)
		return -1;
	return proc_stat_parse(buf, n, ps);
}

/*
 * Call fn(pid, arg) for every process in /proc; fn returning non-zero stops
 * the scan. 0 when done, -1 when /proc cannot be read.
 */
int
proc_scan(int (*fn)(pid_t, void *), void *arg)
{
	char buf[2048];
	int dfd, n, stop = 0;

	dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	while (!stop && (n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
		int off;

		for (off = 0; off < n && !stop;) {
			struct proc_dirent64 *d = (void *)(buf + off);
			unsigned long long pid;

			off += d->d_reclen;
			if (scan_uint(d->d_name, 0x7fffffff, &pid) == 0)
				stop = fn(pid, arg);
		}
	}
	fd_close(dfd);
	return !stop && n < 0 ? -1 : 0;
}

static int
proc_kill_below(pid_t pid, void *arg)
{
	struct proc_kill *k = arg;
	struct proc_stat ps;
	pid_t p = pid;
	int depth;

	if (pid == k->root || pid == k->exclude)
		return 0;
	for (depth = 0; depth < PROC_MAXDEPTH && p > 1; depth++) {
		if (proc_stat_read(p, &ps) < 0)
			return 0;
		p = ps.ppid;
		if (p == k->exclude)
			return 0;
		if (p == k->root) {
			if (kill(pid, k->sig) == 0)
				k->count++;
			return 0;
		}
	}
	return 0;
}

/*
 * Send sig to every process below root, except exclude and what is below
 * it (0 for none). Returns how many were signalled, -1 without /proc.
 */
int
proc_kill_descendants(pid_t root, pid_t exclude, int sig)
{
	struct proc_kill k = { root, exclude ? exclude : -1, 0, sig, 0 };

	return proc_scan(proc_kill_below, &k) < 0 ? -1 : k.count;
}

static int
proc_kill_insession(pid_t pid, void *arg)
{
	struct proc_kill *k = arg;
	struct proc_stat ps;

	/* a zombie is beyond signals: it only waits for its parent */
	if (proc_stat_read(pid, &ps) == 0 && ps.sid == k->sid &&
	    ps.state != 'Z' && pid != k->root && kill(pid, k->sig) == 0)
		k->count++;
	return 0;
}

/* Send sig to every live process of session sid but us: how many, or -1. */
int
proc_kill_session(pid_t sid, int sig)
{
	struct proc_kill k = { getpid(), -1, sid, sig, 0 };

	return proc_scan(proc_kill_insession, &k) < 0 ? -1 : k.count;
}
