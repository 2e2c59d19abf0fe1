/* SPDX-License-Identifier: ISC */
/*
 * pod1-svlog's modules: the pure parts (config, pattern matching, the
 * batch builder, the journal's recovery rule) and the I/O parts (log
 * directories, the journal file) share these structures; svlog.c owns the
 * one instance of struct svlog.
 */
#ifndef POD1_SVLOG_H
#define POD1_SVLOG_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>

#define SVLOG_MAXDIRS 32
#define SVLOG_PREFIXMAX 256	/* a dir's p prefix, and -o's */
#define SVLOG_PROCMAX 1024	/* a dir's !processor */
#define SVLOG_INSTMAX 2048	/* a dir's + - e E patterns, NUL-separated */
#define SVLOG_CONFIGMAX 8192	/* bytes of config read */
#define SVLOG_STAMP 26		/* "@4000...", or "2026-...", and a space */
#define SVLOG_LINEDEF 1000	/* svlogd's -l default */
#define SVLOG_BUFDEF 65536	/* bytes read at once; svlogd's is 1024 */
#define SVLOG_BUFMAX (1 << 20)
#define SVLOG_JHDR 4096		/* journal header, then the input taken */
#define SVLOG_JOURNAL_MAX (256 << 10)	/* logged input kept, at most */
#define SVLOG_JOURNAL_IDLE (64 << 10)	/* and when idle */

/* What a log directory's config says; svlogd's defaults. */
struct svlog_config {
	unsigned long long sizemax;	/* s: rotate at this size; 0 never */
	unsigned long long nmax;	/* n: keep this many old files; 0 all */
	unsigned long long nmin;	/* N: keep this many on a full disk */
	unsigned long long tmax;	/* t: rotate after this many seconds */
	size_t prefixlen;
	size_t instlen;
	char prefix[SVLOG_PREFIXMAX];	/* p */
	char processor[SVLOG_PROCMAX];	/* !: NUL-terminated, "" for none */
	char inst[SVLOG_INSTMAX];	/* "+pat\0-pat\0e...\0" in order */
	unsigned udp;			/* u and U lines: not supported */
	unsigned toolong;		/* p ! + - e E lines too long */
};

/* Options common to every directory. */
struct svlog_opts {
	int stamp;		/* 0, or 1 -t, 2 -tt, 3 -ttt */
	char repl;		/* -r: replacement character, 0 for none */
	const char *replace;	/* -R: also replace these */
	size_t linemax;		/* -l */
	unsigned char map[256];	/* -r and -R as a table; map[c] == c: kept */
};

/*
 * Where the input stream stands between batches: at a line start, or in
 * an open line whose head (stamp, prefix) and selection are decided. It
 * is saved in the journal so a restarted logger continues exactly.
 */
struct svlog_lstate {
	unsigned char open;	/* inside a line */
	unsigned char stamplen;
	char stamp[SVLOG_STAMP];
	unsigned long long pos;	/* characters of the open line taken */
	unsigned char sel[SVLOG_MAXDIRS];	/* the line goes to dir i */
	unsigned short hoff[SVLOG_MAXDIRS];	/* head bytes out in dir i */
};

/* Rotation wanted by a sink after a batch. */
#define SVLOG_ROT_BEFORE 1	/* full: rotate before writing more */
#define SVLOG_ROT_AFTER 2	/* a line ended near the size limit */

/* One log directory as the batch builder sees it. */
struct svlog_sink {
	const struct svlog_config *cf;	/* NULL: not functional */
	unsigned long long size;	/* of current, grown by the batch */
	char *buf;
	size_t cap;
	size_t len;			/* the batch's output */
	int rot;			/* SVLOG_ROT_*, or 0 */
};

/* A best-effort copy of lines: -o to stdout, e to stderr. */
struct svlog_copy {
	const char *prefix;
	size_t prefixlen;
	char *buf;
	size_t cap;
	size_t len;
	unsigned long long dropped;	/* lines dropped, not yet reported */
	int failing;			/* the last write failed */
};

/* Why the builder stopped. */
enum svlog_why {
	SVLOG_NEED_INPUT,	/* the rest is an incomplete line head */
	SVLOG_FULL,		/* an output buffer is full */
	SVLOG_ROTATE,		/* a sink wants rotating */
};

/* Flags for svlog_line_batch(). */
#define SVLOG_EOF 1	/* no more input will come: finish a partial line */

struct svlog_batch {
	const struct svlog_opts *o;
	struct svlog_lstate *st;
	struct svlog_sink *sink;
	unsigned nsink;
	struct svlog_copy *out;	/* -o, or NULL */
	struct svlog_copy *err;	/* e, or NULL */
	const char *stamp;	/* this batch's SVLOG_STAMP bytes */
	char *scratch;		/* linemax bytes */
};

/* svlog_config.c */
void svlog_config_init(struct svlog_config *);
void svlog_config_parse(struct svlog_config *, const char *, size_t);

/* svlog_match.c */
int svlog_match(const char *, const char *, size_t);
void svlog_match_line(const char *, size_t, const char *, size_t,
    char *, char *);

/* svlog_line.c */
size_t svlog_line_batch(struct svlog_batch *, const char *, size_t, int,
    enum svlog_why *);
void svlog_line_map(struct svlog_opts *);
void svlog_line_stamp(char *, int, long long, unsigned long);

/*
 * The journal: a header, then the input taken from the pipe and not yet
 * known to be in every current (from start on).
 */
