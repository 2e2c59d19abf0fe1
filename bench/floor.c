/* SPDX-License-Identifier: ISC */
/*
 * floor: the least a PID 1 can do, as a reference row for bench/run.sh.
 * Fork, exec the command, reap with a blocking wait() until no child is
 * left, exit with the command's status. No signals, no forwarding, no
 * shutdown: whatever a real init costs above this is its own doing.
 * Usage: floor CMD [ARG...]
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	pid_t cmd, pid;
	int st, code = 111;

	if (argc < 2)
		return 100;
	cmd = fork();
	if (cmd < 0)
		return 111;
	if (cmd == 0) {
		execvp(argv[1], argv + 1);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while ((pid = wait(&st)) > 0 || errno == EINTR)
		if (pid == cmd)
			code = WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
	return code;
}
