/* SPDX-License-Identifier: ISC */
/*
 * spawntime: wall time of short commands, fork to reaped, on the monotonic
 * clock. The commands are interleaved round by round, each round starting
 * one command further on, so drift (frequency, cache, a noisy neighbour)
 * spreads over all of them instead of landing on whichever ran last.
 * Prints one line per command, in the order given:
 *	INDEX median_us mean_us min_us failures
 * Usage: spawntime [-n ROUNDS] [-w WARMUP] 'CMD ARG...' ...
 * Each command is one argument, split on spaces, run without a shell.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 16
#define MAXARG 32

static long long now_ns(void);
static int run(char **, long long *);
static int cmp_ll(const void *, const void *);

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Run argv once with stdout and stderr on /dev/null; 0 when it exits 0. */
static int
run(char **argv, long long *ns)
{
	long long t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	*ns = now_ns() - t0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	static char *args[MAXCMD][MAXARG];
	long long *t[MAXCMD], ns;
	int rounds = 500, warmup = 20, ncmd, fails[MAXCMD] = { 0 };
	int c, i, r;

	while ((c = getopt(argc, argv, "n:w:")) != -1) {
		switch (c) {
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	ncmd = argc - optind;
	if (ncmd < 1 || ncmd > MAXCMD || rounds < 1 || warmup < 0)
		goto usage;
	for (i = 0; i < ncmd; i++) {
		char *p = argv[optind + i], *tok;
		int k = 0;

		while ((tok = strsep(&p, " ")) && k < MAXARG - 1)
			if (*tok)
				args[i][k++] = tok;
		args[i][k] = 0;
		if (k == 0)
			goto usage;
		t[i] = calloc(rounds, sizeof **t);
		if (!t[i]) {
			perror("spawntime");
			return 111;
		}
	}
	for (r = 0; r < warmup; r++)
		for (i = 0; i < ncmd; i++)
			run(args[i], &ns);
	for (r = 0; r < rounds; r++)
		for (c = 0; c < ncmd; c++) {
			i = (r + c) % ncmd;
			if (run(args[i], &t[i][r]) < 0)
				fails[i]++;
		}
	for (i = 0; i < ncmd; i++) {
		long long sum = 0;

		for (r = 0; r < rounds; r++)
			sum += t[i][r];
		qsort(t[i], rounds, sizeof **t, cmp_ll);
		printf("%d %.1f %.1f %.1f %d\n", i,
		    (rounds % 2 ? t[i][rounds / 2] :
		    (t[i][rounds / 2 - 1] + t[i][rounds / 2]) / 2.0) / 1e3,
		    sum / 1e3 / rounds, t[i][0] / 1e3, fails[i]);
	}
	return 0;
usage:
	fprintf(stderr, "usage: spawntime [-n ROUNDS] [-w WARMUP] "
	    "'CMD ARG...' ...\n");
	return 100;
}
