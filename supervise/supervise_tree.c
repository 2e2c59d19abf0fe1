/* SPDX-License-Identifier: ISC */
/*
 * An app's whole process tree. Where a cgroup v2 hierarchy is writable the
 * app runs in a cgroup of its own, which nothing it forks can leave;
 * otherwise it is found by its session (the run process is a session
 * leader) and, while we live, as our descendant (we are a subreaper).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cgroup.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/kv.h"
#include "lib/proc.h"
#include "supervise/supervise.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define TREE_CLONE_INTO_CGROUP 0x200000000ULL

/* The kernel's struct clone_args, up to the cgroup field (Linux 5.7). */
struct tree_clone {
	unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal;
	unsigned long long stack, stack_size, tls, set_tid, set_tid_size;
	unsigned long long cgroup;
};

static int tree_file(struct svc *, const char *, int);
static int tree_procs(struct svc *, int);
static void tree_cgkill(struct svc *);
static void tree_renew(struct svc *);
static unsigned long long tree_num(const char *, const char *);
static pid_t tree_old_session(struct svc *);

/* Open a file of the service's cgroup. */
static int
tree_file(struct svc *s, const char *name, int flags)
{
	char path[sizeof s->cgroup + 16];
	size_t n = strlen(s->cgroup);

	memcpy(path, s->cgroup, n);
	path[n] = '/';
	strcpy(path + n + 1, name);
	return open(path, flags | O_CLOEXEC);
}

/*
 * Find the v2 hierarchy and our own place in it (the "0::" line of
 * /proc/self/cgroup), and make a child cgroup named after the service
 * dir's device and inode: stable across supervisor restarts, unique per
 * dir. Without one, s->cgroup stays empty and sessions are used.
 */
void
tree_init(struct svc *s)
{
	char buf[512], *own, num[FMT_ULONG];
	const char *mnt;
	struct stat st;
	size_t n;
	int fd, r;

	s->cgroup[0] = 0;
	if (fstat(s->dfd, &st) < 0)
		return;
	/*
	 * cgroup-parent names the place instead (a pod keeps its supervisors
	 * in a leaf of their own, so its apps' parent may enable controllers):
	 * it is read as the "0::" line of /proc/self/cgroup would be
	 */
	memcpy(buf, "0::", 3);
	r = -1;
	if ((fd = openat(s->dfd, "cgroup-parent", O_RDONLY | O_CLOEXEC)) >= 0) {
		r = fd_read_nointr(fd, buf + 3, sizeof buf - 4);
		fd_close(fd);
		if (r <= 0)
			return;
		r += 3;
	} else if ((fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)) >= 0) {
		r = fd_read_nointr(fd, buf, sizeof buf - 1);
		fd_close(fd);
	}
	if (r <= 0)
		return;
	buf[r] = 0;
	if ((own = cgroup_v2_own(buf)) == 0 || (mnt = cgroup_v2_mount()) == 0)
		return;
	n = strlen(mnt) + strlen(own) + 2 * FMT_ULONG + 8;
	if (n >= sizeof s->cgroup)
		return;
	strcpy(s->cgroup, mnt);
	strcat(s->cgroup, own);
	strcat(s->cgroup, "/pod1-");
	fmt_uint(num, st.st_dev);
	strcat(s->cgroup, num);
	strcat(s->cgroup, "-");
	fmt_uint(num, st.st_ino);
	strcat(s->cgroup, num);
	r = mkdir(s->cgroup, 0755);
	if (r < 0 && errno != EEXIST) {
		s->cgroup[0] = 0;
		return;
	}
	fd = tree_file(s, "cgroup.procs", O_WRONLY);
	if (fd < 0) {
		rmdir(s->cgroup);
		s->cgroup[0] = 0;
		return;
	}
	fd_close(fd);
	/* one left by an earlier supervisor may have seen a cgroup.kill */
	if (r == 0)
		s->cgfd = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * KILL everything in the cgroup, forks in flight included. Linux (6.18
 * at least) then SIGKILLs every child later born into the cgroup with
 * clone3's CLONE_INTO_CGROUP: its kill count is compared with the
 * parent's cgroup's. So such a cgroup no longer takes clone3 children
 * until tree_renew has made it anew.
 */
