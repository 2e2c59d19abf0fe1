/* SPDX-License-Identifier: ISC */
/*
 * svlog_line: turn a run of input bytes into each log directory's output
 * for one batch, byte for byte what svlogd writes: a line's head (its
 * first -l characters, or all of a shorter line) is matched, stamped,
 * prefixed and copied; the rest of a long line follows verbatim. Sizes
 * are tracked per byte so rotation cuts the stream where svlogd's clipped
 * write(2)s cut it. Pure: the caller reads, writes and rotates.
 *
 * The builder never takes part of a line head: an incomplete head stays
 * in the input (the pipe) until its newline or its -l-th character
 * arrives, so a restarted logger sees the whole line again.
 */
#include <string.h>

#include "lib/tai.h"
#include "lib/utc.h"
#include "svlog/svlog.h"

static size_t line_room(const struct svlog_sink *);
static int line_full(const struct svlog_sink *);
static void line_put(const struct svlog_opts *, struct svlog_sink *,
    const char *, size_t, unsigned long long);
static int line_copy(struct svlog_copy *, const char *, size_t,
    const char *, size_t, const char *, size_t, int);
static int line_head(struct svlog_batch *, const char *, size_t, int,
    enum svlog_why *);
static enum svlog_why line_blocked(struct svlog_batch *);
static size_t line_fast(struct svlog_batch *, const char *, size_t,
    enum svlog_why *, int *);

/* svlogd replaces bytes outside 32..126, and -R's, by -r's character. */
void
svlog_line_map(struct svlog_opts *o)
{
	const unsigned char *r;
	int c;

	for (c = 0; c < 256; c++)
		o->map[c] = o->repl && (c < 32 || c > 126) ? o->repl : c;
	if (o->repl && o->replace)
		for (r = (const unsigned char *)o->replace; *r; r++)
			o->map[*r] = o->repl;
	/* the newline ends a line before it could be replaced */
	o->map['\n'] = '\n';
}

/* The SVLOG_STAMP bytes of a -t, -tt or -ttt stamp, space included. */
void
svlog_line_stamp(char *s, int mode, long long sec, unsigned long nsec)
{
	char u[UTC_FMT];
	struct tai t;

	if (mode == 1) {
		char hex[TAI_HEX + 1];

		tai_from_unix(&t, sec, nsec);
		tai_fmt_hex(hex, &t);
		memcpy(s, hex, TAI_HEX);
	} else {
		/* svlogd prints nanoseconds and cuts them to five digits */
		utc_fmt(u, sec, nsec, mode == 3 ? 'T' : '_');
		memcpy(s, u, 25);
	}
	s[25] = ' ';
}

/* Bytes the sink can take now: buffer space, and up to its size limit. */
static size_t
line_room(const struct svlog_sink *k)
{
	size_t room = k->cap - k->len;
	unsigned long long max = k->cf->sizemax;

	if (max) {
		unsigned long long left = k->size >= max ? 0 : max - k->size;

		if (left < room)
			room = left;
	}
	return room;
}

/* svlogd rotates before a write once current has reached s. */
static int
line_full(const struct svlog_sink *k)
{
	return k->cf->sizemax && k->size >= k->cf->sizemax;
}

/* Characters at positions below -l are replaced, the rest go verbatim. */
static void
line_put(const struct svlog_opts *o, struct svlog_sink *k, const char *s,
    size_t n, unsigned long long pos)
{
	char *d = k->buf + k->len;
	size_t j = 0;

	if (o->repl && pos < o->linemax) {
		size_t lim = o->linemax - pos;

		for (; j < n && j < lim; j++)
			d[j] = o->map[(unsigned char)s[j]];
	}
	memcpy(d + j, s + j, n - j);
	k->len += n;
	k->size += n;
}

/*
 * Append "a b line[...]\n" to a copy buffer, svlogd's e format: "..." when
 * the head is -l characters long. 0 when there is no room.
 */
static int
line_copy(struct svlog_copy *c, const char *a, size_t alen, const char *b,
    size_t blen, const char *line, size_t len, int dots)
{
	size_t need = alen + blen + len + 3 * !!dots + 1;
	char *d;

	if (c->cap - c->len < need)
		return 0;
	d = c->buf + c->len;
	memcpy(d, a, alen);
	memcpy(d + alen, b, blen);
	memcpy(d + alen + blen, line, len);
	d += alen + blen + len;
	if (dots) {
		memcpy(d, "...", 3);
		d += 3;
	}
	*d = '\n';
	c->len += need;
	return 1;
}

