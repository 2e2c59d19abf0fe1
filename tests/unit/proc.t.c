/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/proc.c: parsing /proc/PID/stat and the live walks. */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/proc.h"
#include "tests/unit/tap.h"

#define TAIL " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 777 8 9"

static int
parse(const char *s, struct proc_stat *ps)
{
	return proc_stat_parse(s, strlen(s), ps);
}

int
main(void)
{
	struct proc_stat ps;
	pid_t kid;
	int st;

	ok(parse("12 (sh) S 7 12 5" TAIL, &ps) == 0 && ps.ppid == 7 &&
	    ps.pgrp == 12 && ps.sid == 5, "plain comm: ppid, pgrp, sid");
	is_int(ps.start, 777, "start time is field 22");
	is_int(ps.state, 'S', "state letter");
	ok(parse("12 (a) b) R 99 1 1" TAIL, &ps) == 0 && ps.ppid == 99,
	    "comm holding ') '");
	ok(parse("12 (x (y)) Z 3 3 3" TAIL, &ps) == 0 && ps.ppid == 3,
	    "nested parens");
	ok(parse("12 (sh) S ", &ps) < 0, "fields missing");
	ok(parse("12 (sh S 7 1 1" TAIL, &ps) < 0, "no closing paren");
	ok(parse("12 (sh) S 7x 1 1" TAIL, &ps) < 0, "junk in ppid");
	ok(parse("12 (sh) S 7 12 5 0 -1 4194560", &ps) < 0,
	    "truncated before the start time");
	ok(proc_stat_read(getpid(), &ps) == 0 && ps.ppid == getppid() &&
	    ps.sid == getsid(0) && ps.pgrp == getpgrp(),
	    "our own ids from /proc");
	ok(proc_stat_read(0x7ffffffe, &ps) < 0, "a missing pid");

	/* a child in its own session is found below us and in its session */
	kid = fork();
	if (kid == 0) {
		setsid();
		pause();
		_exit(0);
	}
	while (proc_stat_read(kid, &ps) < 0 || ps.sid != kid)
		usleep(1000);
	is_int(proc_kill_descendants(getpid(), kid, 0), 0,
	    "an excluded child is not signalled");
	is_int(proc_kill_session(kid, 0), 1, "the child's session has one");
	is_int(proc_kill_descendants(getpid(), 0, SIGTERM), 1,
	    "one descendant signalled");
	ok(waitpid(kid, &st, 0) == kid && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGTERM, "and it got TERM");
	return done_testing();
}
