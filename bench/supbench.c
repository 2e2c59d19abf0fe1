/* SPDX-License-Identifier: ISC */
/*
 * supbench: the workloads and the clock of bench/supervise.sh.
 *
 * Copied into a service dir as its run (argv[0] ends in "run"), it is the
 * app: it notes CLOCK_MONOTONIC at the top of main(), writes "PID NS\n"
 * to the FIFO ./fifo when there is one, logs a line ("PID up\n" on
 * stdout, for its logger) and waits for a signal.
 *
 *	supbench latency ROUNDS UP_MS NAME:DIR...
 *		for ROUNDS rounds, for each service in turn: once its app
 *		has been up UP_MS, SIGKILL it and wait for the next app's
 *		line on DIR/fifo; prints "NAME NS" per restart, NS from the
 *		kill to the new app's main(), or "NAME timeout"
 *	supbench pause		a process that waits for a signal
 *	supbench drain		read stdin to EOF, keep nothing (a logger)
 *	supbench floor DIR	the least a supervisor can do: fork and exec
 *				DIR/run, and again when signalfd says it
 *				died; on TERM, KILL it and exit
 *	supbench now		print CLOCK_MONOTONIC in ns
 *	supbench collect FIFO N T0 SECS
 *				read apps' "PID NS" lines from FIFO (each
 *				service's ./fifo a link to it) until N
 *				distinct apps have come or SECS pass; print
 *				"up COUNT LAST_MS", LAST_MS from T0 (ns) to
 *				the latest app's main()
 */
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXSVC 8
/* a restart slower than this is reported as a timeout */
#define TIMEOUT_MS 5000

struct svc {
	char *name;
	int fd;
	pid_t pid;
	long long start;	/* the current app's main(), ns */
	char buf[256];
	size_t len;
};

static long long now_ns(void);
static void nap_until(long long);
static int app(void);
static int announced(struct svc *, long long);
static int latency(int, char **);
static int floor_sup(const char *);
static int collect(int, char **);

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
nap_until(long long t)
{
	long long d;
	struct timespec ts;

	while ((d = t - now_ns()) > 0) {
		ts.tv_sec = d / 1000000000;
		ts.tv_nsec = d % 1000000000;
		nanosleep(&ts, 0);
	}
}

static int
app(void)
{
	long long t = now_ns();
	char line[64];
	int fd, n;

	/* blocks until the bench has the FIFO open: it always has */
	fd = open("fifo", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = snprintf(line, sizeof line, "%ld %lld\n", (long)getpid(),
		    t);
		if (write(fd, line, n) != n)
			return 111;
		close(fd);
	}
	/* as an app does: its logger has a line to log */
	n = snprintf(line, sizeof line, "%ld up\n", (long)getpid());
	if (write(1, line, n) < 0) {
		/* no stdout to log to: the app runs on all the same */
	}
	for (;;)
		pause();
}

/*
 * Wait up to deadline (ns) for a whole "PID NS" line on the FIFO; 0 with
 * s->pid and s->start set, -1 on timeout.
 */
static int
announced(struct svc *s, long long deadline)
{
	struct pollfd pfd = { s->fd, POLLIN, 0 };
	long long left;
	char *nl;

	for (;;) {
		nl = memchr(s->buf, '\n', s->len);
		if (nl) {
			long pid;
			long long t;

			*nl = 0;
			if (sscanf(s->buf, "%ld %lld", &pid, &t) == 2) {
				s->pid = pid;
				s->start = t;
			}
			s->len -= nl + 1 - s->buf;
			memmove(s->buf, nl + 1, s->len);
			return 0;
		}
		left = (deadline - now_ns()) / 1000000;
		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) > 0) {
			ssize_t r = read(s->fd, s->buf + s->len,
			    sizeof s->buf - 1 - s->len);

			if (r > 0)
				s->len += r;
			else if (r < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
		}
	}
}

