/* SPDX-License-Identifier: ISC */
/*
 * File trees for stage0: remove and copy through dir fds with O_NOFOLLOW,
 * so neither ever walks a symlink out of the tree, and never crosses into
 * another mount; whole files in and out; unmounting a pod dir; and the
 * list of half-made dirs that an exit must remove, so that a failed
 * unpack or prepare leaves nothing behind.
 */
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/slurp.h"
#include "stage0/stage0.h"

static int rmtree_fd(int, dev_t);
static void copy_at(int, int, const char *, const char *);
static void copy_xattrs(int, int);
static void cleanup_run(void);
static void on_signal(int);

/*
 * What to remove if stage0 exits before it is done: die() calls exit(),
 * so an atexit hook sees these; and a signal that would end stage0 is
 * only noted, for the next cleanup_check() to die. The file-scope
 * variables of stage0 besides err_prog, because every error path ends
 * in die() and a signal handler can only set a flag.
 */
static struct {
	char *path[8];
	int n, hooked;
} pending;
static volatile sig_atomic_t caught;

static int
rmtree_fd(int fd, dev_t dev)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	int r = 0, cfd;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			/* a mount still there: leave it, and say so */
			if (st.st_dev != dev) {
				errno = EBUSY;
				r = -1;
				continue;
			}
			cfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0 || rmtree_fd(cfd, dev) < 0 ||
			    unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
				r = -1;
		} else if (unlinkat(fd, de->d_name, 0) < 0)
			r = -1;
	}
	closedir(d);
	return r;
}

/* Remove name under dir fd, a whole tree if it is a dir. ENOENT is 0. */
int
fs_rmtree_at(int dfd, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* a mode-0 dir can be emptied only once it is writable again */
	if ((st.st_mode & 0700) != 0700)
		fchmod(fd, 0700);
	if (rmtree_fd(fd, st.st_dev) < 0)
		return -1;
	return unlinkat(dfd, name, AT_REMOVEDIR);
}

int
fs_rmtree(const char *path)
{
	return fs_rmtree_at(AT_FDCWD, path);
}

/* Like mkdir -p. */
void
fs_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof buf)
		die(100, "path too long: ", path);
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			die_sys(111, "unable to mkdir ", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		die_sys(111, "unable to mkdir ", buf);
}

