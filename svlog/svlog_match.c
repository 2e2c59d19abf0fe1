/* SPDX-License-Identifier: ISC */
/*
 * svlog_match: svlogd's patterns. A pattern is literal characters, "*"
 * (any run up to the next pattern character, or anything at the end) and
 * "+c" (one or more c). The + - e E lines of a config are tried in order
 * and the last match wins.
 */
#include <string.h>

#include "svlog/svlog.h"

/*
 * Does pattern p match all of s[0..len)? runit's pmatch(), including its
 * quirks: "*" stops at the first occurrence of the next pattern character,
 * without backtracking.
 */
int
svlog_match(const char *p, const char *s, size_t len)
{
	for (;;) {
		char c = *p++;

		if (c == 0)
			return len == 0;
		switch (c) {
		case '*':
			c = *p;
			if (c == 0)
				return 1;
			for (;;) {
				if (len == 0)
					return 0;
				if (*s == c)
					break;
				s++;
				len--;
			}
			continue;
		case '+':
			c = *p++;
			/*
			 * runit compares before checking len: keep it safe. A
			 * "+" that ends the pattern would match a NUL of the
			 * line and read on past the pattern's end; it matches
			 * nothing, as in runit for a line without NULs.
			 */
			if (c == 0 || len == 0 || c != *s)
				return 0;
			for (;;) {
				if (len == 0)
					return 1;
				if (*s != c)
					break;
				s++;
				len--;
			}
			continue;
		default:
			if (len == 0 || *s != c)
				return 0;
			s++;
			len--;
			continue;
		}
	}
}

/*
 * Decide one line: *match becomes '+' or '-' (into the file or not) and
 * *matcherr 'e' or 'E' (copied to stderr or not), svlogd's defaults being
 * '+' and 'E'. inst holds NUL-terminated "+pat" entries, instlen bytes.
 */
void
svlog_match_line(const char *inst, size_t instlen, const char *line,
    size_t len, char *match, char *matcherr)
{
	const char *p = inst, *end = inst + instlen;

	*match = '+';
	*matcherr = 'E';
	while (p < end) {
		size_t n = strlen(p);

		switch (*p) {
		case '+':
		case '-':
			if (svlog_match(p + 1, line, len))
				*match = *p;
			break;
		case 'e':
		case 'E':
			if (svlog_match(p + 1, line, len))
				*matcherr = *p;
			break;
		}
		p += n + 1;
	}
}
