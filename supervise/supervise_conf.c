/* SPDX-License-Identifier: ISC */
/*
 * Service settings: one small file per setting in the service dir (as s6's
 * timeout-kill or notification-fd), read again at every start so an edit
 * needs no restart of the supervisor. A bad value is warned about and the
 * default used: a typo must not keep a service down.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/kv.h"
#include "supervise/supervise.h"

static int conf_file(int, const char *, char *, size_t);
static unsigned conf_uint(struct svc *, const char *, unsigned, unsigned,
    unsigned);
static int conf_ready(struct svc *, const char *);

/* Read a file of at most len-1 bytes into buf, NUL-terminated, trimmed. */
static int
conf_file(int dfd, const char *name, char *buf, size_t len)
{
	int fd, n;

	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = fd_read_nointr(fd, buf, len - 1);
	fd_close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
	    buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		n--;
	buf[n] = 0;
	return n;
}

static unsigned
conf_uint(struct svc *s, const char *name, unsigned def, unsigned min,
    unsigned max)
{
	char buf[32];
	unsigned long long n;

	if (conf_file(s->dfd, name, buf, sizeof buf) < 0) {
		if (errno != ENOENT)
			warn_sys("unable to read ", s->dir, "/", name);
		return def;
	}
	if (scan_uint(buf, max, &n) < 0 || n < min) {
		warn("bad number in ", s->dir, "/", name, ": ", buf,
		    ": using the default");
		return def;
	}
	return n;
}

/*
 * Defaults: restart at once, then 100 ms doubling to 30 s, forgiven after
 * 10 s up; KILL 5 s after TERM, within sv's 7 s wait; never give up.
 */
void
conf_read(struct svc *s)
{
	struct conf *c = &s->conf;
	char buf[32];

	c->restart = RESTART_ALWAYS;
	if (!s->islog && conf_file(s->dfd, "restart", buf, sizeof buf) >= 0) {
		if (strcmp(buf, "on-failure") == 0)
			c->restart = RESTART_ON_FAILURE;
		else if (strcmp(buf, "never") == 0)
			c->restart = RESTART_NEVER;
		else if (strcmp(buf, "always") != 0)
			warn("bad policy in ", s->dir, "/restart: ", buf,
			    ": using always");
	}
	c->backoff_min = conf_uint(s, "backoff-min", 100, 1, 86400000);
	c->backoff_max = conf_uint(s, "backoff-max", 30000, 1, 86400000);
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;
	c->backoff_reset = conf_uint(s, "backoff-reset", 10000, 0, 86400000);
	c->timeout_kill = conf_uint(s, "timeout-kill", 5000, 0, 86400000);
	c->giveup_count = conf_uint(s, "give-up-count", 0, 0, 1000000);
	c->giveup_window = conf_uint(s, "give-up-window", 60000, 1, 86400000);
	/* 0, 1 and 2 are the app's stdio */
	c->notify_fd = conf_uint(s, "notification-fd", 0, 3, 1023);
}

/* Is sibling service name ready? Its supervise/pod1 file says so. */
static int
conf_ready(struct svc *s, const char *name)
{
	char path[300] = "../", buf[512];
	size_t len = strlen(name);
	const char *v;

	if (len == 0 || len > 255 || strchr(name, '/') ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		warn("bad service name in ", s->dir, "/depends: ", name);
		return 1;
	}
	memcpy(path + 3, name, len);
	memcpy(path + 3 + len, "/supervise/pod1", 16);
	if (conf_file(s->dfd, path, buf, sizeof buf) < 0)
		return 0;
	v = kv_get(buf, "ready");
	return v && v[0] == '1';
}

/*
 * Returns 1 and names the first dependency in s->waitfor while one of the
 * services listed in `depends` is not ready, else 0.
 */
int
conf_deps_wait(struct svc *s)
{
	char buf[1024], *p, *name;

	s->waitfor[0] = 0;
	if (s->islog || conf_file(s->dfd, "depends", buf, sizeof buf) < 0)
		return 0;
	for (p = buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == 0)
			break;
		name = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)
			*p++ = 0;
		if (*name == '#' || conf_ready(s, name))
			continue;
		if (strlen(name) < sizeof s->waitfor)
			strcpy(s->waitfor, name);
		else
			strcpy(s->waitfor, "?");
		return 1;
	}
	return 0;
}
