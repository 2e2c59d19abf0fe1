/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/utc.c against dates date(1) and svlogd agree on. */
#include <string.h>

#include "lib/utc.h"
#include "tests/unit/tap.h"

int
main(void)
{
	char buf[UTC_FMT + 1];
	struct utc u;
	long long t;
	int bad = 0;

	buf[UTC_FMT] = 0;
	utc_fmt(buf, 0, 0, '_');
	is_str(buf, "1970-01-01_00:00:00.000000000", "the epoch");
	utc_fmt(buf, 1795349241LL, 610252500, '_');
	is_str(buf, "2026-11-22_12:07:21.610252500", "svlogd -tt shape");
	utc_fmt(buf, 1795349241LL, 610252500, 'T');
	is_str(buf, "2026-11-22T12:07:21.610252500", "svlogd -ttt shape");
	utc_fmt(buf, 951782400LL, 0, '_');
	is_str(buf, "2000-02-29_00:00:00.000000000", "leap day of a 400 year");
	utc_fmt(buf, 4107542399LL, 999999999, '_');
	is_str(buf, "2100-02-28_23:59:59.999999999", "2100 is no leap year");
	utc_fmt(buf, 4107542400LL, 0, '_');
	is_str(buf, "2100-03-01_00:00:00.000000000", "so March follows");
	utc_fmt(buf, -1, 0, '_');
	is_str(buf, "1969-12-31_23:59:59.000000000", "one second before");
	utc_fmt(buf, 253402300799LL, 0, '_');
	is_str(buf, "9999-12-31_23:59:59.000000000", "the last 4-digit year");

	utc_from_unix(&u, 1795349241LL);
	ok(u.year == 2026 && u.mon == 11 && u.mday == 22 && u.hour == 12 &&
	    u.min == 7 && u.sec == 21, "fields");
	is_int(utc_to_unix(&u), 1795349241LL, "and back");
	for (t = -86400LL * 800; t < 86400LL * 366 * 500;
	    t += 86400 * 7 + 3601) {
		utc_from_unix(&u, t);
		if (utc_to_unix(&u) != t || u.mon < 1 || u.mon > 12 ||
		    u.mday < 1 || u.mday > 31)
			bad++;
	}
	is_int(bad, 0, "round trips every week for 500 years");
	return done_testing();
}
