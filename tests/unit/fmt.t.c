/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/fmt.c: decimal formatting and strict scanning. */
#include <limits.h>

#include "lib/fmt.h"
#include "tests/unit/tap.h"

int
main(void)
{
	char buf[FMT_ULONG];
	unsigned long long n;

	is_int(fmt_uint(buf, 0), 1, "fmt_uint 0 length");
	is_str(buf, "0", "fmt_uint 0");
	fmt_uint(buf, 1234567890);
	is_str(buf, "1234567890", "fmt_uint 1234567890");
	is_int(fmt_uint(buf, ULLONG_MAX), 20, "fmt_uint max length");
	is_str(buf, "18446744073709551615", "fmt_uint max");
	fmt_int(buf, -42);
	is_str(buf, "-42", "fmt_int negative");
	is_int(fmt_int(buf, LLONG_MIN), 20, "fmt_int min length");
	is_str(buf, "-9223372036854775808", "fmt_int min");

	ok(scan_uint("255", 255, &n) == 0 && n == 255, "scan_uint at max");
	ok(scan_uint("256", 255, &n) < 0, "scan_uint over max");
	ok(scan_uint("7", 5, &n) < 0, "scan_uint digit over a small max");
	ok(scan_uint("", 255, &n) < 0, "scan_uint empty");
	ok(scan_uint("12a", 255, &n) < 0, "scan_uint stray character");
	ok(scan_uint("-1", 255, &n) < 0, "scan_uint sign");
	ok(scan_uint("18446744073709551615", ULLONG_MAX, &n) == 0 &&
	    n == ULLONG_MAX, "scan_uint 64-bit max");
	ok(scan_uint("18446744073709551616", ULLONG_MAX, &n) < 0,
	    "scan_uint 64-bit overflow");
	ok(scan_uint("007", 255, &n) == 0 && n == 7, "scan_uint leading zeros");
	return done_testing();
}
