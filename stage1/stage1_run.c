/* SPDX-License-Identifier: ISC */
/*
 * The run entrypoint (rkt stage1 interface 6). Everything is checked
 * before anything is made; then each app becomes a runit service dir
 * under the stage1 rootfs (run and finish are pod1-exec, its settings in
 * exec/, its log through pod1-svlog), and a child in new PID, mount, UTS,
 * IPC (and network) namespaces mounts the pod and execs pod1-init -d as
 * its PID 1. This process stays on the host side: it holds the pod's lock,
 * writes `pid` once the pod is up, passes stop signals on and exits with
 * the pod's status (254 for our own failures).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cgroup.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "stage1/stage1.h"
#include "stage1/stage1_isol.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static const char usage[] = "run [--debug] [--net=host|none|default] "
    "[--interactive] [--hostname=NAME] [--dns-conf-mode=resolv=M,hosts=M] "
    "[--ipc=auto|private|parent] [--disable-*] [--local-config=DIR] UUID";

static struct run {
	struct pod pod;
	struct flags f;
	char hostname[80];
	char cgroup[PATH_MAX];	/* the pod's v2 cgroup, host path, or "" */
	const char *cgrel;	/* the same from the hierarchy's root */
	int lockfd;
	int syncfd;		/* the child's end: a byte on failure */
	int made;		/* service dirs etc. exist: undo on failure */
} r;

static int flag_value(int, char **, int *, const char *, const char **);
static void parse_flags(int, char **);
static void dns_mode(const char *);
static void put(int, const char *, const char *, size_t);
static void put_strv(int, const char *, char *const *);
static void put_num(int, const char *, unsigned long long);
static void write_app(struct app *);
static void rm_tree(int, const char *);
static void undo(void);
static void cgroup_make(void);
static void child(void);
static void child_failed(void);
static void lo_up(void);
static pid_t pod_fork(void);
static int host_side(pid_t);

/* --name=value or --name value: 1 when argv[*i] is the flag name. */
static int
flag_value(int argc, char **argv, int *i, const char *name, const char **v)
{
	const char *a = argv[*i] + 1;
	size_t n = strlen(name);

	if (*a == '-')
		a++;
	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*v = a + n + 1;
		return 1;
	}
	if (a[n] || *i + 1 >= argc - 1)
		return 0;
	*v = argv[++*i];
	return 1;
}

static void
dns_mode(const char *s)
{
	char buf[128], *p, *kv;
	enum dns m;

	snprintf(buf, sizeof buf, "%s", s);
	for (p = buf; (kv = strsep(&p, ",")) != 0;) {
		char *v = strchr(kv, '=');

		if (v == 0)
			continue;
		*v++ = 0;
		m = !strcmp(v, "host") ? DNS_HOST : !strcmp(v, "stage0") ?
		    DNS_STAGE0 : !strcmp(v, "none") ? DNS_NONE : DNS_DEFAULT;
		if (!strcmp(kv, "resolv"))
			r.f.resolv = m;
		else if (!strcmp(kv, "hosts"))
			r.f.hosts = m;
	}
}

/* rkt's flags, in either form; unknown ones are warned about, UUID last */
static void
parse_flags(int argc, char **argv)
{
	const char *v;
	int i;

	r.f.ipc_private = 1;
	if (argc < 2 || argv[argc - 1][0] == '-')
		die(S1_FAIL, "usage: ", usage);
	r.f.uuid = argv[argc - 1];
	for (i = 1; i < argc - 1; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			die(S1_FAIL, "unexpected argument: ", a);
		a += a[1] == '-' ? 2 : 1;
		if (!strcmp(a, "debug") || !strcmp(a, "debug=true"))
			r.f.debug = 1;
		else if (!strcmp(a, "interactive") ||
		    !strcmp(a, "interactive=true"))
			r.f.interactive = 1;
		else if (!strncmp(a, "disable-capabilities-restriction", 32))
			r.f.isol |= ISOL_NO_CAPS;
		else if (!strncmp(a, "disable-paths", 13))
			r.f.isol |= ISOL_NO_PATHS;
		else if (!strncmp(a, "disable-seccomp", 15))
			r.f.isol |= ISOL_NO_SECCOMP;
		else if (flag_value(argc, argv, &i, "net", &v)) {
			if (!strcmp(v, "host") || !strncmp(v, "host,", 5))
				r.f.net = NET_HOST;
			else if (!strcmp(v, "none"))
				r.f.net = NET_NONE;
			else if (strcmp(v, "default"))
				warn("--net=", v, ": only host, none and "
				    "default are supported: using default");
		} else if (flag_value(argc, argv, &i, "hostname", &v))
			r.f.hostname = *v ? v : 0;
		else if (flag_value(argc, argv, &i, "dns-conf-mode", &v))
			dns_mode(v);
		else if (flag_value(argc, argv, &i, "ipc", &v)) {
			if (!strcmp(v, "parent"))
				r.f.ipc_private = 0;
			else if (strcmp(v, "auto") && strcmp(v, "private"))
				die(S1_FAIL, "--ipc=", v, ": not auto, private "
				    "or parent");
		} else if (flag_value(argc, argv, &i, "private-users", &v))
			die(S1_FAIL, "--private-users=", v, ": user namespaces"
			    " are not supported by this stage1");
		else if (flag_value(argc, argv, &i, "local-config", &v) ||
		    flag_value(argc, argv, &i, "mds-token", &v))
			continue;
		else
			warn("ignoring unknown flag ", argv[i]);
	}
	if (r.f.hostname == 0) {
		snprintf(r.hostname, sizeof r.hostname, "rkt-%s", r.f.uuid);
		r.f.hostname = r.hostname;
	}
	if (strlen(r.f.hostname) > 64)
		die(S1_FAIL, "--hostname=", r.f.hostname, ": longer than 64");
}

