/* SPDX-License-Identifier: ISC */
/*
 * Fuzz lib/tai.c and lib/utc.c: TAI64N labels as log file names carry
 * them. A label that scans prints back the same; 12 packed bytes unpack
 * and pack the same; any second count formats as a stamp of fixed width.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tai.h"
#include "lib/utc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char s[TAI_HEX + 1], back[TAI_HEX + 1], stamp[UTC_FMT + 1];
	unsigned char p[TAI_PACK], q[TAI_PACK];
	struct tai t;
	struct utc u;
	long long sec;
	size_t n = len < TAI_HEX ? len : TAI_HEX;
	int i;

	memcpy(s, data, n);
	s[n] = 0;
	if (tai_scan_hex(s, &t) == 0) {
		tai_fmt_hex(back, &t);
		if (n != TAI_HEX || strcmp(s, back) != 0)
			abort();
	}
	if (len < TAI_PACK)
		return 0;
	memcpy(p, data, TAI_PACK);
	tai_unpack(p, &t);
	tai_pack(q, &t);
	if (memcmp(p, q, sizeof p) != 0)
		abort();
	sec = tai_to_unix(&t);
	memset(stamp, 0x55, sizeof stamp);
	utc_fmt(stamp, sec, t.nsec, '_');
	for (i = 0; i < UTC_FMT; i++)
		if (stamp[i] < ' ' || stamp[i] > '~')
			abort();
	if (stamp[UTC_FMT] != 0x55)
		abort();
	/* the round trip, for every second a year of 64 bits holds */
	if (sec > -(1LL << 55) && sec < 1LL << 55) {
		utc_from_unix(&u, sec);
		if (utc_to_unix(&u) != sec || u.mon < 1 || u.mon > 12 ||
		    u.mday < 1 || u.mday > 31 || u.hour > 23 || u.min > 59 ||
		    u.sec > 59)
			abort();
	}
	return 0;
}
