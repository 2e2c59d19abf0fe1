/* SPDX-License-Identifier: ISC */
/*
 * probe: the workloads of the integration tests in one static binary, the
 * first argument picking the mode. Reports go to stdout one flushed line at
 * a time, so a test can handshake on "ready PID PGID". It also plays the
 * bad inits the negative controls need (noreap, noforward).
 */
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/opt.h"
#include "lib/sig.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct mode {
	const char *name;
	int (*run)(int, char **);
	const char *args;
};

struct probe {
	int selfpipe[2];	/* signal handler to main loop */
	int readyfd;		/* spawn: written once the daemon is up */
	volatile sig_atomic_t term;	/* count: TERM came */
};

static struct probe g = { { -1, -1 }, -1, 0 };

/*
 * The SANITIZE build's hook for this binary's defaults: LeakSanitizer's
 * scan at exit sometimes hangs the probe when it runs as an app under
 * runit's runsv. The probe is the harness, not the code under test, so it
 * leaves leak checks to pod1's own programs. Unused in the musl build.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static int usage(void) __attribute__((noreturn));
static int run_mode(int, char **);
static unsigned long long number(const char *, unsigned long long);
static int signum(const char *);
static long long now_ms(void);
static void nap(long);
static pid_t fork_flushed(void);
static void exec_cmd(char **) __attribute__((noreturn));
static int status_code(int);
static void become_subreaper(void);
static void block_all(sigset_t *);
static void ready(void);
static int wait_ready(int);
static void wait_reparent(pid_t);
static int stat_read(pid_t, char *, pid_t *);
static void on_signal(int, siginfo_t *, void *);
static void on_count_term(int);
static int signals_loop(unsigned long long, int);
static int zombie(void);
static int count_siblings(void);
static int print_status(const char *, const char *);
static int cmp_int(const void *, const void *);

static int mode_signals(int, char **);
static int mode_zombies(int, char **);
static int mode_orphan(int, char **);
static int mode_sigmask(int, char **);
static int mode_sigsetup(int, char **);
static int mode_exit(int, char **);
static int mode_kill(int, char **);
static int mode_storm(int, char **);
static int mode_ignore_term(int, char **);
static int mode_pause(int, char **);
static int mode_spawn(int, char **);
static int mode_spam(int, char **);
static int mode_count(int, char **);
static int mode_splice(int, char **);
static int mode_fds(int, char **);
static int mode_tty(int, char **);
static int mode_noreap(int, char **);
static int mode_noforward(int, char **);
static int mode_subreaper(int, char **);
static int mode_killtree(int, char **);
static int mode_syscall(int, char **);
static int mode_hog(int, char **);
static int mode_forkbomb(int, char **);

static const struct mode modes[] = {
	{ "signals", mode_signals, "[-n COUNT] [-x SIG] [-m MEMBER_OUT]" },
	{ "zombies", mode_zombies, "N [SECS]" },
	{ "orphan", mode_orphan, "" },
	{ "sigmask", mode_sigmask, "" },
	{ "sigsetup", mode_sigsetup, "[-b SIG]... [-i SIG]... -- CMD..." },
	{ "exit", mode_exit, "CODE [ORPHAN_CODE]" },
	{ "kill", mode_kill, "SIG" },
	{ "storm", mode_storm, "PID RATE MS SIG..." },
	{ "ignore-term", mode_ignore_term, "" },
	{ "pause", mode_pause, "" },
	{ "spawn", mode_spawn, "MODE [ARG...]" },
	{ "spam", mode_spam, "N" },
	{ "count", mode_count, "[-d MS]" },
	{ "splice", mode_splice, "FILE" },
	{ "fds", mode_fds, "" },
	{ "tty", mode_tty, "" },
	{ "noreap", mode_noreap, "CMD..." },
	{ "noforward", mode_noforward, "CMD..." },
	{ "subreaper", mode_subreaper, "CMD..." },
	{ "killtree", mode_killtree, "PID" },
	{ "syscall", mode_syscall, "NAME..." },
	{ "hog", mode_hog, "MB" },
	{ "forkbomb", mode_forkbomb, "N" },
};

static int
usage(void)
{
	unsigned i;

	fprintf(stderr, "usage:\n");
	for (i = 0; i < NELEM(modes); i++)
		fprintf(stderr, "  probe %s %s\n", modes[i].name,
		    modes[i].args);
	exit(100);
}

static int
run_mode(int argc, char **argv)
{
	unsigned i;

	for (i = 0; i < NELEM(modes); i++)
		if (strcmp(modes[i].name, argv[0]) == 0)
			return modes[i].run(argc, argv);
	return usage();
}

static unsigned long long
number(const char *s, unsigned long long max)
{
	unsigned long long n;

	if (scan_uint(s, max, &n) < 0)
		die(100, "not a number in range: ", s);
	return n;
}

static int
signum(const char *s)
{
	int sig = sig_number(s);

	if (sig < 0)
		die(100, "not a signal: ", s);
	return sig;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* fork with nothing left in the stdio buffers to be written twice */
