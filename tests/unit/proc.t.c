/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/proc.c: parsing /proc/PID/stat and the live walk. */
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include "lib/proc.h"
#include "tests/unit/tap.h"

static int
ppid_of(const char *s, pid_t *p)
{
	return proc_stat_ppid(s, strlen(s), p);
}

int
main(void)
{
	pid_t p = 0;

	ok(ppid_of("12 (sh) S 7 12 12 0 -1", &p) == 0 && p == 7, "plain comm");
	ok(ppid_of("12 (a) b) R 99 1 1", &p) == 0 && p == 99,
	    "comm holding ') '");
	ok(ppid_of("12 (x (y)) Z 3 ", &p) == 0 && p == 3, "nested parens");
	ok(ppid_of("12 (sh) S ", &p) < 0, "ppid missing");
	ok(ppid_of("12 (sh S 7 1", &p) < 0, "no closing paren");
	ok(ppid_of("12 (sh) S 7x 1", &p) < 0, "junk in ppid");
	ok(ppid_of("12 (sh) S 7", &p) < 0, "truncated after ppid");
	is_int(proc_ppid(getpid()), getppid(), "our own ppid from /proc");
	is_int(proc_ppid(0x7ffffffe), -1, "a missing pid");
	return done_testing();
}
