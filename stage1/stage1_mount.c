/* SPDX-License-Identifier: ISC */
/*
 * The pod's file system, made in its new mount namespace by the process
 * that becomes its PID 1: private propagation; the stage1 rootfs bound on
 * itself and given /proc, /sys (with the cgroup trees), /dev; each app's
 * rootfs likewise with /proc, /sys read-only, a small /dev, /dev/pts,
 * /dev/shm, /etc/hosts and resolv.conf, and its volumes. Mount targets are
 * made inside the app's rootfs one component at a time, never following a
 * link, and mounted through /proc/self/fd so no path is looked up twice.
 * Then pivot_root into the stage1 rootfs. Any failure dies (254): the
 * namespace, and every mount in it, goes with this process.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "stage1/stage1.h"
#include "stage1/stage1_isol.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define MNT_ATTR_RDONLY 0x1

struct m_attr {
	unsigned long long set, clr, propagation, userns;
};

static const struct {
	const char *name;
	unsigned major, minor;
} devs[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const char *fdp(char *, int);
static void mnt(const char *, const char *, const char *, unsigned long,
    const char *);
static void ro(const char *, int);
static int target(int, const char *, const char *, int);
static void mkdev(const char *, int, int);
static void etc_file(struct app *, int, const char *, const char *,
    const char *);
static void mkdevfs(const char *, const struct flags *);
static void app_mounts(struct pod *, struct app *, const struct flags *);

static const char *
fdp(char *buf, int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static void
mnt(const char *src, const char *dst, const char *type, unsigned long fl,
    const char *data)
{
	if (mount(src, dst, type, fl, data) < 0)
		die_sys(S1_FAIL, "unable to mount ", type ? type : src,
		    " on ", dst);
}

/* Read-only, the mount alone or with what is under it. */
static void
ro(const char *path, int rec)
{
	struct m_attr a = { MNT_ATTR_RDONLY, 0, 0, 0 };

	if (syscall(SYS_mount_setattr, AT_FDCWD, path, rec ? AT_RECURSIVE : 0,
	    &a, sizeof a) == 0)
		return;
	/* before Linux 5.12: the top mount only */
	mnt(0, path, 0, MS_REMOUNT | MS_BIND | MS_RDONLY, 0);
}

/*
 * Make path (absolute, as the app sees it) inside the rootfs open at
 * rootfd: missing dirs made 0755 root, the last one a dir or (file) an
 * empty file. A link anywhere on the way is refused; a file where a dir
 * must be is replaced, with a warning (appc). Returns an O_PATH fd.
 */
static int
target(int rootfd, const char *app, const char *path, int file)
{
	char comp[256];
	const char *p = path, *e;
	struct stat st;
	int cur, next, last;

	if ((cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0)
		die_sys(S1_FAIL, "unable to dup a fd");
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == 0)
			return cur;
		e = strchr(p, '/');
		if (e == 0)
			e = p + strlen(p);
		if ((size_t)(e - p) >= sizeof comp)
			die(S1_FAIL, "app ", app, ": mount target ", path,
			    ": name too long");
		memcpy(comp, p, e - p);
		comp[e - p] = 0;
		p = e;
		while (*p == '/')
			p++;
		last = *p == 0;
		if (!strcmp(comp, "..") || !strcmp(comp, "."))
			die(S1_FAIL, "app ", app, ": mount target ", path,
			    ": has . or ..");
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				die_sys(S1_FAIL, "app ", app, ": unable to "
				    "look at mount target ", path);
			if (last && file) {
				next = openat(cur, comp, O_WRONLY | O_CREAT |
				    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (next < 0)
					die_sys(S1_FAIL, "app ", app, ": unable"
					    " to make mount target ", path);
				fd_close(next);
			} else if (mkdirat(cur, comp, 0755) < 0)
				die_sys(S1_FAIL, "app ", app, ": unable to "
				    "make mount target ", path);
		} else if (S_ISLNK(st.st_mode))
			die(S1_FAIL, "app ", app, ": mount target ", path,
			    ": passes through the symbolic link ", comp);
		else if (!S_ISDIR(st.st_mode) && !(last && file)) {
			if (!last)
				die(S1_FAIL, "app ", app, ": mount target ",
				    path, ": ", comp, " is not a directory");
			warn("app ", app, ": mount target ", path,
			    " is a file: made a directory instead");
			if (unlinkat(cur, comp, 0) < 0 ||
			    mkdirat(cur, comp, 0755) < 0)
				die_sys(S1_FAIL, "app ", app, ": unable to "
				    "replace ", path);
		} else if (S_ISDIR(st.st_mode) && last && file)
			die(S1_FAIL, "app ", app, ": mount target ", path,
			    ": is a directory, the source is not");
		next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC |
		    (last && file ? 0 : O_DIRECTORY));
		if (next < 0)
			die_sys(S1_FAIL, "app ", app, ": unable to open mount "
			    "target ", path);
		fd_close(cur);
		cur = next;
	}
}

