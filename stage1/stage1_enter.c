/* SPDX-License-Identifier: ISC */
/*
 * The entrypoints that act on a running or dead pod. enter joins the
 * pod's namespaces and root and runs a command as the app (pod1-exec with
 * the app's settings); stop asks the pod's PID 1 for an orderly stop, or
 * kills it; gc clears what a pod may leave on the host: its cgroups and
 * any mount under the pod dir. All run with the pod dir as cwd.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/slurp.h"
#include "stage1/stage1.h"

static pid_t pod_pid(const char *);
static void cg_remove(const char *, int);
static void unmount_under(const char *);

/* --pid=N (or --pid N) */
static const char *
arg_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == 0 && *i + 1 < argc)
		return argv[++*i];
	return 0;
}

/* enter --pid=PID --appname=APP [--] [CMD ARG...] */
int
stage1_enter(int argc, char **argv)
{
	static const char *const ns[] = { "ipc", "uts", "net", "pid", "mnt" };
	char path[64], svc[PATH_MAX], *sh[] = { "/bin/sh", 0 };
	const char *pidarg = 0, *app = 0, *v;
	char **cmd = sh, **xargv;
	int fds[5], rootfd, ownpid, i, n;
	unsigned long long pid;
	struct stat sst;
	sigset_t set;
	pid_t child;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if ((v = arg_value(argc, argv, &i, "--pid")) != 0)
			pidarg = v;
		else if ((v = arg_value(argc, argv, &i, "--appname")) != 0)
			app = v;
		else if (argv[i][0] == '-')
			warn("ignoring unknown flag ", argv[i]);
		else
			break;
	}
	if (i < argc)
		cmd = argv + i;
	if (pidarg == 0 || scan_uint(pidarg, 1 << 22, &pid) < 0 || pid == 0)
		die(S1_FAIL, "usage: enter --pid=PID --appname=APP [--] "
		    "[CMD ARG...]");
	if (app == 0 || *app == 0 || strchr(app, '/') || app[0] == '.')
		die(S1_FAIL, "enter: bad or missing --appname");
	/* our own, to go back to once our child is in the pod's */
	if ((ownpid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open /proc/self/ns/pid");
	for (i = 0; i < 5; i++) {
		s1_path(path, sizeof path, "/proc/%llu/ns/%s", pid, ns[i]);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die_sys(S1_FAIL, "unable to open ", path);
	}
	s1_path(path, sizeof path, "/proc/%llu/root", pid);
	if ((rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open ", path);
	/* the app is looked for before we join: a refusal stays outside */
	s1_path(svc, sizeof svc, "rkt/service/%s", app);
	if (fstatat(rootfd, svc, &sst, 0) < 0)
		die(S1_FAIL, "enter: the pod has no app ", app);
	for (i = 0; i < 5; i++)
		if (setns(fds[i], 0) < 0)
			die_sys(S1_FAIL, "unable to join the pod's ", ns[i],
			    " namespace");
	if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die_sys(S1_FAIL, "unable to enter the pod's root");
	s1_path(svc, sizeof svc, "/rkt/service/%s", app);
	for (n = 0; cmd[n]; n++)
		;
	if ((xargv = calloc(n + 5, sizeof *xargv)) == 0)
		die(S1_FAIL, "out of memory");
	xargv[0] = "/pod1/pod1-exec";
	xargv[1] = "-d";
	xargv[2] = svc;
	xargv[3] = "--";
	memcpy(xargv + 4, cmd, n * sizeof *cmd);
	/* the pid namespace takes our children, not us: one fork */
	s1_waitset(&set);
	sigprocmask(SIG_BLOCK, &set, 0);
	if ((child = fork()) < 0)
		die_sys(S1_FAIL, "unable to fork");
	if (child > 0 && setns(ownpid, CLONE_NEWPID) < 0)
		warn_sys("unable to return to our PID namespace");
	if (child == 0) {
		char *envp[] = { "PATH=/pod1:/usr/sbin:/usr/bin:/sbin:/bin",
		    0 };

		sigprocmask(SIG_UNBLOCK, &set, 0);
		execve(xargv[0], xargv, envp);
		warn_sys("unable to exec ", xargv[0], " in the pod");
		_exit(errno == ENOENT ? 127 : 126);
	}
	/*
	 * _exit: nothing is buffered, and exit hooks (a sanitizer's leak
	 * check) cannot work from inside the pod's root and namespaces
	 */
	_exit(s1_wait(child, 0));
}

/* The pod's PID 1 from `pid` in the pod dir; 0 when gone. */
static pid_t
pod_pid(const char *who)
{
	char buf[32];
	unsigned long long n;
	int fd, len;

	if ((fd = open("pid", O_RDONLY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, who, ": unable to read the pod's pid");
	len = fd_read_nointr(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (len <= 0)
		die(S1_FAIL, who, ": empty pid file");
	buf[len] = 0;
	if (buf[len - 1] == '\n')
		buf[len - 1] = 0;
	if (scan_uint(buf, 1 << 22, &n) < 0 || n == 0)
		die(S1_FAIL, who, ": bad pid file: ", buf);
	return n;
}

/* stop [--force] UUID: TERM asks pod1-init to stop in order; KILL ends all */
int
stage1_stop(int argc, char **argv)
{
	int force = 0, i;
	pid_t pid;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--force") ||
		    !strcmp(argv[i], "--force=true"))
			force = 1;
	pid = pod_pid("stop");
	if (kill(pid, force ? SIGKILL : SIGTERM) < 0) {
		if (errno == ESRCH)
			return 0;
		die_sys(S1_FAIL, "stop: unable to signal the pod");
	}
	return 0;
}

/*
 * Remove a cgroup and what is under it: everything in it killed first
 * (cgroup.kill), then the dirs bottom up, waiting a little for the dead
 * to leave.
 */
static void
cg_remove(const char *path, int top)
{
	struct timespec ts = { 0, 10000000 };
	char buf[4096], sub[PATH_MAX];
	int fd, tries;
	long n;

	if (top && (fd = open(strcat(strcpy(sub, path), "/cgroup.kill"),
	    O_WRONLY | O_CLOEXEC)) >= 0) {
		if (fd_write_all(fd, "1", 1) < 0)
			warn_sys("unable to write ", sub);
		fd_close(fd);
	}
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		long off;

		for (off = 0; off < n;) {
			char *d = buf + off + 19;
			unsigned char type = buf[off + 18];

			off += *(unsigned short *)(buf + off + 16);
			if (type == DT_DIR && strcmp(d, ".") && strcmp(d,
			    "..")) {
				s1_path(sub, sizeof sub, "%s/%s", path, d);
				cg_remove(sub, 0);
			}
		}
	}
	fd_close(fd);
	for (tries = 0; rmdir(path) < 0 && errno == EBUSY && tries < 200;
	    tries++)
		nanosleep(&ts, 0);
	if (access(path, F_OK) == 0)
		warn_sys("unable to remove ", path);
}

/* Everything mounted at or under dir, deepest first (mountinfo order). */
static void
unmount_under(const char *dir)
{
	char *buf, *line, *p, *q, *pts[4096];
	size_t len = strlen(dir);
	int fd, n = 0, i;

	if ((fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	buf = fd_slurp(fd, 0);
	if (buf == 0 && errno == ENOMEM)
		die(S1_FAIL, "out of memory");
	fd_close(fd);
	if (buf == 0)
		return;
	for (line = buf; (p = strsep(&line, "\n")) != 0 && n < 4096;) {
		/* id parent major:minor root MOUNTPOINT ... */
		for (i = 0; i < 4 && p; i++)
			if ((p = strchr(p, ' ')) != 0)
				p++;
		if (p == 0 || (q = strchr(p, ' ')) == 0)
			continue;
		*q = 0;
		if (!strncmp(p, dir, len) && (p[len] == '/' || p[len] == 0))
			pts[n++] = p;
	}
	/* mountinfo lists parents before children: undo from the end */
	while (n-- > 0) {
		/* octal escapes (\040) in names: skip those we cannot name */
		if (strchr(pts[n], '\\'))
			continue;
		if (umount2(pts[n], MNT_DETACH) < 0 && errno != EINVAL &&
		    errno != ENOENT)
			warn_sys("unable to unmount ", pts[n]);
	}
	free(buf);
}

/* gc [--debug] [--local-config DIR] UUID: idempotent */
int
stage1_gc(int argc, char **argv)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int fd, n;

	(void)argc;
	(void)argv;
	if ((fd = open("pod1-cgroup", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = fd_read_nointr(fd, path, sizeof path - 1);
		fd_close(fd);
		if (n > 0) {
			path[n] = 0;
			if (!strncmp(path, "/sys/fs/cgroup/", 15) &&
			    !strstr(path, "/../") && strstr(path, "/pod1-"))
				cg_remove(path, 1);
		}
		if (access(path, F_OK) < 0)
			unlink("pod1-cgroup");
	}
	if (getcwd(dir, sizeof dir) == 0)
		die_sys(S1_FAIL, "gc: unable to get the pod dir");
	unmount_under(dir);
	return 0;
}