/* A settings file, whole or not at all. */
static void
put(int dfd, const char *name, const char *data, size_t len)
{
	char tmp[300];

	s1_path(tmp, sizeof tmp, ".%s.tmp", name);
	if (fd_replace(dfd, tmp, name, data, len) < 0)
		die_sys(S1_FAIL, "unable to write ", name, " of a service");
}

/* A vector as NUL-terminated strings. */
static void
put_strv(int dfd, const char *name, char *const *v)
{
	size_t len = 0, n;
	char *buf;
	int i;

	for (i = 0; v[i]; i++)
		len += strlen(v[i]) + 1;
	if ((buf = malloc(len + 1)) == 0)
		die(S1_FAIL, "out of memory");
	for (len = 0, i = 0; v[i]; i++) {
		n = strlen(v[i]) + 1;
		memcpy(buf + len, v[i], n);
		len += n;
	}
	put(dfd, name, buf, len);
	free(buf);
}

static void
put_num(int dfd, const char *name, unsigned long long n)
{
	char buf[FMT_ULONG + 1];
	size_t len = fmt_uint(buf, n);

	buf[len++] = '\n';
	put(dfd, name, buf, len);
}

/*
 * One app's service dir, rkt/env file and log dir; the settings
 * pod1-exec reads are in exec/, as the pod sees them after pivot_root.
 */
