/* SPDX-License-Identifier: ISC */
/*
 * pod1-stage1: the rkt stage1 entrypoints in one binary, chosen by the
 * name it is run as (the stage1 image links run, enter, stop and gc to
 * it) or by its first argument.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "lib/err.h"
#include "stage1/stage1.h"

/* What the entrypoints that wait for a child handle: stop signals and it. */
void
s1_waitset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

/*
 * Wait for child with s1_waitset's signals blocked, passing each stop
 * signal on (as sig, or as it came when sig is 0); its status as an exit
 * code, 128+signal when killed.
 */
int
s1_wait(pid_t child, int sig)
{
	siginfo_t si;
	sigset_t set;
	int st = 0;
	pid_t n;

	s1_waitset(&set);
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			kill(child, sig ? sig : si.si_signo);
			continue;
		}
		while ((n = waitpid(child, &st, WNOHANG)) < 0 && errno == EINTR)
			;
		if (n == child)
			break;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char usage[] = "run|enter|stop|gc ARGS...";

int
main(int argc, char **argv)
{
	const char *name = argv[0] ? strrchr(argv[0], '/') : 0;

	err_prog = "pod1-stage1";
	if (argc < 1)
		die_usage(usage);
	name = name ? name + 1 : argv[0];
	if (strcmp(name, "run") && strcmp(name, "enter") &&
	    strcmp(name, "stop") && strcmp(name, "gc")) {
		if (argc < 2)
			die_usage(usage);
		name = argv[1];
		argc--;
		argv++;
	}
	if (!strcmp(name, "run"))
		return stage1_run(argc, argv);
	if (!strcmp(name, "enter"))
		return stage1_enter(argc, argv);
	if (!strcmp(name, "stop"))
		return stage1_stop(argc, argv);
	if (!strcmp(name, "gc"))
		return stage1_gc(argc, argv);
	die_usage(usage);
}
