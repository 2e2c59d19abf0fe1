/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/kv.c: keys only at the start of a line. */
#include "lib/kv.h"
#include "tests/unit/tap.h"

int
main(void)
{
	const char *t = "state run\nready 1\nwaiting ready 0\nended 143\n";

	is_str(kv_get(t, "state"), "run\nready 1\nwaiting ready 0\nended 143\n",
	    "first line");
	ok(kv_get(t, "ready")[0] == '1', "ready");
	ok(kv_get(t, "ended")[0] == '1' && kv_get(t, "ended")[2] == '3',
	    "last line");
	is_str(kv_get(t, "read"), 0, "a prefix of a key is no key");
	is_str(kv_get("waiting ready 1\n", "ready"), 0,
	    "a value is never a key");
	is_str(kv_get("", "ready"), 0, "empty text");
	is_str(kv_get("ready", "ready"), 0, "key without a value");
	return done_testing();
}
