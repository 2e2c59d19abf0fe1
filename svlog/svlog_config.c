/* SPDX-License-Identifier: ISC */
/*
 * svlog_config: a log directory's config file read exactly as svlogd reads
 * it: the first character of each line is the key, numbers are leading
 * digits (none reads as 0), unknown keys and comments are skipped. Pure,
 * so every key is unit-tested.
 */
#include <string.h>

#include "svlog/svlog.h"

static const char *config_num(const char *, const char *,
    unsigned long long *);
static unsigned long long config_mul(unsigned long long, unsigned long long);
static int config_copy(char *, size_t, size_t *, const char *, size_t);

void
svlog_config_init(struct svlog_config *cf)
{
	memset(cf, 0, sizeof *cf);
	cf->sizemax = 1000000;
	cf->nmax = 10;
	cf->nmin = 10;
}

/* svlogd's scan_ulong: leading digits; saturate instead of wrapping. */
static const char *
config_num(const char *p, const char *end, unsigned long long *n)
{
	*n = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = *p - '0';

		*n = *n > (~0ULL - d) / 10 ? ~0ULL : *n * 10 + d;
	}
	return p;
}

static unsigned long long
config_mul(unsigned long long n, unsigned long long k)
{
	return n > ~0ULL / k ? ~0ULL : n * k;
}

/* Copy s into a NUL-terminated field of cap bytes; -1 if it does not fit. */
static int
config_copy(char *dst, size_t cap, size_t *len, const char *s, size_t n)
{
	if (n + 1 > cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	if (len)
		*len = n;
	return 0;
}

/*
 * Apply the config text buf[0..len) on top of cf (svlog_config_init'ed).
 * Like svlogd, stop when fewer than two bytes are left: a last line of one
 * character without its newline is not read.
 */
void
svlog_config_parse(struct svlog_config *cf, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (end - p >= 2) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end, *q;
		size_t n = eol - p;
		unsigned long long v;

		switch (*p) {
		case '+':
		case '-':
		case 'e':
		case 'E':
			/*
			 * A pattern is a C string: the bytes after a NUL in
			 * its line would be a pattern nobody wrote.
			 */
			if ((q = memchr(p, 0, n)) != 0)
				n = q - p;
			if (cf->instlen + n + 1 > sizeof cf->inst) {
				cf->toolong++;
				break;
			}
			memcpy(cf->inst + cf->instlen, p, n);
			cf->inst[cf->instlen + n] = 0;
			cf->instlen += n + 1;
			break;
		case 's':
			q = config_num(p + 1, eol, &v);
			if (q < eol && *q == 'm')
				v = config_mul(v, 1024 * 1024);
			else if (q < eol && *q == 'k')
				v = config_mul(v, 1024);
			cf->sizemax = v;
			break;
		case 'n':
			config_num(p + 1, eol, &cf->nmax);
			break;
		case 'N':
			config_num(p + 1, eol, &cf->nmin);
			break;
		case 't':
			q = config_num(p + 1, eol, &v);
			if (q < eol && *q == 'h')
				v = config_mul(v, 3600);
			else if (q < eol && *q == 'm')
				v = config_mul(v, 60);
			cf->tmax = v;
			break;
		case '!':
			if (n > 1 && config_copy(cf->processor,
			    sizeof cf->processor, 0, p + 1, n - 1) < 0)
				cf->toolong++;
			break;
		case 'p':
			if (n > 1 && config_copy(cf->prefix, sizeof cf->prefix,
			    &cf->prefixlen, p + 1, n - 1) < 0)
				cf->toolong++;
			break;
		case 'u':
		case 'U':
			cf->udp++;
			break;
		default:
			/* '#', empty lines and unknown keys */
			break;
		}
		p = nl ? nl + 1 : end;
	}
}
