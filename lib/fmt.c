/* SPDX-License-Identifier: ISC */
/*
 * fmt: decimal formatting that a PID 1 can call in its loop (no stdio, no
 * locale), and strict scanning for command-line numbers.
 */
#include <stddef.h>

#include "lib/fmt.h"

/* Write n in decimal and a NUL into buf; return the length without NUL. */
size_t
fmt_uint(char *buf, unsigned long long n)
{
	char tmp[FMT_ULONG];
	size_t len = 0, i;

	do {
		tmp[len++] = '0' + n % 10;
		n /= 10;
	} while (n > 0);
	for (i = 0; i < len; i++)
		buf[i] = tmp[len - 1 - i];
	buf[len] = 0;
	return len;
}

size_t
fmt_int(char *buf, long long n)
{
	if (n >= 0)
		return fmt_uint(buf, n);
	buf[0] = '-';
	/* negate in unsigned arithmetic: -LLONG_MIN overflows a long long */
	return 1 + fmt_uint(buf + 1, -(unsigned long long)n);
}

/*
 * Parse a whole string of decimal digits no greater than max into *out:
 * 0 on success, -1 for an empty string, a stray character or overflow.
 */
int
scan_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long n = 0;

	if (*s == 0)
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = *s - '0';
		if (d > max || n > (max - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}
