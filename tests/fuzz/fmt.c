/* SPDX-License-Identifier: ISC */
/*
 * Fuzz lib/fmt.c: the first 8 bytes are the bound, the rest a number as
 * text. scan_uint must take exactly the digit strings within the bound,
 * and fmt_uint and fmt_int must print what scans back to the same value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The reference: digits only, the value in 128 bits. */
static int
naive(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned __int128 n = 0;

	if (*s == 0)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	*out = n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char s[64], buf[FMT_ULONG];
	unsigned long long max = 0, a, b;
	long long i;
	size_t n;
	int ra, rb;

	if (len < 8)
		return 0;
	memcpy(&max, data, 8);
	n = len - 8 < sizeof s - 1 ? len - 8 : sizeof s - 1;
	memcpy(s, data + 8, n);
	s[n] = 0;
	ra = scan_uint(s, max, &a);
	rb = naive(s, max, &b);
	if (ra != rb || (ra == 0 && a != b))
		abort();
	if (fmt_uint(buf, max) != strlen(buf) || scan_uint(buf, ~0ULL, &a) ||
	    a != max)
		abort();
	memcpy(&i, &max, sizeof i);
	if (fmt_int(buf, i) != strlen(buf) || strtoll(buf, 0, 10) != i)
		abort();
	return 0;
}
