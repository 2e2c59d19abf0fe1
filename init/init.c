/* SPDX-License-Identifier: ISC */
/*
 * pod1-init: PID 1 of a container or pod. In container mode it runs one
 * command, forwards it every signal, reaps every zombie in the namespace,
 * and when the command ends stops whatever is left (TERM, grace, KILL)
 * before exiting with the command's status. With -d it supervises every
 * service dir of a directory instead (init_dir.c); with -m it is the init
 * of a machine, which ends with reboot(2) (init_machine.c).
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "init/init.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/opt.h"
#include "lib/proc.h"
#include "lib/sig.h"

#define USAGE "pod1-init [-g] [-s] [-e CODE]... [-p SIG] [-t SECS] [-v] " \
	"-- CMD [ARG...]\n       pod1-init [-t SECS] [-v] -d DIR\n" \
	"       pod1-init -m [-t SECS] [-v] [-d DIR]"

static struct init g;

static int options(struct init *, int, char **);
static int called_init(const char *);
static pid_t spawn(struct init *, char **);
static void forward(struct init *, int);
static int reap(struct init *);
static void child_ended(struct init *, int);
static int signal_rest(struct init *, int);
static void shutdown_begin(struct init *);
static void stop_begin(struct init *);
static void info_num(struct init *, const char *, long long,
    const char *, const char *);

long long
now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One verbose line: "msg N tail what". */
static void
info_num(struct init *s, const char *msg, long long n, const char *tail,
    const char *what)
{
	char num[FMT_ULONG];

	if (!s->verbose)
		return;
	fmt_int(num, n);
	info(msg, num, tail, what);
}

static int
options(struct init *s, int argc, char **argv)
{
	struct opt o = OPT_INIT;
	unsigned long long n;
	int c, sig;

	s->grace_ms = 10000;
	while ((c = opt_next(&o, argc, argv, "hgsd:e:mp:t:v")) != -1) {
		switch (c) {
		case 'm':
			s->machine = MACHINE_NS;
			break;
		case 'd':
			s->dir = o.arg;
			break;
		case 'g':
			s->group = 1;
			break;
		case 's':
			/* a subreaper whenever we are not PID 1 anyway */
			break;
		case 'e':
			if (scan_uint(o.arg, 255, &n) < 0)
				die(100, "-e wants an exit code from 0 to 255, "
				    "not ", o.arg);
			s->remap[n / 8] |= 1 << (n % 8);
			break;
		case 'p':
			sig = sig_number(o.arg);
			if (sig < 0)
				die(100, "-p wants a signal, not ", o.arg);
			if (prctl(PR_SET_PDEATHSIG, sig) < 0)
				die_sys(111, "unable to set the parent-death "
				    "signal");
			break;
		case 't':
			if (scan_uint(o.arg, 31536000, &n) < 0)
				die(100, "-t wants whole seconds, not ", o.arg);
			s->grace_ms = n * 1000;
			break;
		case 'v':
			s->verbose++;
			break;
		default:
			die_usage(USAGE);
		}
	}
	if (s->machine) {
		if (o.ind < argc)
			die_usage(USAGE);
		if (getpid() != 1)
			die(100, "-m is for the PID 1 of a machine or of a "
			    "PID namespace");
		if (s->dir == 0)
			s->dir = MACHINE_DIR;
		return o.ind;
	}
	/* a command, or -d, never both */
	if ((o.ind >= argc) == (s->dir == 0))
		die_usage(USAGE);
	return o.ind;
}

/*
 * Run as "init" (/init, /sbin/init) as PID 1: the kernel's way to start a
 * machine's init. The kernel passes the words of its command line it does
 * not know as arguments: they are no options of ours and are ignored.
 */
static int
called_init(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return getpid() == 1 && strcmp(base, "init") == 0;
}

/*
 * The child ritual: its own process group (the terminal's foreground one
 * when there is a terminal), the original mask and dispositions, exec.
 */
