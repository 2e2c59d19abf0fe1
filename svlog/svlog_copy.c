/* SPDX-License-Identifier: ISC */
/*
 * svlog_copy: the best-effort copies of lines, -o's to stdout and the e
 * patterns' to stderr. They never hold up the files: what a slow or gone
 * reader cannot take now is dropped, counted and reported.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "svlog/svlog.h"

/*
 * A copy must never hold up the files: a pipe or terminal is opened
 * anew, non-blocking, so O_NONBLOCK stays off the description others
 * share; a socket gets MSG_DONTWAIT (*sock); a file does not block.
 */
int
svlog_copy_open(int fd, int *sock)
{
	char path[32] = "/proc/self/fd/";
	struct stat st;
	int nfd;

	*sock = 0;
	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISSOCK(st.st_mode)) {
		*sock = 1;
		return fd;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return fd;
	fmt_uint(path + 14, fd);
	nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (nfd < 0) {
		warn_sys("unable to reopen fd ", path + 14,
		    " non-blocking, the copy may block");
		return fd;
	}
	return nfd;
}

/*
 * Write a copy buffer without ever blocking: whole lines, at most
 * PIPE_BUF bytes a write so lines of several loggers sharing one stdout
 * never interleave. What does not fit now is dropped and counted.
 */
void
svlog_copy_flush(struct svlog_copy *c, int fd, int sock, int *mid,
    const char *what)
{
	size_t off = 0;
	const char *p;
	int e = 0;

	if (fd < 0)
		c->len = 0;
	while (off < c->len) {
		size_t n = c->len - off;
		ssize_t w;

		if (*mid) {
			/* a line cut short: end it before the next */
			if (write(fd, "\n", 1) != 1) {
				e = errno;
				break;
			}
			*mid = 0;
		}
		if (n > PIPE_BUF) {
			p = memrchr(c->buf + off, '\n', PIPE_BUF);
			if (p == 0)
				p = memchr(c->buf + off, '\n', n);
			n = p - (c->buf + off) + 1;
		}
		w = sock ? send(fd, c->buf + off, n, MSG_DONTWAIT |
		    MSG_NOSIGNAL) : write(fd, c->buf + off, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EAGAIN;
			break;
		}
		off += w;
		if ((size_t)w < n) {
			/* only a line longer than PIPE_BUF gets here */
			*mid = 1;
			p = memchr(c->buf + off, '\n', c->len - off);
			off = p - c->buf + 1;
			c->dropped++;
			e = EAGAIN;
			break;
		}
	}
	for (p = c->buf + off; p < c->buf + c->len; p++)
		if ((p = memchr(p, '\n', c->buf + c->len - p)) == 0)
			break;
		else
			c->dropped++;
	if (off < c->len && !c->failing) {
		/* once per stretch of trouble, not once per batch */
		errno = e;
		warn_sys("dropping lines of the ", what, " copy");
		c->failing = 1;
	}
	if (off == c->len && c->dropped && fd >= 0) {
		char num[FMT_ULONG];

		fmt_uint(num, c->dropped);
		warn("dropped ", num, " lines of the ", what, " copy");
		c->dropped = 0;
		c->failing = 0;
	}
	c->len = 0;
}
