/* SPDX-License-Identifier: ISC */
/*
 * slurp: a whole file into memory, for the set-up programs (pod1,
 * pod1-stage1, pod1-exec). A file of its own, so the long-lived programs,
 * which use no heap, never link malloc through it.
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/fd.h"
#include "lib/slurp.h"

/*
 * What is left to read on fd, in a buffer from malloc with a NUL after it
 * (free() it), its length in *len when len is not NULL; NULL with errno
 * when reading fails or memory runs out.
 */
char *
fd_slurp(int fd, size_t *len)
{
	size_t n = 0, cap = 0;
	char *buf = 0, *p;
	int r, e;

	for (;;) {
		if (cap - n < 4096 + 1) {
			cap = cap ? 2 * cap : 8192;
			if ((p = realloc(buf, cap)) == 0) {
				free(buf);
				errno = ENOMEM;
				return 0;
			}
			buf = p;
		}
		r = fd_read_nointr(fd, buf + n, cap - n - 1);
		if (r < 0) {
			e = errno;
			free(buf);
			errno = e;
			return 0;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}
