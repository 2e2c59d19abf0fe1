/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for svlog/svlog_config.c: every key svlogd reads, its
 * defaults and its quirks. The source is included: it is private to svlog.
 */
#include <string.h>

#include "svlog/svlog_config.c"
#include "tests/unit/tap.h"

static void
parse(struct svlog_config *cf, const char *text)
{
	svlog_config_init(cf);
	svlog_config_parse(cf, text, strlen(text));
}

int
main(void)
{
	struct svlog_config cf;
	char big[SVLOG_PROCMAX + 8];

	parse(&cf, "");
	ok(cf.sizemax == 1000000 && cf.nmax == 10 && cf.nmin == 10 &&
	    cf.tmax == 0, "svlogd's defaults");
	ok(cf.processor[0] == 0 && cf.prefixlen == 0 && cf.instlen == 0,
	    "no processor, prefix or patterns");

	parse(&cf, "s4096\nn5\nN2\nt60\n");
	ok(cf.sizemax == 4096 && cf.nmax == 5 && cf.nmin == 2 &&
	    cf.tmax == 60, "s n N t");
	parse(&cf, "s3k\n");
	is_int(cf.sizemax, 3072, "s with k");
	parse(&cf, "s2m\n");
	is_int(cf.sizemax, 2097152, "s with m");
	parse(&cf, "s0\n");
	is_int(cf.sizemax, 0, "s0: never by size");
	parse(&cf, "sabc\n");
	is_int(cf.sizemax, 0, "no digits read as 0, like scan_ulong");
	parse(&cf, "t2m\n");
	is_int(cf.tmax, 120, "t with m");
	parse(&cf, "t3h\n");
	is_int(cf.tmax, 10800, "t with h");
	parse(&cf, "s99999999999999999999999k\n");
	ok(cf.sizemax == ~0ULL, "overflow saturates");

	parse(&cf, "!gzip -c\n");
	is_str(cf.processor, "gzip -c", "processor");
	parse(&cf, "!x\n!\n");
	is_str(cf.processor, "x", "a bare ! changes nothing");
	parse(&cf, "p[web] \n");
	ok(cf.prefixlen == 6 && memcmp(cf.prefix, "[web] ", 6) == 0,
	    "prefix keeps its trailing space");
	parse(&cf, "pA\np\n");
	is_str(cf.prefix, "A", "a bare p changes nothing");

	parse(&cf, "+a*\n-b*\ne*err*\nEx\n");
	is_int(cf.instlen, 18, "patterns stored");
	ok(memcmp(cf.inst, "+a*\0-b*\0e*err*\0Ex\0", 18) == 0,
	    "in order, with their key");

	parse(&cf, "# comment s1\n\nzunknown\ns7\n");
	is_int(cf.sizemax, 7, "comments, blanks and unknown keys skipped");
	parse(&cf, "s100\nn3");
	is_int(cf.nmax, 3, "a last line without newline is read");
	parse(&cf, "s100\nn");
	is_int(cf.nmax, 10, "but not a last line of one character");
	parse(&cf, "u127.0.0.1:514\nU10.0.0.1\n");
	is_int(cf.udp, 2, "u and U counted, ignored");
	ok(cf.sizemax == 1000000, "and nothing else changed");

	/* fuzz (tests/fuzz/svlog_config): a NUL made a second pattern */
	svlog_config_init(&cf);
	svlog_config_parse(&cf, "-a\0+*\n", 6);
	ok(cf.instlen == 3 && memcmp(cf.inst, "-a", 3) == 0,
	    "a pattern line ends at a NUL");

	memset(big, 'x', sizeof big - 1);
	big[0] = '!';
	big[sizeof big - 1] = 0;
	parse(&cf, big);
	ok(cf.toolong == 1 && cf.processor[0] == 0, "too long a processor");
	return done_testing();
}
