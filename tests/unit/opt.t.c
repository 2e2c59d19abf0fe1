/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/opt.c: bundles, arguments, "--" and operands. */
#include "lib/opt.h"
#include "tests/unit/tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	char *a1[] = { "p", "-gv", "-e", "3", "-e4", "--", "-cmd", "x" };
	char *a2[] = { "p", "-g", "cmd", "-v" };
	char *a3[] = { "p", "-x" };
	char *a4[] = { "p", "-e" };
	char *a5[] = { "p", "-", "y" };
	struct opt o = OPT_INIT;

	is_int(opt_next(&o, NELEM(a1), a1, "ge:v"), 'g', "bundle: g");
	is_int(opt_next(&o, NELEM(a1), a1, "ge:v"), 'v', "bundle: v");
	is_int(opt_next(&o, NELEM(a1), a1, "ge:v"), 'e', "separate argument");
	is_str(o.arg, "3", "its value");
	is_int(opt_next(&o, NELEM(a1), a1, "ge:v"), 'e', "attached argument");
	is_str(o.arg, "4", "its value");
	is_int(opt_next(&o, NELEM(a1), a1, "ge:v"), -1, "-- ends options");
	is_int(o.ind, 6, "operands start after --");

	o = (struct opt)OPT_INIT;
	is_int(opt_next(&o, NELEM(a2), a2, "gv"), 'g', "g");
	is_int(opt_next(&o, NELEM(a2), a2, "gv"), -1, "stop at an operand");
	is_int(o.ind, 2, "the operand's index");

	o = (struct opt)OPT_INIT;
	is_int(opt_next(&o, NELEM(a3), a3, "gv"), '?', "unknown letter");
	is_int(o.bad, 'x', "names it");
	o = (struct opt)OPT_INIT;
	is_int(opt_next(&o, NELEM(a4), a4, "e:"), '?', "missing argument");
	is_int(o.bad, 'e', "names it");
	o = (struct opt)OPT_INIT;
	is_int(opt_next(&o, NELEM(a5), a5, "e:"), -1, "a lone - is an operand");
	is_int(o.ind, 1, "at index 1");
	return done_testing();
}
