/* SPDX-License-Identifier: ISC */
/*
 * pod1-svlog: svlogd's contract, batched. Lines from stdin go to svlogd
 * log directories (same files, names, modes, config and signals), and
 * with -o also to stdout for docker/podman/kubectl logs. One poll loop
 * serves stdin, a signalfd and the retry timers; no heap and no stdio
 * after set-up.
 *
 * Input goes from the pipe into the journal (svlog_journal.c) first and
 * is logged from there, in batches: one write(2) per directory per
 * batch. The supervisor holds the pipe across our restarts, so a SIGKILL
 * at any instant neither loses nor repeats a line.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/opt.h"
#include "lib/sig.h"
#include "svlog/svlog.h"

#define USAGE "pod1-svlog [-t|-tt|-ttt] [-r c] [-R chars] [-l len] " \
	"[-b buflen] [-o PREFIX] [-v] DIR..."

#define RETRY_MS 1000		/* paused work is tried again after this */
#define SETTLE_MS 1000		/* idle this long: give pages back */

static struct svlog g;

static void options(struct svlog *, int, char **);
static void setup_buffers(struct svlog *);
static int take(struct svlog *, long long);
static void input(struct svlog *);
static int advance(struct svlog *, long long);
static void abandon(struct svlog *);
static int rotations(struct svlog *, long long);
static void reopen(struct svlog *, long long);
static int want_take(const struct svlog *, long long);
static int want_batch(const struct svlog *);
static void work(struct svlog *, long long);
static int finished(const struct svlog *);
static long long deadline(const struct svlog *);
static void reap(struct svlog *, long long);
static void signals(struct svlog *, long long);
static void settle(struct svlog *, long long);
static void finish(struct svlog *);

static void
options(struct svlog *s, int argc, char **argv)
{
	struct opt o = OPT_INIT;
	unsigned long long n;
	const char *oprefix = 0;
	int c, i;

	s->o.linemax = SVLOG_LINEDEF;
	s->buflen = SVLOG_BUFDEF;
	while ((c = opt_next(&o, argc, argv, "tr:R:l:b:o:v")) != -1) {
		switch (c) {
		case 't':
			if (++s->o.stamp > 3)
				s->o.stamp = 3;
			break;
		case 'r':
			if (o.arg[0] == 0 || o.arg[1] != 0)
				die_usage(USAGE);
			s->o.repl = o.arg[0];
			break;
		case 'R':
			s->o.replace = o.arg;
			if (!s->o.repl)
				s->o.repl = '_';
			break;
		case 'l':
			if (scan_uint(o.arg, SVLOG_BUFMAX, &n) < 0)
				die(100, "-l wants a line length, not ", o.arg);
			s->o.linemax = n ? n : SVLOG_LINEDEF;
			break;
		case 'b':
			if (scan_uint(o.arg, SVLOG_BUFMAX, &n) < 0)
				die(100, "-b wants a buffer size, not ", o.arg);
			s->buflen = n ? n : SVLOG_BUFDEF;
			break;
		case 'o':
			if (strlen(o.arg) >= SVLOG_PREFIXMAX)
				die(100, "-o: prefix too long");
			oprefix = o.arg;
			break;
		case 'v':
			s->verbose++;
			break;
		default:
			die_usage(USAGE);
		}
	}
	/* svlogd's rule: a buffer must hold a whole line head */
	if (o.ind >= argc || s->buflen <= s->o.linemax)
		die_usage(USAGE);
	if (argc - o.ind > SVLOG_MAXDIRS)
		die(100, "too many log directories");
	for (i = o.ind; i < argc; i++)
		s->dir[s->ndir++].name = argv[i];
	svlog_line_map(&s->o);
	if (oprefix) {
		s->out.prefix = oprefix;
		s->out.prefixlen = strlen(oprefix);
	}
}

/*
 * The one allocation, sized by the options, never freed: mapped, so an
 * idle logger can give its pages back (settle()).
 */