static pid_t
fork_flushed(void)
{
	pid_t pid;

	fflush(0);
	pid = fork();
	if (pid < 0)
		die_sys(111, "unable to fork");
	return pid;
}

static void
exec_cmd(char **argv)
{
	if (argv[0] == 0)
		usage();
	execvp(argv[0], argv);
	warn_sys("unable to exec ", argv[0]);
	_exit(errno == ENOENT ? 127 : 126);
}

static int
status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The bad inits hold orphans in subreaper mode too, as pod1-init does. */
static void
become_subreaper(void)
{
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_sys(111, "unable to become a subreaper");
}

/* Block all but the synchronous faults, as pod1-init does. */
static void
block_all(sigset_t *set)
{
	int s;

	sigfillset(set);
	for (s = 1; s < 32; s++)
		if (sig_is_sync(s))
			sigdelset(set, s);
	if (sigprocmask(SIG_SETMASK, set, 0) < 0)
		die_sys(111, "unable to block signals");
}

static void
ready(void)
{
	printf("ready %ld %ld\n", (long)getpid(), (long)getpgrp());
	fflush(stdout);
	if (g.readyfd >= 0) {
		if (write(g.readyfd, "r", 1) < 0)
			warn_sys("unable to report readiness");
		close(g.readyfd);
		g.readyfd = -1;
	}
}

/* 0 once the other end wrote its byte, -1 when it closed without one. */
static int
wait_ready(int fd)
{
	char b;
	ssize_t r;

	while ((r = read(fd, &b, 1)) < 0 && errno == EINTR)
		;
	close(fd);
	return r == 1 ? 0 : -1;
}

/*
 * Wait until parent `from` has died and the kernel gave us a new one. The
 * parent-death signal is sent after the reparenting; the timeout covers a
 * parent that died before the prctl.
 */
static void
wait_reparent(pid_t from)
{
	struct timespec ts = { 0, 50000000 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, 0);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	while (getppid() == from)
		sigtimedwait(&set, 0, &ts);
}

/*
 * State letter and parent of pid from /proc/PID/stat, "pid (comm) S ppid",
 * looking after the last ')' since comm may hold anything. -1 when gone.
 */
static int
stat_read(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	char *rp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	rp = strrchr(buf, ')');
	if (rp == 0 || sscanf(rp + 1, " %c %d", state, ppid) != 2)
		return -1;
	return 0;
}

/*
 * Only the self-pipe write happens here; the main loop prints. A real
 * fault would return to the faulting instruction forever: die of it.
 */
static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	unsigned char c = sig;
	int e = errno;
	ssize_t r;

	(void)uc;
	if (si->si_code > 0 && sig_is_sync(sig)) {
		sigaction(sig, &dfl, 0);
		return;
	}
	/* a full pipe only loses what the main loop is far behind on */
	r = write(g.selfpipe[1], &c, 1);
	(void)r;
	errno = e;
}

/*
 * Print each signal's name until count have come (0: forever) or the
 * signal last has.
 */