char *
fs_readfile_at(int dfd, const char *path, size_t *lenp)
{
	char *buf;
	int fd;

	if ((fd = openat(dfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	buf = fd_slurp(fd, lenp);
	if (buf == NULL && errno == ENOMEM)
		die_sys(111, "unable to allocate");
	fd_close(fd);
	return buf;
}

/* The whole file, NUL-terminated, or NULL with errno. */
char *
fs_readfile(const char *path, size_t *lenp)
{
	return fs_readfile_at(AT_FDCWD, path, lenp);
}

void
fs_writefile(const char *path, const void *buf, size_t len)
{
	FILE *f;

	if ((f = fopen(path, "we")) == NULL)
		die_sys(111, "unable to create ", path);
	if (fwrite(buf, 1, len, f) != len || fclose(f) == EOF)
		die_sys(111, "unable to write ", path);
}

char *
fs_join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		die_sys(111, "unable to allocate");
	return s;
}

char *
fs_join3(const char *a, const char *b, const char *c)
{
	char *s;

	if (asprintf(&s, "%s/%s/%s", a, b, c) < 0)
		die_sys(111, "unable to allocate");
	return s;
}

/* The xattrs an unpack sets (file capabilities, user.*), after chown. */
static void
copy_xattrs(int in, int out)
{
	char names[4096], val[4096], *n;
	ssize_t k, v;

	if ((k = flistxattr(in, names, sizeof names)) <= 0)
		return;
	for (n = names; n < names + k; n += strlen(n) + 1) {
		if (strcmp(n, "security.capability") != 0 &&
		    strncmp(n, "user.", 5) != 0)
			continue;
		if ((v = fgetxattr(in, n, val, sizeof val)) >= 0)
			fsetxattr(out, n, val, v, 0);
	}
}

static void
copy_at(int sfd, int dfd, const char *name, const char *top)
{
	struct stat st;
	struct timespec ts[2];
	char link[PATH_MAX];
	ssize_t k;
	int in, out;
	DIR *d;
	struct dirent *de;

	cleanup_check();
	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		die_sys(111, "unable to stat ", top, "/", name);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dfd, name, 0700) < 0 && errno != EEXIST)
			die_sys(111, "unable to mkdir ", name);
		in = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (in < 0 || out < 0 || (d = fdopendir(in)) == NULL)
			die_sys(111, "unable to open ", top, "/", name);
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				copy_at(in, out, de->d_name, top);
		closedir(d);
		if (fchown(out, st.st_uid, st.st_gid) < 0 ||
		    fchmod(out, st.st_mode & 07777) < 0)
			die_sys(111, "unable to set the owner of ", name);
		futimens(out, ts);
		close(out);
		return;
	}
	unlinkat(dfd, name, 0);
	if (S_ISLNK(st.st_mode)) {
		k = readlinkat(sfd, name, link, sizeof link - 1);
		if (k < 0)
			die_sys(111, "unable to read link ", top, "/", name);
		link[k] = 0;
		if (symlinkat(link, dfd, name) < 0)
			die_sys(111, "unable to make link ", name);
	} else if (S_ISREG(st.st_mode)) {
		in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (in < 0 || out < 0)
			die_sys(111, "unable to copy ", top, "/", name);
		for (;;) {
			k = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
			if (k < 0 && (errno == EXDEV || errno == ENOSYS ||
			    errno == EINVAL))
				k = sendfile(out, in, NULL, 1 << 30);
			if (k < 0)
				die_sys(111, "unable to copy ", top, "/", name);
			if (k == 0)
				break;
		}
		if (fchown(out, st.st_uid, st.st_gid) < 0 ||
		    fchmod(out, st.st_mode & 07777) < 0)
			die_sys(111, "unable to set the owner of ", name);
		copy_xattrs(in, out);
		close(in);
		futimens(out, ts);
		close(out);
		return;
	} else if (S_ISSOCK(st.st_mode))
		return;
	else if (mknodat(dfd, name, st.st_mode, st.st_rdev) < 0)
		die_sys(111, "unable to mknod ", name);
	fchownat(dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
	if (!S_ISLNK(st.st_mode))
		fchmodat(dfd, name, st.st_mode & 07777, 0);
	utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

/* cp -a src dst, for when overlayfs cannot be had. */
void
fs_copytree(const char *src, const char *dst)
{
	char *sp, *dp, *sb, *db;

	if ((sp = strdup(src)) == NULL || (dp = strdup(dst)) == NULL)
		die_sys(111, "unable to allocate");
	sb = strrchr(sp, '/');
	db = strrchr(dp, '/');
	if (sb == NULL || db == NULL)
		die(100, "not an absolute path: ", src);
	*sb++ = 0;
	*db++ = 0;
	int s = open(*sp ? sp : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int d = open(*dp ? dp : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s < 0 || d < 0)
		die_sys(111, "unable to open ", s < 0 ? src : dst);
	copy_at(s, d, sb, src);
	close(s);
	close(d);
	free(sp);
	free(dp);
}

/*
 * Unmount every mount at or below path, deepest first, detached: what a
 * pod's overlays and anything a stage1 left in the host namespace.
 */
void
fs_umount_under(const char *path)
{
	FILE *f;
	char line[8192], *mnt[512];
	size_t k = strlen(path);
	int n = 0, i, j;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) && n < 512) {
		char *p = line, *m;

		/* the fifth field is the mount point, with \040 escapes */
		for (i = 0; i < 4 && p; i++)
			p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
		if (p == NULL || (m = strchr(p, ' ')) == NULL)
			continue;
		*m = 0;
		for (i = 0, j = 0; p[i]; j++) {
			if (p[i] == '\\' && p[i + 1] && p[i + 2] && p[i + 3]) {
				p[j] = (p[i + 1] - '0') * 64 +
				    (p[i + 2] - '0') * 8 + (p[i + 3] - '0');
				i += 4;
			} else
				p[j] = p[i++];
		}
		p[j] = 0;
		if (strncmp(p, path, k) == 0 && (p[k] == 0 || p[k] == '/'))
			if ((mnt[n] = strdup(p)) != NULL)
				n++;
	}
	fclose(f);
	/* mountinfo lists parents before children: undo in reverse */
	while (n-- > 0) {
		if (umount2(mnt[n], MNT_DETACH) < 0 && errno != EINVAL &&
		    errno != ENOENT)
			warn_sys("unable to unmount ", mnt[n]);
		free(mnt[n]);
	}
}

static void
cleanup_run(void)
{
	while (pending.n > 0) {
		char *p = pending.path[--pending.n];

		fs_umount_under(p);
		fs_rmtree(p);
		free(p);
	}
}

/* Remove path (a tree) if stage0 exits before cleanup_pop(). */
void
cleanup_push(const char *path)
{
	if (!pending.hooked) {
		atexit(cleanup_run);
		pending.hooked = 1;
	}
	if (pending.n == 8)
		die(111, "too many pending dirs");
	if ((pending.path[pending.n++] = strdup(path)) == NULL)
		die_sys(111, "unable to allocate");
}

static void
on_signal(int sig)
{
	caught = sig;
}

/*
 * INT, TERM and HUP end stage0 through die(), which cleans up; a signal
 * the caller ignores (nohup, a background job's INT) stays ignored.
 */
void
cleanup_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* Die if a signal came: the loops that take time call this. */
void
cleanup_check(void)
{
	char n[4];

	if (caught == 0)
		return;
	snprintf(n, sizeof n, "%d", (int)caught);
	die(128 + caught, "stopped by signal ", n);
}

/* The last pushed dir is done: keep it. */
void
cleanup_pop(void)
{
	if (pending.n > 0)
		free(pending.path[--pending.n]);
}
