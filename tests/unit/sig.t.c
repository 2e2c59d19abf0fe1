/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/sig.c: names, numbers and the synchronous set. */
#include <signal.h>

#include "lib/sig.h"
#include "tests/unit/tap.h"

int
main(void)
{
	int s, named = 0;

	is_int(sig_number("TERM"), SIGTERM, "TERM");
	is_int(sig_number("SIGTERM"), SIGTERM, "SIGTERM");
	is_int(sig_number("sigkill"), SIGKILL, "sigkill, any case");
	is_int(sig_number("15"), 15, "15");
	is_int(sig_number("0"), -1, "0 is no signal");
	is_int(sig_number("65"), -1, "65 is past _NSIG");
	is_int(sig_number("SIGFOO"), -1, "unknown name");
	is_int(sig_number(""), -1, "empty");
	is_str(sig_name(SIGWINCH), "WINCH", "name of WINCH");
	is_str(sig_name(0), 0, "no name for 0");
	for (s = 1; s < 32; s++)
		if (sig_name(s) && sig_number(sig_name(s)) == s)
			named++;
	is_int(named, 31, "every classic signal round-trips by name");
	ok(sig_is_sync(SIGSEGV) && sig_is_sync(SIGBUS) && sig_is_sync(SIGSYS),
	    "faults are synchronous");
	ok(!sig_is_sync(SIGTERM) && !sig_is_sync(SIGCHLD),
	    "TERM and CHLD are not");
	return done_testing();
}
