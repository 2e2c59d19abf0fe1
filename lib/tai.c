/* SPDX-License-Identifier: ISC */
/*
 * tai: pack, unpack and print TAI64N labels. Pure except tai_now(), so the
 * status file and log-name encodings can be unit-tested byte for byte.
 */
#include <time.h>

#include "lib/tai.h"

static const char tai_digits[] = "0123456789abcdef";

void
tai_now(struct tai *t)
{
	struct timespec ts;

	/* CLOCK_REALTIME cannot fail with a valid pointer */
	clock_gettime(CLOCK_REALTIME, &ts);
	tai_from_unix(t, ts.tv_sec, ts.tv_nsec);
}

void
tai_from_unix(struct tai *t, long long sec, unsigned long nsec)
{
	t->sec = TAI_OFFSET + (unsigned long long)sec;
	t->nsec = nsec;
}

long long
tai_to_unix(const struct tai *t)
{
	return (long long)(t->sec - TAI_OFFSET);
}

void
tai_pack(unsigned char *p, const struct tai *t)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = t->sec >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		p[8 + i] = t->nsec >> (24 - 8 * i);
}

void
tai_unpack(const unsigned char *p, struct tai *t)
{
	int i;

	t->sec = 0;
	for (i = 0; i < 8; i++)
		t->sec = t->sec << 8 | p[i];
	t->nsec = 0;
	for (i = 0; i < 4; i++)
		t->nsec = t->nsec << 8 | p[8 + i];
}

/* "@4000000069...": 25 characters and a NUL. */
void
tai_fmt_hex(char *s, const struct tai *t)
{
	unsigned char p[TAI_PACK];
	int i;

	tai_pack(p, t);
	*s++ = '@';
	for (i = 0; i < TAI_PACK; i++) {
		*s++ = tai_digits[p[i] >> 4];
		*s++ = tai_digits[p[i] & 15];
	}
	*s = 0;
}

/* The inverse of tai_fmt_hex, lowercase only: 0, or -1 if s is no label. */
int
tai_scan_hex(const char *s, struct tai *t)
{
	unsigned char p[TAI_PACK];
	int i;

	if (*s++ != '@')
		return -1;
	for (i = 0; i < 2 * TAI_PACK; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -1;
		if (i % 2 == 0)
			p[i / 2] = v << 4;
		else
			p[i / 2] |= v;
	}
	tai_unpack(p, t);
	return 0;
}
