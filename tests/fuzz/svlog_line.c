/* SPDX-License-Identifier: ISC */
/*
 * Fuzz svlog/svlog_line.c against a model of svlogd's own loop (one line,
 * one write clipped at s, rotation before a write at s and after a line
 * at s - l), as tests/unit/svlog_line.t does on random input; here the
 * fuzzer picks the input, the options, the config (any bytes through
 * svlog_config_parse) and how the stream is cut into batches and how
 * small the output buffers are. Both must write the same bytes and rotate
 * at the same places. Input: flags, -l, batch seed, config length, the
 * config, then the log data.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svlog/svlog_config.c"
#include "svlog/svlog_line.c"
#include "svlog/svlog_match.c"

#define MAXIN 4096
#define MAXCUT 8192

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct files {
	char *data;
	size_t len;
	size_t cut[MAXCUT];
	int ncut;
	unsigned long long size;
};

static const char stamp[SVLOG_STAMP + 1] = "@400000006b02db03245fb6d4 ";
static unsigned long long rnd_state;

static unsigned
rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

static void
files_rotate(struct files *f)
{
	if (f->size == 0)
		return;
	if (f->ncut < MAXCUT)
		f->cut[f->ncut++] = f->len;
	f->size = 0;
}

static void
model_write(struct files *f, const struct svlog_config *cf, size_t linemax,
    const char *s, size_t n)
{
	while (n) {
		size_t k = n;

		if (cf->sizemax && f->size >= cf->sizemax)
			files_rotate(f);
		if (cf->sizemax && k > cf->sizemax - f->size)
			k = cf->sizemax - f->size;
		memcpy(f->data + f->len, s, k);
		f->len += k;
		f->size += k;
		if (cf->sizemax && s[k - 1] == '\n' &&
		    f->size >= cf->sizemax - linemax)
			files_rotate(f);
		s += k;
		n -= k;
	}
}

static void
model(struct files *f, const struct svlog_config *cf,
    const struct svlog_opts *o, const char *in, size_t len, char *line)
{
	size_t p = 0;

	while (p < len) {
		const char *nl = memchr(in + p, '\n', len - p);
		size_t l = nl ? (size_t)(nl - (in + p)) : len - p, h, n = 0, i;
		char match = '+', merr = 'E';

		h = l < o->linemax ? l : o->linemax;
		if (o->stamp) {
			memcpy(line, stamp, SVLOG_STAMP);
			n = SVLOG_STAMP;
		}
		memcpy(line + n, cf->prefix, cf->prefixlen);
		n += cf->prefixlen;
		for (i = 0; i < h; i++)
			line[n + i] = o->map[(unsigned char)in[p + i]];
		if (cf->instlen)
			svlog_match_line(cf->inst, cf->instlen, line + n, h,
			    &match, &merr);
		n += h;
		memcpy(line + n, in + p + h, l - h);
		n += l - h;
		line[n++] = '\n';
		if (match == '+')
			model_write(f, cf, o->linemax, line, n);
		p += l + 1;
	}
}

/* The builder over the same input, in batches the seed decides. */
static int
run(struct files *f, const struct svlog_config *cf, struct svlog_opts *o,
    const char *in, size_t len, char *buf, char *scratch)
{
	struct svlog_lstate st;
	struct svlog_sink sink;
	struct svlog_batch b;
	size_t pos = 0;
	int guard = 0, all = 0;

	memset(&st, 0, sizeof st);
	b.o = o;
	b.st = &st;
	b.sink = &sink;
	b.nsink = 1;
	b.out = 0;
	b.err = 0;
	b.stamp = stamp;
	b.scratch = scratch;
	while (pos < len || st.open) {
		size_t n = all ? len - pos : 1 + rnd(len - pos + 1), used;
		enum svlog_why why;
		int flags = 0;

		if (n > len - pos)
			n = len - pos;
		if (pos + n == len)
			flags |= SVLOG_EOF;
		sink.cf = cf;
		sink.size = f->size;
		sink.buf = buf;
		sink.cap = 1 + rnd(4) * rnd(400);
		sink.len = 0;
		sink.rot = 0;
		used = svlog_line_batch(&b, in + pos, n, flags, &why);
		if (used > n || sink.len > sink.cap)
			abort();
		memcpy(f->data + f->len, buf, sink.len);
		f->len += sink.len;
		f->size = sink.size;
		if (sink.rot)
			files_rotate(f);
		pos += used;
		all = !used && !sink.len && !sink.rot;
		if (++guard > 1000000)
			return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct files want, got;
	static struct svlog_config cf;
	static struct svlog_opts o;
	static char buf[1600], *line, *scratch;
	const char *in;
	size_t len, cl, max;

	if (size < 4)
		return 0;
	memset(&o, 0, sizeof o);
	o.stamp = data[0] & 1;
	o.repl = data[0] & 2 ? '#' : 0;
	o.replace = data[0] & 4 ? "aeiou" : 0;
	o.linemax = 1 + data[1];
	rnd_state = 88172645463325252ULL ^ data[2];
	svlog_line_map(&o);
	svlog_config_init(&cf);
	cl = data[3];
	if (size - 4 < cl)
		return 0;
	svlog_config_parse(&cf, (const char *)data + 4, cl);
	/* the default size would never rotate on so little input */
	if (!(data[0] & 8))
		cf.sizemax %= 4096;
	in = (const char *)data + 4 + cl;
	len = size - 4 - cl;
	if (len > MAXIN)
		len = MAXIN;
	/* every line stamped and prefixed and ended: the most written */
	max = len + (len + 1) * (SVLOG_STAMP + SVLOG_PREFIXMAX + 1);
	free(want.data);
	free(got.data);
	free(line);
	free(scratch);
	memset(&want, 0, sizeof want);
	memset(&got, 0, sizeof got);
	want.data = malloc(max);
	got.data = malloc(max);
	line = malloc(len + SVLOG_STAMP + SVLOG_PREFIXMAX + 1);
	scratch = malloc(o.linemax);
	if (!want.data || !got.data || !line || !scratch)
		abort();
	model(&want, &cf, &o, in, len, line);
	if (run(&got, &cf, &o, in, len, buf, scratch) < 0)
		abort();
	if (want.len != got.len || memcmp(want.data, got.data, want.len) ||
	    want.ncut != got.ncut ||
	    memcmp(want.cut, got.cut, want.ncut * sizeof want.cut[0]))
		abort();
	return 0;
}
