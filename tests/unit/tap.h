/* SPDX-License-Identifier: ISC */
/*
 * tap.h: the Test Anything Protocol for C unit tests. The plan is printed
 * at the end by done_testing(), so nobody counts tests by hand.
 */
#ifndef POD1_TAP_H
#define POD1_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int pass, const char *file, int line, const char *name)
{
	printf("%sok %d - %s\n", pass ? "" : "not ", ++tap_n, name);
	if (!pass) {
		printf("#   Failed test at %s line %d\n", file, line);
		tap_failed++;
	}
	return pass;
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, (name))

#define is_int(got, want, name) do { \
	long long g_ = (got), w_ = (want); \
	if (!tap_ok(g_ == w_, __FILE__, __LINE__, (name))) \
		printf("#          got: %lld\n#     expected: %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int p_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_; \
	if (!tap_ok(p_, __FILE__, __LINE__, (name))) \
		printf("#          got: '%s'\n#     expected: '%s'\n", \
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define skip(why) printf("ok %d # SKIP %s\n", ++tap_n, (why))

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
