/* SPDX-License-Identifier: ISC */
/*
 * svlog_journal: how a logger killed with SIGKILL loses and repeats
 * nothing. Input leaves the pipe only by splice(2) into this file, which
 * takes out of the pipe exactly the bytes it wrote, in one system call:
 * what left the pipe is on file. The header says where the input not yet
 * logged starts and, before a batch is written, where each current stood
 * and how much the batch adds to it. A new logger reads the header, looks
 * at the currents, and either moves start past the batch or cuts the
 * currents back to do the batch again.
 *
 * Layout: SVLOG_JHDR bytes of header at offset 0, rewritten in place by
 * one pwrite(2) inside one page (which SIGKILL cannot tear), then input.
 * Compacting moves the input not yet logged back to SVLOG_JHDR; dataend
 * marks the end of the moved input until the file is cut there.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "svlog/svlog.h"

/* bump with any change to struct svlog_jhdr: an old header is ignored */
static const char journal_magic[8] = "pod1sj02";

/* the header must fit the page-sized region a single pwrite(2) covers */
extern char svlog_jhdr_fits[sizeof(struct svlog_jhdr) <= SVLOG_JHDR ? 1 : -1];

static void journal_cut(struct svlog *, const struct svlog_jhdr *);
static int journal_punch(struct svlog *);

void
svlog_journal_init(struct svlog_jhdr *h)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, journal_magic, sizeof h->magic);
	h->start = SVLOG_JHDR;
}

/*
 * The recovery rule, pure. size is the journal's size (already cut to
 * dataend), cur[i] the size now of the current header dir i names, ~0
 * when it is no current any more (rotated: the batch got past it). Sets
 * *start to the first input byte still to log.
 */
enum svlog_jact
svlog_journal_decide(const struct svlog_jhdr *h, unsigned long long size,
    const unsigned long long *cur, unsigned long long *start)
{
	unsigned i;

	if (memcmp(h->magic, journal_magic, sizeof h->magic) != 0 ||
	    h->ndir > SVLOG_MAXDIRS) {
		/* not ours: whatever follows cannot be trusted */
		*start = size > SVLOG_JHDR ? size : SVLOG_JHDR;
		return SVLOG_J_NONE;
	}
	*start = h->start < SVLOG_JHDR ? SVLOG_JHDR : h->start;
	if (*start > size)
		*start = size > SVLOG_JHDR ? size : SVLOG_JHDR;
	for (i = 0; i < h->ndir; i++)
		if (h->dir[i].ino && cur[i] != ~0ULL &&
		    cur[i] < h->dir[i].s0 + h->dir[i].m)
			return SVLOG_J_REDO;
	*start += h->n;
	if (*start > size)
		*start = size > SVLOG_JHDR ? size : SVLOG_JHDR;
	return SVLOG_J_DONE;
}

int
svlog_journal_open(int dirfd, int create)
{
	return openat(dirfd, "journal", O_RDWR | O_CLOEXEC |
	    (create ? O_CREAT : 0), 0600);
}

/* Read the header (zeros where the file is short) and the file's size. */
int
svlog_journal_read(int fd, struct svlog_jhdr *h, unsigned long long *size)
{
	struct stat st;
	ssize_t r;

	memset(h, 0, sizeof *h);
	while ((r = pread(fd, h, sizeof *h, 0)) < 0 && errno == EINTR)
		;
	if (r < 0 || fstat(fd, &st) < 0)
		return -1;
	*size = st.st_size;
	return 0;
}

