/* SPDX-License-Identifier: ISC */
/*
 * Byte sources for the unpacker: a file, a member of a tar (a blob of an
 * oci-archive or docker-archive, read in place), or the decompressed
 * stream of a file (an ACI, whose ID is the sha512 of its plain tar).
 * Every byte that passes is hashed, so a digest is checked in the same
 * pass that unpacks, and in a thread of its own, so hashing costs no time
 * beside decompressing and writing; on a terminal, a read that lasts over
 * a second shows its progress on stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/err.h"
#include "stage0/stage0.h"

/*
 * The hasher: the buffers handed to libarchive form a ring; libarchive
 * is done with one when it asks for the next, the hasher when tail
 * passes it, and a buffer is filled again only once both are.
 */
#define NRING 8
#define RINGSZ (1 << 16)
struct hasher {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *buf;
	size_t len[NRING];
	unsigned head, tail;	/* filled, hashed */
	int done;		/* set: the hasher stops once it is idle */
	int thread;		/* 0: hashing in line */
};

static la_ssize_t src_cb(struct archive *, void *, const void **);
static void *hasher_main(void *);
static la_ssize_t fd_cb(struct archive *, void *, const void **);
static void progress(struct src *, ssize_t);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
src_init(struct src *s, const char *label, int alg)
{
	const char *ms = getenv("POD1_PROGRESS_MS");

	memset(s, 0, offsetof(struct src, fbuf));
	s->fd = -1;
	s->label = label;
	sha_init(&s->sha, alg);
	s->t0 = now_ms();
	/* the tests lower the one-second threshold to see it on a pty */
	if (ms && *ms)
		s->t0 -= 1000 - atoi(ms);
	s->tty = isatty(2);
}

static void
progress(struct src *s, ssize_t r)
{
	int64_t t;
	char line[160];

	if (r > 0)
		s->n += r;
	if (!s->tty)
		return;
	t = now_ms();
	if (r == 0 && s->tlast) {
		/* done: take the line back */
		fputs("\r\033[K", stderr);
		s->tlast = 0;
		return;
	}
	if (r <= 0 || t - s->t0 < 1000 || t - s->tlast < 200)
		return;
	s->tlast = t;
	snprintf(line, sizeof line, "\rpod1: unpacking %.100s: %llu MiB",
	    s->label, (unsigned long long)(s->n >> 20));
	fputs(line, stderr);
	fflush(stderr);
}

static la_ssize_t
fd_cb(struct archive *a, void *cookie, const void **buf)
{
	struct src *s = cookie;
	ssize_t r;

	(void)a;
	do {
		cleanup_check();
		r = read(s->fd, s->fbuf, sizeof s->fbuf);
	} while (r < 0 && errno == EINTR);
	*buf = s->fbuf;
	progress(s, r);
	return r;
}

static void *
hasher_main(void *arg)
{
	struct src *s = arg;
	struct hasher *h = s->h;
	unsigned i;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->tail == h->head && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->tail == h->head)
			break;
		i = h->tail % NRING;
		pthread_mutex_unlock(&h->mu);
		sha_update(&s->sha, h->buf + (size_t)i * RINGSZ, h->len[i]);
		pthread_mutex_lock(&h->mu);
		h->tail++;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* What an archive reader reads: hashed as it passes. */
