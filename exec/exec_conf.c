/* SPDX-License-Identifier: ISC */
/*
 * The settings of one app: a file each in <svc>/exec/, all optional, plain
 * text or NUL-separated strings, so a shell script or an admin can write
 * and read them. Everything is read before the chroot: the files live
 * outside the app's root. A bad file is exit 100 naming it.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/slurp.h"

/* the rlimit-NAME files, in the order of struct xconf's rlim[] */
static const struct {
	const char *name;
	int res;
} conf_rlimits[EXEC_NRLIMIT] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

static void *conf_alloc(size_t);
static char **conf_list(int, const char *, const char *);
static char *conf_word(int, const char *, const char *);
static long long conf_num(int, const char *, const char *,
    unsigned long long);
static int conf_uint(char **, unsigned long long, unsigned long long *);
static void conf_ids(struct xconf *, int);
static void conf_rlim(struct xconf *, int);
static void conf_bad(const char *, const char *, const char *)
    __attribute__((noreturn));

static void *
conf_alloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == 0)
		die_sys(111, "unable to allocate memory");
	return p;
}

static void
conf_bad(const char *dir, const char *name, const char *why)
{
	die(100, "bad ", dir, "/", name, ": ", why);
}

/*
 * The whole file, NUL-terminated, its length in *len (without that NUL);
 * NULL when it does not exist, or dfd is -1 (no settings dir). dir names
 * dfd in messages; an absolute name needs none ("").
 */
char *
conf_text(int dfd, const char *dir, const char *name, size_t *len)
{
	char *buf;
	int fd;

	if (dfd == -1)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		die_sys(111, "unable to open ", dir, *dir ? "/" : "", name);
	}
	if ((buf = fd_slurp(fd, len)) == 0)
		die_sys(111, "unable to read ", dir, *dir ? "/" : "", name);
	fd_close(fd);
	return buf;
}

/* NUL-terminated strings (the last NUL may be missing) as an argv. */
static char **
conf_list(int dfd, const char *dir, const char *name)
{
	size_t len, i, k = 0, n = 0;
	char *t = conf_text(dfd, dir, name, &len), **v;

	if (t == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (t[i] == 0)
			n++;
	if (len && t[len - 1])
		n++;
	v = conf_alloc((n + 1) * sizeof *v);
	for (i = 0; i < len; i += strlen(t + i) + 1)
		v[k++] = t + i;
	v[k] = 0;
	return v;
}

/* A one-line file, surrounding white space trimmed; NULL when absent. */
static char *
conf_word(int dfd, const char *dir, const char *name)
{
	size_t len;
	char *t = conf_text(dfd, dir, name, &len), *s;

	if (t == 0)
		return 0;
	if (strlen(t) != len)
		conf_bad(dir, name, "a NUL byte in a text file");
	while (len && strchr(" \t\n", t[len - 1]))
		t[--len] = 0;
	for (s = t; *s == ' ' || *s == '\t' || *s == '\n'; s++)
		;
	memmove(t, s, len - (s - t) + 1);
	return t;
}

/* The next number of a white-space separated list; 1 none left, -1 bad. */
static int
conf_uint(char **p, unsigned long long max, unsigned long long *out)
{
	char *s = *p, *e, c;
	int r;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == 0)
		return 1;
	for (e = s; *e && !strchr(" \t\n", *e); e++)
		;
	c = *e;
	*e = 0;
	r = scan_uint(s, max, out);
	*e = c;
	*p = e;
	return r;
}

/* A decimal file, -1 when absent. */
static long long
conf_num(int dfd, const char *dir, const char *name, unsigned long long max)
{
	unsigned long long v;
	char *t = conf_word(dfd, dir, name), *p = t;

	if (t == 0)
		return -1;
	if (conf_uint(&p, max, &v) != 0 || conf_uint(&p, max, &v) != 1)
		conf_bad(dir, name, "not a decimal number");
	free(t);
	return v;
}

static void
conf_ids(struct xconf *c, int dfd)
{
	unsigned long long v;
	long long n;
	char *t, *p;
	int r;

	n = conf_num(dfd, c->dir, "uid", 0xfffffffe);
	/* absent: our own, so root in a pod, and no change for a user */
	c->uid = n < 0 ? geteuid() : (uid_t)n;
	n = conf_num(dfd, c->dir, "gid", 0xfffffffe);
	c->gid = n < 0 ? getegid() : (gid_t)n;
	c->ngroups = 0;
	c->groups = 0;
	t = conf_word(dfd, c->dir, "groups");
	if (t == 0)
		return;
	c->groups = conf_alloc((strlen(t) / 2 + 1) * sizeof *c->groups);
	for (p = t; (r = conf_uint(&p, 0xfffffffe, &v)) == 0;)
		c->groups[c->ngroups++] = v;
	if (r < 0)
		conf_bad(c->dir, "groups", "not decimal gids");
	free(t);
}

