/* SPDX-License-Identifier: ISC */
/*
 * The pod as its manifests say, checked before anything is made: ./pod,
 * whose apps stage0 reified, and each app's image manifest for what a
 * pod app may leave out (mountPoints, event handlers). Names, users, the
 * working dir and exec[0] are looked up inside the app's own rootfs, never
 * following a link out of it. Any problem is one line naming the file,
 * the JSON path and what is wrong, and exit 254.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/slurp.h"
#include "stage1/stage1.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define DEFPATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int bad(char *, size_t, const char *, const char *, const char *);
static int acname(const char *);
static int strv(json_t *, const char *, char ***, char *, size_t);
static int app_section(struct app *, json_t *, const char *, char *, size_t);
static int env_set(struct app *, const char *, const char *);
static int env_default(struct app *, const char *, const char *);
static void user_env(int, struct app *);
static int parse_vol(struct vol *, json_t *, const char *, char *, size_t);
static const char *annotation(json_t *, const char *);
static json_t *opt(json_t *, const char *);
static char *slurp_at(int, const char *, size_t *);
static int db_lookup(int, const char *, const char *, int, unsigned long *);
static int resolve_id(int, const char *, const char *, int, unsigned long *);
static int find_exec(int, struct app *);
static int join_mounts(struct pod *, struct app *, json_t *, char *,
    size_t);

/* snprintf for paths: one that does not fit is an error, not a cut */
void
s1_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		die(S1_FAIL, "path too long: ", buf);
}

static int
bad(char *err, size_t len, const char *path, const char *a, const char *b)
{
	/* "apps[0]" and ".name: ..." make "apps[0].name: ..." */
	snprintf(err, len, "%s%s%s%s", path, *a == '.' ? "" : ": ", a,
	    b ? b : "");
	return -1;
}

/* appc's AC Name: lower-case letters, digits and inner dashes. */
static int
acname(const char *s)
{
	const char *p;

	if (*s == 0 || *s == '-' || strlen(s) > 255)
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return p[-1] != '-';
}

/* An optional member: absent and null (as rkt writes) are the same. */
static json_t *
opt(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? 0 : v;
}

/* A JSON array of strings as a NULL-terminated vector. */
static int
strv(json_t *a, const char *path, char ***out, char *err, size_t len)
{
	char **v, ip[300];
	size_t i;

	if (!json_is_array(a))
		return bad(err, len, path, "not an array of strings", 0);
	if ((v = calloc(json_array_size(a) + 1, sizeof *v)) == 0)
		return bad(err, len, path, "out of memory", 0);
	for (i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i);

		if (!json_is_string(e)) {
			snprintf(ip, sizeof ip, "%s[%zu]", path, i);
			free(v);
			return bad(err, len, ip, "not a string", 0);
		}
		v[i] = (char *)json_string_value(e);
	}
	*out = v;
	return 0;
}

/* Replace or add NAME=value: the manifest's environment wins. */
static int
env_set(struct app *a, const char *name, const char *value)
{
	size_t n = strlen(name);
	char *e, **v;
	int i;

	if ((e = malloc(n + strlen(value) + 2)) == 0)
		return -1;
	memcpy(e, name, n);
	e[n] = '=';
	strcpy(e + n + 1, value);
	for (i = 0; i < a->nenv; i++)
		if (strncmp(a->env[i], name, n) == 0 && a->env[i][n] == '=') {
			free(a->env[i]);
			a->env[i] = e;
			return 0;
		}
	if ((v = realloc(a->env, (a->nenv + 2) * sizeof *v)) == 0)
		return -1;
	a->env = v;
	a->env[a->nenv++] = e;
	a->env[a->nenv] = 0;
	return 0;
}

/* NAME=value unless the manifest set NAME. */
static int
env_default(struct app *a, const char *name, const char *value)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < a->nenv; i++)
		if (strncmp(a->env[i], name, n) == 0 && a->env[i][n] == '=')
			return 0;
	return env_set(a, name, value);
}

