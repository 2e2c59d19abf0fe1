/* SPDX-License-Identifier: ISC */
/*
 * opt: parse one option per call. Returns the letter, '?' for an unknown
 * letter or a missing argument (o->bad says which), -1 at the operands.
 */
#include <string.h>

#include "lib/opt.h"

int
opt_next(struct opt *o, int argc, char *const *argv, const char *spec)
{
	const char *a, *p;
	char c;

	if (o->pos == 0) {
		if (o->ind >= argc)
			return -1;
		a = argv[o->ind];
		if (a[0] != '-' || a[1] == 0)
			return -1;
		if (a[1] == '-' && a[2] == 0) {
			o->ind++;
			return -1;
		}
		o->pos = 1;
	}
	a = argv[o->ind];
	c = a[o->pos++];
	p = c == ':' ? 0 : strchr(spec, c);
	if (a[o->pos] == 0) {
		o->ind++;
		o->pos = 0;
	}
	if (p == 0) {
		o->bad = c;
		return '?';
	}
	if (p[1] != ':')
		return c;
	if (o->pos) {
		/* the rest of this word: -e2 */
		o->arg = a + o->pos;
		o->ind++;
		o->pos = 0;
	} else if (o->ind < argc)
		o->arg = argv[o->ind++];
	else {
		o->bad = c;
		return '?';
	}
	return c;
}