static pid_t
spawn(struct init *s, char **argv)
{
	/* hand the terminal on only if it is ours: never steal it from a shell */
	int fg = tcgetpgrp(0) == getpgrp();
	/*
	 * _Fork: we have no threads and no atfork handlers, and the child
	 * calls only async-signal-safe functions; fork()'s locking would
	 * cost 1.8 KB of the static binary for nothing.
	 */
	pid_t pid = _Fork();

	if (pid < 0)
		die_sys(111, "unable to fork");
	if (pid == 0) {
		setpgid(0, 0);
		/* SIGTTOU is still ignored here, so this cannot stop us */
		if (fg && tcsetpgrp(0, getpid()) < 0)
			warn_sys("unable to give the terminal to ", argv[0]);
		if (sig_child_restore(&s->oldmask) < 0) {
			warn_sys("unable to restore the signal mask");
			_exit(126);
		}
		execvp(argv[0], argv);
		warn_sys("unable to exec ", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* also in the parent, so -g works before the child has run */
	setpgid(pid, pid);
	return pid;
}

static void
forward(struct init *s, int sig)
{
	const char *name = sig_name(sig);
	pid_t to = s->group ? -s->child : s->child;

	/* ours to ignore, so a terminal never stops us or the command */
	if (sig == SIGTTIN || sig == SIGTTOU)
		return;
	if (s->phase != RUNNING) {
		info_num(s, "ignored signal ", sig, " during shutdown", "");
		return;
	}
	if (s->dir) {
		/* the supervisors take signals through their control FIFOs */
		if (s->machine && machine_action(sig)) {
			s->action = machine_action(sig);
			info(machine_name(s->action),
			    ": stopping the services");
			stop_begin(s);
		} else if (!s->machine && (sig == SIGTERM || sig == SIGINT))
			stop_begin(s);
		else if (sig == SIGHUP)
			dir_scan(s);
		return;
	}
	if (kill(to, sig) < 0) {
		/* ESRCH: it is exiting; its SIGCHLD is on the way */
		if (errno != ESRCH)
			warn_sys("unable to forward a signal");
		return;
	}
	if (s->verbose) {
		char num[FMT_ULONG], signum[FMT_ULONG];

		fmt_uint(num, s->child);
		fmt_uint(signum, sig);
		info("forwarded ", name ? "SIG" : "signal ", name ? name : signum,
		    s->group ? " to group " : " to pid ", num);
	}
}

static void
child_ended(struct init *s, int st)
{
	int code;

	if (WIFEXITED(st)) {
		code = WEXITSTATUS(st);
		info_num(s, "command exited with status ", code, "", "");
	} else {
		code = 128 + WTERMSIG(st);
		info_num(s, "command killed by signal ", WTERMSIG(st), "", "");
	}
	if (s->remap[code / 8] & (1 << (code % 8)))
		code = 0;
	s->status = code;
	s->child = 0;
}

/*
 * Drain every zombie: signals coalesce, so one SIGCHLD may stand for many.
 * Returns 1 once we have no child left at all.
 */
static int
reap(struct init *s)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			int r;

			if (pid == s->child)
				child_ended(s, st);
			else if (s->dir && (r = dir_reaped(s, pid, st)) > 0) {
				if (r == 2) {
					info_num(s, "main service ended with "
					    "status ", s->status, "", "");
					stop_begin(s);
				}
			} else {
				s->orphans++;
				if (s->verbose > 1)
					info_num(s, "reaped pid ", pid, "", "");
			}
			continue;
		}
		if (pid == 0)
			return 0;
		if (errno == ECHILD)
			return 1;
		if (errno != EINTR) {
			warn_sys("unable to wait");
			return 0;
		}
	}
}

/*
 * Signal every process that is left: as PID 1, kill(-1) reaches the whole
 * namespace but us; as a subreaper, only our descendants, found in /proc.
 * Returns how many there were (any number > 0 when unknown).
 */
static int
signal_rest(struct init *s, int sig)
{
	int n;

	if (s->self == 1) {
		if (kill(-1, sig) == 0)
			return 1;
		if (errno != ESRCH)
			warn_sys("unable to signal the remaining processes");
		return errno == ESRCH ? 0 : 1;
	}
	n = proc_kill_descendants(s->self, 0, sig);
	if (n < 0) {
		warn_sys("unable to list the remaining processes");
		return 1;
	}
	return n;
}

/*
 * TERM to whatever is left; KILL when the grace is over. After -d's
 * STOPPING the grace already runs: the deadline stays.
 */
static void
shutdown_begin(struct init *s)
{
	if (s->phase == RUNNING)
		s->deadline_ms = now_ms() + s->grace_ms;
	s->phase = TERMED;
	if (s->grace_ms == 0 || !signal_rest(s, SIGTERM)) {
		s->phase = KILLED;
		signal_rest(s, SIGKILL);
		s->deadline_ms = now_ms() + 1000;
		return;
	}
	/* a stopped process would sit out the grace with TERM pending */
	signal_rest(s, SIGCONT);
	info_num(s, "sent TERM to the remaining processes, KILL in ",
	    s->deadline_ms - now_ms(), " ms", "");
}