/*
 * USER, LOGNAME, HOME and SHELL of the app's uid, from the image's own
 * passwd (what rkt gives and appc's validator checks), unless the
 * manifest set them; a uid the image does not name gets its number, /
 * and /bin/sh.
 */
static void
user_env(int rootfd, struct app *a)
{
	char *buf, *line, *nl, *f[7], num[32], *end;
	size_t n;
	int i;

	snprintf(num, sizeof num, "%lu", (unsigned long)a->uid);
	f[0] = num;
	f[5] = "/";
	f[6] = "/bin/sh";
	buf = slurp_at(rootfd, "/etc/passwd", &n);
	for (line = buf; buf && line < buf + n; line = nl + 1) {
		char *p[7];

		if ((nl = strchr(line, '\n')) == 0)
			nl = buf + n;
		*nl = 0;
		p[0] = line;
		for (i = 1; i < 7 && p[i - 1]; i++)
			if ((p[i] = strchr(p[i - 1], ':')) != 0)
				*p[i]++ = 0;
		if (i < 7 || p[6] == 0 || strtoul(p[2], &end, 10) != a->uid ||
		    *end || *p[2] == 0)
			continue;
		memcpy(f, p, sizeof f);
		break;
	}
	if (env_default(a, "USER", f[0]) < 0 ||
	    env_default(a, "LOGNAME", f[0]) < 0 ||
	    env_default(a, "HOME", *f[5] ? f[5] : "/") < 0 ||
	    env_default(a, "SHELL", *f[6] ? f[6] : "/bin/sh") < 0)
		die(S1_FAIL, "out of memory");
	free(buf);
}

/* The app section (pod apps[].app, or the image's app). */
static int
app_section(struct app *a, json_t *j, const char *path, char *err,
    size_t len)
{
	char p[300];
	json_t *e, *x;
	size_t i;

	if (!json_is_object(j))
		return bad(err, len, path, "not an object", 0);
	snprintf(p, sizeof p, "%s.exec", path);
	if ((x = json_object_get(j, "exec")) == 0)
		return bad(err, len, p, "missing", 0);
	if (strv(x, p, (char ***)&a->argv, err, len) < 0)
		return -1;
	if (a->argv[0] == 0 || a->argv[0][0] == 0)
		return bad(err, len, p, "empty", 0);
	a->pre = a->post = 0;
	x = opt(j, "eventHandlers");
	for (i = 0; x && i < json_array_size(x); i++) {
		const char *name;

		snprintf(p, sizeof p, "%s.eventHandlers[%zu]", path, i);
		e = json_array_get(x, i);
		name = json_string_value(json_object_get(e, "name"));
		if (name == 0)
			return bad(err, len, p, "no name", 0);
		snprintf(p, sizeof p, "%s.eventHandlers[%zu].exec", path, i);
		if (strcmp(name, "pre-start") == 0) {
			if (strv(json_object_get(e, "exec"), p,
			    (char ***)&a->pre, err, len) < 0)
				return -1;
		} else if (strcmp(name, "post-stop") == 0) {
			if (strv(json_object_get(e, "exec"), p,
			    (char ***)&a->post, err, len) < 0)
				return -1;
		} else
			return bad(err, len, p, "unknown event handler ", name);
		if ((a->pre && !a->pre[0]) || (a->post && !a->post[0]))
			return bad(err, len, p, "empty", 0);
	}
	if (x && !json_is_array(x))
		return bad(err, len, path, ".eventHandlers: not an array", 0);
	a->nenv = 0;
	a->env = 0;
	if (env_set(a, "PATH", DEFPATH) < 0 ||
	    env_set(a, "AC_APP_NAME", a->name) < 0 ||
	    env_set(a, "container", "pod1") < 0)
		return bad(err, len, path, "out of memory", 0);
	x = opt(j, "environment");
	if (x && !json_is_array(x))
		return bad(err, len, path, ".environment: not an array", 0);
	for (i = 0; x && i < json_array_size(x); i++) {
		const char *n, *v;

		e = json_array_get(x, i);
		n = json_string_value(json_object_get(e, "name"));
		v = json_string_value(json_object_get(e, "value"));
		snprintf(p, sizeof p, "%s.environment[%zu]", path, i);
		if (n == 0 || *n == 0 || strchr(n, '='))
			return bad(err, len, p, "bad or missing name", 0);
		if (v == 0)
			return bad(err, len, p, "missing value", 0);
		if (env_set(a, n, v) < 0)
			return bad(err, len, p, "out of memory", 0);
	}
	a->cwd = "/";
	if ((x = opt(j, "workingDirectory")) != 0) {
		snprintf(p, sizeof p, "%s.workingDirectory", path);
		if (!json_is_string(x) || json_string_value(x)[0] != '/')
			return bad(err, len, p, "not an absolute path", 0);
		a->cwd = json_string_value(x);
	}
	x = opt(j, "supplementaryGIDs");
	a->ngroups = 0;
	if (x && !json_is_array(x))
		return bad(err, len, path, ".supplementaryGIDs: not an array",
		    0);
	if (x && (a->groups = calloc(json_array_size(x) + 1,
	    sizeof *a->groups)) == 0)
		return bad(err, len, path, "out of memory", 0);
	for (i = 0; x && i < json_array_size(x); i++) {
		json_int_t g = json_integer_value(json_array_get(x, i));

		snprintf(p, sizeof p, "%s.supplementaryGIDs[%zu]", path, i);
		if (!json_is_integer(json_array_get(x, i)) || g < 0 ||
		    g > 0x7fffffff)
			return bad(err, len, p, "not a group id", 0);
		a->groups[a->ngroups++] = g;
	}
	a->isolators = opt(j, "isolators");
	if (a->isolators && !json_is_array(a->isolators))
		return bad(err, len, path, ".isolators: not an array", 0);
	return 0;
}

