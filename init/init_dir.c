/* SPDX-License-Identifier: ISC */
/*
 * pod1-init -d DIR: one pod1-supervise per service dir in DIR, as runit's
 * runsvdir, restarted when it dies, rescanned on HUP. Services with a
 * `main` file are the apps of a pod (appc's rule, as rkt): the first that
 * ends for good with a failure ends the init with its status; when all have
 * ended, the init ends with 0. Their supervisor exits with the app.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "init/init.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/kv.h"
#include "lib/sig.h"

/* a supervisor that keeps dying is started again this long after */
#define SUP_RETRY_MS 1000

struct dir_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void dir_start(struct init *, struct sv *);
static struct sv *dir_add(struct init *, const char *);
static int dir_ended(struct init *, struct sv *);
static int dir_has_main(struct init *, struct sv *);

/*
 * Find pod1-supervise: beside our own binary (an installed or build tree
 * keeps them together), else through PATH. A machine boots on without its
 * service dir (dir_scan tries again on HUP): exiting would panic it.
 */
void
dir_setup(struct init *s)
{
	char *slash;
	ssize_t n;

	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 && !s->machine)
		die_sys(111, "unable to open ", s->dir);
	if (s->dirfd < 0)
		warn_sys("unable to open ", s->dir, ": no services");
	n = readlink("/proc/self/exe", s->supervise, sizeof s->supervise - 16);
	if (n > 0) {
		s->supervise[n] = 0;
		slash = strrchr(s->supervise, '/');
		strcpy(slash + 1, "pod1-supervise");
		if (access(s->supervise, X_OK) == 0)
			return;
	}
	strcpy(s->supervise, "pod1-supervise");
}

/* The child ritual, then pod1-supervise NAME from inside DIR. */
static void
dir_start(struct init *s, struct sv *v)
{
	char *argv[] = { "pod1-supervise", v->name, 0 };
	pid_t pid;

	/* _Fork, as in init.c */
	pid = _Fork();
	if (pid < 0) {
		warn_sys("unable to fork for ", v->name);
		v->restart_at = now_ms() + SUP_RETRY_MS;
		return;
	}
	if (pid == 0) {
		if (sig_child_restore(&s->oldmask) < 0 ||
		    fchdir(s->dirfd) < 0)
			_exit(111);
		execvp(s->supervise, argv);
		warn_sys("unable to exec ", s->supervise);
		_exit(errno == ENOENT ? 127 : 126);
	}
	v->pid = pid;
	v->restart_at = 0;
	v->started = now_ms();
}

static int
dir_has_main(struct init *s, struct sv *v)
{
	char path[NAME_MAX + 20];

	strcpy(path, v->name);
	strcat(path, "/main");
	return faccessat(s->dirfd, path, F_OK, 0) == 0;
}

/*
 * Did a main service end for good? Its dir has `main`, and its supervisor
 * wrote "ended CODE" to supervise/pod1 before exiting: the code, or -1.
 */
