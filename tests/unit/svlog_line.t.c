/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for svlog/svlog_line.c. Worked examples first, then a model
 * of svlogd's own loop (one line, one buffered write, clipped at s,
 * rotated before a write at s and after a line at s - l) run against the
 * batch builder on random input cut into random batches with random
 * buffer sizes: the files must come out byte for byte the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svlog/svlog_config.c"
#include "svlog/svlog_line.c"
#include "svlog/svlog_match.c"
#include "tests/unit/tap.h"

#define BIG 65536
#define MAXF 4096

/* A log directory's history: every byte written, and where it rotated. */
struct files {
	char data[BIG * 4];
	size_t len;
	size_t cut[MAXF];
	int ncut;
	unsigned long long size;
};

static const char stamp[SVLOG_STAMP + 1] = "@400000006b02db03245fb6d4 ";
static unsigned long long rnd_state = 88172645463325252ULL;

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
	/* svlogd leaves an empty current alone */
	if (f->size == 0)
		return;
	if (f->ncut < MAXF)
		f->cut[f->ncut++] = f->len;
	f->size = 0;
}

/* svlogd's buffer_pwrite() in a loop: clip at s, rotate around it. */
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

/* svlogd's main loop over a whole input, one directory. */
static void
model(struct files *f, const struct svlog_config *cf,
    const struct svlog_opts *o, const char *in, size_t len)
{
	static char line[BIG * 2];
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

/* The same input through the builder, in random batches. */
static int
run(struct files *f, struct svlog_config *cf, unsigned ncf,
    struct svlog_opts *o, const char *in, size_t len)
{
	static char buf[SVLOG_MAXDIRS][BIG];
	static char scratch[BIG];
	struct svlog_lstate st;
	struct svlog_sink sink[SVLOG_MAXDIRS];
	struct svlog_batch b;
	size_t pos = 0;
	int guard = 0, all = 0;
	unsigned i;

	memset(&st, 0, sizeof st);
	b.o = o;
	b.st = &st;
	b.sink = sink;
	b.nsink = ncf;
	b.out = 0;
	b.err = 0;
	b.stamp = stamp;
	b.scratch = scratch;
	while (pos < len || st.open) {
		size_t n = all ? len - pos : 1 + rnd(len - pos + 1), used;
		enum svlog_why why;
		int flags = 0, progress = 0;

		if (n > len - pos)
			n = len - pos;
		if (pos + n == len)
			flags |= SVLOG_EOF;
		for (i = 0; i < ncf; i++) {
			sink[i].cf = &cf[i];
			sink[i].size = f[i].size;
			sink[i].buf = buf[i];
			sink[i].cap = 1 + rnd(4) * rnd(400);
			sink[i].len = 0;
			sink[i].rot = 0;
		}
		used = svlog_line_batch(&b, in + pos, n, flags, &why);
		for (i = 0; i < ncf; i++) {
			memcpy(f[i].data + f[i].len, buf[i], sink[i].len);
			f[i].len += sink[i].len;
			f[i].size = sink[i].size;
			if (sink[i].rot)
				files_rotate(&f[i]);
			progress |= sink[i].len || sink[i].rot;
		}
		pos += used;
		all = !used && !progress;
		if (++guard > 1000000)
			return -1;
	}
	return 0;
}

static int
same(const struct files *a, const struct files *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0 &&
	    a->ncut == b->ncut &&
	    memcmp(a->cut, b->cut, a->ncut * sizeof a->cut[0]) == 0;
}

/* One builder call on a whole string, for the worked examples. */
static size_t
one(struct svlog_opts *o, struct svlog_config *cf, struct svlog_lstate *st,
    const char *in, int flags, char *out, enum svlog_why *why,
    struct svlog_copy *err)
{
	static char scratch[BIG];
	struct svlog_sink k;
	struct svlog_batch b;
	size_t used;

	k.cf = cf;
	k.size = 0;
	k.buf = out;
	k.cap = BIG;
	k.len = 0;
	k.rot = 0;
	b.o = o;
	b.st = st;
	b.sink = &k;
	b.nsink = 1;
	b.out = 0;
	b.err = err;
	b.stamp = stamp;
	b.scratch = scratch;
	used = svlog_line_batch(&b, in, strlen(in), flags, why);
	out[k.len] = 0;
	return used;
}

static void
examples(void)
{
	static char out[BIG], ebuf[1024];
	struct svlog_opts o;
	struct svlog_config cf;
	struct svlog_lstate st;
	struct svlog_copy err;
	enum svlog_why why;
	char s[SVLOG_STAMP + 1];

	memset(&o, 0, sizeof o);
	o.linemax = 1000;
	svlog_line_map(&o);
	svlog_config_init(&cf);
	memset(&st, 0, sizeof st);

	is_int(one(&o, &cf, &st, "a\nbb\ncc", 0, out, &why, 0), 5,
	    "complete lines taken, the head of the third left");
	is_str(out, "a\nbb\n", "verbatim without options");
	is_int(why, SVLOG_NEED_INPUT, "it waits for more input");
	is_int(one(&o, &cf, &st, "cc", SVLOG_EOF, out, &why, 0), 2,
	    "at EOF the last line is taken");
	is_str(out, "cc\n", "and ended with a newline (svlogd drops it)");

	o.stamp = 1;
	memcpy(cf.prefix, "[w] ", 4);
	cf.prefixlen = 4;
	one(&o, &cf, &st, "x\n\n", 0, out, &why, 0);
	is_str(out, "@400000006b02db03245fb6d4 [w] x\n"
	    "@400000006b02db03245fb6d4 [w] \n",
	    "stamp, then prefix; empty line");
	cf.prefixlen = 0;

	o.stamp = 0;
	o.linemax = 4;
	o.repl = '#';
	svlog_line_map(&o);
	is_int(one(&o, &cf, &st, "a\001b", 0, out, &why, 0), 0,
	    "a head shorter than -l waits");
	is_int(one(&o, &cf, &st, "a\001bcd\001ef", 0, out, &why, 0), 8,
	    "a head of -l characters goes, and the rest there is");
	is_str(out, "a#bcd\001ef", "replaced within -l only, like svlogd");
	ok(st.open, "the line stays open");
	is_int(one(&o, &cf, &st, "\002g\nh", 0, out, &why, 0), 3,
	    "the next batch goes on with its rest");
	is_str(out, "\002g\n", "verbatim, no stamp or prefix");
	ok(!st.open, "and the line is closed");

	memset(&err, 0, sizeof err);
	err.buf = ebuf;
	err.cap = sizeof ebuf;
	memcpy(cf.inst, "-*\0e*ERR*\0+*ERR*\0", 17);
	cf.instlen = 17;
	o.repl = 0;
	o.linemax = 6;
	svlog_line_map(&o);
	one(&o, &cf, &st, "ok\nan ERR here\n", 0, out, &why, &err);
	is_str(out, "an ERR here\n", "-* then +*ERR*: only the error");
	ebuf[err.len] = 0;
	is_str(ebuf, "an ERR...\n", "e: copied to stderr, cut at -l");
	cf.instlen = 0;

	svlog_line_stamp(s, 1, 1795349241LL, 610252500);
	s[SVLOG_STAMP] = 0;
	is_str(s, "@400000006b02db03245fb6d4 ", "-t: tai64nlocal's label");
	svlog_line_stamp(s, 2, 1795349241LL, 610259999);
	is_str(s, "2026-11-22_12:07:21.61025 ", "-tt: cut to 5 digits");
	svlog_line_stamp(s, 3, 1795349241LL, 610252500);
	is_str(s, "2026-11-22T12:07:21.61025 ", "-ttt");
}

int
main(void)
{
	static char in[BIG];
	static struct files want[2], got[2];
	static const unsigned long long sizes[] = { 0, 30, 50, 200, 1000, 1 };
	static const size_t lines[] = { 1, 5, 8, 20, 1000 };
	static const char chars[] = "abc \n\n\001\177x\n";
	int t, bad = 0, stuck = 0;

	examples();
	for (t = 0; t < 3000; t++) {
		struct svlog_config cf[2];
		struct svlog_opts o;
		size_t len = rnd(3000), i;
		unsigned n = 1 + rnd(2), d;

		memset(&o, 0, sizeof o);
		o.stamp = rnd(2);
		o.linemax = lines[rnd(5)];
		o.repl = rnd(2) ? '_' : 0;
		o.replace = "x";
		svlog_line_map(&o);
		for (i = 0; i < len; i++)
			in[i] = rnd(4) ? "0123456789ABCDEF"[rnd(16)] :
			    chars[rnd(sizeof chars - 1)];
		for (d = 0; d < n; d++) {
			svlog_config_init(&cf[d]);
			cf[d].sizemax = sizes[rnd(6)];
			if (rnd(2)) {
				memcpy(cf[d].prefix, "pre:", 4);
				cf[d].prefixlen = rnd(5);
			}
			if (rnd(3) == 0) {
				memcpy(cf[d].inst, "-*x*\0+*xx*\0", 11);
				cf[d].instlen = 11;
			}
			memset(&want[d], 0, sizeof want[d]);
			memset(&got[d], 0, sizeof got[d]);
			model(&want[d], &cf[d], &o, in, len);
		}
		if (run(got, cf, n, &o, in, len) < 0)
			stuck++;
		for (d = 0; d < n; d++)
			if (!same(&want[d], &got[d])) {
				if (bad++ == 0)
					printf("# first difference: case %d "
					    "dir %u s%llu l%zu\n", t, d,
					    cf[d].sizemax, o.linemax);
			}
	}
	is_int(stuck, 0, "random batches always make progress");
	is_int(bad, 0, "3000 random cases: files as svlogd's loop makes them");
	return done_testing();
}
