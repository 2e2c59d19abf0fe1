/* SPDX-License-Identifier: ISC */
/*
 * err: "prog: fatal: unable to x: reason" on fd 2, one writev(2) per
 * message so lines from several processes never interleave. Long messages
 * are truncated, never split.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"

#define ERR_MAXPARTS 16

const char *err_prog = "pod1";

static void err_vput(const char *, int, const char *, va_list);

static void
err_vput(const char *level, int sys, const char *s, va_list ap)
{
	struct iovec iov[ERR_MAXPARTS + 6];
	int n = 0, e = errno;

	iov[n].iov_base = (void *)err_prog;
	iov[n++].iov_len = strlen(err_prog);
	iov[n].iov_base = (void *)level;
	iov[n++].iov_len = strlen(level);
	for (; s != NULL; s = va_arg(ap, const char *)) {
		if (n >= ERR_MAXPARTS + 2)
			continue;
		iov[n].iov_base = (void *)s;
		iov[n++].iov_len = strlen(s);
	}
	if (sys) {
		const char *r = strerror(e);

		iov[n].iov_base = (void *)": ";
		iov[n++].iov_len = 2;
		iov[n].iov_base = (void *)r;
		iov[n++].iov_len = strlen(r);
	}
	iov[n].iov_base = (void *)"\n";
	iov[n++].iov_len = 1;
	while (writev(2, iov, n) < 0 && errno == EINTR)
		;
	errno = e;
}

void
err_warn(int kind, const char *s, ...)
{
	va_list ap;

	va_start(ap, s);
	err_vput(kind == ERR_INFO ? ": info: " : ": warning: ",
	    kind == ERR_SYS, s, ap);
	va_end(ap);
}

void
err_die(int code, int sys, const char *s, ...)
{
	va_list ap;

	va_start(ap, s);
	err_vput(": fatal: ", sys, s, ap);
	va_end(ap);
	/* no stdio to flush; exit() still lets LeakSanitizer run */
	exit(code);
}

void
err_usage(const char *usage)
{
	const char *u[] = { "usage: ", usage };
	struct iovec iov[3];
	int i;

	for (i = 0; i < 2; i++) {
		iov[i].iov_base = (void *)u[i];
		iov[i].iov_len = strlen(u[i]);
	}
	iov[2].iov_base = (void *)"\n";
	iov[2].iov_len = 1;
	while (writev(2, iov, 3) < 0 && errno == EINTR)
		;
	exit(100);
}