/* The rlimit's index for its resource, and its name in *name. */
int
conf_rlimit_resource(int i, const char **name)
{
	*name = conf_rlimits[i].name;
	return conf_rlimits[i].res;
}

/* rlimit-NAME: "SOFT HARD", or one value for both; "unlimited" is one. */
static void
conf_rlim(struct xconf *c, int dfd)
{
	char file[32] = "rlimit-", *t, *p, *e;
	unsigned long long v[2];
	int i, k;

	for (i = 0; i < EXEC_NRLIMIT; i++) {
		strcpy(file + 7, conf_rlimits[i].name);
		c->rlim[i].set = 0;
		if ((t = conf_word(dfd, c->dir, file)) == 0)
			continue;
		for (k = 0, p = t; k < 3; k++) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			if (*p == 0)
				break;
			if (k == 2)
				conf_bad(c->dir, file, "more than two values");
			for (e = p; *e && !strchr(" \t\n", *e); e++)
				;
			if (*e)
				*e++ = 0;
			if (strcmp(p, "unlimited") == 0 ||
			    strcmp(p, "infinity") == 0)
				v[k] = RLIM_INFINITY;
			else if (scan_uint(p, RLIM_INFINITY - 1, &v[k]) < 0)
				conf_bad(c->dir, file, "not a number");
			p = e;
		}
		if (k == 0)
			conf_bad(c->dir, file, "empty");
		if (k == 1)
			v[1] = v[0];
		if (v[0] > v[1])
			conf_bad(c->dir, file, "soft limit above the hard one");
		free(t);
		c->rlim[i].set = 1;
		c->rlim[i].soft = v[0];
		c->rlim[i].hard = v[1];
	}
}

/* Read every file of the settings dir open at dfd (named dir). */
void
conf_load(struct xconf *c, int dfd, const char *dir)
{
	char *t, *p;
	unsigned long long v;
	int neg;

	c->dir = dir;
	c->name = conf_word(dfd, dir, "name");
	c->root = conf_word(dfd, dir, "root");
	if (c->root && *c->root == 0) {
		free(c->root);
		c->root = 0;
	}
	c->argv = conf_list(dfd, dir, "argv");
	c->env = conf_list(dfd, dir, "env");
	if (c->env == 0) {
		c->env = conf_alloc(sizeof *c->env);
		c->env[0] = 0;
	}
	c->prestart = conf_list(dfd, dir, "pre-start");
	c->poststop = conf_list(dfd, dir, "post-stop");
	c->cwd = conf_word(dfd, dir, "cwd");
	if (c->cwd && *c->cwd == 0) {
		free(c->cwd);
		c->cwd = 0;
	}
	c->status = conf_word(dfd, dir, "status");
	if (c->status && *c->status == 0) {
		free(c->status);
		c->status = 0;
	}
	conf_ids(c, dfd);

	/* the isolators */
	c->caps = conf_word(dfd, dir, "caps");
	c->ambient = conf_word(dfd, dir, "ambient-caps");
	c->seccomp = conf_word(dfd, dir, "seccomp");
	c->nnp = 0;
	if ((t = conf_word(dfd, dir, "no-new-privs")) != 0) {
		if (strcmp(t, "") == 0 || strcmp(t, "1") == 0)
			c->nnp = 1;
		else if (strcmp(t, "0") != 0)
			conf_bad(dir, "no-new-privs", "neither 1 nor 0");
		free(t);
	}
	c->err2out = 0;
	if ((t = conf_word(dfd, dir, "stderr")) != 0) {
		if (strcmp(t, "stdout") == 0)
			c->err2out = 1;
		else
			conf_bad(dir, "stderr", "not stdout");
		free(t);
	}
	c->oom = EXEC_NOOOM;
	if ((t = conf_word(dfd, dir, "oom-score-adj")) != 0) {
		neg = *t == '-';
		p = t + neg;
		if (conf_uint(&p, 1000, &v) != 0 || conf_uint(&p, 1, &v) != 1)
			conf_bad(dir, "oom-score-adj", "not -1000 to 1000");
		c->oom = neg ? -(long long)v : (long long)v;
		free(t);
	}
	conf_rlim(c, dfd);
	c->memory_max = conf_num(dfd, dir, "memory-max", 1ULL << 62);
	c->cpu_max = conf_num(dfd, dir, "cpu-max", 1ULL << 40);
	c->pids_max = conf_num(dfd, dir, "pids-max", 1ULL << 40);
}
