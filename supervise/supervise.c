/* SPDX-License-Identifier: ISC */
/*
 * pod1-supervise: runsv's contract for one service dir. It runs ./run (and
 * ./finish), restarts it with a backoff, obeys runit's control bytes,
 * writes the status runit's sv reads, holds the pipe to log/run so neither
 * end's restart loses a line, and tracks the app's whole process tree.
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
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
#include "lib/proc.h"
#include "lib/sig.h"
#include "lib/svstatus.h"
#include "supervise/supervise.h"

#define USAGE "pod1-supervise SVDIR"
/* a status write that failed (a full disk) is tried again this often */
#define RETRY_MS 1000
/* how often a service waiting for its dependencies looks again */
#define DEPS_POLL_MS 100

extern char **environ;

static struct sup g;

static void setup_svc(struct sup *, struct svc *, int, const char *, int);
static void setup_fifo(struct svc *, const char *, int *, int *);
static size_t put(char *, size_t, const char *);
static size_t put_num(char *, size_t, const char *, long long);
static void reap(struct sup *);
static void control(struct sup *, struct svc *);
static void notified(struct sup *, struct svc *);
static int timeout_ms(struct sup *, long long);
static int exiting(struct sup *);

long long
sup_now(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static size_t
put(char *buf, size_t n, const char *s)
{
	size_t len = strlen(s);

	memcpy(buf + n, s, len);
	return n + len;
}

/* "key N\n" */
static size_t
put_num(char *buf, size_t n, const char *key, long long v)
{
	n = put(buf, n, key);
	n += fmt_int(buf + n, v);
	buf[n++] = '\n';
	return n;
}

/*
 * runit's three files, then pod1's own supervise/pod1, text a line each,
 * for what runit's 20 bytes have no room for: readiness, restarts, the
 * last exit, the backoff, a dependency waited for, why it was given up.
 */
void
sup_status(struct sup *sup, struct svc *s)
{
	struct svstatus st;
	char buf[512];
	size_t n = 0;

	(void)sup;
	st.stamp = s->stamp;
	st.pid = s->pid;
	st.paused = s->paused;
	st.want = s->want;
	st.term = s->term;
	st.state = s->state;
	n = put(buf, n, s->state == SV_RUN ? "state run\n" :
	    s->state == SV_FINISH ? "state finish\n" : "state down\n");
	n = put_num(buf, n, "ready ", s->ready);
	n = put_num(buf, n, "restarts ", s->restarts);
	if (s->wstat >= 0 && WIFEXITED(s->wstat))
		n = put_num(buf, n, "last-exit ", WEXITSTATUS(s->wstat));
	else if (s->wstat >= 0)
		n = put_num(buf, n, "last-signal ", WTERMSIG(s->wstat));
	n = put_num(buf, n, "sid ", s->sid);
	if (s->sid_start)
		n = put_num(buf, n, "sid-start ", s->sid_start);
	if (s->start_at)
		n = put_num(buf, n, "backoff-ms ", s->start_at - sup_now());
	if (s->waitfor[0]) {
		n = put(buf, n, "waiting ");
		n = put(buf, n, s->waitfor);
		n = put(buf, n, "\n");
	}
	if (s->ended >= 0)
		n = put_num(buf, n, "ended ", s->ended);
	if (s->gaveup[0]) {
		n = put(buf, n, "gave-up ");
		n = put(buf, n, s->gaveup);
		n = put(buf, n, "\n");
	}
	s->dirty = 0;
	if (svstatus_write(s->sfd, &st, &s->lastpid) < 0 ||
	    fd_replace(s->sfd, "pod1.new", "pod1", buf, n) < 0) {
		warn_sys("unable to write the status of ", s->dir);
		s->dirty = 1;
	}
}

/*
 * The child ritual, then exec ./run or ./finish in the service dir: own
 * session, the app's cgroup, stdout into the log pipe (stdin from it for
 * the logger), the readiness pipe at notification-fd.
 */
void
sup_spawn(struct sup *sup, struct svc *s, char *const *argv)
{
	int np[2] = { -1, -1 }, gp[2] = { -1, -1 }, finish = argv[1] != 0;
	int joined = 0;
	char c;
	pid_t pid;

	if (!finish && s->conf.notify_fd && pipe2(np, O_CLOEXEC) < 0) {
		warn_sys("unable to make the readiness pipe of ", s->dir);
		np[0] = np[1] = -1;
	}
	/*
	 * Without a cgroup a successor of ours finds the app by the session
	 * named in supervise/pod1: run waits until that is written, so a
	 * kill -9 of ours in between cannot leave an app nobody knows of.
	 */
	if (!finish && s->cgroup[0] == 0 && pipe2(gp, O_CLOEXEC) < 0)
		gp[0] = gp[1] = -1;
	/* finish runs outside the app's cgroup, as the logger does */
	pid = finish ? fork() : tree_fork(s, &joined);
	if (pid < 0) {
		warn_sys("unable to fork for ", s->dir);
		fd_close(np[0]);
		fd_close(np[1]);
		fd_close(gp[0]);
		fd_close(gp[1]);
		/* the loop tries again, serving control meanwhile */
		s->start_at = sup_now() + RETRY_MS;
		return;
	}
	if (pid == 0) {
		/* no go (our parent died first): no run */
		if (gp[0] >= 0 && (close(gp[1]) < 0 ||
		    read(gp[0], &c, 1) != 1))
			_exit(111);
		/* the dispositions are the defaults already: see main() */
		if (sigprocmask(SIG_SETMASK, &sup->oldmask, 0) < 0 ||
		    setsid() < 0)
			_exit(111);
		if (!finish && !joined && tree_join(s) < 0)
			warn_sys("unable to join the cgroup of ", s->dir);
		if (fchdir(s->dfd) < 0) {
			warn_sys("unable to enter ", s->dir);
			_exit(111);
		}
		if (sup->nsvc > 1 &&
		    (s->islog ? dup2(sup->logpipe[0], 0) : dup2(sup->logpipe[1],
		    1)) < 0)
			_exit(111);
		if (np[1] >= 0 && fd_move(s->conf.notify_fd, np[1]) < 0)
			_exit(111);
		execve(argv[0], argv, environ);
		warn_sys("unable to start ", s->dir, "/", argv[0] + 2);
		_exit(errno == ENOENT ? 127 : 126);
	}
	fd_close(np[1]);
	fd_close(gp[0]);
	s->notify = np[0];
	s->go = gp[1];
	s->pid = pid;
}

/* Start run, or wait while a dependency is not ready. */
void
sup_start(struct sup *sup, struct svc *s)
{
	struct proc_stat ps;

	conf_read(s);
	if (conf_deps_wait(s)) {
		s->start_at = sup_now() + DEPS_POLL_MS;
		sup_status(sup, s);
		return;
	}
	if (state_start(sup, s) < 0) {
		sup_status(sup, s);
		return;
	}
	/* with the pid, it names the session to a successor of ours */
	s->sid_start = proc_stat_read(s->pid, &ps) == 0 ? ps.start : 0;
	sup_status(sup, s);
	if (s->go >= 0) {
		if (fd_write_all(s->go, "g", 1) < 0)
			warn_sys("unable to start run of ", s->dir);
		fd_close(s->go);
		s->go = -1;
	}
}

/* Make or take a FIFO in the supervise dir, runit's way. */
static void
setup_fifo(struct svc *s, const char *name, int *rfd, int *wfd)
{
	struct stat st;

	if (mkfifoat(s->sfd, name, 0600) < 0 && errno != EEXIST)
		die_sys(111, "unable to make ", s->dir, "/supervise/", name);
	if (fstatat(s->sfd, name, &st, 0) < 0 || !S_ISFIFO(st.st_mode))
		die(111, s->dir, "/supervise/", name, " is not a FIFO");
	*rfd = openat(s->sfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*rfd < 0)
		die_sys(111, "unable to open ", s->dir, "/supervise/", name);
	/* our own writer keeps read() from seeing EOF between commands */
	if (wfd && (*wfd = openat(s->sfd, name, O_WRONLY | O_NONBLOCK |
	    O_CLOEXEC)) < 0)
		die_sys(111, "unable to open ", s->dir, "/supervise/", name);
}

static void
setup_svc(struct sup *sup, struct svc *s, int dfd, const char *dir,
    int islog)
{
	s->dir = dir;
	s->islog = islog;
	s->dfd = dfd;
	s->notify = -1;
	s->go = -1;
	s->wstat = -1;
	s->ended = -1;
	s->lastpid = -1;
	s->cgfd = -1;
	s->want = faccessat(dfd, "down", F_OK, 0) == 0 ? 'd' : 'u';
	tai_now(&s->stamp);
	if (mkdirat(dfd, "supervise", 0700) < 0 && errno != EEXIST)
		die_sys(111, "unable to make ", dir, "/supervise");
	s->sfd = openat(dfd, "supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->sfd < 0)
		die_sys(111, "unable to open ", dir, "/supervise");
	s->lock = openat(s->sfd, "lock", O_WRONLY | O_NONBLOCK | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0600);
	if (s->lock < 0 || flock(s->lock, LOCK_EX | LOCK_NB) < 0)
		die_sys(111, "unable to lock ", dir, "/supervise/lock");
	setup_fifo(s, "control", &s->ctl, &s->ctlw);
	setup_fifo(s, "ok", &s->ok, 0);
	conf_read(s);
	if (!islog)
		tree_init(s);
	tree_clear_old(s);
	/* a service about to start writes its status when it has */
	if (s->want != 'u')
		sup_status(sup, s);
}

static void
reap(struct sup *sup)
{
	int st, i;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid == 0)
			return;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				warn_sys("unable to wait");
			return;
		}
		/* not run or finish: a daemon's orphan, reaped and forgotten */
		for (i = 0; i < sup->nsvc; i++)
			if (sup->svc[i].pid == pid) {
				state_died(sup, &sup->svc[i], st);
				break;
			}
	}
}