/* The header up to its last directory record: what is read back. */
int
svlog_journal_write(int fd, const struct svlog_jhdr *h)
{
	size_t len = offsetof(struct svlog_jhdr, dir) +
	    h->ndir * sizeof h->dir[0];
	ssize_t w;

	while ((w = pwrite(fd, h, len, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		return -1;
	if (w != (ssize_t)len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Cut each current the interrupted batch named back to where it stood:
 * the batch is done again from the journal.
 */
static void
journal_cut(struct svlog *s, const struct svlog_jhdr *h)
{
	unsigned i, j;

	for (i = 0; i < h->ndir; i++)
		for (j = 0; j < s->ndir; j++) {
			struct svlog_dir *d = &s->dir[j];
			struct stat st;
			int fd;

			if (d->fddir < 0 || !h->dir[i].ino)
				continue;
			fd = openat(d->fddir, "current", O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (fstat(fd, &st) == 0 &&
			    (unsigned long long)st.st_ino == h->dir[i].ino &&
			    (unsigned long long)st.st_dev == h->dir[i].dev &&
			    (unsigned long long)st.st_size > h->dir[i].s0 &&
			    ftruncate(fd, h->dir[i].s0) < 0)
				warn_sys("unable to cut back ", d->name,
				    "/current");
			fd_close(fd);
		}
}

/*
 * Open the journal where a killed logger left it (in the first usable
 * directory otherwise) and finish what it left, before any unclean
 * current is renamed: the currents the header names must still be in
 * place to be looked at.
 */
void
svlog_journal_setup(struct svlog *s)
{
	unsigned long long cur[SVLOG_MAXDIRS], size, start;
	struct svlog_jhdr h;
	enum svlog_jact act;
	unsigned i, j;
	void *m;

	s->jfd = -1;
	for (i = 0; i < s->ndir && s->jfd < 0; i++)
		if (s->dir[i].fddir >= 0 &&
		    (s->jfd = svlog_journal_open(s->dir[i].fddir, 0)) >= 0)
			s->jdir = i;
	for (i = 0; i < s->ndir && s->dir[i].fddir < 0; i++)
		;
	if (s->jfd < 0) {
		s->jdir = i;
		s->jfd = svlog_journal_open(s->dir[i].fddir, 1);
	}
	i = s->jdir;
	if (s->jfd < 0 || svlog_journal_read(s->jfd, &h, &size) < 0)
		die_sys(111, "unable to open ", s->dir[i].name, "/journal");
	if (h.dataend && size > h.dataend) {
		/* killed while compacting: the moved input ends here */
		if (ftruncate(s->jfd, h.dataend) < 0)
			die_sys(111, "unable to cut ", s->dir[i].name,
			    "/journal");
		size = h.dataend;
	}
	for (i = 0; i < SVLOG_MAXDIRS; i++) {
		cur[i] = ~0ULL;
		for (j = 0; j < s->ndir && i < h.ndir; j++) {
			struct svlog_dir *d = &s->dir[j];
			struct stat st;

			if (d->fddir >= 0 && h.dir[i].ino &&
			    fstatat(d->fddir, "current", &st, 0) == 0 &&
			    (unsigned long long)st.st_dev == h.dir[i].dev &&
			    (unsigned long long)st.st_ino == h.dir[i].ino)
				cur[i] = st.st_size;
		}
	}
	act = svlog_journal_decide(&h, size, cur, &start);
	if (act == SVLOG_J_REDO) {
		info("journal: redoing the last batch of a killed logger");
		journal_cut(s, &h);
	}
	s->st = act == SVLOG_J_REDO ? h.st0 : act == SVLOG_J_DONE ? h.st1 :
	    s->st;
	/* the line state may name directories that are gone now */
	for (i = 0; i < SVLOG_MAXDIRS; i++)
		if (i >= s->ndir || s->dir[i].fddir < 0)
			s->st.sel[i] = 0;
	s->jstart = start;
	s->jsize = size > SVLOG_JHDR ? size : SVLOG_JHDR;
	s->jpunched = SVLOG_JHDR;
	if (start < s->jsize)
		info("journal: logging input a killed logger had taken");
	/* nothing in flight: the old batch record goes for good */
	svlog_journal_init(&s->jh);
	s->jh.start = s->jstart;
	s->jh.st0 = s->jh.st1 = s->st;
	if (svlog_journal_write(s->jfd, &s->jh) < 0)
		die_sys(111, "unable to write ", s->dir[s->jdir].name,
		    "/journal");
	/* room for what is there, a full compaction cycle and two batches */
	s->jmaplen = s->jsize + SVLOG_JOURNAL_MAX + 4 * s->buflen;
	m = mmap(0, s->jmaplen, PROT_READ, MAP_SHARED, s->jfd, 0);
	s->jmap = m == MAP_FAILED ? 0 : m;
}

/*
 * The journal's bytes [off, off + len): from the mapping, or read into
 * s->in (len <= buflen) where it could not be mapped.
 */
const char *
svlog_journal_data(struct svlog *s, unsigned long long off, size_t len)
{
	size_t got = 0;

	if (s->jmap)
		return s->jmap + off;
	while (got < len) {
		ssize_t r = pread(s->jfd, s->in + got, len - got, off + got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += r;
	}
	return s->in;
}

/*
 * Move the input not yet logged back to the front and give back the space
 * of the input logged before it. The order keeps every instant
 * recoverable: copy, header with the new start and dataend, cut the file,
 * clear dataend; if the cut fails the old layout is put back. A batch
 * being written keeps its record, its input moved with the rest.
 * Returns 1 when space was given back.
 */
int
svlog_journal_compact(struct svlog *s)
{
	unsigned long long left = s->jsize - s->jstart, off;
	struct svlog_jhdr h = s->jh;

	if (s->jstart <= SVLOG_JHDR)
		return 0;
	/*
	 * Moving would overwrite input not yet logged, or the disk is too
	 * full for it (where holes were punched): free the pages in place.
	 * Only logged input lies below start, so a move cut short is safe.
	 */
	if (left > s->jstart - SVLOG_JHDR)
		return journal_punch(s);
	for (off = 0; off < left;) {
		size_t n = left - off < s->buflen ? left - off : s->buflen;
		const char *p = svlog_journal_data(s, s->jstart + off, n);

		if (p == 0 || pwrite(s->jfd, p, n, SVLOG_JHDR + off) !=
		    (ssize_t)n)
			return journal_punch(s);
		off += n;
	}
	if (s->phase != SVLOG_P_WRITE) {
		/* no batch recorded: the state is the one at start */
		h.n = 0;
		h.ndir = 0;
		h.st0 = h.st1 = s->phase == SVLOG_P_NONE ? s->st : s->st0;
	}
	h.start = SVLOG_JHDR;
	h.dataend = SVLOG_JHDR + left;
	if (svlog_journal_write(s->jfd, &h) < 0)
		goto out_restore;
	if (ftruncate(s->jfd, SVLOG_JHDR + left) < 0)
		goto out_restore;
	h.dataend = 0;
	if (svlog_journal_write(s->jfd, &h) < 0)
		warn_sys("unable to write the journal");
	s->jh = h;
	s->jstart = SVLOG_JHDR;
	s->jsize = SVLOG_JHDR + left;
	s->jpunched = SVLOG_JHDR;
	return 1;

out_restore:
	warn_sys("unable to compact the journal");
	svlog_journal_write(s->jfd, &s->jh);
	return 0;
}

/*
 * Give the pages of logged input back without moving anything: the
 * header is untouched, so this is safe at any instant. For a full disk
 * when compacting cannot move the input (filesystems without holes just
 * say no). Returns 1 when pages went.
 */
static int
journal_punch(struct svlog *s)
{
	unsigned long long end = s->jstart & ~(unsigned long long)
	    (SVLOG_JHDR - 1);

	if (end <= s->jpunched)
		return 0;
	if (fallocate(s->jfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    s->jpunched, end - s->jpunched) < 0)
		return 0;
	s->jpunched = end;
	return 1;
}
