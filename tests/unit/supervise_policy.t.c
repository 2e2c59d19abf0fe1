/* SPDX-License-Identifier: ISC */
/* Unit tests for supervise/supervise_policy.c: control bytes, backoff. */
#include "supervise/supervise.h"
#include "tests/unit/tap.h"

int
main(void)
{
	struct conf c = { RESTART_ALWAYS, 100, 800, 10000, 5000, 0, 60000, 0 };
	const char *all = "udoxtkpchaiq12";
	int i, inorder = 1;

	for (i = 0; all[i]; i++)
		if (policy_event(all[i]) != i)
			inorder = 0;
	ok(inorder, "runit's 14 letters map to the events in order");
	is_int(policy_event('e'), EV_EXIT, "e is x, as sv exit means");
	is_int(policy_event('d'), EV_DOWN, "d");
	is_int(policy_event('2'), EV_USR2, "2 is USR2");
	is_int(policy_event('X'), -1, "X is not x");
	is_int(policy_event('C'), -1, "C (sv check) sends nothing to runsv");
	is_int(policy_event(0), -1, "NUL");
	is_int(policy_event('\n'), -1, "newline");

	is_int(policy_backoff(&c, 0), 0, "no failure: no wait");
	is_int(policy_backoff(&c, 1), 0, "first quick failure: at once");
	is_int(policy_backoff(&c, 2), 100, "second: backoff-min");
	is_int(policy_backoff(&c, 3), 200, "third: doubled");
	is_int(policy_backoff(&c, 4), 400, "fourth: doubled again");
	is_int(policy_backoff(&c, 5), 800, "fifth: at backoff-max");
	is_int(policy_backoff(&c, 6), 800, "then capped");
	is_int(policy_backoff(&c, 4000000000U), 800,
	    "no overflow after billions of failures");
	c.backoff_min = 300;
	c.backoff_max = 1000;
	is_int(policy_backoff(&c, 4), 1000, "a cap that is no power of two");
	c.backoff_max = 300;
	is_int(policy_backoff(&c, 2), 300, "min equal to max");
	return done_testing();
}
