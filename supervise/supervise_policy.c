/* SPDX-License-Identifier: ISC */
/*
 * The pure rules of the supervisor, kept apart from its I/O so they are
 * unit-tested: which event a control byte is, and how long the backoff
 * after a run of quick failures lasts.
 */
#include <string.h>

#include "supervise/supervise.h"

/* runit's letters ('e' is accepted as 'x'), in enum event order */
static const char policy_letters[EV_NEVENTS + 1] = "udoxtkpchaiq12";

/* The event of control byte c, or -1 for a byte runsv ignores. */
int
policy_event(char c)
{
	const char *p;

	if (c == 'e')
		c = 'x';
	if (c == 0 || (p = strchr(policy_letters, c)) == 0)
		return -1;
	return p - policy_letters;
}

/*
 * The delay before the start that follows the nth quick failure in a row:
 * none after the first, then backoff-min doubling up to backoff-max.
 */
long long
policy_backoff(const struct conf *c, unsigned failures)
{
	long long d;
	unsigned i;

	if (failures <= 1)
		return 0;
	d = c->backoff_min;
	for (i = 2; i < failures && d < c->backoff_max; i++)
		d *= 2;
	return d < c->backoff_max ? d : c->backoff_max;
}