/* Each byte in order: sv restart writes "tcu" in one go. */
static void
control(struct sup *sup, struct svc *s)
{
	char buf[64];
	int n, i, ev;

	n = fd_read_nointr(s->ctl, buf, sizeof buf);
	if (n < 0) {
		if (errno != EAGAIN)
			warn_sys("unable to read ", s->dir, "/supervise/control");
		return;
	}
	for (i = 0; i < n; i++)
		if ((ev = policy_event(buf[i])) >= 0)
			state_event(sup, s, ev);
}

/* s6's protocol: a newline on the notification fd means ready. */
static void
notified(struct sup *sup, struct svc *s)
{
	char buf[256];
	int n = fd_read_nointr(s->notify, buf, sizeof buf);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0 && memchr(buf, '\n', n) == 0)
		return;
	if (n > 0)
		s->ready = 1;
	fd_close(s->notify);
	s->notify = -1;
	sup_status(sup, s);
}

/* The nearest deadline of any service, for poll; -1 for none. */
static int
timeout_ms(struct sup *sup, long long now)
{
	long long t = -1, d;
	int i;

	for (i = 0; i < sup->nsvc; i++) {
		struct svc *s = &sup->svc[i];
		long long dl[3] = { s->start_at, s->kill_at,
			s->dirty ? now + RETRY_MS : 0 };
		int j;

		for (j = 0; j < 3; j++) {
			if (dl[j] == 0)
				continue;
			d = dl[j] > now ? dl[j] - now : 0;
			if (t < 0 || d < t)
				t = d;
		}
	}
	return t > 3600000 ? 3600000 : t;
}

