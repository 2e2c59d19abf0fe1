/* SPDX-License-Identifier: ISC */
/*
 * The safe unpacker: archive entries (already named relative to the
 * target by path_clean) become files under one dir fd. Every parent is
 * opened one component at a time with O_NOFOLLOW, so nothing is ever
 * written through a symlink, whoever made it; a hardlink may only name a
 * file already inside the target; whatever would replace a symlink is
 * put in its place, never behind it. Anything refused ends stage0 with
 * one line naming the entry; the caller's cleanup removes the target.
 * Dir modes and times are set at the end, once their children are in.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/err.h"
#include "stage0/stage0.h"

struct fix {
	char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ts[2];
};

static int parent_fd(struct unpack *, const char *, const char *, int,
    const char **);
static void make_room(struct unpack *, int, const char *, const char *,
    int);
static void write_data(struct unpack *, struct archive *, int,
    const char *);
static void seen_add(struct unpack *, const char *);
static int seen_has(struct unpack *, const char *);
static void opaque(struct unpack *, int, const char *, const char *);
static void xattrs(struct unpack *, struct archive_entry *, int,
    const char *);

void
unpack_refuse(const char *what, const char *entry, const char *why)
{
	char p[512];

	path_printable(entry, p, sizeof p);
	die(100, what, ": refusing entry '", p, "': ", why);
}

void
unpack_begin(struct unpack *u, int root, int oci, const char *what)
{
	memset(u, 0, sizeof *u);
	u->root = root;
	u->oci = oci;
	u->what = what;
	u->cfd = -1;
}

static unsigned long
hash(const char *s)
{
	unsigned long h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The set of paths a layer made, as open addressing over strdup'd keys. */
static int
seen_has(struct unpack *u, const char *p)
{
	size_t i;

	if (u->aseen == 0)
		return 0;
	for (i = hash(p) & (u->aseen - 1); u->seen[i];
	    i = (i + 1) & (u->aseen - 1))
		if (strcmp(u->seen[i], p) == 0)
			return 1;
	return 0;
}

static void
seen_add(struct unpack *u, const char *p)
{
	size_t i, j, old;
	char **o;

	if (seen_has(u, p))
		return;
	if (2 * (u->nseen + 1) > u->aseen) {
		o = u->seen;
		old = u->aseen;
		u->aseen = old ? 2 * old : 1024;
		if ((u->seen = calloc(u->aseen, sizeof *u->seen)) == NULL)
			die_sys(111, "unable to allocate");
		for (j = 0; j < old; j++) {
			if (o[j] == NULL)
				continue;
			for (i = hash(o[j]) & (u->aseen - 1); u->seen[i];
			    i = (i + 1) & (u->aseen - 1))
				;
			u->seen[i] = o[j];
		}
		free(o);
	}
	for (i = hash(p) & (u->aseen - 1); u->seen[i];
	    i = (i + 1) & (u->aseen - 1))
		;
	if ((u->seen[i] = strdup(p)) == NULL)
		die_sys(111, "unable to allocate");
	u->nseen++;
}

/*
 * The fd of path's parent dir (path is clean and relative); *base gets
 * its last component. Missing dirs are made when create is 1. A symlink
 * or a file on the way is refused (create -1: is just -1): that is how an
 * archive would write outside its target. -1 when a dir is missing.
 */
static int
parent_fd(struct unpack *u, const char *entry, const char *path, int create,
    const char **base)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX], *p, *e;
	size_t k = slash ? (size_t)(slash - path) : 0;
	int fd, nfd;

	*base = slash ? slash + 1 : path;
	if (k == 0)
		return u->root;
	if (k >= sizeof dir)
		unpack_refuse(u->what, entry, "name too long");
	memcpy(dir, path, k);
	dir[k] = 0;
	if (u->cpath && strcmp(u->cpath, dir) == 0)
		return u->cfd;
	fd = u->root;
	for (p = dir; p; p = e) {
		if ((e = strchr(p, '/')) != NULL)
			*e = 0;
		nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create > 0) {
			if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
				die_sys(111, u->what, ": unable to mkdir ",
				    dir);
			if (u->oci)
				seen_add(u, dir);
			nfd = openat(fd, p, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			int err = errno, lnk;
			struct stat st;

			/* O_DIRECTORY says ENOTDIR for a symlink too */
			lnk = fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode);
			if (fd != u->root)
				close(fd);
			if (err == ENOENT || create < 0)
				return -1;
			if (err == ELOOP || err == ENOTDIR)
				unpack_refuse(u->what, entry, lnk ?
				    "a symlink is in its path" :
				    "a non-directory is in its path");
			errno = err;
			die_sys(111, u->what, ": unable to open ", dir);
		}
		if (fd != u->root)
			close(fd);
		fd = nfd;
		if (e)
			*e++ = '/';
	}
	if (u->cfd >= 0)
		close(u->cfd);
	free(u->cpath);
	if ((u->cpath = strdup(dir)) == NULL)
		die_sys(111, "unable to allocate");
	u->cfd = fd;
	return fd;
}

