/* SPDX-License-Identifier: ISC */
/*
 * errname: appc's seccomp isolators name the errno a blocked system call
 * returns ("EPERM"); the libc has no table from names to numbers.
 */
#include <errno.h>
#include <string.h>

#include "lib/errname.h"

#define E(x) { #x, x }

static const struct {
	const char *name;
	int num;
} errname_table[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(EWOULDBLOCK), E(ENOMSG),
	E(ENODATA), E(ENOTSUP), E(EOPNOTSUPP), E(EPROTO), E(EOVERFLOW),
	E(EILSEQ), E(ENOTSOCK), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ECANCELED),
	E(EAFNOSUPPORT), E(EPROTONOSUPPORT), E(EDQUOT), E(ENOMEDIUM),
};

/* The number of an errno name, or -1. */
int
errname_number(const char *name)
{
	unsigned i;

	for (i = 0; i < sizeof errname_table / sizeof errname_table[0]; i++)
		if (strcmp(errname_table[i].name, name) == 0)
			return errname_table[i].num;
	return -1;
}
