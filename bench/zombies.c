/* SPDX-License-Identifier: ISC */
/*
 * zombies: the reaping workload of bench/run.sh, the same binary for every
 * init. Run as the init's command: it forks a child that forks N
 * grandchildren which exit at once, the child exits without waiting, so N
 * orphaned zombies land on PID 1. It waits until /proc shows no process but
 * PID 1 and itself, then prints PID 1's on-CPU time in ns (the first field
 * of /proc/1/schedstat, sum_exec_runtime) and what was left unreaped:
 *	cpu_ns 123456 runs 9 ticks 12 forked 20000 left 0 zombies 0 wait_ms 42
 * (runs: how often PID 1 got the CPU, the third schedstat field; ticks:
 * its utime + stime, for comparison)
 * Usage: zombies N [TIMEOUT_MS]
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long long now_ms(void);
static void nap(long);
static int readfile(const char *, char *, size_t);
static long count_procs(pid_t, long *);
static int pid1_busy(pid_t);
static long forker(long);

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
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int
readfile(const char *path, char *buf, size_t len)
{
	int fd, n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/*
 * Processes in /proc other than PID 1 and self. With zp, also count those
 * in state Z (reads each /proc/PID/stat, so only done once at the end).
 */
static long
count_procs(pid_t self, long *zp)
{
	char buf[8192], path[64], st[512];
	long n = 0, z = 0;
	int dfd, len;

	dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		perror("zombies: /proc");
		exit(111);
	}
	while ((len = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
		int off;

		for (off = 0; off < len;) {
			struct dirent64 *d = (void *)(buf + off);
			char *end;
			long pid;

			off += d->d_reclen;
			pid = strtol(d->d_name, &end, 10);
			if (*end || end == d->d_name || pid == 1 || pid == self)
				continue;
			n++;
			if (!zp)
				continue;
			snprintf(path, sizeof path, "/proc/%ld/stat", pid);
			if (readfile(path, st, sizeof st) > 0) {
				char *p = strrchr(st, ')');

				if (p && p[1] == ' ' && p[2] == 'Z')
					z++;
			}
		}
	}
	close(dfd);
	if (zp)
		*zp = z;
	return n;
}

/*
 * Has PID 1 a child other than us? Read from /proc/1/task/1/children, not
 * by a /proc scan: a readdir of /proc instantiates a dentry per process,
 * and PID 1 would pay to invalidate each one as it reaps (proc_flush_pid),
 * so the probe would inflate what it measures. -1 when the file is missing.
 */
static int
pid1_busy(pid_t self)
{
	char buf[4096], *p;
	int n;

	n = readfile("/proc/1/task/1/children", buf, sizeof buf);
	if (n < 0)
		return -1;
	for (p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid != self)
			return 1;
		p = end;
	}
	/* a full buffer holds at least one pid that is not ours */
	return n == sizeof buf - 1;
}

/* The middle child: fork n children that exit at once, do not wait. */
static long
forker(long n)
{
	long i, made = 0;
	int tries = 0;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0) {
			made++;
			tries = 0;
			continue;
		}
		/*
		 * Out of pids for a moment (pid_max counts the whole host,
		 * and N zombies exist at once): wait, 5 s at most.
		 */
		if ((errno != EAGAIN && errno != ENOMEM) || ++tries > 5000) {
			fprintf(stderr, "zombies: fork failed after %ld "
			    "children: %s\n", made, strerror(errno));
			break;
		}
		nap(1);
		i--;
	}
	return made;
}

int
main(int argc, char **argv)
{
	char buf[512];
	long n, timeout_ms, left, zombies = 0, made;
	long long t0, waited, cpu_ns, runs;
	unsigned long long ut = 0, stt = 0;
	int p[2], st, busy;
	pid_t self = getpid(), mid;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: zombies N [TIMEOUT_MS]\n");
		return 100;
	}
	n = strtol(argv[1], 0, 10);
	timeout_ms = argc > 2 ? strtol(argv[2], 0, 10) : 20000;
	if (self != 1 && getppid() != 1)
		fprintf(stderr, "zombies: warning: parent is not PID 1\n");
	/* the middle child reports how many it forked through a pipe */
	if (pipe(p) < 0) {
		perror("zombies: pipe");
		return 111;
	}
	mid = fork();
	if (mid < 0) {
		perror("zombies: fork");
		return 111;
	}
	if (mid == 0) {
		close(p[0]);
		made = forker(n);
		if (write(p[1], &made, sizeof made) != sizeof made)
			_exit(111);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &made, sizeof made) != sizeof made)
		made = -1;
	close(p[0]);
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	/*
	 * Every grandchild is now PID 1's. Poll gently, and without touching
	 * the zombies' /proc entries (see pid1_busy).
	 */
	t0 = now_ms();
	while (now_ms() - t0 < timeout_ms) {
		busy = pid1_busy(self);
		if (busy < 0)
			busy = count_procs(self, 0) > 0;
		if (!busy)
			break;
		nap(10);
	}
	waited = now_ms() - t0;
	/* let PID 1 finish its loop and go back to sleep */
	nap(20);
	if (readfile("/proc/1/schedstat", buf, sizeof buf) < 0 ||
	    sscanf(buf, "%lld %*s %lld", &cpu_ns, &runs) != 2) {
		fprintf(stderr, "zombies: cannot read /proc/1/schedstat\n");
		return 111;
	}
	if (readfile("/proc/1/stat", buf, sizeof buf) > 0) {
		char *q = strrchr(buf, ')');

		/* utime and stime are fields 14 and 15; q is inside field 2 */
		if (q)
			sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
			    "%*u %*u %llu %llu", &ut, &stt);
	}
	/* the full count, now that the CPU time is taken */
	left = count_procs(self, &zombies);
	printf("cpu_ns %lld runs %lld ticks %llu forked %ld left %ld "
	    "zombies %ld wait_ms %lld\n", cpu_ns, runs, ut + stt, made, left,
	    zombies, waited);
	return 0;
}