static la_ssize_t
src_cb(struct archive *a, void *cookie, const void **buf)
{
	struct src *s = cookie;
	struct hasher *h;
	unsigned char *b;
	la_ssize_t r;
	unsigned i;
	sigset_t all, old;

	if (s->h == NULL) {
		if ((h = calloc(1, sizeof *h)) == NULL ||
		    (h->buf = malloc((size_t)NRING * RINGSZ)) == NULL)
			die_sys(111, "unable to allocate");
		pthread_mutex_init(&h->mu, NULL);
		pthread_cond_init(&h->cv, NULL);
		s->h = h;
		/*
		 * Without a thread, the hash is made here, in line. The
		 * thread takes no signal: they must interrupt our reads.
		 */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		h->thread = s->sha.alg && pthread_create(&h->t, NULL,
		    hasher_main, s) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	h = s->h;
	cleanup_check();
	pthread_mutex_lock(&h->mu);
	while (h->head - h->tail >= NRING && h->thread)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	i = h->head % NRING;
	b = h->buf + (size_t)i * RINGSZ;
	if (s->up || s->outer) {
		r = archive_read_data(s->up ? s->up : s->outer, b, RINGSZ);
		if (r < 0 && a != NULL)
			archive_set_error(a, EIO, "%s",
			    archive_error_string(s->up ? s->up : s->outer));
		if (s->outer)
			progress(s, r);
	} else {
		do {
			cleanup_check();
			r = read(s->fd, b, RINGSZ);
		} while (r < 0 && errno == EINTR);
		progress(s, r);
	}
	*buf = b;
	if (r <= 0 || s->sha.alg == 0)
		return r;
	if (!h->thread) {
		sha_update(&s->sha, b, r);
		return r;
	}
	pthread_mutex_lock(&h->mu);
	h->len[i] = r;
	h->head++;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return r;
}

/* Wait for the hasher to be done; the hex digest of what passed. */
void
src_sum(struct src *s, char *hex)
{
	struct hasher *h = s->h;

	if (s->hex[0] == 0) {
		if (h && h->thread) {
			pthread_mutex_lock(&h->mu);
			h->done = 1;
			pthread_cond_broadcast(&h->cv);
			pthread_mutex_unlock(&h->mu);
			pthread_join(h->t, NULL);
			h->thread = 0;
		}
		sha_hex(&s->sha, s->hex);
	}
	memcpy(hex, s->hex, sizeof s->hex);
}

int
src_open_file(struct src *s, const char *path)
{
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	return s->fd < 0 ? -1 : 0;
}

/*
 * The member of tar file path whose clean name is member, read in place;
 * -1 with errno ENOENT when there is none.
 */
int
src_open_member(struct src *s, const char *path, const char *member)
{
	struct archive_entry *e;
	char clean[PATH_MAX];
	int r;

	if ((s->outer = archive_read_new()) == NULL)
		die_sys(111, "unable to allocate");
	archive_read_support_filter_all(s->outer);
	archive_read_support_format_tar(s->outer);
	if (archive_read_open_filename(s->outer, path, 1 << 16) != ARCHIVE_OK)
		die(100, "unable to open ", path, ": ",
		    archive_error_string(s->outer));
	for (;;) {
		r = archive_read_next_header(s->outer, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			die(100, path, ": ", archive_error_string(s->outer));
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (path_clean(archive_entry_pathname(e), clean, sizeof clean))
			continue;
		if (strcmp(clean, member) == 0)
			return 0;
	}
	archive_read_free(s->outer);
	s->outer = NULL;
	errno = ENOENT;
	return -1;
}

/*
 * A tar reader over the source. With plain set (an ACI), the source is
 * first decompressed by a raw reader, so the hash is of the plain tar;
 * that source must be a file.
 */
struct archive *
src_reader(struct src *s, int plain)
{
	struct archive *a;
	struct archive_entry *e;

	if (plain) {
		if ((s->up = archive_read_new()) == NULL)
			die_sys(111, "unable to allocate");
		archive_read_support_filter_all(s->up);
		archive_read_support_format_raw(s->up);
		if (archive_read_open(s->up, s, NULL, fd_cb, NULL) !=
		    ARCHIVE_OK ||
		    archive_read_next_header(s->up, &e) != ARCHIVE_OK)
			die(100, s->label, ": ", archive_error_string(s->up));
	}
	if ((a = archive_read_new()) == NULL)
		die_sys(111, "unable to allocate");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, s, NULL, src_cb, NULL) != ARCHIVE_OK)
		die(100, s->label, ": not a tar archive: ",
		    archive_error_string(a));
	return a;
}

/* Read what is left, so the hash covers the whole blob. */
void
src_drain(struct src *s)
{
	const void *b;
	la_ssize_t r;

	while ((r = src_cb(NULL, s, &b)) > 0)
		;
	if (r < 0)
		die_sys(111, s->label, ": read error");
}

/* The whole source in memory, NUL-terminated. */
char *
src_slurp(struct src *s, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0;
	const void *b;
	la_ssize_t r;

	for (;;) {
		r = src_cb(NULL, s, &b);
		if (r < 0)
			die_sys(111, s->label, ": read error");
		if (r == 0)
			break;
		if (len > (64u << 20))
			die(100, s->label, ": too large for metadata");
		if ((buf = realloc(buf, len + r + 1)) == NULL)
			die_sys(111, "unable to allocate");
		memcpy(buf + len, b, r);
		len += r;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		die_sys(111, "unable to allocate");
	buf[len] = 0;
	*lenp = len;
	return buf;
}

/* The progress line goes away. */
void
src_done(struct src *s)
{
	progress(s, 0);
}

void
src_close(struct src *s)
{
	char hex[129];

	src_done(s);
	if (s->h) {
		src_sum(s, hex);
		free(s->h->buf);
		free(s->h);
		s->h = NULL;
	}
	if (s->up)
		archive_read_free(s->up);
	if (s->outer)
		archive_read_free(s->outer);
	if (s->fd >= 0)
		close(s->fd);
	s->up = s->outer = NULL;
	s->fd = -1;
}
