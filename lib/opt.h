/* SPDX-License-Identifier: ISC */
/*
 * opt: a getopt without stdio or globals. Options stop at "--" or the
 * first operand, as POSIX getopt with a leading '+' does.
 */
#ifndef POD1_OPT_H
#define POD1_OPT_H

struct opt {
	int ind;		/* next argv index; operands start here at the end */
	int pos;		/* position inside a bundle like -gv */
	const char *arg;	/* the option's argument */
	char bad;		/* the offending letter after a '?' */
};

#define OPT_INIT { 1, 0, 0, 0 }

int opt_next(struct opt *, int, char *const *, const char *);

#endif
