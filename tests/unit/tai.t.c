/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/tai.c against labels runit and tai64nlocal agree on. */
#include <string.h>

#include "lib/tai.h"
#include "tests/unit/tap.h"

int
main(void)
{
	unsigned char p[TAI_PACK], want[TAI_PACK] = {
		0x40, 0, 0, 0, 0x6b, 0x02, 0xdb, 0x03, 0x24, 0x5f, 0xb6, 0xd4 };
	char hex[TAI_HEX + 1];
	struct tai t, u;

	/* @400000006b02db03245fb6d4 is 2026-11-22 12:07:21.610252500 UTC */
	tai_from_unix(&t, 1795349241LL, 610252500);
	is_int(t.sec, 0x400000006b02db03ULL, "seconds carry 2^62 + 10");
	tai_pack(p, &t);
	ok(memcmp(p, want, sizeof p) == 0, "packed big-endian");
	tai_fmt_hex(hex, &t);
	is_str(hex, "@400000006b02db03245fb6d4", "hex label");
	ok(tai_scan_hex(hex, &u) == 0 && u.sec == t.sec && u.nsec == t.nsec,
	    "hex label round-trips");
	is_int(tai_to_unix(&u), 1795349241LL, "back to unix seconds");
	tai_unpack(want, &u);
	ok(u.sec == t.sec && u.nsec == t.nsec, "unpack");
	ok(tai_scan_hex("@400000006b02db03245fb6dZ", &u) < 0, "bad digit");
	ok(tai_scan_hex("@400000006B02DB03245FB6D4", &u) < 0,
	    "uppercase is not svlogd's");
	ok(tai_scan_hex("400000006b02db03245fb6d4x", &u) < 0, "no @");
	ok(tai_scan_hex("@4000", &u) < 0, "short");
	tai_now(&t);
	ok(tai_to_unix(&t) > 1700000000LL, "now is after 2023");
	return done_testing();
}