/*
 * Clear the way for a new entry at dfd/base: what was there is removed,
 * a whole tree if it was a dir (a later layer may replace a dir with a
 * file), except a dir that stays a dir.
 */
static void
make_room(struct unpack *u, int dfd, const char *base, const char *entry,
    int isdir)
{
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return;
		die_sys(111, u->what, ": unable to stat ", entry);
	}
	if (isdir && S_ISDIR(st.st_mode))
		return;
	if (fs_rmtree_at(dfd, base) < 0)
		die_sys(111, u->what, ": unable to replace ", entry);
	/* the cached parent may have been in the tree that went: callers
	 * ask parent_fd again after this */
	if (S_ISDIR(st.st_mode) && u->cpath) {
		close(u->cfd);
		free(u->cpath);
		u->cpath = NULL;
		u->cfd = -1;
	}
}

static void
write_data(struct unpack *u, struct archive *a, int fd, const char *entry)
{
	const void *buf;
	size_t len;
	la_int64_t off, end = 0;
	ssize_t w;
	int r;

	for (;;) {
		r = archive_read_data_block(a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			die(100, u->what, ": unable to read entry ", entry,
			    ": ", archive_error_string(a));
		/* sparse files come as blocks with holes between */
		if (off != end && lseek(fd, off, SEEK_SET) < 0)
			die_sys(111, u->what, ": unable to seek in ", entry);
		end = off;
		while (len > 0) {
			w = write(fd, buf, len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				die_sys(111, u->what, ": unable to write ",
				    entry);
			buf = (const char *)buf + w;
			len -= w;
			end += w;
		}
	}
	if (ftruncate(fd, end) < 0)
		die_sys(111, u->what, ": unable to write ", entry);
}

/*
 * The entry's extended attributes on a file it made (fd): file
 * capabilities (security.capability) and user.* ones; trusted.* and
 * the rest belong to the host, not to an image.
 */
static void
xattrs(struct unpack *u, struct archive_entry *e, int fd, const char *entry)
{
	const char *name;
	const void *v;
	size_t n;

	if (archive_entry_xattr_reset(e) == 0)
		return;
	while (archive_entry_xattr_next(e, &name, &v, &n) == ARCHIVE_OK) {
		if (strcmp(name, "security.capability") != 0 &&
		    strncmp(name, "user.", 5) != 0)
			continue;
		if (fsetxattr(fd, name, v, n, 0) < 0)
			warn_sys(u->what, ": unable to set ", name, " on ", entry);
	}
}

/* An opaque dir: remove what lower layers put in it. */
static void
opaque(struct unpack *u, int dfd, const char *dir, const char *entry)
{
	DIR *d;
	struct dirent *de;
	char *p;
	int fd;

	fd = dir[0] ? dup(dfd) : dup(u->root);
	if (fd < 0 || (d = fdopendir(fd)) == NULL)
		die_sys(111, u->what, ": unable to read dir of ", entry);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = dir[0] ? fs_join(dir, de->d_name) : strdup(de->d_name);
		if (p == NULL)
			die_sys(111, "unable to allocate");
		if (!seen_has(u, p) && fs_rmtree_at(fd, de->d_name) < 0)
			die_sys(111, u->what, ": unable to apply ", entry);
		free(p);
	}
	closedir(d);
}

/*
 * One entry: path is its clean name in the target ("" is the target
 * itself), link the clean name of a hardlink's target or NULL.
 */
void
unpack_entry(struct unpack *u, struct archive *a, struct archive_entry *e,
    const char *path, const char *link)
{
	const char *entry = archive_entry_pathname(e), *base, *lbase;
	mode_t type = archive_entry_filetype(e);
	mode_t mode = archive_entry_perm(e) & 07777;
	uid_t uid = archive_entry_uid(e);
	gid_t gid = archive_entry_gid(e);
	struct timespec ts[2];
	struct stat st;
	int dfd, lfd, fd, wo;

	if (entry == NULL)
		entry = path;
	ts[0].tv_sec = archive_entry_atime_is_set(e) ?
	    archive_entry_atime(e) : archive_entry_mtime(e);
	ts[0].tv_nsec = archive_entry_atime_is_set(e) ?
	    archive_entry_atime_nsec(e) : archive_entry_mtime_nsec(e);
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (path[0] == 0) {
		/* the target itself: only its metadata */
		if (type != AE_IFDIR || link != NULL)
			unpack_refuse(u->what, entry, "the root is not a dir");
		return;
	}
	wo = u->oci ? path_whiteout(path) : 0;
	dfd = parent_fd(u, entry, path, 1, &base);
	if (wo == 2) {
		char *dir = strdup(path);

		if (dir == NULL)
			die_sys(111, "unable to allocate");
		*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = 0;
		opaque(u, dfd, dir, entry);
		free(dir);
		return;
	}
	if (wo == 1) {
		if (base[4] == 0 || strcmp(base + 4, ".") == 0 ||
		    strcmp(base + 4, "..") == 0)
			unpack_refuse(u->what, entry, "bad whiteout");
		make_room(u, dfd, base + 4, entry, 0);
		return;
	}
	if (u->oci)
		seen_add(u, path);
	if (link != NULL) {
		if (link[0] == 0)
			unpack_refuse(u->what, entry,
			    "hardlink to the target itself");
		if (strcmp(link, path) == 0)
			unpack_refuse(u->what, entry, "hardlink to itself");
		lfd = parent_fd(u, entry, link, 0, &lbase);
		if (lfd < 0 ||
		    fstatat(lfd, lbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
			unpack_refuse(u->what, entry,
			    "hardlink to a file not in the target");
		if (S_ISDIR(st.st_mode))
			unpack_refuse(u->what, entry,
			    "hardlink to a directory");
		/* parent_fd may have moved the cache: ask again */
		lfd = dup(lfd);
		dfd = parent_fd(u, entry, path, 1, &base);
		make_room(u, dfd, base, entry, 0);
		dfd = parent_fd(u, entry, path, 1, &base);
		if (lfd < 0 || linkat(lfd, lbase, dfd, base, 0) < 0)
			die_sys(111, u->what, ": unable to link ", entry);
		close(lfd);
		return;
	}
	make_room(u, dfd, base, entry, type == AE_IFDIR);
	dfd = parent_fd(u, entry, path, 1, &base);
	switch (type) {
	case AE_IFDIR:
		if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
			die_sys(111, u->what, ": unable to mkdir ", entry);
		if (u->nfix == u->afix) {
			u->afix = u->afix ? 2 * u->afix : 256;
			u->fix = realloc(u->fix, u->afix * sizeof *u->fix);
			if (u->fix == NULL)
				die_sys(111, "unable to allocate");
		}
		u->fix[u->nfix].path = strdup(path);
		u->fix[u->nfix].mode = mode;
		u->fix[u->nfix].uid = uid;
		u->fix[u->nfix].gid = gid;
		memcpy(u->fix[u->nfix].ts, ts, sizeof ts);
		if (u->fix[u->nfix++].path == NULL)
			die_sys(111, "unable to allocate");
		return;
	case AE_IFREG:
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			die_sys(111, u->what, ": unable to create ", entry);
		write_data(u, a, fd, entry);
		/*
		 * chown first: it clears the set-id bits chmod then sets,
		 * and file capabilities, which come after it
		 */
		if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
			die_sys(111, u->what, ": unable to set the mode of ",
			    entry);
		xattrs(u, e, fd, entry);
		futimens(fd, ts);
		close(fd);
		return;
	case AE_IFLNK:
		if (archive_entry_symlink(e) == NULL)
			unpack_refuse(u->what, entry, "symlink without target");
		if (symlinkat(archive_entry_symlink(e), dfd, base) < 0)
			die_sys(111, u->what, ": unable to make symlink ",
			    entry);
		fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
		utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW);
		return;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		if (mknodat(dfd, base, type | mode,
		    archive_entry_rdev(e)) < 0) {
			warn_sys(u->what, ": skipping ", entry);
			return;
		}
		if (fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dfd, base, mode, 0) < 0)
			die_sys(111, u->what, ": unable to set the mode of ",
			    entry);
		utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW);
		return;
	case AE_IFSOCK:
		return;
	default:
		unpack_refuse(u->what, entry, "unknown file type");
	}
}

/* Dirs get their modes, owners and times, deepest first. */
void
unpack_end(struct unpack *u)
{
	const char *base;
	size_t i;
	int dfd, fd;

	if (u->cpath) {
		close(u->cfd);
		free(u->cpath);
		u->cpath = NULL;
		u->cfd = -1;
	}
	for (i = u->nfix; i-- > 0;) {
		struct fix *f = &u->fix[i];

		dfd = parent_fd(u, f->path, f->path, -1, &base);
		fd = dfd < 0 ? -1 : openat(dfd, base, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		/* gone or replaced by a later entry: nothing to set */
		if (fd >= 0) {
			if (fchown(fd, f->uid, f->gid) < 0 ||
			    fchmod(fd, f->mode) < 0)
				die_sys(111, u->what, ": unable to set the "
				    "mode of ", f->path);
			futimens(fd, f->ts);
			close(fd);
		}
		free(f->path);
	}
	if (u->cpath) {
		close(u->cfd);
		free(u->cpath);
	}
	free(u->fix);
	for (i = 0; i < u->aseen; i++)
		free(u->seen[i]);
	free(u->seen);
	u->fix = NULL;
	u->seen = NULL;
	u->cpath = NULL;
	u->cfd = -1;
}