static void
setup_buffers(struct svlog *s)
{
	size_t outcap = 2 * s->buflen + SVLOG_STAMP + SVLOG_PREFIXMAX;
	size_t copycap = s->buflen + 2 * SVLOG_PREFIXMAX + SVLOG_STAMP + 8;
	size_t total = 2 * s->buflen + s->o.linemax + s->ndir * outcap +
	    2 * copycap;
	char *p = mmap(0, total, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned i;

	if (p == MAP_FAILED)
		die_sys(111, "unable to allocate buffers");
	s->bufs = p;
	s->bufslen = total;
	s->in = p;
	p += s->buflen;
	s->rbuf = p;
	p += s->buflen;
	s->scratch = p;
	p += s->o.linemax;
	for (i = 0; i < s->ndir; i++) {
		s->dir[i].out = p;
		p += outcap;
	}
	s->out.buf = p;
	s->out.cap = copycap;
	p += copycap;
	s->err.buf = p;
	s->err.cap = copycap;
}

/*
 * Take input into the journal. From a pipe, splice(2): it takes out of
 * the pipe exactly what it wrote. Otherwise read, then append (a killed
 * logger loses what it had read; there is no one to hold a file or a
 * terminal for the next one anyway). Under TERM only one byte at a time,
 * as svlogd, to finish the last line without taking the next. Returns 1
 * when something was taken or EOF seen.
 */
static int
take(struct svlog *s, long long now)
{
	size_t want = s->exiting ? 1 : s->buflen;
	ssize_t r;

	if (s->pipe) {
		off_t off = s->jsize;

		r = splice(0, 0, s->jfd, &off, want, SPLICE_F_NONBLOCK);
		if (r < 0 && errno == EINVAL) {
			/* a filesystem that takes no splice: read, then write */
			warn("unable to splice into the journal: reading, "
			    "a kill may lose what was read");
			s->pipe = 0;
			return 1;
		}
	} else {
		r = 0;
		if (s->rlen == 0) {
			r = read(0, s->rbuf, want);
			if (r > 0)
				s->rlen = r;
			/* a terminal may block: read again only when polled */
			s->ready = 0;
		}
		if (s->rlen) {
			r = pwrite(s->jfd, s->rbuf, s->rlen, s->jsize);
			if (r > 0 && (size_t)r < s->rlen)
				memmove(s->rbuf, s->rbuf + r, s->rlen - r);
			if (r > 0)
				s->rlen -= r;
		}
	}
	if (r > 0) {
		s->jsize += r;
		s->need = 0;
		s->settle = now + SETTLE_MS;
		if (s->tpaused)
			info("resumed writing the journal");
		s->tpaused = 0;
		return 1;
	}
	if (r == 0) {
		s->eof = 1;
		s->need = 0;
		return 1;
	}
	if (errno == EAGAIN || errno == EINTR) {
		s->ready = 0;
		return 0;
	}
	/* the logged input the journal keeps is the first thing to go */
	if (errno == ENOSPC && (svlog_journal_compact(s) ||
	    svlog_dir_nospace(&s->dir[s->jdir])))
		return 1;
	/* a full disk holds the writer back on the full pipe */
	if (!s->tpaused)
		warn_sys("pausing: unable to take input into ",
		    s->dir[s->jdir].name, "/journal");
	s->tpaused = 1;
	s->tretry = now + RETRY_MS;
	return 0;
}

/* Build a batch from the journal's input not yet logged. */
static void
input(struct svlog *s)
{
	struct svlog_sink sink[SVLOG_MAXDIRS];
	char stamp[SVLOG_STAMP];
	struct svlog_batch b;
	enum svlog_why why;
	unsigned long long left = s->jsize - s->jstart;
	size_t len = left < s->buflen ? left : s->buflen, used;
	const char *in = svlog_journal_data(s, s->jstart, len);
	int flags = 0, any = 0;
	unsigned i;

	if (in == 0) {
		warn_sys("unable to read the journal");
		s->retry = svlog_now() + RETRY_MS;
		return;
	}
	if (s->eof && len == left)
		flags |= SVLOG_EOF;
	if (s->o.stamp) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		svlog_line_stamp(stamp, s->o.stamp, ts.tv_sec, ts.tv_nsec);
	}
	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];

		sink[i].cf = d->fdcur >= 0 ? &d->cf : 0;
		sink[i].size = d->size;
		sink[i].buf = d->out;
		sink[i].cap = 2 * s->buflen + SVLOG_STAMP + SVLOG_PREFIXMAX;
		sink[i].len = 0;
		sink[i].rot = 0;
	}
	b.o = &s->o;
	b.st = &s->st;
	b.sink = sink;
	b.nsink = s->ndir;
	b.out = s->out.prefix ? &s->out : 0;
	b.err = &s->err;
	b.stamp = stamp;
	b.scratch = s->scratch;
	s->st0 = s->st;
	used = svlog_line_batch(&b, in, len, flags, &why);
	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];

		d->s0 = d->size;
		d->size = sink[i].size;
		d->outlen = sink[i].len;
		d->outdone = 0;
		d->rot |= sink[i].rot;
		any |= d->outlen > 0;
	}
	/* all that was taken is logged but an incomplete line: wait */
	s->need = why == SVLOG_NEED_INPUT && len == left;
	s->n = used;
	if (used || any)
		s->phase = SVLOG_P_HEAD;
}

