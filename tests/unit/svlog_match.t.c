/* SPDX-License-Identifier: ISC */
/* Unit tests for svlog/svlog_match.c: runit's pmatch() and last-match-wins. */
#include <string.h>

#include "svlog/svlog_match.c"
#include "tests/unit/tap.h"

static int
m(const char *p, const char *s)
{
	return svlog_match(p, s, strlen(s));
}

int
main(void)
{
	char match, merr;
	/* what a read past the pattern's NUL would take for more pattern */
	static const char plusnul[] = "a+\0b";
	const char inst[] = "-*\0+*error*\0e*fatal*\0";

	ok(m("abc", "abc"), "literal");
	ok(!m("abc", "abcd"), "literal is anchored at the end");
	ok(!m("abcd", "abc"), "and needs every character");
	ok(m("", ""), "empty pattern, empty line");
	ok(m("*", "anything at all"), "* at the end matches anything");
	ok(m("*", ""), "even nothing");
	ok(m("a*c", "abbbc"), "* up to the next character");
	ok(!m("a*c", "abbb"), "which must come");
	ok(!m("*b", "abab"), "* stops at the first b: no backtracking");
	ok(m("*b*", "abab"), "* again after it");
	ok(m("+a", "aaa"), "+a: one or more a");
	ok(!m("+a", "baa"), "starting here");
	ok(m("x+ay", "xaaay"), "then the rest");
	ok(m("+ab", "aaa"), "runit quirk: the line ends inside +a, a match");
	ok(m("* error *", "12:00 error disk"), "a typical filter");
	/* fuzz (tests/fuzz/svlog_config): this read past the pattern */
	ok(!svlog_match(plusnul, "a\0b", 3),
	    "a + that ends the pattern matches no NUL, reads no further");
	ok(!m("a+", "a+"), "nor a plus: it matches nothing, as in runit");

	svlog_match_line(inst, sizeof inst - 1, "all fine", 8, &match, &merr);
	ok(match == '-' && merr == 'E', "-* deselects");
	svlog_match_line(inst, sizeof inst - 1, "an error", 8, &match, &merr);
	ok(match == '+' && merr == 'E', "a later +*error* selects again");
	svlog_match_line(inst, sizeof inst - 1, "fatal error", 11, &match,
	    &merr);
	ok(match == '+' && merr == 'e', "e: copied to stderr too");
	svlog_match_line("", 0, "x", 1, &match, &merr);
	ok(match == '+' && merr == 'E', "no patterns: +, E");
	return done_testing();
}