static const char *
annotation(json_t *list, const char *name)
{
	size_t i;

	for (i = 0; json_is_array(list) && i < json_array_size(list); i++) {
		json_t *e = json_array_get(list, i);
		const char *n = json_string_value(json_object_get(e, "name"));

		if (n && strcmp(n, name) == 0)
			return json_string_value(json_object_get(e, "value"));
	}
	return 0;
}

static int
parse_vol(struct vol *v, json_t *j, const char *path, char *err, size_t len)
{
	const char *kind, *mode;
	json_t *x;
	char *end;

	v->name = json_string_value(json_object_get(j, "name"));
	if (v->name == 0 || !acname(v->name))
		return bad(err, len, path, ".name: not an AC name", 0);
	kind = json_string_value(json_object_get(j, "kind"));
	if (kind == 0 || (strcmp(kind, "host") && strcmp(kind, "empty")))
		return bad(err, len, path, ".kind: not host or empty", 0);
	v->host = strcmp(kind, "host") == 0;
	v->source = json_string_value(json_object_get(j, "source"));
	if (v->host && (v->source == 0 || v->source[0] != '/'))
		return bad(err, len, path, ".source: not an absolute path", 0);
	v->ro = -1;
	if ((x = opt(j, "readOnly")) != 0) {
		if (!json_is_boolean(x))
			return bad(err, len, path, ".readOnly: not a boolean",
			    0);
		v->ro = json_is_true(x);
	}
	v->recursive = 1;
	if ((x = opt(j, "recursive")) != 0) {
		if (!json_is_boolean(x))
			return bad(err, len, path, ".recursive: not a boolean",
			    0);
		v->recursive = json_is_true(x);
	}
	v->mode = 0755;
	if ((mode = json_string_value(opt(j, "mode"))) != 0) {
		errno = 0;
		v->mode = strtoul(mode, &end, 8);
		if (*mode == 0 || *end || errno || v->mode > 07777)
			return bad(err, len, path, ".mode: not octal: ", mode);
	}
	v->uid = json_integer_value(json_object_get(j, "uid"));
	v->gid = json_integer_value(json_object_get(j, "gid"));
	return 0;
}

/*
 * Parse and check one pod manifest; pure but for the allocations, which
 * live as long as the pod. The apps' sections that the image must fill
 * in are left for pod_load.
 */
