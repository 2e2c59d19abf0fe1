/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for stage0_flag.c: rkt's flag forms, --insecure-options
 * words and durations.
 */
#include "stage0/stage0.h"
#include "tests/unit/tap.h"

int
main(void)
{
	char *a1[] = { "--net=host", NULL };
	char *a2[] = { "--net", "none", NULL };
	char *a3[] = { "--net", NULL };
	char *a4[] = { "--network=x", "--netx", "-net=host", NULL };
	char *b[] = { "--interactive", "--interactive=false",
	    "--interactive=true", "--interactive=yes", "--interactivex", NULL };
	const char *v = NULL;
	int i = 0, f, x;

	is_int(flag_value(a1, &i, "net", &v), 1, "--net=host");
	is_str(v, "host", "its value");
	is_int(i, 0, "one argument");
	is_int(flag_value(a2, &i, "net", &v), 1, "--net none");
	is_str(v, "none", "its value");
	is_int(i, 1, "two arguments");
	i = 0;
	is_int(flag_value(a3, &i, "net", &v), -1, "--net at the end: no value");
	for (i = 0; i < 3; i++)
		is_int(flag_value(a4, &i, "net", &v), 0, a4[i]);
	x = -1;
	ok(flag_bool(b, 0, "interactive", &x) && x == 1, "--interactive");
	ok(flag_bool(b, 1, "interactive", &x) && x == 0, "=false");
	ok(flag_bool(b, 2, "interactive", &x) && x == 1, "=true");
	ok(!flag_bool(b, 3, "interactive", &x), "=yes is not a bool");
	ok(!flag_bool(b, 4, "interactive", &x), "--interactivex is another");
	f = 0;
	ok(flag_insecure("capabilities,seccomp", &f) == 0 &&
	    f == (INSECURE_CAPS | INSECURE_SECCOMP), "two words");
	f = 0;
	ok(flag_insecure("all-run", &f) == 0 && f == (INSECURE_CAPS |
	    INSECURE_PATHS | INSECURE_SECCOMP), "all-run: the three");
	f = 0;
	ok(flag_insecure("image,tls,ondisk", &f) == 0 && f == INSECURE_IMAGE,
	    "fetch words are known and do nothing");
	f = 0;
	ok(flag_insecure("all", &f) == 0 && (f & INSECURE_IMAGE) &&
	    (f & INSECURE_PATHS), "all");
	ok(flag_insecure("capabilities,nope", &f) < 0, "an unknown word");
	ok(flag_insecure("path", &f) < 0, "a prefix of a word is not it");
	is_int(flag_duration("0s"), 0, "0s");
	is_int(flag_duration("90"), 90, "90");
	is_int(flag_duration("30m"), 1800, "30m");
	is_int(flag_duration("24h"), 86400, "24h");
	is_int(flag_duration("2d"), 172800, "2d");
	is_int(flag_duration("1x"), -1, "1x");
	is_int(flag_duration("m"), -1, "m");
	is_int(flag_duration("-1s"), -1, "negative");
	is_int(flag_duration("5mm"), -1, "5mm");
	return done_testing();
}