static int
latency(int argc, char **argv)
{
	struct svc svc[MAXSVC];
	int rounds, up, n = 0, r, i;
	char path[4096];

	if (argc < 5 || argc - 4 > MAXSVC)
		return 100;
	rounds = atoi(argv[2]);
	up = atoi(argv[3]);
	for (i = 4; i < argc; i++, n++) {
		char *colon = strchr(argv[i], ':');

		if (colon == 0)
			return 100;
		*colon = 0;
		svc[n].name = argv[i];
		snprintf(path, sizeof path, "%s/fifo", colon + 1);
		/* read-write: never EOF between two apps */
		svc[n].fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (svc[n].fd < 0) {
			perror(path);
			return 111;
		}
		svc[n].len = 0;
	}
	for (i = 0; i < n; i++)
		if (announced(&svc[i], now_ns() + TIMEOUT_MS * 1000000LL) < 0) {
			fprintf(stderr, "supbench: no app of %s\n",
			    svc[i].name);
			return 111;
		}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			struct svc *s = &svc[i];
			long long t0;

			nap_until(s->start + up * 1000000LL);
			t0 = now_ns();
			if (kill(s->pid, SIGKILL) < 0) {
				perror("kill");
				return 111;
			}
			if (announced(s, t0 + TIMEOUT_MS * 1000000LL) < 0) {
				printf("%s timeout\n", s->name);
				/* the late app is still worth waiting for */
				if (announced(s, now_ns() + 60000000000LL) < 0)
					return 111;
			} else
				printf("%s %lld\n", s->name, s->start - t0);
			fflush(stdout);
		}
	return 0;
}

static int
floor_sup(const char *dir)
{
	struct signalfd_siginfo si;
	sigset_t set;
	pid_t pid = 0, w;
	int sfd;

	if (chdir(dir) < 0)
		return 111;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, 0);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return 111;
	for (;;) {
		if (pid == 0) {
			pid = fork();
			if (pid == 0) {
				sigprocmask(SIG_UNBLOCK, &set, 0);
				execl("./run", "./run", (char *)0);
				_exit(127);
			}
			if (pid < 0)
				return 111;
		}
		if (read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGTERM) {
			kill(pid, SIGKILL);
			return 0;
		}
		while ((w = waitpid(-1, 0, WNOHANG)) > 0)
			if (w == pid)
				pid = 0;
	}
}

static int
collect(int argc, char **argv)
{
	struct svc s;
	long long t0, last = 0, deadline;
	int n, count = 0;

	if (argc != 6)
		return 100;
	n = atoi(argv[3]);
	t0 = atoll(argv[4]);
	deadline = now_ns() + atoll(argv[5]) * 1000000000LL;
	/* read-write: never EOF between two apps */
	s.fd = open(argv[2], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (s.fd < 0) {
		perror(argv[2]);
		return 111;
	}
	s.len = 0;
	while (count < n && announced(&s, deadline) == 0) {
		count++;
		if (s.start > last)
			last = s.start;
	}
	printf("up %d %.1f\n", count, (last - t0) / 1e6);
	return count == n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	size_t n = strlen(argv[0]);
	char buf[65536];

	if (n >= 3 && strcmp(argv[0] + n - 3, "run") == 0)
		return app();
	if (argc >= 2 && strcmp(argv[1], "latency") == 0)
		return latency(argc, argv);
	if (argc == 3 && strcmp(argv[1], "floor") == 0)
		return floor_sup(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "collect") == 0)
		return collect(argc, argv);
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "pause") == 0)
		for (;;)
			pause();
	if (argc == 2 && strcmp(argv[1], "drain") == 0) {
		ssize_t r;

		while ((r = read(0, buf, sizeof buf)) != 0)
			if (r < 0 && errno != EINTR)
				return 111;
		return 0;
	}
	fprintf(stderr, "usage: supbench latency ROUNDS UP_MS NAME:DIR... | "
	    "pause | drain | floor DIR | now | collect FIFO N T0 SECS\n");
	return 100;
}
