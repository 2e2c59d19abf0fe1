/* SPDX-License-Identifier: ISC */
/*
 * fd: close, move and write file descriptors the way a long-lived process
 * needs: errno preserved across cleanup, EINTR retried where it is safe.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>	/* renameat */
#include <unistd.h>

#include "lib/fd.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

struct fd_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int fd_closefrom_proc(int);

/* Linux closes the fd even when close() fails: never retry it. */
void
fd_close(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

int
fd_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* Move fd from to fd to, leaving to without FD_CLOEXEC (for a child). */
int
fd_move(int to, int from)
{
	if (to == from) {
		int fl = fcntl(to, F_GETFD);

		return fl < 0 ? -1 : fcntl(to, F_SETFD, fl & ~FD_CLOEXEC);
	}
	while (dup2(from, to) < 0)
		if (errno != EINTR)
			return -1;
	fd_close(from);
	return 0;
}

/*
 * Read /proc/self/fd with getdents64 (no malloc, unlike opendir) and close
 * what is listed; the directory fd itself is skipped.
 */
static int
fd_closefrom_proc(int low)
{
	char buf[1024];
	int dfd, n, again = 1;

	while (again) {
		again = 0;
		dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -1;
		while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
			int off;

			for (off = 0; off < n;) {
				struct fd_dirent64 *d = (void *)(buf + off);
				const char *p = d->d_name;
				int fd = 0;

				off += d->d_reclen;
				if (*p < '0' || *p > '9')
					continue;
				for (; *p >= '0' && *p <= '9'; p++)
					fd = fd * 10 + (*p - '0');
				if (fd >= low && fd != dfd) {
					close(fd);
					/* the listing shifts under us */
					again = 1;
				}
			}
		}
		close(dfd);
		if (n < 0)
			return -1;
	}
	return 0;
}

/* Close every fd >= low: close_range(2), else /proc, else brute force. */
void
fd_closefrom(int low)
{
	struct rlimit rl;
	int e = errno;
	long max, fd;

	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0)
		goto out;
	if (fd_closefrom_proc(low) == 0)
		goto out;
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : 1024;
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = low; fd < max; fd++)
		close(fd);
out:
	errno = e;
}

int
fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

int
fd_read_nointr(int fd, void *buf, size_t len)
{
	ssize_t r;

	while ((r = read(fd, buf, len)) < 0 && errno == EINTR)
		;
	return r;
}

/*
 * Replace file name in dir dfd by writing tmp and renaming it over name,
 * so readers see the old or the new content, never a mix.
 */
int
fd_replace(int dfd, const char *tmp, const char *name, const void *buf,
    size_t len)
{
	int fd;

	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (fd_write_all(fd, buf, len) < 0) {
		fd_close(fd);
		return -1;
	}
	fd_close(fd);
	return renameat(dfd, tmp, dfd, name);
}