/*
 * -d: every supervisor takes its service down (in its own order: the app,
 * then its logger drains) and exits; what is left after that gets TERM.
 */
static void
stop_begin(struct init *s)
{
	s->deadline_ms = now_ms() + s->grace_ms;
	s->phase = STOPPING;
	info_num(s, "stopping ", dir_stop(s), " supervisors", "");
}

int
main(int argc, char **argv)
{
	struct init *s = &g;
	struct sigaction ign;
	struct pollfd pfd;
	char **cmd;

	err_prog = "pod1-init";
	/* before the signalfd exists, so it is not closed with the rest */
	fd_closefrom(3);
	if (getpid() == 1)
		machine_hold_stdio(s);
	s->sigfd = sig_init(&s->oldmask);
	if (s->sigfd < 0)
		die_sys(111, "unable to set up signals");
	/*
	 * An inherited SIGCHLD SIG_IGN has the kernel reap our children
	 * unseen: the command's status would be lost and we would wait
	 * forever. A background read or tcsetpgrp on a TOSTOP terminal must
	 * not stop us.
	 */
	ign.sa_handler = SIG_DFL;
	ign.sa_flags = 0;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGCHLD, &ign, 0) < 0)
		die_sys(111, "unable to reset SIGCHLD");
	ign.sa_handler = SIG_IGN;
	if (sigaction(SIGTTIN, &ign, 0) < 0 || sigaction(SIGTTOU, &ign, 0) < 0)
		die_sys(111, "unable to ignore SIGTTIN and SIGTTOU");
	if (argc > 0 && called_init(argv[0])) {
		s->machine = MACHINE_NS;
		s->dir = MACHINE_DIR;
		s->grace_ms = 10000;
		cmd = argv + argc;
	} else
		cmd = argv + options(s, argc, argv);
	s->self = getpid();
	if (s->self != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		warn_sys("not PID 1 and unable to become a subreaper: "
		    "orphans will not be reaped");
	if (s->machine)
		machine_setup(s);
	if (s->dir) {
		dir_setup(s);
		dir_scan(s);
	} else {
		s->child = spawn(s, cmd);
		info_num(s, "started ", s->child, ": ", cmd[0]);
	}

	/* below this line we must not die */
	pfd.fd = s->sigfd;
	pfd.events = POLLIN;
	for (;;) {
		int timeout = -1, r, sig, pid, chld = 0;
		long long now = now_ms(), next = 0;

		if (s->phase == RUNNING && s->dir)
			next = dir_timer(s, now);
		else if (s->phase != RUNNING) {
			if (now >= s->deadline_ms) {
				/* again each second: a subreaper's /proc walk
				 * can miss a process forked meanwhile */
				if (s->verbose && s->phase != KILLED)
					info("grace over, sending KILL");
				s->phase = KILLED;
				signal_rest(s, SIGKILL);
				s->deadline_ms = now + 1000;
			}
			next = s->deadline_ms;
		}
		if (next)
			timeout = next - now > 1000000 ? 1000000 :
			    next > now ? next - now : 0;
		r = poll(&pfd, 1, timeout);
		if (r < 0 && errno != EINTR)
			warn_sys("unable to poll");
		while ((r = sig_read(s->sigfd, &sig, &pid)) > 0) {
			if (sig == SIGCHLD)
				chld = 1;
			else
				forward(s, sig);
		}
		if (r < 0)
			warn_sys("unable to read signals");
		/*
		 * While stopping, look for the end even without a SIGCHLD:
		 * with no child left, none comes.
		 */
		if (!chld && s->phase == RUNNING)
			continue;
		if (reap(s)) {
			/* no child at all: the end, unless -d still runs */
			if (s->dir == 0 || s->phase != RUNNING)
				break;
			continue;
		}
		if (s->dir == 0 && s->child == 0 && s->phase == RUNNING)
			shutdown_begin(s);
		if (s->phase == STOPPING && dir_alive(s) == 0)
			shutdown_begin(s);
	}
	info_num(s, "reaped ", s->orphans, " orphans", "");
	if (s->machine)
		machine_end(s);
	info_num(s, "exiting with status ", s->status, "", "");
	return s->status;
}
