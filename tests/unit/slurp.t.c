/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/slurp.c: a whole file, past its buffer's first size. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/slurp.h"
#include "tests/unit/tap.h"

int
main(void)
{
	char path[] = "/tmp/pod1-slurp.XXXXXX", *big, *got;
	size_t n = 3 * 8192 + 17, len = 0, i;
	int fd = mkstemp(path);

	if (fd < 0) {
		skip("no temporary file");
		return done_testing();
	}
	unlink(path);
	if ((big = malloc(n)) == 0)
		return 1;
	for (i = 0; i < n; i++)
		big[i] = 'a' + i % 26;
	big[100] = 0;
	if (write(fd, big, n) != (ssize_t)n)
		return 1;
	lseek(fd, 0, SEEK_SET);
	got = fd_slurp(fd, &len);
	is_int(len, n, "every byte of a file larger than the first buffer");
	ok(got && memcmp(got, big, n) == 0, "  the same bytes, a NUL among them");
	ok(got && got[n] == 0, "  and a NUL after them");
	free(got);
	got = fd_slurp(fd, &len);
	ok(got && len == 0 && got[0] == 0, "at the end: empty, NUL-terminated");
	free(got);
	lseek(fd, n - 5, SEEK_SET);
	got = fd_slurp(fd, 0);
	ok(got && memcmp(got, big + n - 5, 5) == 0 && got[5] == 0,
	    "from where the offset stands; len may be NULL");
	free(got);
	close(fd);
	errno = 0;
	ok(fd_slurp(fd, &len) == 0 && errno == EBADF,
	    "a bad fd: NULL with errno");
	free(big);
	return done_testing();
}