/*
 * Drive the batch in progress: record it in the journal, write it to each
 * current, then move start past it (the next header writes that down; a
 * logger killed before sees the currents have it). Then the copies.
 */
static int
advance(struct svlog *s, long long now)
{
	unsigned i;

	if (s->phase == SVLOG_P_HEAD) {
		s->jh.start = s->jstart;
		s->jh.n = s->n;
		s->jh.ndir = s->ndir;
		s->jh.dataend = 0;
		s->jh.st0 = s->st0;
		s->jh.st1 = s->st;
		for (i = 0; i < s->ndir; i++) {
			struct svlog_dir *d = &s->dir[i];
			struct svlog_jdir *j = &s->jh.dir[i];

			j->dev = d->curdev;
			j->ino = d->fdcur >= 0 ? d->curino : 0;
			j->s0 = d->s0;
			j->m = d->outlen;
		}
		if (svlog_journal_write(s->jfd, &s->jh) < 0) {
			if (!s->wpaused)
				warn_sys("pausing: unable to write the "
				    "journal");
			s->retry = now + RETRY_MS;
			s->wpaused = 1;
			return -1;
		}
		s->phase = SVLOG_P_WRITE;
	}
	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];

		while (d->outdone < d->outlen && d->fdcur >= 0 &&
		    svlog_dir_write(d) < 0) {
			/*
			 * Disk full: first the logged input the journal
			 * keeps, then old files beyond N (when N < n).
			 */
			if (errno == ENOSPC && (svlog_journal_compact(s) ||
			    svlog_dir_nospace(d)))
				continue;
			svlog_dir_pause(d, errno);
			s->retry = now + RETRY_MS;
			s->wpaused = 1;
			return -1;
		}
	}
	s->wpaused = 0;
	s->jstart += s->n;
	s->phase = SVLOG_P_NONE;
	svlog_copy_flush(&s->out, s->outfd, s->outsock, &s->outmid, "stdout");
	svlog_copy_flush(&s->err, s->errfd, s->errsock, &s->errmid, "stderr");
	return 0;
}

/*
 * TERM while a batch cannot be written (disk full): its input is still
 * in the journal, so cut the currents back and leave it there for the
 * next logger.
 */
static void
abandon(struct svlog *s)
{
	unsigned i;

	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];

		if (d->outdone && ftruncate(d->fdcur, d->s0) < 0)
			warn_sys("unable to cut back ", d->name, "/current");
		d->size = d->s0;
		d->outlen = d->outdone = 0;
		d->rot = 0;
	}
	s->st = s->st0;
	s->phase = SVLOG_P_NONE;
	s->wpaused = 0;
	s->retry = 0;
	s->abandoned = 1;
	info("stopping with the disk full: the rest stays in the journal");
}

/* Rotate what wants it. 0 when none is left waiting. */
static int
rotations(struct svlog *s, long long now)
{
	int left = 0;
	unsigned i;

	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];
		int r;

		if (!d->rot)
			continue;
		r = svlog_dir_rotate(s, d, now);
		if (r == 0)
			d->rot = 0;
		else {
			if (r < 0)
				s->retry = now + RETRY_MS;
			left = 1;
		}
	}
	return left;
}

/* HUP: close every directory and open it again with its config. */
static void
reopen(struct svlog *s, long long now)
{
	unsigned i;
	int ok = 0;

	for (i = 0; i < s->ndir; i++) {
		struct svlog_dir *d = &s->dir[i];

		svlog_dir_close(s, d);
		if (svlog_dir_open(s, d, now) == 0 &&
		    svlog_dir_start(s, d) == 0)
			ok = 1;
		else
			s->st.sel[i] = 0;
	}
	if (!ok) {
		/* svlogd exits 111 here; we keep the lines in the pipe */
		warn("no functional log directories, retrying");
		s->reopen = 1;
		s->retry = now + RETRY_MS;
	}
}

/*
 * More input is wanted while less than a buffer's worth waits in the
 * journal (a full disk or a slow processor thus holds the writer back on
 * the pipe); under TERM only to finish an incomplete last line.
 */
static int
want_take(const struct svlog *s, long long now)
{
	if (s->eof || s->abandoned || now < s->tretry ||
	    s->jsize - s->jstart >= s->buflen ||
	    s->jsize + s->buflen > s->jmaplen)
		return 0;
	if (s->exiting)
		return s->need && (s->jstart < s->jsize || s->st.open) &&
		    s->phase == SVLOG_P_NONE;
	return 1;
}