/*
 * Open the next line if its head is complete: decide its selection per
 * directory, make its copies, fix its stamp. 0 (and *why) if it cannot.
 */
static int
line_head(struct svlog_batch *b, const char *s, size_t avail, int flags,
    enum svlog_why *why)
{
	const struct svlog_opts *o = b->o;
	struct svlog_lstate *st = b->st;
	char match[SVLOG_MAXDIRS], merr[SVLOG_MAXDIRS];
	size_t lim = avail < o->linemax ? avail : o->linemax, hlen, need;
	const char *nl = memchr(s, '\n', lim), *head = s;
	int dots;
	unsigned i;

	if (nl)
		hlen = nl - s;
	else if (avail >= o->linemax)
		hlen = o->linemax;
	else if ((flags & SVLOG_EOF) && avail > 0)
		hlen = avail;
	else {
		*why = SVLOG_NEED_INPUT;
		return 0;
	}
	if (o->repl) {
		for (i = 0; i < hlen; i++)
			b->scratch[i] = o->map[(unsigned char)s[i]];
		head = b->scratch;
	}
	dots = hlen == o->linemax;
	need = 0;
	for (i = 0; i < b->nsink; i++) {
		const struct svlog_config *cf = b->sink[i].cf;

		match[i] = '+';
		merr[i] = 'E';
		if (cf == 0)
			continue;
		if (cf->instlen)
			svlog_match_line(cf->inst, cf->instlen, head, hlen,
			    &match[i], &merr[i]);
		if (merr[i] == 'e')
			need += SVLOG_STAMP + cf->prefixlen + hlen + 4;
	}
	/* copies are whole lines: wait for room unless the buffer is empty */
	if ((b->err && need && b->err->len && b->err->cap - b->err->len < need)
	    || (b->out && b->out->len && b->out->cap - b->out->len <
	    b->out->prefixlen + hlen + 4)) {
		*why = SVLOG_FULL;
		return 0;
	}
	st->stamplen = o->stamp ? SVLOG_STAMP : 0;
	if (o->stamp)
		memcpy(st->stamp, b->stamp, SVLOG_STAMP);
	for (i = 0; i < b->nsink; i++) {
		const struct svlog_config *cf = b->sink[i].cf;

		st->sel[i] = cf && match[i] == '+';
		st->hoff[i] = 0;
		if (cf && merr[i] == 'e' && b->err &&
		    !line_copy(b->err, st->stamp, st->stamplen, cf->prefix,
		    cf->prefixlen, head, hlen, dots))
			b->err->dropped++;
	}
	if (b->out && !line_copy(b->out, b->out->prefix, b->out->prefixlen,
	    "", 0, head, hlen, dots))
		b->out->dropped++;
	st->open = 1;
	st->pos = 0;
	return 1;
}

/* The open line cannot go on: a sink is full, or a buffer is. */
static enum svlog_why
line_blocked(struct svlog_batch *b)
{
	unsigned i;

	for (i = 0; i < b->nsink; i++)
		if (b->st->sel[i] && line_full(&b->sink[i])) {
			b->sink[i].rot = SVLOG_ROT_BEFORE;
			return SVLOG_ROTATE;
		}
	return SVLOG_FULL;
}

/*
 * The common case at full speed: one directory, no patterns, no copies,
 * no replacement, whole lines that fit. Same bytes as the general path,
 * one memchr and three memcpy a line; stops at anything else, leaving it
 * to the general path. *rot is set when a line ended near the limit.
 */
static size_t
line_fast(struct svlog_batch *b, const char *in, size_t len,
    enum svlog_why *why, int *rot)
{
	const struct svlog_opts *o = b->o;
	struct svlog_sink *k = &b->sink[0];
	const struct svlog_config *cf = k->cf;
	size_t used = 0, hl = (o->stamp ? SVLOG_STAMP : 0) + cf->prefixlen;
	unsigned long long max = cf->sizemax;
	char *d = k->buf + k->len;