/*
 * x: once the service is down, let the logger drain (it sees EOF when the
 * last writer is gone) and leave when it has exited too.
 */
static int
exiting(struct sup *sup)
{
	struct svc *s = &sup->svc[0], *l = &sup->svc[1];

	if (s->want != 'x' || s->state != SV_DOWN)
		return 0;
	/* TERM is not the end of a deaf daemon: it waits for its KILL */
	if (s->kill_at && tree_signal(sup, s, 0) > 0)
		return 0;
	if (sup->nsvc == 1)
		return 1;
	if (sup->logpipe[1] >= 0) {
		fd_close(sup->logpipe[1]);
		sup->logpipe[1] = -1;
		l->want = 'x';
		sup_status(sup, l);
	}
	return l->state == SV_DOWN;
}

int
main(int argc, char **argv)
{
	struct sup *sup = &g;
	struct pollfd pfd[5];
	struct stat st;
	sigset_t all;
	int dfd, i;

	err_prog = "pod1-supervise";
	sup->sigfd = sig_init(&sup->oldmask);
	if (sup->sigfd < 0)
		die_sys(111, "unable to set up signals");
	/*
	 * Every disposition back to the default, once, for us and so for
	 * every child (we never set one: signals come through the signalfd).
	 * An inherited SIGCHLD SIG_IGN would have the kernel reap our
	 * children unseen; and a restart is spared the child's 64 sigaction
	 * calls. The mask stays as it is: all blocked.
	 */
	if (sigprocmask(SIG_SETMASK, 0, &all) < 0 ||
	    sig_child_restore(&all) < 0)
		die_sys(111, "unable to reset the signal dispositions");
	if (argc != 2)
		die_usage(USAGE);
	if (chdir(argv[1]) < 0)
		die_sys(111, "unable to enter ", argv[1]);
	dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die_sys(111, "unable to open ", argv[1]);
	sup->self = getpid();
	/* double-forked daemons come back to us, not to PID 1 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		warn_sys("unable to become a subreaper");
	sup->logpipe[0] = sup->logpipe[1] = -1;
	sup->nsvc = 1;
	setup_svc(sup, &sup->svc[0], dfd, ".", 0);
	if (fstatat(dfd, "log", &st, 0) == 0 && S_ISDIR(st.st_mode)) {
		int lfd = openat(dfd, "log", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (lfd < 0)
			die_sys(111, "unable to open log");
		if (pipe2(sup->logpipe, O_CLOEXEC) < 0)
			die_sys(111, "unable to make the log pipe");
		sup->nsvc = 2;
		setup_svc(sup, &sup->svc[1], lfd, "log", 1);
	}

	/*
	 * Below this line we must not die. The app first: its output waits
	 * in the pipe we hold until the logger reads, so the app need not
	 * wait for the logger's start (a shell, often) on a busy machine.
	 */
	for (i = 0; i < sup->nsvc; i++)
		if (sup->svc[i].want == 'u')
			sup_start(sup, &sup->svc[i]);
	for (;;) {
		int n = 0, r, sig, pid;
		long long now;

		if (exiting(sup))
			break;
		pfd[n].fd = sup->sigfd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < sup->nsvc; i++) {
			pfd[n].fd = sup->svc[i].ctl;
			pfd[n++].events = POLLIN;
			pfd[n].fd = sup->svc[i].notify;
			pfd[n++].events = POLLIN;
		}
		r = poll(pfd, n, timeout_ms(sup, sup_now()));
		if (r < 0 && errno != EINTR)
			warn_sys("unable to poll");
		while ((r = sig_read(sup->sigfd, &sig, &pid)) > 0) {
			if (sig == SIGCHLD)
				reap(sup);
			else if (sig == SIGTERM || sig == SIGINT)
				state_event(sup, &sup->svc[0], EV_EXIT);
		}
		if (r < 0)
			warn_sys("unable to read signals");
		for (i = 0; i < sup->nsvc; i++) {
			struct svc *s = &sup->svc[i];

			if (pfd[1 + 2 * i].revents & POLLIN)
				control(sup, s);
			if (s->notify >= 0 && pfd[2 + 2 * i].revents)
				notified(sup, s);
		}
		now = sup_now();
		for (i = 0; i < sup->nsvc; i++) {
			state_timer(sup, &sup->svc[i], now);
			if (sup->svc[i].dirty)
				sup_status(sup, &sup->svc[i]);
		}
	}
	tree_fini(&sup->svc[0]);
	return 0;
}