/* A batch can be built: input is waiting and nothing holds it up. */
static int
want_batch(const struct svlog *s)
{
	unsigned i;

	if (s->phase != SVLOG_P_NONE || s->reopen || s->need ||
	    s->abandoned || (s->jstart == s->jsize && !(s->eof && s->st.open)))
		return 0;
	for (i = 0; i < s->ndir; i++)
		if (s->dir[i].rot)
			return 0;
	return 1;
}

/*
 * Everything that can go on without waiting, in svlogd's order: the batch
 * in progress, rotations, processors, HUP, ALRM, age, then the input
 * already taken, then new input.
 */
static void
work(struct svlog *s, long long now)
{
	unsigned i;

	for (;;) {
		int rot = 0;

		if (s->exiting && s->wpaused)
			abandon(s);
		if (now < s->retry)
			return;
		s->retry = 0;
		if (s->phase != SVLOG_P_NONE && advance(s, now) < 0)
			return;
		if (rotations(s, now))
			return;
		for (i = 0; i < s->ndir; i++) {
			struct svlog_dir *d = &s->dir[i];

			if (d->pretry && now >= d->pretry && !s->exiting)
				svlog_dir_procstart(s, d);
		}
		if (s->reopen) {
			s->reopen = 0;
			reopen(s, now);
			continue;
		}
		for (i = 0; i < s->ndir; i++) {
			struct svlog_dir *d = &s->dir[i];

			if (s->rotate || (d->fddir >= 0 && d->cf.tmax &&
			    now >= d->trotate)) {
				d->rot = SVLOG_ROT_AFTER;
				rot = 1;
			}
		}
		s->rotate = 0;
		if (rot)
			continue;
		/*
		 * Keep the journal small: past a size, and when all is
		 * logged and the pipe is empty (not at every such moment of
		 * a busy stream: a cut costs more than a batch).
		 */
		if (s->jstart > SVLOG_JHDR + SVLOG_JOURNAL_MAX ||
		    (s->jstart == s->jsize && !s->ready &&
		    s->jstart > SVLOG_JHDR + SVLOG_JOURNAL_IDLE))
			svlog_journal_compact(s);
		if (want_batch(s)) {
			input(s);
			if (s->phase != SVLOG_P_NONE || s->retry)
				continue;
			for (i = 0; i < s->ndir; i++)
				rot |= s->dir[i].rot;
			if (rot)
				continue;
		}
		if (s->ready && want_take(s, now) && take(s, now))
			continue;
		if (s->settle && now >= s->settle)
			settle(s, now);
		return;
	}
}

/*
 * A logger idle for SETTLE_MS gives back the pages it touched: the
 * journal's logged input (a compaction cuts it off), and its mappings of
 * the journal and of the buffers, which hold nothing between batches. A
 * pod runs a logger per app, and most sit idle most of the time: each
 * keeps a few pages instead of a dozen. Not while anything is in flight,
 * nor on a busy stream (the next input puts the time off again).
 */
static void
settle(struct svlog *s, long long now)
{
	unsigned i;

	s->settle = now + SETTLE_MS;
	if (s->phase != SVLOG_P_NONE || s->jstart != s->jsize || s->rlen ||
	    s->ready || s->abandoned)
		return;
	for (i = 0; i < s->ndir; i++)
		if (s->dir[i].rot)
			return;
	s->settle = 0;
	if (s->jstart > SVLOG_JHDR)
		svlog_journal_compact(s);
	/* advice: where it is not taken, the pages just stay */
	if (s->jmap)
		madvise((void *)s->jmap, s->jmaplen, MADV_DONTNEED);
	madvise(s->bufs, s->bufslen, MADV_DONTNEED);
}

static int
finished(const struct svlog *s)
{
	unsigned i;

	if (s->abandoned)
		return s->phase == SVLOG_P_NONE;
	if (s->phase != SVLOG_P_NONE || s->reopen)
		return 0;
	for (i = 0; i < s->ndir; i++)
		if (s->dir[i].rot)
			return 0;
	if (s->eof)
		return s->jstart == s->jsize && !s->st.open;
	return s->exiting && s->jstart == s->jsize && !s->st.open;
}