	while (used < len) {
		size_t avail = len - used, n;
		const char *nl = memchr(in + used, '\n',
		    avail < o->linemax ? avail : o->linemax);

		if (nl == 0)
			break;
		n = nl - (in + used) + 1;
		if (k->cap - k->len < hl + n ||
		    (max && k->size + hl + n > max))
			break;
		if (o->stamp) {
			memcpy(d, b->stamp, SVLOG_STAMP);
			d += SVLOG_STAMP;
		}
		memcpy(d, cf->prefix, cf->prefixlen);
		d += cf->prefixlen;
		memcpy(d, in + used, n);
		d += n;
		k->len += hl + n;
		k->size += hl + n;
		used += n;
		if (max && k->size >= max - o->linemax) {
			k->rot = SVLOG_ROT_AFTER;
			*why = SVLOG_ROTATE;
			*rot = 1;
			break;
		}
	}
	return used;
}

/*
 * Build a batch from in[0..len): append to each sink's buffer, return how
 * many input bytes were taken and in *why why it stopped. With SVLOG_EOF
 * an incomplete last line is ended with a newline.
 */
size_t
svlog_line_batch(struct svlog_batch *b, const char *in, size_t len, int flags,
    enum svlog_why *why)
{
	const struct svlog_opts *o = b->o;
	struct svlog_lstate *st = b->st;
	size_t used = 0;
	int fast = b->nsink == 1 && b->sink[0].cf && !b->sink[0].cf->instlen &&
	    !b->out && !o->repl;

	for (;;) {
		const char *s, *nl;
		size_t take, avail;
		int blocked = 0, ended = 0, rot = 0;
		unsigned i;

		if (fast && !st->open) {
			used += line_fast(b, in + used, len - used, why, &rot);
			if (rot)
				return used;
		}
		if (!st->open &&
		    !line_head(b, in + used, len - used, flags, why))
			return used;
		/* the head bytes (stamp, prefix) each sink is still owed */
		for (i = 0; i < b->nsink; i++) {
			struct svlog_sink *k = &b->sink[i];
			size_t hl, n, h;

			if (!st->sel[i])
				continue;
			hl = st->stamplen + k->cf->prefixlen;
			if (st->hoff[i] >= hl)
				continue;
			if (line_full(k)) {
				k->rot = SVLOG_ROT_BEFORE;
				*why = SVLOG_ROTATE;
				return used;
			}
			n = line_room(k);
			if (n > hl - st->hoff[i])
				n = hl - st->hoff[i];
			for (h = st->hoff[i]; h < st->hoff[i] + n; h++)
				k->buf[k->len++] = h < st->stamplen ?
				    st->stamp[h] :
				    k->cf->prefix[h - st->stamplen];
			k->size += n;
			st->hoff[i] += n;
			if (st->hoff[i] < hl)
				blocked = 1;
		}
		/* then characters, through the newline */
		s = in + used;
		avail = len - used;
		nl = memchr(s, '\n', avail);
		take = nl ? (size_t)(nl - s) + 1 : avail;
		for (i = 0; i < b->nsink && take; i++)
			if (st->sel[i]) {
				size_t r = blocked ? 0 : line_room(&b->sink[i]);

				if (r < take)
					take = r;
			}
		if (take) {
			for (i = 0; i < b->nsink; i++)
				if (st->sel[i])
					line_put(o, &b->sink[i], s, take,
					    st->pos);
			used += take;
			st->pos += take;
			ended = s[take - 1] == '\n';
		}
		/* input ends inside the line: end it, svlogd would drop it */
		if (!ended && (flags & SVLOG_EOF) && used == len && !blocked) {
			for (i = 0; i < b->nsink; i++)
				if (st->sel[i] && line_room(&b->sink[i]) == 0) {
					*why = line_blocked(b);
					return used;
				}
			for (i = 0; i < b->nsink; i++)
				if (st->sel[i])
					line_put(o, &b->sink[i], "\n", 1,
					    o->linemax);
			ended = 1;
		}
		if (!ended) {
			if (used == len && !blocked) {
				*why = SVLOG_NEED_INPUT;
				return used;
			}
			*why = line_blocked(b);
			return used;
		}
		/* svlogd: after a write ending a line, rotate at s - l */
		st->open = 0;
		for (i = 0; i < b->nsink; i++) {
			struct svlog_sink *k = &b->sink[i];

			if (st->sel[i] && k->cf->sizemax &&
			    k->size >= k->cf->sizemax - o->linemax) {
				k->rot = SVLOG_ROT_AFTER;
				rot = 1;
			}
		}
		if (rot) {
			*why = SVLOG_ROTATE;
			return used;
		}
	}
}
