/* SPDX-License-Identifier: ISC */
/*
 * utc: civil UTC time from unix seconds without gmtime(3) or a time zone
 * file, for log stamps like svlogd's -tt "2026-11-22_12:07:21.57926".
 */
#ifndef POD1_UTC_H
#define POD1_UTC_H

/* "YYYY-MM-DD_HH:MM:SS.nnnnnnnnn": 29 characters */
#define UTC_FMT 29

struct utc {
	long long year;
	int mon;	/* 1..12 */
	int mday;	/* 1..31 */
	int hour;
	int min;
	int sec;
};

void utc_from_unix(struct utc *, long long);
long long utc_to_unix(const struct utc *);
void utc_fmt(char *, long long, unsigned long, char);

#endif
