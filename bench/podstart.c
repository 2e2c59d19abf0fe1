/* SPDX-License-Identifier: ISC */
/*
 * podstart: the two ends of a pod start, on CLOCK_MONOTONIC (which no
 * namespace of pod1 or systemd-nspawn changes, so both ends share it).
 *	podstart app FILE	the app: writes the time it starts, in ns,
 *				to FILE (in its own root) and exits 0
 *	podstart launch CMD ARG...
 *				forks; the child takes the time and execs
 *				CMD at once; prints "start end status" in ns
 *				(the time of that exec, the time CMD's exit
 *				was reaped) on stdout
 * The app is static and does nothing before main(), so its stamp is
 * within a few µs of its first instruction.
 */
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void);

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	long long t, *shared;
	char buf[32];
	pid_t pid;
	int fd, n, st;

	if (argc == 3 && !strcmp(argv[1], "app")) {
		t = now_ns();
		n = snprintf(buf, sizeof buf, "%lld\n", t);
		if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0
		    || write(fd, buf, n) != n)
			return 111;
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "launch")) {
		fprintf(stderr, "usage: podstart app FILE | "
		    "podstart launch CMD [ARG...]\n");
		return 100;
	}
	/* the child's exec time, where the parent can read it after */
	shared = mmap(0, sizeof *shared, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 111;
	if ((pid = fork()) < 0)
		return 111;
	if (pid == 0) {
		*shared = now_ns();
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 111;
	t = now_ns();
	printf("%lld %lld %d\n", *shared, t,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
