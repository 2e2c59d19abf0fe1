/* SPDX-License-Identifier: ISC */
/*
 * proc: find and signal every descendant of a process through /proc. A
 * subreaper that is not PID 1 cannot use kill(-1), which would reach the
 * whole host; it walks each process's parent chain up to itself instead.
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

/* A parent chain longer than this is a loop from pid reuse: give up. */
#define PROC_MAXDEPTH 1024

static int proc_is_descendant(pid_t, pid_t);

/*
 * Parse the ppid out of the text of /proc/PID/stat: "pid (comm) S ppid".
 * comm may hold spaces and parentheses, so look after the last ')'.
 */
int
proc_stat_ppid(const char *buf, size_t len, pid_t *ppid)
{
	unsigned long long n = 0;
	size_t i, close = len;

	for (i = 0; i < len; i++)
		if (buf[i] == ')')
			close = i;
	if (close == len || close + 5 > len || buf[close + 1] != ' ' ||
	    buf[close + 3] != ' ')
		return -1;
	for (i = close + 4; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
		n = n * 10 + (buf[i] - '0');
	if (i == close + 4 || i == len || buf[i] != ' ' || n > 0x7fffffff)
		return -1;
	*ppid = n;
	return 0;
}

/* The parent of pid, 0 for none, -1 when it is gone or unreadable. */
pid_t
proc_ppid(pid_t pid)
{
	char path[32] = "/proc/", buf[512];
	pid_t ppid;
	int fd, n;

	memcpy(path + 6 + fmt_uint(path + 6, pid), "/stat", 6);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = fd_read_nointr(fd, buf, sizeof buf);
	fd_close(fd);
	if (n <= 0 || proc_stat_ppid(buf, n, &ppid) < 0)
		return -1;
	return ppid;
}

static int
proc_is_descendant(pid_t pid, pid_t root)
{
	int depth;

	for (depth = 0; depth < PROC_MAXDEPTH && pid > 1; depth++) {
		pid = proc_ppid(pid);
		if (pid == root)
			return 1;
	}
	return 0;
}

/*
 * Send sig to every process below root. Returns how many were signalled,
 * or -1 when /proc cannot be read.
 */
int
proc_kill_descendants(pid_t root, int sig)
{
	char buf[2048];
	int dfd, n, count = 0;

	dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
		int off;

		for (off = 0; off < n;) {
			struct proc_dirent64 *d = (void *)(buf + off);
			unsigned long long pid;

			off += d->d_reclen;
			if (scan_uint(d->d_name, 0x7fffffff, &pid) < 0 ||
			    (pid_t)pid == root)
				continue;
			if (proc_is_descendant(pid, root) &&
			    kill(pid, sig) == 0)
				count++;
		}
	}
	fd_close(dfd);
	return n < 0 ? -1 : count;
}