/* A device node, or where mknod is refused a bind of the host's. */
static void
mkdev(const char *dir, int i, int fd)
{
	char path[PATH_MAX], host[64];

	s1_path(path, sizeof path, "%s/%s", dir, devs[i].name);
	if (mknodat(fd, devs[i].name, S_IFCHR | 0666,
	    makedev(devs[i].major, devs[i].minor)) == 0) {
		fchmodat(fd, devs[i].name, 0666, 0);
		return;
	}
	if (errno != EPERM)
		die_sys(S1_FAIL, "unable to make ", path);
	snprintf(host, sizeof host, "/dev/%s", devs[i].name);
	fd_close(openat(fd, devs[i].name, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0666));
	mnt(host, path, 0, MS_BIND, 0);
}

/* /dev as appc wants it, on a small tmpfs at dir. */
static void
mkdevfs(const char *dir, const struct flags *f)
{
	char path[PATH_MAX];
	unsigned i;
	int fd;

	mnt("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open ", dir);
	for (i = 0; i < sizeof devs / sizeof devs[0]; i++)
		mkdev(dir, i, fd);
	/* the console: the pod's terminal when it has one, else a sink */
	fd_close(openat(fd, "console", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	s1_path(path, sizeof path, "%s/console", dir);
	mnt(f->interactive && isatty(0) ? "/proc/self/fd/0" : "/dev/null",
	    path, 0, MS_BIND, 0);
	if (mkdirat(fd, "pts", 0755) < 0 || mkdirat(fd, "shm", 01777) < 0 ||
	    symlinkat("pts/ptmx", fd, "ptmx") < 0 ||
	    symlinkat("/proc/self/fd", fd, "fd") < 0 ||
	    symlinkat("/proc/self/fd/0", fd, "stdin") < 0 ||
	    symlinkat("/proc/self/fd/1", fd, "stdout") < 0 ||
	    symlinkat("/proc/self/fd/2", fd, "stderr") < 0)
		die_sys(S1_FAIL, "unable to fill ", dir);
	s1_path(path, sizeof path, "%s/pts", dir);
	mnt("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
	    "newinstance,ptmxmode=0666,mode=620,gid=5");
	s1_path(path, sizeof path, "%s/shm", dir);
	mnt("shm", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	fd_close(fd);
}

/*
 * /etc/hosts or /etc/resolv.conf from src (a host path) bound on the
 * image's, or made when the image has none (text); never through a link.
 */
static void
etc_file(struct app *a, int rootfd, const char *name, const char *src,
    const char *text)
{
	char path[64], buf[32], full[PATH_MAX + 64];
	struct stat st;
	int etc, fd;

	if ((etc = in_root(rootfd, "/etc", O_PATH | O_DIRECTORY)) < 0 ||
	    fstatat(rootfd, "etc", &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		fd_close(etc);
		return;
	}
	fd_close(etc);
	s1_path(path, sizeof path, "/etc/%s", name);
	if (src) {
		if (access(src, R_OK) < 0)
			return;
		fd = target(rootfd, a->name, path, 1);
		mnt(src, fdp(buf, fd), 0, MS_BIND, 0);
		fd_close(fd);
		s1_path(full, sizeof full, "%s%s", a->root, path);
		ro(full, 0);
		return;
	}
	etc = openat(rootfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	fd = etc < 0 ? -1 : openat(etc, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (fd_write_all(fd, text, strlen(text)) < 0)
			die_sys(S1_FAIL, "unable to write ", a->root, path);
		fd_close(fd);
	}
	fd_close(etc);
}

static void
app_mounts(struct pod *pod, struct app *a, const struct flags *f)
{
	char path[PATH_MAX], buf[32], sbuf[32], hosts[600];
	int rootfd, fd, src, i;
	struct stat st;

	mnt(a->root, a->root, 0, MS_BIND | MS_REC, 0);
	if ((rootfd = open(a->root, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		die_sys(S1_FAIL, "unable to open ", a->root);
	fd = target(rootfd, a->name, "/proc", 0);
	mnt("proc", fdp(buf, fd), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    0);
	fd_close(fd);
	s1_path(path, sizeof path, "%s/proc", a->root);
	if (isol_paths(path, f->isol) < 0)
		die(S1_FAIL, "app ", a->name, ": unable to protect ", path);
	fd = target(rootfd, a->name, "/sys", 0);
	if (mount("sysfs", fdp(buf, fd), "sysfs", MS_RDONLY | MS_NOSUID |
	    MS_NODEV | MS_NOEXEC, 0) < 0) {
		/* sysfs of another net namespace: a bind of ours */
		mnt("/sys", fdp(buf, fd), 0, MS_BIND | MS_REC, 0);
		s1_path(path, sizeof path, "%s/sys", a->root);
		ro(path, 1);
	}
	fd_close(fd);
	fd = target(rootfd, a->name, "/dev", 0);
	s1_path(path, sizeof path, "%s/dev", a->root);
	fd_close(fd);
	mkdevfs(path, f);
	snprintf(hosts, sizeof hosts, "127.0.0.1\tlocalhost\n"
	    "::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n",
	    f->hostname);
	/* stage0's files are in the stage1 rootfs, not yet our root */
	s1_path(path, sizeof path, "%s/etc/rkt-hosts", pod->s1);
	etc_file(a, rootfd, "hosts", f->hosts == DNS_HOST ? "/etc/hosts" :
	    f->hosts == DNS_STAGE0 ? path : 0, hosts);
	s1_path(path, sizeof path, "%s/etc/rkt-resolv.conf", pod->s1);
	if (f->resolv == DNS_HOST || (f->resolv == DNS_DEFAULT &&
	    f->net == NET_HOST))
		etc_file(a, rootfd, "resolv.conf", "/etc/resolv.conf", 0);
	else if (f->resolv == DNS_STAGE0)
		etc_file(a, rootfd, "resolv.conf", path, 0);
	for (i = 0; i < a->nmnts; i++) {
		struct mnt *m = &a->mnts[i];

		if (m->vol->host)
			src = host_source(m->vol->source);
		else {
			s1_path(path, sizeof path, "%s/sharedVolumes/%s",
			    pod->dir, m->vol->name);
			src = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (src < 0 || fstat(src, &st) < 0)
			die_sys(S1_FAIL, "volume ", m->vol->name, ": unable to "
			    "open ", m->vol->host ? m->vol->source : path);
		fd = target(rootfd, a->name, m->path, !S_ISDIR(st.st_mode));
		mnt(fdp(sbuf, src), fdp(buf, fd), 0, MS_BIND |
		    (m->vol->recursive ? MS_REC : 0), 0);
		fd_close(fd);
		fd_close(src);
		if (m->ro) {
			/* the new mount is on the path made above, link-free */
			s1_path(path, sizeof path, "%s%s", a->root, m->path);
			ro(path, m->vol->recursive);
		}
	}
	fd_close(rootfd);
	if (a->ro_rootfs)
		ro(a->root, 0);
}

/* Everything of the pod's file system, then pivot_root into stage1. */
void
mount_pod(struct pod *pod, const struct flags *f)
{
	char path[PATH_MAX];
	int i;

	mnt(0, "/", 0, MS_REC | MS_PRIVATE, 0);
	mnt(pod->s1, pod->s1, 0, MS_BIND | MS_REC, 0);
	/* the stage1's own: /proc of the pod, /sys with the cgroups, /dev */
	s1_path(path, sizeof path, "%s/proc", pod->s1);
	mnt("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
	if (isol_sysctl(pod->isolators, path, 1) < 0)
		die(S1_FAIL, "unable to set the pod's sysctls");
	s1_path(path, sizeof path, "%s/sys", pod->s1);
	if (mount("sysfs", path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    0) < 0)
		mnt("/sys", path, 0, MS_BIND, 0);
	s1_path(path, sizeof path, "%s/sys/fs/cgroup", pod->s1);
	if (access("/sys/fs/cgroup", F_OK) == 0 && access(path, F_OK) == 0)
		mnt("/sys/fs/cgroup", path, 0, MS_BIND | MS_REC, 0);
	s1_path(path, sizeof path, "%s/dev", pod->s1);
	mkdevfs(path, f);
	for (i = 0; i < pod->napps; i++)
		app_mounts(pod, &pod->apps[i], f);
	/* pivot_root(".", "."): the old root ends up under the new one */
	if (chdir(pod->s1) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die_sys(S1_FAIL, "unable to pivot_root into ", pod->s1);
}