static int
signals_loop(unsigned long long count, int last)
{
	struct sigaction sa;
	sigset_t none;
	unsigned long long got = 0;
	int s;

	if (pipe2(g.selfpipe, O_CLOEXEC) < 0 ||
	    fcntl(g.selfpipe[1], F_SETFL, O_NONBLOCK) < 0)
		die_sys(111, "unable to make the self-pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD &&
		    sigaction(s, &sa, 0) < 0)
			die_sys(111, "unable to catch a signal");
	/* whatever mask the init passed on, this workload hears everything */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	ready();
	while (count == 0 || got < count) {
		const char *name;
		unsigned char c;
		ssize_t r = read(g.selfpipe[0], &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r != 1)
			die_sys(111, "unable to read the self-pipe");
		name = sig_name(c);
		if (name)
			printf("%s\n", name);
		else
			printf("%d\n", c);
		fflush(stdout);
		got++;
		if (c == last)
			break;
	}
	return 0;
}

/*
 * probe signals [-n COUNT] [-x SIG] [-m MEMBER_OUT]: with -m, first fork a
 * second member of our process group that does the same into MEMBER_OUT,
 * and wait until it is ready, so -g forwarding has someone else to reach.
 */
static int
mode_signals(int argc, char **argv)
{
	struct opt o = OPT_INIT;
	unsigned long long count = 0;
	const char *member = 0;
	int c, last = 0, p[2];

	while ((c = opt_next(&o, argc, argv, "n:x:m:")) != -1) {
		switch (c) {
		case 'n':
			count = number(o.arg, 1000000);
			break;
		case 'x':
			last = signum(o.arg);
			break;
		case 'm':
			member = o.arg;
			break;
		default:
			usage();
		}
	}
	if (o.ind != argc)
		usage();
	if (member == 0)
		return signals_loop(count, last);
	if (pipe2(p, O_CLOEXEC) < 0)
		die_sys(111, "unable to make a pipe");
	if (fork_flushed() == 0) {
		int fd = open(member, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);

		if (fd < 0 || dup2(fd, 1) < 0)
			die_sys(111, "unable to open ", member);
		close(fd);
		close(p[0]);
		g.readyfd = p[1];
		exit(signals_loop(count, last));
	}
	close(p[1]);
	if (wait_ready(p[0]) < 0)
		die(111, "the group member died before it was ready");
	return signals_loop(count, last);
}

/*
 * vfork: we resume once the child is in _exit, so each is on its way to
 * being a zombie before the next is made, and no page tables are copied.
 */
static int
zombie(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid < 0 ? -1 : 0;
}