int
pod_parse(struct pod *pod, const char *text, size_t n, char *err, size_t len)
{
	json_error_t je;
	json_t *j, *apps, *vols, *x;
	const char *s;
	char p[300];
	size_t i, k;

	j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	if (j == 0) {
		snprintf(err, len, "line %d column %d: %s", je.line,
		    je.column, je.text);
		return -1;
	}
	pod->manifest = j;
	if (!json_is_object(j))
		return bad(err, len, "(top)", "not an object", 0);
	s = json_string_value(json_object_get(j, "acKind"));
	if (s == 0 || strcmp(s, "PodManifest"))
		return bad(err, len, "acKind", "not PodManifest", 0);
	if (!json_is_string(json_object_get(j, "acVersion")))
		return bad(err, len, "acVersion", "missing", 0);
	vols = opt(j, "volumes");
	if (vols && !json_is_array(vols))
		return bad(err, len, "volumes", "not an array", 0);
	pod->nvols = vols ? json_array_size(vols) : 0;
	if ((pod->vols = calloc(pod->nvols + 1, sizeof *pod->vols)) == 0)
		return bad(err, len, "volumes", "out of memory", 0);
	for (i = 0; i < (size_t)pod->nvols; i++) {
		snprintf(p, sizeof p, "volumes[%zu]", i);
		if (parse_vol(&pod->vols[i], json_array_get(vols, i), p, err,
		    len) < 0)
			return -1;
		for (k = 0; k < i; k++)
			if (!strcmp(pod->vols[k].name, pod->vols[i].name))
				return bad(err, len, p, ".name: used twice: ",
				    pod->vols[i].name);
	}
	apps = json_object_get(j, "apps");
	if (!json_is_array(apps) || json_array_size(apps) == 0)
		return bad(err, len, "apps", "missing or empty", 0);
	pod->napps = json_array_size(apps);
	if ((pod->apps = calloc(pod->napps, sizeof *pod->apps)) == 0)
		return bad(err, len, "apps", "out of memory", 0);
	for (i = 0; i < (size_t)pod->napps; i++) {
		struct app *a = &pod->apps[i];
		json_t *ja = json_array_get(apps, i);

		snprintf(p, sizeof p, "apps[%zu]", i);
		if (!json_is_object(ja))
			return bad(err, len, p, "not an object", 0);
		a->name = json_string_value(json_object_get(ja, "name"));
		if (a->name == 0 || !acname(a->name))
			return bad(err, len, p, ".name: not an AC name", 0);
		for (k = 0; k < i; k++)
			if (!strcmp(pod->apps[k].name, a->name))
				return bad(err, len, p, ".name: used twice: ",
				    a->name);
		x = opt(ja, "readOnlyRootFS");
		if (x && !json_is_boolean(x))
			return bad(err, len, p, ".readOnlyRootFS: not a boolean",
			    0);
		a->ro_rootfs = json_is_true(x);
		a->annotations = opt(ja, "annotations");
		a->restart = annotation(a->annotations, "pod1/restart");
		if (a->restart == 0)
			a->restart = "never";
		if (strcmp(a->restart, "never") && strcmp(a->restart,
		    "always") && strcmp(a->restart, "on-failure"))
			return bad(err, len, p, ".annotations: pod1/restart: "
			    "not always, on-failure or never: ", a->restart);
		x = opt(ja, "mounts");
		if (x && !json_is_array(x))
			return bad(err, len, p, ".mounts: not an array", 0);
		if ((x = opt(ja, "app")) != 0) {
			snprintf(p, sizeof p, "apps[%zu].app", i);
			if (app_section(a, x, p, err, len) < 0)
				return -1;
		}
	}
	pod->isolators = opt(j, "isolators");
	if (pod->isolators && !json_is_array(pod->isolators))
		return bad(err, len, "isolators", "not an array", 0);
	s = annotation(opt(j, "annotations"),
	    "pod1/strict-isolators");
	pod->strict = s && strcmp(s, "true") == 0;
	return 0;
}

