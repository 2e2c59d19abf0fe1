/* SPDX-License-Identifier: ISC */
/*
 * utc: days to civil dates with Howard Hinnant's era arithmetic, exact for
 * any 64-bit second count that fits a year; pure, so it is unit-tested
 * against known dates and round trips.
 */
#include "lib/utc.h"

static void utc_put(char *, unsigned long long, int);

/* Write n as exactly width decimal digits, zero-padded, no NUL. */
static void
utc_put(char *s, unsigned long long n, int width)
{
	while (width-- > 0) {
		s[width] = '0' + n % 10;
		n /= 10;
	}
}

void
utc_from_unix(struct utc *u, long long t)
{
	long long days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	u->hour = secs / 3600;
	u->min = secs / 60 % 60;
	u->sec = secs % 60;
	/* shift the epoch to 0000-03-01 so leap days end each cycle */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	u->mday = doy - (153 * mp + 2) / 5 + 1;
	u->mon = mp < 10 ? mp + 3 : mp - 9;
	u->year = yoe + era * 400 + (u->mon <= 2);
}

long long
utc_to_unix(const struct utc *u)
{
	long long y = u->year - (u->mon <= 2), era, yoe, doy, doe;
	int m = u->mon;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + u->mday - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 +
	    u->hour * 3600 + u->min * 60 + u->sec;
}

/*
 * "2026-11-22_12:07:21.579260000" with sep between date and time, no NUL.
 * Years outside 0..9999 keep four digits modulo 10000: a log stamp must
 * keep its width.
 */
void
utc_fmt(char *s, long long t, unsigned long nsec, char sep)
{
	struct utc u;
	unsigned long long y;

	utc_from_unix(&u, t);
	y = u.year < 0 ? 0 : (unsigned long long)u.year;
	utc_put(s, y, 4);
	s[4] = '-';
	utc_put(s + 5, u.mon, 2);
	s[7] = '-';
	utc_put(s + 8, u.mday, 2);
	s[10] = sep;
	utc_put(s + 11, u.hour, 2);
	s[13] = ':';
	utc_put(s + 14, u.min, 2);
	s[16] = ':';
	utc_put(s + 17, u.sec, 2);
	s[19] = '.';
	utc_put(s + 20, nsec % 1000000000, 9);
}
