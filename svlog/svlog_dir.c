/* SPDX-License-Identifier: ISC */
/*
 * svlog_dir: a log directory on disk, as svlogd keeps it: the lock, the
 * config, current (0644 while open, 0744 once closed cleanly), rotation to
 * @<tai64n>.s or .u, the processor and its state files, and the oldest
 * files deleted beyond n, or beyond N when the disk is full. Every step
 * that can fail returns so the loop retries it on a timer; none sleeps.
 * All paths are relative to the directory's fd: we never chdir.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>	/* renameat(2) only: no FILE here */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/sig.h"
#include "lib/tai.h"
#include "svlog/svlog.h"

#define DIR_OLDLEN 27	/* "@" + 24 hex + "." + s, u or t */

struct dir_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int dir_scan(struct svlog_dir *, char *, int, int);
static void dir_newname(struct svlog_dir *, char *, char);
static void dir_rmoldest(struct svlog *, struct svlog_dir *);
static void dir_child(struct svlog *, struct svlog_dir *)
    __attribute__((noreturn));

long long
svlog_now(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * List the old files (names of exactly svlogd's shape) without malloc:
 * count them, put the smallest name in oldest (skipping fnsave when it is
 * a pending .u and skipu is set) and unlink processor leftovers (.t) when
 * rmt is set. Returns the count, or -1 if the directory cannot be read.
 */
static int
dir_scan(struct svlog_dir *d, char *oldest, int skipu, int rmt)
{
	char buf[2048];
	int fd, n, count = 0;

	oldest[0] = 0;
	fd = openat(d->fddir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		int off;

		for (off = 0; off < n;) {
			struct dir_dirent64 *e = (void *)(buf + off);
			const char *f = e->d_name;

			off += e->d_reclen;
			if (f[0] != '@' || strlen(f) != DIR_OLDLEN)
				continue;
			if (rmt && f[26] == 't') {
				if (unlinkat(d->fddir, f, 0) < 0)
					warn_sys("unable to unlink processor "
					    "leftover ", d->name, "/", f);
				continue;
			}
			count++;
			if (skipu && d->fnsave[26] == 'u' &&
			    strcmp(d->fnsave, f) == 0)
				continue;
			if (oldest[0] == 0 || strcmp(f, oldest) < 0)
				memcpy(oldest, f, DIR_OLDLEN + 1);
		}
	}
	fd_close(fd);
	return n < 0 ? -1 : count;
}

/* "@<tai64n now>.s": a name no file has yet. */
static void
dir_newname(struct svlog_dir *d, char *name, char suffix)
{
	struct stat st;
	struct tai t;

	do {
		tai_now(&t);
		tai_fmt_hex(name, &t);
		name[25] = '.';
		name[26] = suffix;
		name[27] = 0;
	} while (fstatat(d->fddir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT);
}

/* After a rotation: one old file goes when there are more than n. */
static void
dir_rmoldest(struct svlog *s, struct svlog_dir *d)
{
	char oldest[DIR_OLDLEN + 1];
	int n = dir_scan(d, oldest, 1, 1);

	if (n < 0) {
		warn_sys("unable to read directory ", d->name);
		return;
	}
	if (d->cf.nmax == 0 || (unsigned long long)n <= d->cf.nmax ||
	    oldest[0] == 0)
		return;
	if (s->verbose)
		info("delete: ", d->name, "/", oldest);
	if (unlinkat(d->fddir, oldest, 0) < 0)
		warn_sys("unable to unlink oldest logfile ", d->name, "/",
		    oldest);
}

/*
 * Disk full: with N < n, delete the oldest file while more than N are
 * left, as svlogd does. 1 if one went and the write may be tried again.
 */
int
svlog_dir_nospace(struct svlog_dir *d)
{
	char oldest[DIR_OLDLEN + 1];
	int n;

	if (d->fddir < 0 || d->cf.nmin >= d->cf.nmax)
		return 0;
	n = dir_scan(d, oldest, 0, 0);
	if (n < 0 || (unsigned long long)n <= d->cf.nmin || oldest[0] == 0)
		return 0;
	warn("out of disk space, delete: ", d->name, "/", oldest);
	if (unlinkat(d->fddir, oldest, 0) < 0) {
		warn_sys("unable to unlink oldest logfile ", d->name, "/",
		    oldest);
		return 0;
	}
	return 1;
}

/*
 * Open the directory, take its lock, read its config. current is left to
 * svlog_dir_start(), so the journal can be recovered in between. -1 (with
 * a warning) when the directory cannot be used.
 */
int
svlog_dir_open(struct svlog *s, struct svlog_dir *d, long long now)
{
	/*
	 * Not on the stack: its pages, touched once, would stay with each of
	 * a pod's thousand idle loggers. Here only a config touches them.
	 */
	static char buf[SVLOG_CONFIGMAX];
	size_t len = 0;
	int fd;

	d->fdcur = d->fdlock = -1;
	d->size = 0;
	d->rot = d->rotstep = d->paused = 0;
	d->fddir = open(d->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fddir < 0) {
		warn_sys("unable to open log directory ", d->name);
		return -1;
	}
	d->fdlock = openat(d->fddir, "lock",
	    O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
	if (d->fdlock < 0 || flock(d->fdlock, LOCK_EX | LOCK_NB) < 0) {
		warn_sys("unable to lock directory ", d->name);
		goto out_close;
	}
	svlog_config_init(&d->cf);
	fd = openat(d->fddir, "config", O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		warn_sys("unable to read config ", d->name, "/config");
	if (fd >= 0) {
		int r;

		while (len < sizeof buf &&
		    (r = fd_read_nointr(fd, buf + len, sizeof buf - len)) > 0)
			len += r;
		fd_close(fd);
		if (s->verbose)
			info("read: ", d->name, "/config");
		svlog_config_parse(&d->cf, buf, len);
		if (d->cf.udp)
			warn(d->name, "/config: UDP (u, U) is not supported, "
			    "lines ignored");
		if (d->cf.toolong)
			warn(d->name, "/config: lines too long, ignored");
	}
	d->trotate = d->cf.tmax ? now + (long long)d->cf.tmax * 1000 : 0;
	return 0;

out_close:
	fd_close(d->fdlock);
	fd_close(d->fddir);
	d->fdlock = d->fddir = -1;
	return -1;
}

/*
 * Open current for appending. A non-empty current without u+x was left
 * by an unclean stop: it becomes @<now>.u first, as svlogd does it.
 */
int
svlog_dir_start(struct svlog *s, struct svlog_dir *d)
{
	struct stat st;
	int fresh = 1;

	if (fstatat(d->fddir, "current", &st, 0) == 0) {
		if (st.st_size && !(st.st_mode & S_IXUSR)) {
			dir_newname(d, d->fnsave, 'u');
			if (renameat(d->fddir, "current", d->fddir,
			    d->fnsave) < 0) {
				warn_sys("unable to rename ", d->name,
				    "/current");
				goto out_close;
			}
			dir_rmoldest(s, d);
		} else {
			d->size = st.st_size;
			fresh = 0;
		}
	} else if (errno != ENOENT) {
		warn_sys("unable to stat ", d->name, "/current");
		goto out_close;
	}
	d->fdcur = openat(d->fddir, "current",
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (d->fdcur < 0) {
		warn_sys("unable to open ", d->name, "/current");
		goto out_close;
	}
	if (fchmod(d->fdcur, 0644) < 0)
		warn_sys("unable to set mode of ", d->name, "/current");
	if (fstat(d->fdcur, &st) == 0) {
		d->curdev = st.st_dev;
		d->curino = st.st_ino;
	}
	if (s->verbose)
		info(fresh ? "new: " : "append: ", d->name, "/current");
	return 0;

out_close:
	svlog_dir_close(s, d);
	return -1;
}

/* A clean close: fsync, then u+x says so to the next logger. */
void
svlog_dir_close(struct svlog *s, struct svlog_dir *d)
{
	if (d->fddir < 0)
		return;
	if (s->verbose)
		info("close: ", d->name);
	if (d->fdcur >= 0) {
		if (fsync(d->fdcur) < 0)
			warn_sys("unable to fsync ", d->name, "/current");
		if (fchmod(d->fdcur, 0744) < 0)
			warn_sys("unable to set mode of ", d->name,
			    "/current");
		fd_close(d->fdcur);
	}
	fd_close(d->fdlock);
	fd_close(d->fddir);
	d->fdcur = d->fdlock = d->fddir = -1;
}

/*
 * Rotate: fsync, 0744, rename current to @<now>.s (.u with a processor),
 * a new current, delete the oldest beyond n, start the processor. 0 when
 * done (or nothing to do), 1 while a processor still runs (svlogd waits
 * for it), -1 on an error to retry later; a retry resumes where it failed.
 */
int
svlog_dir_rotate(struct svlog *s, struct svlog_dir *d, long long now)
{
	struct stat st;

	if (d->fddir < 0)
		return 0;
	/* a failed processor runs again first: its .u must not be lost */
	if (d->ppid || d->pretry)
		return 1;
	if (d->cf.tmax && now >= d->trotate)
		d->trotate = now + (long long)d->cf.tmax * 1000;
	if (d->rotstep == 0) {
		if (d->size == 0 || d->fdcur < 0)
			return 0;
		if (fsync(d->fdcur) < 0) {
			warn_sys("pausing: unable to fsync ", d->name,
			    "/current");
			return -1;
		}
		if (fchmod(d->fdcur, 0744) < 0) {
			warn_sys("pausing: unable to set mode of ", d->name,
			    "/current");
			return -1;
		}
		dir_newname(d, d->fnsave, d->cf.processor[0] ? 'u' : 's');
		if (renameat(d->fddir, "current", d->fddir, d->fnsave) < 0) {
			warn_sys("pausing: unable to rename ", d->name,
			    "/current");
			return -1;
		}
		if (s->verbose) {
			char num[FMT_ULONG];

			fmt_uint(num, d->size);
			info("rename: ", d->name, "/current ", d->fnsave, " ",
			    num);
		}
		fd_close(d->fdcur);
		d->fdcur = -1;
		d->rotstep = 1;
	}
	d->fdcur = openat(d->fddir, "current",
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (d->fdcur < 0) {
		warn_sys("pausing: unable to create new ", d->name,
		    "/current");
		return -1;
	}
	if (fchmod(d->fdcur, 0644) < 0)
		warn_sys("unable to set mode of ", d->name, "/current");
	if (fstat(d->fdcur, &st) == 0) {
		d->curdev = st.st_dev;
		d->curino = st.st_ino;
	}
	d->size = 0;
	d->rotstep = 0;
	dir_rmoldest(s, d);
	svlog_dir_procstart(s, d);
	return 0;
}

/*
 * Write what the batch owes this directory. A failure is reported once
 * and returns -1 with errno set: on ENOSPC the caller may make room
 * (svlog_dir_nospace) and call again at once, otherwise the loop retries
 * on its timer. The writer meanwhile waits on the full pipe.
 */
int
svlog_dir_write(struct svlog_dir *d)
{
	while (d->outdone < d->outlen) {
		ssize_t w = write(d->fdcur, d->out + d->outdone,
		    d->outlen - d->outdone);

		if (w > 0) {
			d->outdone += w;
			continue;
		}
		if (w == 0)
			errno = ENOSPC;
		if (errno == EINTR)
			continue;
		return -1;
	}
	if (d->paused) {
		info("resumed writing to ", d->name, "/current");
		d->paused = 0;
	}
	return 0;
}

/* The write keeps failing for the same reason: say so once, not per try. */
void
svlog_dir_pause(struct svlog_dir *d, int e)
{
	if (d->paused == e)
		return;
	errno = e;
	warn_sys("pausing: unable to write to ", d->name, "/current");
	d->paused = e;
}

/*
 * The processor's child: stdin the .u file, stdout the .t file, fd 4
 * state (created empty if missing), fd 5 newstate, cwd the directory,
 * then sh -c. It stays in our process group, as under svlogd, so a
 * signal to the group reaches it too.
 */
static void
dir_child(struct svlog *s, struct svlog_dir *d)
{
	char *argv[] = { "sh", "-c", d->cf.processor, 0 };
	char name[DIR_OLDLEN + 1];
	int fd;

	if (sig_child_restore(&s->oldmask) < 0 || fchdir(d->fddir) < 0)
		goto out_fail;
	memcpy(name, d->fnsave, sizeof name);
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0 || fd_move(0, fd) < 0)
		goto out_fail;
	name[26] = 't';
	if ((fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 || fd_move(1, fd) < 0)
		goto out_fail;
	fd = open("state", O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open("state", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
		fd_close(fd);
		fd = open("state", O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || fd_move(4, fd) < 0)
		goto out_fail;
	if ((fd = open("newstate", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 || fd_move(5, fd) < 0)
		goto out_fail;
	execve("/bin/sh", argv, environ);
	warn_sys("unable to run processor for ", d->name);
	_exit(errno == ENOENT ? 127 : 126);

out_fail:
	warn_sys("unable to set up processor for ", d->name);
	_exit(111);
}

/* Start the processor on the .u just rotated, if the config has one. */
void
svlog_dir_procstart(struct svlog *s, struct svlog_dir *d)
{
	pid_t pid;

	d->pretry = 0;
	if (d->cf.processor[0] == 0 || d->fddir < 0)
		return;
	if (d->ppid) {
		warn("processor already running: ", d->name);
		return;
	}
	pid = fork();
	if (pid < 0) {
		warn_sys("unable to fork for processor ", d->name);
		d->pretry = svlog_now() + 1000;
		return;
	}
	if (pid == 0)
		dir_child(s, d);
	if (s->verbose)
		info("processing: ", d->name, "/", d->fnsave);
	d->ppid = pid;
}

/*
 * The processor ended. Success: .t becomes the .s (0744), the .u goes,
 * newstate becomes state. Failure: the .t goes and it runs again in a
 * second (svlogd: at once), unless we are exiting.
 */
void
svlog_dir_reaped(struct svlog *s, struct svlog_dir *d, int status,
    long long now)
{
	char t[DIR_OLDLEN + 1], f[DIR_OLDLEN + 1];

	d->ppid = 0;
	if (d->fddir < 0)
		return;
	memcpy(t, d->fnsave, sizeof t);
	t[26] = 't';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unlinkat(d->fddir, t, 0);
		if (s->exiting) {
			warn("processor failed, keeping ", d->name, "/",
			    d->fnsave);
			return;
		}
		warn("processor failed, restart: ", d->name);
		d->pretry = now + 1000;
		return;
	}
	memcpy(f, t, sizeof f);
	f[26] = 's';
	if (renameat(d->fddir, t, d->fddir, f) < 0)
		warn_sys("unable to rename processed ", d->name, "/", t);
	else if (fchmodat(d->fddir, f, 0744, 0) < 0)
		warn_sys("unable to set mode of processed ", d->name, "/", f);
	if (unlinkat(d->fddir, d->fnsave, 0) < 0)
		warn_sys("unable to unlink ", d->name, "/", d->fnsave);
	if (renameat(d->fddir, "newstate", d->fddir, "state") < 0)
		warn_sys("unable to rename state ", d->name);
	if (s->verbose)
		info("processed: ", d->name, "/", f);
}