/* Open a path inside an app's rootfs as if it were /: links stay in. */
int
in_root(int rootfd, const char *path, int flags)
{
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/*
 * A host volume's source, opened without following any link (appc: a
 * link as or in the source is an error), as O_PATH: mounts use its fd.
 */
int
host_source(const char *path)
{
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS;
	return syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

static char *
slurp_at(int fd, const char *path, size_t *n)
{
	struct stat st;
	char *buf;
	int f;

	if ((f = in_root(fd, path, O_RDONLY | O_NONBLOCK)) < 0)
		return 0;
	buf = fstat(f, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 64 << 20 ? 0 : fd_slurp(f, n);
	fd_close(f);
	return buf;
}

/* name in /etc/passwd or /etc/group of the rootfs: field 2 is the id. */
static int
db_lookup(int rootfd, const char *db, const char *name, int field,
    unsigned long *id)
{
	size_t n, len = strlen(name);
	char *buf, *line, *nl, *end;
	int i;

	if ((buf = slurp_at(rootfd, db, &n)) == 0)
		return -1;
	for (line = buf; line < buf + n; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == 0)
			nl = buf + n;
		*nl = 0;
		if (strncmp(line, name, len) || line[len] != ':')
			continue;
		for (i = 0; i < field && line; i++)
			if ((line = strchr(line, ':')) != 0)
				line++;
		if (line == 0 || *line < '0' || *line > '9')
			break;
		*id = strtoul(line, &end, 10);
		i = *end == ':' || *end == 0 ? 0 : -1;
		free(buf);
		return i;
	}
	free(buf);
	return -1;
}

/* appc: a name in the image's db, else digits, else a path's owner. */
static int
resolve_id(int rootfd, const char *s, const char *db, int group,
    unsigned long *id)
{
	struct stat st;
	char *end;
	int fd;

	if (db_lookup(rootfd, db, s, 2, id) == 0)
		return 0;
	if (*s >= '0' && *s <= '9') {
		*id = strtoul(s, &end, 10);
		return *end || *id > 0x7fffffff ? -1 : 0;
	}
	if (*s == '/') {
		if ((fd = in_root(rootfd, s, O_PATH)) < 0)
			return -1;
		if (fstat(fd, &st) < 0) {
			fd_close(fd);
			return -1;
		}
		fd_close(fd);
		*id = group ? st.st_gid : st.st_uid;
		return 0;
	}
	return -1;
}

/* exec[0] must be there: as given with a slash, else in the app's PATH. */
static int
find_exec(int rootfd, struct app *a)
{
	const char *path = DEFPATH, *p, *e;
	char buf[PATH_MAX];
	struct stat st;
	int i, fd;

	for (i = 0; i < a->nenv; i++)
		if (strncmp(a->env[i], "PATH=", 5) == 0)
			path = a->env[i] + 5;
	if (strchr(a->argv[0], '/'))
		path = "";
	for (p = path;; p = e + 1) {
		if ((e = strchr(p, ':')) == 0)
			e = p + strlen(p);
		if (strchr(a->argv[0], '/'))
			snprintf(buf, sizeof buf, "%s", a->argv[0]);
		else
			snprintf(buf, sizeof buf, "%.*s/%s", (int)(e - p), p,
			    a->argv[0]);
		if ((fd = in_root(rootfd, buf, O_PATH)) >= 0) {
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    (st.st_mode & 0111)) {
				fd_close(fd);
				return 0;
			}
			fd_close(fd);
		}
		if (*e == 0)
			return -1;
	}
}

/*
 * The app's mounts: apps[].mounts first, then each image mountPoint
 * joined to the pod volume of its name (what rkt's stage0 leaves to us).
 */
static int
join_mounts(struct pod *pod, struct app *a, json_t *mps, char *err,
    size_t len)
{
	json_t *ja = json_array_get(json_object_get(pod->manifest, "apps"),
	    a - pod->apps), *ms = opt(ja, "mounts"), *e;
	size_t i, n = json_array_size(ms) + json_array_size(mps);
	char p[300];
	int k, l;

	if ((a->mnts = calloc(n + 1, sizeof *a->mnts)) == 0)
		return bad(err, len, a->name, ": out of memory", 0);
	for (i = 0; i < json_array_size(ms); i++) {
		const char *vn, *path;

		e = json_array_get(ms, i);
		snprintf(p, sizeof p, "pod: apps[%ld].mounts[%zu]",
		    (long)(a - pod->apps), i);
		vn = json_string_value(json_object_get(e, "volume"));
		path = json_string_value(json_object_get(e, "path"));
		if (vn == 0 || path == 0)
			return bad(err, len, p, "needs volume and path", 0);
		for (k = 0; k < pod->nvols; k++)
			if (!strcmp(pod->vols[k].name, vn))
				break;
		if (k == pod->nvols)
			return bad(err, len, p, "no such volume: ", vn);
		/* a path, or the name of a mountPoint (older appc) */
		if (path[0] != '/') {
			size_t m;

			for (m = 0; m < json_array_size(mps); m++) {
				json_t *mp = json_array_get(mps, m);
				const char *mn = json_string_value(
				    json_object_get(mp, "name"));

				if (mn && !strcmp(mn, path))
					path = json_string_value(
					    json_object_get(mp, "path"));
			}
			if (path == 0 || path[0] != '/')
				return bad(err, len, p, ".path: not absolute",
				    0);
		}
		a->mnts[a->nmnts].vol = &pod->vols[k];
		a->mnts[a->nmnts].path = path;
		a->mnts[a->nmnts].ro = pod->vols[k].ro > 0;
		a->nmnts++;
	}
	for (i = 0; i < json_array_size(mps); i++) {
		const char *name, *path;
		json_t *ro;

		e = json_array_get(mps, i);
		snprintf(p, sizeof p, "app %s: mountPoints[%zu]", a->name, i);
		name = json_string_value(json_object_get(e, "name"));
		path = json_string_value(json_object_get(e, "path"));
		if (name == 0 || path == 0 || path[0] != '/')
			return bad(err, len, p, "needs a name and an absolute "
			    "path", 0);
		for (k = 0; k < a->nmnts; k++)
			if (!strcmp(a->mnts[k].path, path))
				break;
		if (k < a->nmnts)
			continue;
		for (k = 0; k < pod->nvols; k++)
			if (!strcmp(pod->vols[k].name, name))
				break;
		if (k == pod->nvols)
			return bad(err, len, p, "no pod volume named ", name);
		ro = json_object_get(e, "readOnly");
		a->mnts[a->nmnts].vol = &pod->vols[k];
		a->mnts[a->nmnts].path = path;
		a->mnts[a->nmnts].ro = pod->vols[k].ro >= 0 ?
		    pod->vols[k].ro : json_is_true(ro);
		a->nmnts++;
	}
	/* nested or overlapping targets are an error (appc) */
	for (k = 0; k < a->nmnts; k++) {
		const char *s = a->mnts[k].path;

		if (strstr(s, "/../") || strstr(s, "/./") ||
		    (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")) ||
		    !strcmp(s, "/"))
			return bad(err, len, a->name, ": mount target not a "
			    "plain path: ", s);
		for (l = 0; l < a->nmnts; l++) {
			size_t m = strlen(a->mnts[l].path);

			if (l != k && !strncmp(s, a->mnts[l].path, m) &&
			    (s[m] == 0 || s[m] == '/'))
				return bad(err, len, a->name, ": mount targets "
				    "overlap: ", s);
		}
	}
	return 0;
}

/* Read ./pod and every app's image manifest, and check it all: or die. */
void
pod_load(struct pod *pod, const struct flags *f)
{
	char err[512], path[PATH_MAX + 64], *text;
	unsigned long id;
	size_t n;
	int i, dfd;

	(void)f;
	if (getcwd(pod->dir, sizeof pod->dir) == 0)
		die_sys(S1_FAIL, "unable to get the pod dir");
	s1_path(pod->s1, sizeof pod->s1, "%s/stage1/rootfs", pod->dir);
	if ((dfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (text = slurp_at(dfd, "pod", &n)) == 0)
		die_sys(S1_FAIL, "unable to read ", pod->dir, "/pod");
	fd_close(dfd);
	i = pod_parse(pod, text, n, err, sizeof err);
	free(text);
	if (i < 0)
		die(S1_FAIL, "bad pod manifest: ", pod->dir, "/pod: ", err);
	for (i = 0; i < pod->nvols; i++)
		if (pod->vols[i].host && (dfd = host_source(
		    pod->vols[i].source)) < 0)
			die_sys(S1_FAIL, "volume ", pod->vols[i].name,
			    ": source ", pod->vols[i].source, errno == ELOOP ?
			    ": is or passes through a symbolic link" : "");
		else if (pod->vols[i].host)
			fd_close(dfd);
	for (i = 0; i < pod->napps; i++) {
		struct app *a = &pod->apps[i];
		json_t *img = 0, *japp, *sec;
		json_error_t je;
		const char *s;
		int rootfd;

		s1_path(path, sizeof path, "%s/opt/stage2/%s/manifest",
		    pod->s1, a->name);
		if (access(path, F_OK) == 0 &&
		    (img = json_load_file(path, 0, &je)) == 0) {
			snprintf(err, sizeof err, "line %d column %d: %s",
			    je.line, je.column, je.text);
			die(S1_FAIL, "bad image manifest: ", path, ": ", err);
		}
		a->image = img;
		sec = opt(img, "app");
		japp = opt(json_array_get(json_object_get(pod->manifest,
		    "apps"), i), "app");
		if (japp == 0) {
			if (sec == 0)
				die(S1_FAIL, "app ", a->name, ": no app section "
				    "in ", pod->dir, "/pod nor in ", path);
			if (app_section(a, sec, "app", err, sizeof err) < 0)
				die(S1_FAIL, "bad image manifest: ", path, ": ",
				    err);
			japp = sec;
		} else if (a->pre == 0 && a->post == 0 && sec &&
		    opt(sec, "eventHandlers")) {
			/* the handlers come from the image when not given */
			struct app t = *a;

			if (app_section(&t, sec, "app", err, sizeof err) < 0)
				die(S1_FAIL, "bad image manifest: ", path, ": ",
				    err);
			a->pre = t.pre;
			a->post = t.post;
		}
		if (join_mounts(pod, a, opt(sec, "mountPoints") ?
		    opt(sec, "mountPoints") :
		    opt(japp, "mountPoints"), err, sizeof err) < 0)
			die(S1_FAIL, "bad pod: ", pod->dir, "/pod: ", err);
		s1_path(a->root, sizeof a->root, "%s/opt/stage2/%s/rootfs",
		    pod->s1, a->name);
		rootfd = open(a->root, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (rootfd < 0)
			die_sys(S1_FAIL, "app ", a->name, ": unable to open ",
			    a->root);
		s = json_string_value(json_object_get(japp, "user"));
		if (s == 0 || *s == 0)
			s = "0";
		if (resolve_id(rootfd, s, "/etc/passwd", 0, &id) < 0)
			die(S1_FAIL, "app ", a->name, ": user ", s, ": not in ",
			    a->root, "/etc/passwd, not a number, not a path");
		a->uid = id;
		s = json_string_value(json_object_get(japp, "group"));
		if (s == 0 || *s == 0)
			s = "0";
		if (resolve_id(rootfd, s, "/etc/group", 1, &id) < 0)
			die(S1_FAIL, "app ", a->name, ": group ", s, ": not in ",
			    a->root, "/etc/group, not a number, not a path");
		a->gid = id;
		user_env(rootfd, a);
		if ((dfd = in_root(rootfd, a->cwd, O_PATH | O_DIRECTORY)) < 0)
			die_sys(S1_FAIL, "app ", a->name, ": workingDirectory ",
			    a->cwd, " in ", a->root);
		fd_close(dfd);
		if (find_exec(rootfd, a) < 0)
			die(S1_FAIL, "app ", a->name, ": exec ", a->argv[0],
			    ": no such executable in ", a->root,
			    strchr(a->argv[0], '/') ? "" : " (searched PATH)");
		fd_close(rootfd);
	}
}