/* The nearest timer: paused work, age rotation, a processor's restart. */
static long long
deadline(const struct svlog *s)
{
	long long t = -1;
	unsigned i;

	if (s->retry)
		t = s->retry;
	if (s->tretry && (t < 0 || s->tretry < t))
		t = s->tretry;
	if (s->settle && (t < 0 || s->settle < t))
		t = s->settle;
	for (i = 0; i < s->ndir; i++) {
		const struct svlog_dir *d = &s->dir[i];

		if (d->fddir >= 0 && d->cf.tmax && (t < 0 || d->trotate < t))
			t = d->trotate;
		if (d->pretry && (t < 0 || d->pretry < t))
			t = d->pretry;
	}
	return t;
}

static void
reap(struct svlog *s, long long now)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		unsigned i;

		if (pid <= 0) {
			if (pid < 0 && errno == EINTR)
				continue;
			return;
		}
		for (i = 0; i < s->ndir; i++)
			if (s->dir[i].ppid == pid) {
				svlog_dir_reaped(s, &s->dir[i], st, now);
				break;
			}
	}
}

static void
signals(struct svlog *s, long long now)
{
	int sig, pid, r;

	while ((r = sig_read(s->sigfd, &sig, &pid)) > 0) {
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			if (s->verbose)
				info("sigterm received");
			s->exiting = 1;
			break;
		case SIGHUP:
			if (s->verbose)
				info("sighangup received");
			s->reopen = 1;
			break;
		case SIGALRM:
			if (s->verbose)
				info("sigalarm received");
			s->rotate = 1;
			break;
		case SIGCHLD:
			reap(s, now);
			break;
		default:
			break;
		}
	}
	if (r < 0)
		warn_sys("unable to read signals");
}

/*
 * Exit cleanly: wait for the processors (svlogd does), drop the journal
 * when it holds nothing more to log, fsync and close every current with
 * u+x.
 */
static void
finish(struct svlog *s)
{
	struct pollfd pfd;
	unsigned i;

	s->exiting = 1;
	pfd.fd = s->sigfd;
	pfd.events = POLLIN;
	for (;;) {
		for (i = 0; i < s->ndir && s->dir[i].ppid == 0; i++)
			;
		if (i == s->ndir)
			break;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			warn_sys("unable to poll");
		signals(s, svlog_now());
	}
	if (s->jstart == s->jsize && s->dir[s->jdir].fddir >= 0 &&
	    unlinkat(s->dir[s->jdir].fddir, "journal", 0) < 0)
		warn_sys("unable to remove the journal");
	fd_close(s->jfd);
	for (i = 0; i < s->ndir; i++)
		svlog_dir_close(s, &s->dir[i]);
}

int
main(int argc, char **argv)
{
	struct svlog *s = &g;
	struct stat st;
	long long now;
	unsigned i;
	int ok = 0;

	err_prog = "pod1-svlog";
	fd_closefrom(3);
	s->sigfd = sig_init(&s->oldmask);
	if (s->sigfd < 0)
		die_sys(111, "unable to set up signals");
	options(s, argc, argv);
	setup_buffers(s);
	if (fstat(0, &st) < 0)
		die_sys(111, "unable to stat standard input");
	s->pipe = S_ISFIFO(st.st_mode);
	now = svlog_now();
	for (i = 0; i < s->ndir; i++)
		if (svlog_dir_open(s, &s->dir[i], now) == 0)
			ok = 1;
	if (!ok)
		die(111, "no functional log directories");
	svlog_journal_setup(s);
	ok = 0;
	for (i = 0; i < s->ndir; i++)
		if (s->dir[i].fddir >= 0 && svlog_dir_start(s, &s->dir[i]) == 0)
			ok = 1;
	if (!ok)
		die(111, "no functional log directories");
	s->outfd = s->out.prefix ? svlog_copy_open(1, &s->outsock) : -1;
	s->errfd = svlog_copy_open(2, &s->errsock);
	s->ready = 1;

	/* below this line we must not die */
	for (;;) {
		struct pollfd pfd[2];
		long long t;
		int n = 1, timeout = -1;

		now = svlog_now();
		work(s, now);
		if (finished(s))
			break;
		pfd[0].fd = s->sigfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = 0;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (want_take(s, now)) {
			if (s->ready)
				timeout = 0;
			else
				n = 2;
		}
		t = deadline(s);
		if (timeout < 0 && t >= 0)
			timeout = t <= now ? 0 : t - now > 1000000 ? 1000000 :
			    t - now;
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			warn_sys("unable to poll");
		if (n == 2 && pfd[1].revents)
			s->ready = 1;
		now = svlog_now();
		if (s->tretry && now >= s->tretry) {
			s->tretry = 0;
			s->ready = 1;
		}
		signals(s, now);
	}
	finish(s);
	return 0;
}
