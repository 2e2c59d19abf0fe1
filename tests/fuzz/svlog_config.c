/* SPDX-License-Identifier: ISC */
/*
 * Fuzz svlog/svlog_config.c and svlog/svlog_match.c: any bytes as a log
 * directory's config, then each of its lines as a log line matched
 * against the patterns read. Every field must stay within its buffer and
 * NUL-terminated, and the pattern list well formed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svlog/svlog_config.c"
#include "svlog/svlog_match.c"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct svlog_config cf;
	const char *p, *end;
	char *buf, *inst, m, e;
	size_t i;

	if (len > SVLOG_CONFIGMAX)
		len = SVLOG_CONFIGMAX;
	/* a copy of exactly len bytes, so ASan sees any read past it */
	buf = malloc(len ? len : 1);
	if (buf == 0)
		return 0;
	memcpy(buf, data, len);
	svlog_config_init(&cf);
	svlog_config_parse(&cf, buf, len);
	if (cf.prefixlen >= sizeof cf.prefix || cf.prefix[cf.prefixlen] ||
	    memchr(cf.processor, 0, sizeof cf.processor) == 0 ||
	    cf.instlen > sizeof cf.inst ||
	    (cf.instlen && cf.inst[cf.instlen - 1] != 0))
		abort();
	for (i = 0; i < cf.instlen; i += strlen(cf.inst + i) + 1)
		if (strchr("+-eE", cf.inst[i]) == 0 || cf.inst[i] == 0)
			abort();
	/* the patterns alone in a buffer of their size, as for buf */
	inst = malloc(cf.instlen ? cf.instlen : 1);
	if (inst == 0)
		abort();
	memcpy(inst, cf.inst, cf.instlen);
	/* each input line as a log line */
	for (p = buf, end = buf + len; p < end; ) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		svlog_match_line(inst, cf.instlen, p, n, &m, &e);
		if ((m != '+' && m != '-') || (e != 'e' && e != 'E'))
			abort();
		p += n + 1;
	}
	free(inst);
	free(buf);
	return 0;
}