struct svlog_jdir {
	unsigned long long dev;
	unsigned long long ino;	/* of current; 0: no record */
	unsigned long long s0;	/* its size before the batch */
	unsigned long long m;	/* bytes the batch writes to it */
};

struct svlog_jhdr {
	char magic[8];
	unsigned long long start;	/* first input byte not logged */
	unsigned long long n;		/* the batch's input, from start */
	unsigned long long dataend;	/* compacting: the data ends here */
	unsigned ndir;
	struct svlog_lstate st0;	/* the line state at start */
	struct svlog_lstate st1;	/* and after the batch */
	struct svlog_jdir dir[SVLOG_MAXDIRS];
};

enum svlog_jact {
	SVLOG_J_NONE,	/* no journal of ours: start afresh */
	SVLOG_J_DONE,	/* the batch reached every current: go on after it */
	SVLOG_J_REDO,	/* it did not: cut the currents back, do it again */
};

/* svlog_journal.c */
void svlog_journal_init(struct svlog_jhdr *);
enum svlog_jact svlog_journal_decide(const struct svlog_jhdr *,
    unsigned long long, const unsigned long long *, unsigned long long *);
int svlog_journal_open(int, int);
int svlog_journal_read(int, struct svlog_jhdr *, unsigned long long *);
int svlog_journal_write(int, const struct svlog_jhdr *);

/* A log directory, open or not. */
struct svlog_dir {
	const char *name;
	int fddir;		/* -1: not functional */
	int fdcur;
	int fdlock;
	struct svlog_config cf;
	unsigned long long size;
	unsigned long long s0;	/* size before the batch in progress */
	unsigned long long curdev;
	unsigned long long curino;
	long long trotate;	/* monotonic ms of the next age rotation */
	pid_t ppid;		/* the processor, 0 for none */
	char fnsave[28];	/* "@<tai64n>.u" being processed */
	long long pretry;	/* ms to restart a failed processor, or 0 */
	int rotstep;		/* 1: renamed, a new current is owed */
	int rot;		/* SVLOG_ROT_* wanted */
	int paused;		/* errno of the write trouble reported */
	char *out;
	size_t outlen;
	size_t outdone;
};

struct svlog {
	struct svlog_opts o;
	sigset_t oldmask;
	int sigfd;
	int verbose;
	int pipe;		/* stdin is a pipe: splice(2) from it */
	int jfd;		/* the journal */
	unsigned jdir;		/* the directory it lives in */
	const char *jmap;	/* mapped read-only, or NULL: pread(2) */
	size_t jmaplen;
	unsigned long long jstart;	/* first byte not logged */
	unsigned long long jsize;	/* end of the input taken */
	unsigned long long jpunched;	/* freed up to here by punch() */
	struct svlog_jhdr jh;
	unsigned ndir;
	size_t buflen;
	char *in;		/* the journal's bytes when not mapped */
	char *rbuf;		/* read mode: bytes read, not yet journaled */
	size_t rlen;
	char *scratch;
	char *bufs;		/* the mapping in, rbuf, scratch, outs, copies */
	size_t bufslen;
	long long settle;	/* ms when an idle logger gives pages back */
	struct svlog_copy out;
	struct svlog_copy err;
	int outfd;		/* -o: a non-blocking stdout, or -1 */
	int outsock;		/* it is a socket: send(MSG_DONTWAIT) */
	int errfd;
	int errsock;
	int outmid;		/* a partial copy line needs its newline */
	int errmid;
	struct svlog_lstate st;
	struct svlog_lstate st0;	/* at the start of the batch */
	int phase;		/* of the batch in progress: SVLOG_P_* */
	unsigned long long n;	/* its input bytes */
	long long retry;	/* ms of the next attempt at paused work */
	long long tretry;	/* ms of the next attempt at taking input */
	int need;		/* all complete lines are logged: need input */
	int ready;		/* stdin polled readable */
	int eof;
	int exiting;
	int reopen;
	int rotate;
	int tpaused;		/* input could not be journaled */
	int wpaused;		/* the batch waits to be written */
	int abandoned;		/* TERM with the disk full: leave at once */
	/*
	 * Last: a logger touches only the first entries, and the pages of
	 * the rest are never made resident (a pod runs a thousand loggers).
	 */
	struct svlog_dir dir[SVLOG_MAXDIRS];
};

/* Phases of a batch. */
#define SVLOG_P_NONE 0
#define SVLOG_P_HEAD 1		/* its journal header is owed */
#define SVLOG_P_WRITE 2		/* its output is owed */

/* svlog_journal.c, on the file: recovery, reading, compacting */
void svlog_journal_setup(struct svlog *);
const char *svlog_journal_data(struct svlog *, unsigned long long, size_t);
int svlog_journal_compact(struct svlog *);

/* svlog_copy.c */
int svlog_copy_open(int, int *);
void svlog_copy_flush(struct svlog_copy *, int, int, int *, const char *);

/* svlog_dir.c */
int svlog_dir_open(struct svlog *, struct svlog_dir *, long long);
int svlog_dir_start(struct svlog *, struct svlog_dir *);
void svlog_dir_close(struct svlog *, struct svlog_dir *);
int svlog_dir_rotate(struct svlog *, struct svlog_dir *, long long);
int svlog_dir_write(struct svlog_dir *);
void svlog_dir_pause(struct svlog_dir *, int);
int svlog_dir_nospace(struct svlog_dir *);
void svlog_dir_reaped(struct svlog *, struct svlog_dir *, int, long long);
void svlog_dir_procstart(struct svlog *, struct svlog_dir *);
long long svlog_now(void);

#endif