static int
dir_ended(struct init *s, struct sv *v)
{
	char path[NAME_MAX + 20], buf[512];
	unsigned long long code = 0;
	const char *p;
	int fd, n;

	if (!dir_has_main(s, v))
		return -1;
	strcpy(path, v->name);
	strcat(path, "/supervise/pod1");
	fd = openat(s->dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = fd_read_nointr(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if ((p = kv_get(buf, "ended")) == 0)
		return -1;
	for (; *p >= '0' && *p <= '9' && code < 256; p++)
		code = code * 10 + (*p - '0');
	return code > 255 ? 255 : code;
}

static struct sv *
dir_add(struct init *s, const char *name)
{
	struct sv *v;
	int i;

	for (i = 0; i < s->nsv; i++)
		if (strcmp(s->sv[i].name, name) == 0)
			return &s->sv[i];
	/* reuse the slot of a service removed and stopped */
	for (i = 0; i < s->nsv; i++)
		if (s->sv[i].name[0] == 0)
			break;
	if (i == MAXAPPS) {
		warn("more than MAXAPPS services in ", s->dir, ": ", name,
		    " is not supervised");
		return 0;
	}
	if (i == s->nsv)
		s->nsv++;
	v = &s->sv[i];
	memset(v, 0, sizeof *v);
	strcpy(v->name, name);
	return v;
}

/*
 * Start a supervisor for every new dir; TERM (runsv's "exit") the
 * supervisors of dirs that are gone. Names starting with a dot are not
 * services, as for runsvdir.
 */
void
dir_scan(struct init *s)
{
	char buf[4096];
	struct sv *v;
	int n, i, fd;

	if (s->dirfd < 0 &&
	    (s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warn_sys("unable to open ", s->dir);
		return;
	}
	for (i = 0; i < s->nsv; i++)
		s->sv[i].seen = 0;
	fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		warn_sys("unable to read ", s->dir);
		return;
	}
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		int off;

		for (off = 0; off < n;) {
			struct dir_dirent64 *d = (void *)(buf + off);
			int dfd;

			off += d->d_reclen;
			/* a directory, or a link to one */
			if (d->d_name[0] == '.' || (dfd = openat(s->dirfd,
			    d->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
				continue;
			fd_close(dfd);
			if ((v = dir_add(s, d->d_name)) == 0)
				continue;
			v->seen = 1;
			if (v->pid == 0 && v->restart_at == 0 && !v->ended)
				dir_start(s, v);
		}
	}
	if (n < 0)
		warn_sys("unable to read ", s->dir);
	fd_close(fd);
	for (i = 0; i < s->nsv; i++) {
		v = &s->sv[i];
		if (v->seen || v->name[0] == 0)
			continue;
		if (v->pid > 0)
			kill(v->pid, SIGTERM);
		else
			v->name[0] = 0;
		v->restart_at = 0;
	}
}

/*
 * A child died: 1 when it was a supervisor. A main service that ended for
 * good with a failure, or the last one to end, sets our status and asks
 * for shutdown (returns 2).
 */
int
dir_reaped(struct init *s, pid_t pid, int st)
{
	struct sv *v = 0;
	int i, code;

	for (i = 0; i < s->nsv; i++)
		if (s->sv[i].pid == pid)
			v = &s->sv[i];
	if (v == 0)
		return 0;
	v->pid = 0;
	if (s->phase != RUNNING)
		return 1;
	if (!v->seen) {
		/* its dir was removed: let it go */
		v->name[0] = 0;
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    (code = dir_ended(s, v)) >= 0) {
		v->ended = 1;
		if (code != 0) {
			s->status = code;
			return 2;
		}
		for (i = 0; i < s->nsv; i++)
			if (s->sv[i].name[0] && !s->sv[i].ended &&
			    dir_has_main(s, &s->sv[i]))
				return 1;
		s->status = 0;
		return 2;
	}
	if (now_ms() - v->started > SUP_RETRY_MS * 10)
		v->deaths = 0;
	warn("supervisor of ", v->name, " died; starting another");
	if (v->deaths < 255)
		v->deaths++;
	if (v->deaths <= 1)
		dir_start(s, v);
	else
		v->restart_at = now_ms() + SUP_RETRY_MS;
	return 1;
}

/* Tell every supervisor to take its service down and exit: how many. */
int
dir_stop(struct init *s)
{
	int i, n = 0;

	for (i = 0; i < s->nsv; i++) {
		s->sv[i].restart_at = 0;
		if (s->sv[i].pid > 0 && kill(s->sv[i].pid, SIGTERM) == 0)
			n++;
	}
	return n;
}

int
dir_alive(struct init *s)
{
	int i, n = 0;

	for (i = 0; i < s->nsv; i++)
		n += s->sv[i].pid > 0;
	return n;
}

/* Restart supervisors whose time has come; the next such time, or 0. */
long long
dir_timer(struct init *s, long long now)
{
	long long next = 0;
	int i;

	for (i = 0; i < s->nsv; i++) {
		struct sv *v = &s->sv[i];

		if (v->restart_at == 0 || s->phase != RUNNING)
			continue;
		if (now >= v->restart_at)
			dir_start(s, v);
		/* a start that failed (fork) has set the next try */
		if (v->restart_at && (next == 0 || v->restart_at < next))
			next = v->restart_at;
	}
	return next;
}