static void
write_app(struct app *a)
{
	char path[PATH_MAX], buf[PATH_MAX], *env, *p;
	char *logv[] = { "/pod1/pod1-svlog", "-t", "-o", buf, path, 0 };
	int sfd, efd, lfd, i;
	size_t len;

	s1_path(path, sizeof path, "%s/rkt/service/%s", r.pod.s1, a->name);
	if ((mkdir(path, 0755) < 0 && errno != EEXIST) ||
	    (sfd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to make ", path);
	if ((mkdirat(sfd, "exec", 0755) < 0 && errno != EEXIST) ||
	    (efd = openat(sfd, "exec", O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to make ", path, "/exec");
	unlinkat(sfd, "run", 0);
	unlinkat(sfd, "finish", 0);
	if (symlinkat("/pod1/pod1-exec", sfd, "run") < 0 ||
	    symlinkat("/pod1/pod1-exec", sfd, "finish") < 0)
		die_sys(S1_FAIL, "unable to link ", path, "/run");
	put(sfd, "main", "", 0);
	put(sfd, "restart", a->restart, strlen(a->restart));
	if (r.cgrel)
		put(sfd, "cgroup-parent", r.cgrel, strlen(r.cgrel));
	snprintf(buf, sizeof buf, "/opt/stage2/%s/rootfs", a->name);
	put(efd, "root", buf, strlen(buf));
	put_strv(efd, "argv", a->argv);
	put_strv(efd, "env", a->env);
	put_num(efd, "uid", a->uid);
	put_num(efd, "gid", a->gid);
	for (len = 0, i = 0; i < a->ngroups; i++) {
		len += fmt_uint(buf + len, a->groups[i]);
		buf[len++] = '\n';
	}
	put(efd, "groups", buf, len);
	put(efd, "cwd", a->cwd, strlen(a->cwd));
	if (a->pre)
		put_strv(efd, "pre-start", a->pre);
	if (a->post)
		put_strv(efd, "post-stop", a->post);
	snprintf(buf, sizeof buf, "/rkt/status/%s", a->name);
	put(efd, "status", buf, strlen(buf));
	if (isol_app(efd, a->name, a->isolators, r.pod.isolators,
	    a->annotations, r.f.isol | (r.pod.strict ? ISOL_STRICT : 0)) < 0)
		exit(S1_FAIL);
	/* log/: pod1-svlog into rkt/log/APP, each line copied with [APP] */
	if (!r.f.interactive) {
		put(efd, "stderr", "stdout\n", 7);
		if ((mkdirat(sfd, "log", 0755) < 0 && errno != EEXIST) ||
		    (lfd = openat(sfd, "log", O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    (mkdirat(lfd, "exec", 0755) < 0 && errno != EEXIST))
			die_sys(S1_FAIL, "unable to make ", path, "/log");
		unlinkat(lfd, "run", 0);
		if (symlinkat("/pod1/pod1-exec", lfd, "run") < 0)
			die_sys(S1_FAIL, "unable to link ", path, "/log/run");
		fd_close(efd);
		if ((efd = openat(lfd, "exec", O_PATH | O_DIRECTORY |
		    O_CLOEXEC)) < 0)
			die_sys(S1_FAIL, "unable to open ", path, "/log/exec");
		snprintf(buf, sizeof buf, "[%s] ", a->name);
		s1_path(path, sizeof path, "/rkt/log/%s", a->name);
		put_strv(efd, "argv", logv);
		fd_close(lfd);
		s1_path(path, sizeof path, "%s/rkt/log/%s", r.pod.s1,
		    a->name);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die_sys(S1_FAIL, "unable to make ", path);
	}
	fd_close(efd);
	fd_close(sfd);
	/* rkt/env/APP: what enter and rkt's tools read */
	for (len = 0, i = 0; a->env[i]; i++)
		len += strlen(a->env[i]) + 1;
	if ((env = malloc(len + 1)) == 0)
		die(S1_FAIL, "out of memory");
	for (p = env, i = 0; a->env[i]; i++)
		p = stpcpy(p, a->env[i]), *p++ = '\n';
	s1_path(path, sizeof path, "%s/rkt/env", r.pod.s1);
	if ((sfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open ", path);
	put(sfd, a->name, env, len);
	fd_close(sfd);
	free(env);
}

/* rm -r of name in dfd, without following links. */
static void
rm_tree(int dfd, const char *name)
{
	char buf[4096];
	int fd, pass;
	long n;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return;
	/* a second pass for what a directory changing under us hid */
	for (pass = 0; pass < 2 && lseek(fd, 0, SEEK_SET) == 0; pass++)
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			long off;

			for (off = 0; off < n;) {
				char *d = buf + off + 19;

				off += *(unsigned short *)(buf + off + 16);
				if (strcmp(d, ".") && strcmp(d, ".."))
					rm_tree(fd, d);
			}
		}
	fd_close(fd);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

/* A failed start leaves nothing: service dirs, env, logs, volumes. */
static void
undo(void)
{
	static const char *const dirs[] = { "rkt/service", "rkt/env",
	    "rkt/log" };
	char path[PATH_MAX];
	unsigned d;
	int i, fd;

	if (!r.made)
		return;
	for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		s1_path(path, sizeof path, "%s/%s", r.pod.s1, dirs[d]);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;
		for (i = 0; i < r.pod.napps; i++)
			rm_tree(fd, r.pod.apps[i].name);
		fd_close(fd);
	}
	rm_tree(AT_FDCWD, "sharedVolumes");
	if (r.cgroup[0]) {
		s1_path(path, sizeof path, "%s/stage1", r.cgroup);
		rmdir(path);
		rmdir(r.cgroup);
	}
	unlink("pod1-cgroup");
}

/*
 * The pod's cgroup v2, when there is a writable hierarchy: pod1-UUID under
 * our own, the init and supervisors in its leaf `stage1`, each app in a
 * cgroup of its own beside it (cgroup-parent), so the pod's parent may
 * enable controllers for the apps.
 */
static void
cgroup_make(void)
{
	char buf[512], *own, path[PATH_MAX];
	const char *mnt;
	int fd, n;

	if ((mnt = cgroup_v2_mount()) == 0 ||
	    (fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = fd_read_nointr(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	if ((own = cgroup_v2_own(buf)) == 0)
		return;
	s1_path(r.cgroup, sizeof r.cgroup, "%s%s/pod1-%s", mnt, own,
	    r.f.uuid);
	r.cgrel = r.cgroup + strlen(mnt);
	s1_path(path, sizeof path, "%s/stage1", r.cgroup);
	if ((mkdir(r.cgroup, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
		warn_sys("unable to make ", path, ": the pod runs without a "
		    "cgroup of its own");
		r.cgroup[0] = 0;
		r.cgrel = 0;
		return;
	}
	if ((fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open the pod dir");
	put(fd, "pod1-cgroup", r.cgroup, strlen(r.cgroup));
	fd_close(fd);
}

/* What the child reports when it fails before its exec: one byte. */
static void
child_failed(void)
{
	if (r.syncfd >= 0)
		fd_write_all(r.syncfd, "F", 1);
}

static void
lo_up(void)
{
	struct ifreq ifr;
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		die_sys(S1_FAIL, "unable to make a socket");
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die_sys(S1_FAIL, "unable to read the flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die_sys(S1_FAIL, "unable to bring lo up");
	fd_close(s);
}

/*
 * The pod's PID 1: born in a new PID namespace and, with clone3, straight
 * into the pod's cgroup. Moving a process into a cgroup waits for an RCU
 * grace period, milliseconds of a pod's start; being born there costs
 * nothing. Before Linux 5.7: unshare and fork, then the child moves. We
 * stay in our own PID namespace either way. A raw clone3 leaves the libc
 * of the child a stale thread id: it uses no threads, locks or raise().
 */
static pid_t
pod_fork(void)
{
	struct {
		unsigned long long flags, pidfd, child_tid, parent_tid;
		unsigned long long exit_signal, stack, stack_size, tls;
		unsigned long long set_tid, set_tid_size, cgroup;
	} args;
	char path[PATH_MAX];
	pid_t pid;
	int cg = -1, ns, fd;

	if (r.cgroup[0]) {
		s1_path(path, sizeof path, "%s/stage1", r.cgroup);
		cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	memset(&args, 0, sizeof args);
	args.flags = CLONE_NEWPID | (cg >= 0 ? 0x200000000ULL : 0);
	args.exit_signal = SIGCHLD;
	args.cgroup = cg < 0 ? 0 : cg;
	pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid >= 0 || (errno != ENOSYS && errno != E2BIG &&
	    errno != EINVAL)) {
		if (pid < 0)
			die_sys(S1_FAIL, "unable to start the pod's PID 1");
		if (pid == 0)
			return 0;
		fd_close(cg);
		return pid;
	}
	fd_close(cg);
	if ((ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open /proc/self/ns/pid");
	if (unshare(CLONE_NEWPID) < 0)
		die_sys(S1_FAIL, "unable to make a PID namespace");
	if ((pid = fork()) < 0)
		die_sys(S1_FAIL, "unable to fork");
	if (pid > 0) {
		if (setns(ns, CLONE_NEWPID) < 0)
			warn_sys("unable to return to our PID namespace");
		fd_close(ns);
		return pid;
	}
	if (r.cgroup[0]) {
		s1_path(path, sizeof path, "%s/stage1/cgroup.procs",
		    r.cgroup);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
		    fd_write_all(fd, "0", 1) < 0)
			die_sys(S1_FAIL, "unable to join ", path);
		fd_close(fd);
	}
	return 0;
}

/* PID 1 of the pod, until it execs pod1-init. */
static void
child(void)
{
	char *argv[] = { "/pod1/pod1-init", "-d", "/rkt/service", 0, 0 };
	char *envp[] = { "PATH=/pod1:/usr/sbin:/usr/bin:/sbin:/bin", 0 };
	sigset_t none;
	int fd;

	atexit(child_failed);
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | (r.f.ipc_private ?
	    CLONE_NEWIPC : 0) | (r.f.net != NET_HOST ? CLONE_NEWNET : 0)) < 0)
		die_sys(S1_FAIL, "unable to make the pod's namespaces");
	if (sethostname(r.f.hostname, strlen(r.f.hostname)) < 0)
		die_sys(S1_FAIL, "unable to set the hostname");
	if (r.f.net != NET_HOST)
		lo_up();
	mount_pod(&r.pod, &r.f);
	if (!r.f.interactive) {
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
		    fd_move(0, fd) < 0)
			die_sys(S1_FAIL, "unable to open /dev/null");
	}
	if (r.f.debug) {
		argv[3] = argv[2];
		argv[2] = argv[1];
		argv[1] = "-v";
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	execve(argv[0], argv, envp);
	die_sys(S1_FAIL, "unable to exec ", argv[0], " in the pod");
}

/*
 * The host side: the lock stays here (CLOEXEC: never in the pod), `pid`
 * once the pod is up, stop signals passed on as TERM, the pod's status.
 */
static int
host_side(pid_t pid)
{
	char num[FMT_ULONG + 1], path[PATH_MAX], c;
	int st, n, fd;

	n = fd_read_nointr(r.syncfd, &c, 1);
	fd_close(r.syncfd);
	if (n != 0) {
		/* the child said why; reap it and undo what we made */
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		undo();
		return S1_FAIL;
	}
	if ((fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open the pod dir");
	n = fmt_uint(num, pid);
	num[n++] = '\n';
	put(fd, "pid", num, n);
	fd_close(fd);
	s1_path(path, sizeof path, "%s/rkt/supervisor-status", r.pod.s1);
	unlink(path);
	if (symlink("ready", path) < 0)
		warn_sys("unable to link ", path);
	/* below this line we must not die */
	st = s1_wait(pid, SIGTERM);
	if (r.cgroup[0]) {
		s1_path(path, sizeof path, "%s/stage1", r.cgroup);
		rmdir(path);
	}
	return st;
}

int
stage1_run(int argc, char **argv)
{
	const char *lock;
	sigset_t set;
	int i, p[2];
	pid_t pid;

	r.lockfd = -1;
	r.syncfd = -1;
	parse_flags(argc, argv);
	/* the lock: held here only, never inherited by the pod */
	if ((lock = getenv("RKT_LOCK_FD")) != 0) {
		r.lockfd = atoi(lock);
		if (r.lockfd < 3 || fd_cloexec(r.lockfd) < 0)
			die_sys(S1_FAIL, "bad RKT_LOCK_FD: ", lock);
	}
	/* everything but the lock: one call, or one per fd before 5.9 */
	if (r.lockfd < 0 ? syscall(SYS_close_range, 3, ~0U, 0) < 0 :
	    (syscall(SYS_close_range, 3, r.lockfd - 1, 0) < 0 ||
	    syscall(SYS_close_range, r.lockfd + 1, ~0U, 0) < 0))
		for (i = 3; i < 1024; i++)
			if (i != r.lockfd)
				close(i);
	umask(022);
	pod_load(&r.pod, &r.f);
	for (i = 0; i < r.pod.napps; i++)
		if (isol_app(-1, r.pod.apps[i].name, r.pod.apps[i].isolators,
		    r.pod.isolators, r.pod.apps[i].annotations, r.f.isol |
		    (r.pod.strict ? ISOL_STRICT : 0)) < 0)
			return S1_FAIL;
	if (isol_sysctl(r.pod.isolators, 0, 0) < 0)
		return S1_FAIL;
	if (r.f.interactive && r.pod.napps != 1)
		die(S1_FAIL, "--interactive needs a pod of one app");
	/* from here on, a failure undoes what was made */
	r.made = 1;
	atexit(undo);
	for (i = 0; i < r.pod.nvols; i++) {
		struct vol *v = &r.pod.vols[i];
		char path[PATH_MAX];

		if (v->host)
			continue;
		if (mkdir("sharedVolumes", 0755) < 0 && errno != EEXIST)
			die_sys(S1_FAIL, "unable to make sharedVolumes");
		s1_path(path, sizeof path, "sharedVolumes/%s", v->name);
		if ((mkdir(path, v->mode) < 0 && errno != EEXIST) ||
		    chown(path, v->uid, v->gid) < 0 ||
		    chmod(path, v->mode) < 0)
			die_sys(S1_FAIL, "unable to make ", r.pod.dir, "/",
			    path);
	}
	cgroup_make();
	for (i = 0; i < r.pod.napps; i++)
		write_app(&r.pod.apps[i]);
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, 0);
	if (pipe2(p, O_CLOEXEC) < 0)
		die_sys(S1_FAIL, "unable to make a pipe");
	pid = pod_fork();
	if (pid == 0) {
		fd_close(p[0]);
		r.syncfd = p[1];
		r.made = 0;
		child();
	}
	fd_close(p[1]);
	r.syncfd = p[0];
	i = host_side(pid);
	r.made = 0;
	return i;
}