/* Processes but us whose parent is ours, in any state: the orphans left. */
static int
count_siblings(void)
{
	pid_t self = getpid(), parent = getppid();
	struct dirent *e;
	DIR *d;
	int n = 0;

	d = opendir("/proc");
	if (d == 0)
		return -1;
	while ((e = readdir(d)) != 0) {
		unsigned long long pid;
		char state;
		pid_t up;

		if (scan_uint(e->d_name, 0x7fffffff, &pid) == 0 &&
		    (pid_t)pid != self && stat_read(pid, &state, &up) == 0 &&
		    up == parent)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * probe zombies N [SECS]: a child makes N zombies and exits without
 * waiting, so they all land on our parent (the init). Then count, for up to
 * SECS (10), how many of them our parent has still not reaped.
 */
static int
mode_zombies(int argc, char **argv)
{
	unsigned long long i, n, secs = 10;
	long long deadline;
	pid_t c;
	int st, left;

	if (argc < 2 || argc > 3)
		usage();
	n = number(argv[1], 1000000);
	if (argc == 3)
		secs = number(argv[2], 3600);
	c = fork_flushed();
	if (c == 0) {
		/* other jobs may hold many pids for a while: retry EAGAIN */
		deadline = now_ms() + 15000;
		for (i = 0; i < n;)
			if (zombie() == 0)
				i++;
			else if (errno == EAGAIN && now_ms() < deadline)
				nap(10);
			else {
				warn_sys("unable to fork");
				_exit(111);
			}
		_exit(0);
	}
	if (waitpid(c, &st, 0) < 0 || st != 0)
		die(111, "unable to make the zombies");
	printf("zombies made %llu\n", n);
	deadline = now_ms() + secs * 1000;
	while ((left = count_siblings()) > 0 && now_ms() < deadline)
		nap(20);
	if (left < 0)
		die_sys(111, "unable to read /proc");
	printf("zombies left %d\n", left);
	return left == 0 ? 0 : 1;
}

/*
 * probe orphan: a child forks a grandchild and exits; the grandchild
 * reports the parent it was given. We print our own parent to compare.
 */
static int
mode_orphan(int argc, char **argv)
{
	pid_t c, me;
	int p[2];

	(void)argv;
	if (argc != 1)
		usage();
	if (pipe2(p, O_CLOEXEC) < 0)
		die_sys(111, "unable to make a pipe");
	c = fork_flushed();
	if (c == 0) {
		me = getpid();
		if (fork_flushed() == 0) {
			close(p[0]);
			wait_reparent(me);
			printf("orphan %ld ppid %ld\n", (long)getpid(),
			    (long)getppid());
			fflush(stdout);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(c, 0, 0);
	/* EOF once the grandchild, holding p[1], has exited */
	wait_ready(p[0]);
	printf("parent %ld\n", (long)getppid());
	return 0;
}

static int
print_status(const char *path, const char *prefix)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (f == 0)
		return -1;
	while (fgets(line, sizeof line, f) != 0)
		if (strncmp(line, "SigBlk:", 7) == 0 ||
		    strncmp(line, "SigIgn:", 7) == 0)
			printf("%s%s", prefix, line);
	fclose(f);
	return 0;
}

/* probe sigmask: our SigBlk and SigIgn, then our parent's. */
static int
mode_sigmask(int argc, char **argv)
{
	char path[64];

	(void)argv;
	if (argc != 1)
		usage();
	if (print_status("/proc/self/status", "") < 0)
		die_sys(111, "unable to read /proc/self/status");
	snprintf(path, sizeof path, "/proc/%ld/status", (long)getppid());
	if (print_status(path, "parent ") < 0)
		die_sys(111, "unable to read ", path);
	return 0;
}

/* probe sigsetup [-b SIG]... [-i SIG]... -- CMD: exec CMD so disposed. */
static int
mode_sigsetup(int argc, char **argv)
{
	struct opt o = OPT_INIT;
	sigset_t blk;
	int c;

	sigemptyset(&blk);
	while ((c = opt_next(&o, argc, argv, "b:i:")) != -1) {
		switch (c) {
		case 'b':
			sigaddset(&blk, signum(o.arg));
			break;
		case 'i':
			if (signal(signum(o.arg), SIG_IGN) == SIG_ERR)
				die_sys(111, "unable to ignore ", o.arg);
			break;
		default:
			usage();
		}
	}
	if (sigprocmask(SIG_SETMASK, &blk, 0) < 0)
		die_sys(111, "unable to set the signal mask");
	exec_cmd(argv + o.ind);
}

/*
 * probe exit CODE [ORPHAN_CODE]: exit with CODE. With ORPHAN_CODE, leave
 * behind a child that exits with it once it has been reparented, i.e.
 * after us: an init that reports the last status it reaped gets it wrong.
 */
static int
mode_exit(int argc, char **argv)
{
	unsigned long long code, orphan;
	pid_t me = getpid();

	if (argc < 2 || argc > 3)
		usage();
	code = number(argv[1], 255);
	if (argc == 3) {
		orphan = number(argv[2], 255);
		if (fork_flushed() == 0) {
			wait_reparent(me);
			_exit(orphan);
		}
	}
	return code;
}

/* probe kill SIG: die of SIG, whatever was inherited. */
static int
mode_kill(int argc, char **argv)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct rlimit nocore = { 0, 0 };
	sigset_t set;
	int sig;

	if (argc != 2)
		usage();
	sig = signum(argv[1]);
	setrlimit(RLIMIT_CORE, &nocore);
	sigaction(sig, &dfl, 0);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, 0);
	fflush(0);
	kill(getpid(), sig);
	warn("still alive after signal ", argv[1]);
	return 1;
}

/* probe ignore-term: a process the grace must end with KILL. */
/*
 * Send the signals to PID in turn, RATE a second for MS milliseconds, a
 * millisecond's share at a time; print "sent N". Stops early, failing,
 * when PID is gone.
 */
static int
mode_storm(int argc, char **argv)
{
	unsigned long long rate, ms, sent = 0, due;
	long long t0, now;
	pid_t pid;
	int sigs[64], n = 0, i;

	if (argc < 5 || argc - 4 > (int)NELEM(sigs))
		usage();
	pid = number(argv[1], 0x7fffffff);
	rate = number(argv[2], 10000000);
	ms = number(argv[3], 3600000);
	for (i = 4; i < argc; i++)
		sigs[n++] = signum(argv[i]);
	t0 = now_ms();
	while ((now = now_ms()) - t0 < (long long)ms) {
		due = rate * (now - t0 + 1) / 1000;
		for (; sent < due; sent++)
			if (kill(pid, sigs[sent % n]) < 0) {
				printf("sent %llu\n", sent);
				die_sys(111, "unable to signal");
			}
		nap(1);
	}
	printf("sent %llu\n", sent);
	return 0;
}

static int
mode_ignore_term(int argc, char **argv)
{
	sigset_t none;

	(void)argv;
	if (argc != 1)
		usage();
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	ready();
	for (;;)
		pause();
}

/* probe pause: a process that TERM ends. */
static int
mode_pause(int argc, char **argv)
{
	sigset_t none;

	(void)argv;
	if (argc != 1)
		usage();
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	ready();
	for (;;)
		pause();
}

/*
 * probe spawn MODE [ARG...]: run MODE as a daemon (fork, setsid, fork) and
 * exit 0 once it is ready, so it is an orphan in its own session before
 * the init's command ends.
 */
static int
mode_spawn(int argc, char **argv)
{
	int p[2];
	pid_t c;

	if (argc < 2)
		usage();
	if (pipe2(p, O_CLOEXEC) < 0)
		die_sys(111, "unable to make a pipe");
	c = fork_flushed();
	if (c == 0) {
		if (setsid() < 0)
			die_sys(111, "unable to setsid");
		if (fork_flushed() == 0) {
			close(p[0]);
			g.readyfd = p[1];
			exit(run_mode(argc - 1, argv + 1));
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(c, 0, 0);
	if (wait_ready(p[0]) < 0)
		die(111, "the daemon died before it was ready");
	return 0;
}

/* probe spam N: N numbered lines, for the logger. */
static int
mode_spam(int argc, char **argv)
{
	unsigned long long i, n;

	if (argc != 2)
		usage();
	n = number(argv[1], 1000000000);
	for (i = 1; i <= n; i++)
		printf("line %llu\n", i);
	if (fflush(stdout) == EOF)
		die_sys(111, "unable to write");
	return 0;
}

/*
 * probe count [-d MS]: "1", "2", ... one write(2) each (a pipe write of a
 * line is atomic), every MS ms, until TERM; then "end N", N the last
 * number written, so a reader can tell a line lost at the end too.
 */
static void
on_count_term(int sig)
{
	(void)sig;
	g.term = 1;
}

static int
mode_count(int argc, char **argv)
{
	struct opt o = OPT_INIT;
	struct sigaction sa;
	unsigned long long i, ms = 0;
	sigset_t none;
	int c;

	while ((c = opt_next(&o, argc, argv, "d:")) != -1) {
		switch (c) {
		case 'd':
			ms = number(o.arg, 60000);
			break;
		default:
			usage();
		}
	}
	if (o.ind != argc)
		usage();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_count_term;
	/* a write blocked on a full pipe finishes its line first */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGTERM, &sa, 0) < 0)
		die_sys(111, "unable to catch TERM");
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	for (i = 1; !g.term; i++) {
		printf("%llu\n", i);
		if (ms)
			nap(ms);
	}
	printf("end %llu\n", i - 1);
	return fflush(stdout) == EOF ? 111 : 0;
}

/*
 * probe splice FILE: a logger that appends stdin to FILE with splice(2),
 * so no line is ever in our hands: a KILL at any moment loses nothing
 * that was in the pipe (cat, between its read and its write, would).
 * splice refuses O_APPEND files: seek to the end once instead, as one
 * logger at a time writes FILE.
 */
static int
mode_splice(int argc, char **argv)
{
	ssize_t n;
	int fd;

	if (argc != 2)
		usage();
	fd = open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0)
		die_sys(111, "unable to open ", argv[1]);
	while ((n = splice(0, 0, fd, 0, 65536, 0)) != 0)
		if (n < 0 && errno != EINTR)
			die_sys(111, "unable to splice into ", argv[1]);
	return 0;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* probe fds: "fds 0 1 2", the descriptors open at exec. */
static int
mode_fds(int argc, char **argv)
{
	struct dirent *e;
	int fds[1024];
	DIR *d;
	int i, n = 0;

	(void)argv;
	if (argc != 1)
		usage();
	d = opendir("/proc/self/fd");
	if (d == 0)
		die_sys(111, "unable to read /proc/self/fd");
	while ((e = readdir(d)) != 0 && n < (int)NELEM(fds)) {
		unsigned long long fd;

		if (scan_uint(e->d_name, 0x7fffffff, &fd) == 0 &&
		    (int)fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof fds[0], cmp_int);
	printf("fds");
	for (i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
	return 0;
}

/*
 * probe tty: "fg yes" when our process group is the terminal's foreground
 * one, "leader yes" when it is our own. Inside a PID namespace both pgids
 * read 0 when the group is outside it: that is no evidence of anything.
 */
static int
mode_tty(int argc, char **argv)
{
	pid_t fg, pgrp = getpgrp();

	(void)argv;
	if (argc != 1)
		usage();
	fg = tcgetpgrp(0);
	printf("fg %s\n", fg > 0 && fg == pgrp ? "yes" : "no");
	printf("leader %s\n", pgrp == getpid() ? "yes" : "no");
	return 0;
}

/*
 * probe noreap CMD: negative control for reaping. An init that waits for
 * its command alone, so orphans stay zombies.
 */
static int
mode_noreap(int argc, char **argv)
{
	pid_t pid;
	int st;

	if (argc < 2)
		usage();
	become_subreaper();
	pid = fork_flushed();
	if (pid == 0)
		exec_cmd(argv + 1);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_sys(111, "unable to wait");
	return status_code(st);
}

/*
 * probe noforward CMD: negative control for the child ritual. An init
 * that reaps but forwards nothing and skips the ritual: the command keeps
 * its blocked mask, its fds and its process group. It also exits with the
 * last status it reaped rather than the command's, the classic mistake.
 */
static int
mode_noforward(int argc, char **argv)
{
	sigset_t set;
	int st = 0;

	if (argc < 2)
		usage();
	block_all(&set);
	become_subreaper();
	if (fork_flushed() == 0)
		exec_cmd(argv + 1);
	for (;;) {
		pid_t pid;
		int s;

		if (sigwaitinfo(&set, 0) != SIGCHLD)
			continue;
		while ((pid = waitpid(-1, &s, WNOHANG)) > 0)
			st = s;
		if (pid < 0 && errno == ECHILD)
			return status_code(st);
	}
}

/* probe subreaper CMD: exec CMD as a child subreaper (kept across exec). */
static int
mode_subreaper(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_sys(111, "unable to become a subreaper");
	exec_cmd(argv + 1);
}

/*
 * probe killtree PID: SIGKILL everything below PID but us. Each round
 * takes the whole list before killing, so a parent dying first cannot
 * hand its children out of the tree; rounds repeat for late forks.
 */
static int
mode_killtree(int argc, char **argv)
{
	pid_t root, self = getpid(), *list = 0;
	size_t cap = 0;
	int round;

	if (argc != 2)
		usage();
	root = number(argv[1], 0x7fffffff);
	for (round = 0; round < 100; round++) {
		struct dirent *e;
		size_t i, n = 0;
		DIR *d = opendir("/proc");

		if (d == 0)
			die_sys(111, "unable to read /proc");
		while ((e = readdir(d)) != 0) {
			unsigned long long u;
			pid_t pid, up;
			char state;
			int depth;

			if (scan_uint(e->d_name, 0x7fffffff, &u) < 0 ||
			    (pid_t)u == self || (pid_t)u == root ||
			    stat_read(u, &state, &up) < 0 || state == 'Z')
				continue;
			pid = u;
			for (depth = 0; depth < 1024 && up > 1 && up != root;
			    depth++)
				if (stat_read(up, &state, &up) < 0)
					break;
			if (up != root)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				list = realloc(list, cap * sizeof *list);
				if (list == 0)
					die_sys(111, "unable to allocate");
			}
			list[n++] = pid;
		}
		closedir(d);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			kill(list[i], SIGKILL);
		nap(10);
	}
	free(list);
	return round < 100 ? 0 : 1;
}

/*
 * syscall: make each named system call in a harmless way (nothing happens
 * when it succeeds) and print "NAME ERRNO", 0 for success: how a seccomp
 * filter or a capability shows from inside the app.
 */
static int
mode_syscall(int argc, char **argv)
{
	struct utsname u;
	long r;
	int i;

	if (argc < 2)
		usage();
	for (i = 1; i < argc; i++) {
		const char *n = argv[i];

		errno = 0;
		if (strcmp(n, "getpid") == 0)
			r = syscall(SYS_getpid);
		else if (strcmp(n, "uname") == 0)
			r = uname(&u);
		else if (strcmp(n, "mount") == 0)
			r = mount("none", "/nonexistent/probe", "tmpfs", 0, 0);
		else if (strcmp(n, "umount2") == 0)
			r = umount2("/nonexistent/probe", 0);
		else if (strcmp(n, "ptrace") == 0)
			r = ptrace(PTRACE_PEEKDATA, 0, 0, 0);
		else if (strcmp(n, "unshare") == 0)
			r = unshare(0);
		else if (strcmp(n, "chdir") == 0)
			r = chdir(".");
		else if (strcmp(n, "mkdir") == 0)
			r = mkdir("/nonexistent/probe", 0700);
		else if (strcmp(n, "keyctl") == 0)
			r = syscall(SYS_keyctl, -1, 0, 0, 0, 0);
		else if (strcmp(n, "personality") == 0)
			r = syscall(SYS_personality, 0xffffffffUL);
		else if (strcmp(n, "sethostname") == 0)
			r = sethostname("", 0) < 0 && errno == EINVAL ? 0 : -1;
		else
			die(100, "no such call in probe: ", n);
		printf("%s %d\n", n, r < 0 ? errno : 0);
	}
	return 0;
}

/* hog: touch MB megabytes one at a time, then report and exit 0. */
static int
mode_hog(int argc, char **argv)
{
	unsigned long long mb, i;
	char *p;

	if (argc != 2)
		usage();
	mb = number(argv[1], 1 << 20);
	for (i = 0; i < mb; i++) {
		p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die_sys(111, "unable to map memory");
		memset(p, 1, 1 << 20);
	}
	printf("hogged %llu MB\n", mb);
	return 0;
}

/*
 * forkbomb: fork children that pause until N are up or fork fails, print
 * "forked K ERRNO" (0: no failure) and pause; the children go with us.
 */
static int
mode_forkbomb(int argc, char **argv)
{
	unsigned long long n, k;
	pid_t pid;
	int e = 0;

	if (argc != 2)
		usage();
	n = number(argv[1], 1 << 20);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	for (k = 0; k < n; k++) {
		fflush(0);
		pid = fork();
		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
	}
	printf("forked %llu %d\n", k, e);
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	err_prog = "probe";
	if (argc < 2)
		usage();
	/* line by line, so a test reads reports live; spam is bulk output */
	if (strcmp(argv[1], "spam") != 0)
		setvbuf(stdout, 0, _IOLBF, 0);
	return run_mode(argc - 1, argv + 1);
}