static void
tree_cgkill(struct svc *s)
{
	int fd = tree_file(s, "cgroup.kill", O_WRONLY);

	if (fd >= 0) {
		if (fd_write_all(fd, "1", 1) < 0)
			warn_sys("unable to write ", s->cgroup, "/cgroup.kill");
		fd_close(fd);
	}
	fd_close(s->cgfd);
	s->cgfd = -1;
}

/* An empty cgroup made anew (a few microseconds), for clone3 into it. */
static void
tree_renew(struct svc *s)
{
	if (rmdir(s->cgroup) < 0 && errno != ENOENT)
		return;
	if (mkdir(s->cgroup, 0755) < 0) {
		warn_sys("unable to make ", s->cgroup);
		s->cgroup[0] = 0;
		return;
	}
	s->cgfd = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * fork(), but for run straight into the service's cgroup: clone3 with
 * CLONE_INTO_CGROUP. Moving a process into a cgroup through cgroup.procs
 * waits for an RCU grace period on most kernels, milliseconds on every
 * restart; being born there costs nothing. *joined tells the child it is
 * in place. After a raw clone3 the libc's idea of the thread id is stale:
 * the child makes only system calls until it execs, as after vfork.
 */
pid_t
tree_fork(struct svc *s, int *joined)
{
	struct tree_clone ca;
	long pid;

	*joined = 0;
	if (s->cgroup[0] && s->cgfd < 0)
		tree_renew(s);
	if (s->cgfd >= 0) {
		memset(&ca, 0, sizeof ca);
		ca.flags = TREE_CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = s->cgfd;
		pid = syscall(SYS_clone3, &ca, sizeof ca);
		if (pid >= 0) {
			*joined = 1;
			return pid;
		}
		/*
		 * Before Linux 5.7, or a cgroup the app gave children of its
		 * own: fork and join it the slow way, this time.
		 */
		fd_close(s->cgfd);
		s->cgfd = -1;
	}
	return fork();
}

/* On the way out: an empty cgroup is removed, a busy one stays. */
void
tree_fini(struct svc *s)
{
	if (s->cgroup[0] && rmdir(s->cgroup) < 0 && errno != EBUSY &&
	    errno != ENOENT)
		warn_sys("unable to remove ", s->cgroup);
}

/* In the child before exec: move into the service's cgroup. */
int
tree_join(struct svc *s)
{
	int fd, r;

	if (s->cgroup[0] == 0)
		return 0;
	fd = tree_file(s, "cgroup.procs", O_WRONLY);
	if (fd < 0)
		return -1;
	r = fd_write_all(fd, "0\n", 2);
	fd_close(fd);
	return r;
}

/* Signal every process of the cgroup: how many, or -1. */
static int
tree_procs(struct svc *s, int sig)
{
	char buf[1024];
	unsigned long long pid = 0;
	int fd, n, i, count = 0, digits = 0;

	fd = tree_file(s, "cgroup.procs", O_RDONLY);
	if (fd < 0)
		return -1;
	/* a pid may straddle two reads: carry the digits across */
	while ((n = fd_read_nointr(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				digits++;
				continue;
			}
			if (digits && pid > 0 && kill(pid, sig) == 0)
				count++;
			pid = 0;
			digits = 0;
		}
	fd_close(fd);
	return n < 0 ? -1 : count;
}

/*
 * Send sig to the whole tree of s: how many processes there were (0 when
 * the tree is empty). KILL on a cgroup also goes through cgroup.kill,
 * which catches what forks meanwhile.
 */
int
tree_signal(struct sup *sup, struct svc *s, int sig)
{
	int n, m;

	if (s->cgroup[0]) {
		n = tree_procs(s, sig);
		/* only when there is something: see tree_cgkill */
		if (n != 0 && sig == SIGKILL)
			tree_cgkill(s);
		if (n >= 0)
			return n;
		warn_sys("unable to read ", s->cgroup, "/cgroup.procs");
	}
	n = s->sid > 0 ? proc_kill_session(s->sid, sig) : 0;
	if (s->islog)
		return n;
	/* double-forked daemons left their session but not our subtree */
	m = proc_kill_descendants(sup->self,
	    sup->nsvc > 1 ? sup->svc[1].pid : 0, sig);
	if (n < 0 || m < 0) {
		warn_sys("unable to scan /proc");
		return 1;
	}
	return n + m;
}

/* The number after key in the text of supervise/pod1, or 0. */
static unsigned long long
tree_num(const char *text, const char *key)
{
	const char *v = kv_get(text, key);
	unsigned long long n = 0;

	for (; v && *v >= '0' && *v <= '9' && n < 1ULL << 60; v++)
		n = n * 10 + (*v - '0');
	return n;
}

/*
 * Without a cgroup the old run is found through its session: supervise/
 * pod1 names the leader and its start time, which no later process with
 * that pid can share. Where pod1 has no start time (an older supervisor),
 * the pid file names the leader, taken to be ours if its cwd is still
 * this service dir; a run that changed dir is then missed.
 */
static pid_t
tree_old_session(struct svc *s)
{
	char buf[512], path[32] = "/proc/";
	unsigned long long pid, start;
	struct proc_stat ps;
	struct stat dir, cwd;
	int fd, n;

	fd = openat(s->sfd, "pod1", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : fd_read_nointr(fd, buf, sizeof buf - 1);
	fd_close(fd);
	buf[n > 0 ? n : 0] = 0;
	pid = tree_num(buf, "sid");
	start = tree_num(buf, "sid-start");
	if (pid > 1 && pid <= 0x7fffffff && start) {
		if (proc_stat_read(pid, &ps) == 0 && ps.sid == (pid_t)pid &&
		    ps.start == start)
			return pid;
		return 0;
	}
	fd = openat(s->sfd, "pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = fd_read_nointr(fd, buf, FMT_ULONG + 7);
	fd_close(fd);
	if (n <= 1 || buf[n - 1] != '\n')
		return 0;
	buf[n - 1] = 0;
	if (scan_uint(buf, 0x7fffffff, &pid) < 0 || pid <= 1)
		return 0;
	memcpy(path + 6 + fmt_uint(path + 6, pid), "/cwd", 5);
	if (proc_stat_read(pid, &ps) < 0 || ps.sid != (pid_t)pid ||
	    fstat(s->dfd, &dir) < 0 || stat(path, &cwd) < 0 ||
	    dir.st_dev != cwd.st_dev || dir.st_ino != cwd.st_ino)
		return 0;
	return pid;
}

/*
 * At start-up: end what a previous supervisor of this dir left running,
 * so a kill -9 of the supervisor never leads to two instances. Set-up
 * time, so a bounded wait is fine here.
 */
void
tree_clear_old(struct svc *s)
{
	struct timespec tick = { 0, 10000000 };
	pid_t sid = 0;
	int i, n;

	if (s->cgroup[0] == 0 && (sid = tree_old_session(s)) == 0)
		return;
	for (i = 0; i < 500; i++) {
		if (sid)
			n = proc_kill_session(sid, SIGKILL);
		else if ((n = tree_procs(s, SIGKILL)) != 0)
			tree_cgkill(s);
		if (n <= 0)
			return;
		if (i == 0)
			warn("killing what a previous supervisor of ", s->dir,
			    " left running");
		nanosleep(&tick, 0);
	}
	die(111, "unable to end what a previous supervisor of ", s->dir,
	    " left running");
}
