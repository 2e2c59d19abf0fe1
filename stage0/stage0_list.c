/* SPDX-License-Identifier: ISC */
/*
 * Pods after prepare, read the way rkt reads them: the state is the dir a
 * pod is in plus its flock (pods/run/ and locked is running), pid and
 * times come from files and their mtimes, and each app's exit status,
 * supervisor state and log dir from what the stage1 writes under
 * stage1/rootfs/rkt/. Also enter, stop, gc and rm through the stage1's
 * entrypoints, with cwd the pod dir as rkt does.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/err.h"
#include "lib/kv.h"
#include "stage0/stage0.h"

static const char *const sdirs[] = {
	"prepare", "prepared", "run", "exited-garbage", "garbage", NULL
};

static const char *state_name(const char *, const char *);
static char **pod_uuids(const char *, const char *, size_t *);
static void uuids_free(char **, size_t);
static json_t *pod_json(const char *, const char *, const char *);
static void delete_pod(const char *, const char *, const char *, int, int);
static int run_entry(const char *, const char *, char **);

static char *
pod_path(const char *dir, const char *sdir, const char *uuid)
{
	char *p;

	if (asprintf(&p, "%s/pods/%s/%s", dir, sdir, uuid) < 0)
		die_sys(111, "unable to allocate");
	return p;
}

/* 1 when some process holds the pod dir's flock, 0 if not, -1 if gone. */
int
pod_locked(const char *pd)
{
	int fd = open(pd, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return r;
}

static const char *
state_name(const char *sdir, const char *pd)
{
	int l = pod_locked(pd);

	if (strcmp(sdir, "prepare") == 0)
		return l == 1 ? "preparing" : "aborted prepare";
	if (strcmp(sdir, "run") == 0)
		return l == 1 ? "running" : "exited";
	if (strcmp(sdir, "exited-garbage") == 0)
		return "exited garbage";
	return sdir;
}

/*
 * Find the pod whose uuid starts with prefix; its state dir and uuid
 * (allocated). 0 when found, -1 when not; ambiguity is an error.
 */
static int
uuidcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The pods in the state dir pods/SDIR: their uuids, sorted, in an array
 * for uuids_free(); *n how many. A state dir that cannot be read has
 * none.
 */
static char **
pod_uuids(const char *dir, const char *sdir, size_t *n)
{
	char *q = fs_join3(dir, "pods", sdir), **u = NULL;
	struct dirent *de;
	DIR *d = opendir(q);

	free(q);
	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (!uuid_ok(de->d_name))
			continue;
		if ((u = realloc(u, (*n + 1) * sizeof *u)) == NULL ||
		    (u[*n] = strdup(de->d_name)) == NULL)
			die_sys(111, "unable to allocate");
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(u, *n, sizeof *u, uuidcmp);
	return u;
}

static void
uuids_free(char **u, size_t n)
{
	while (n > 0)
		free(u[--n]);
	free(u);
}

int
pods_find(const char *dir, const char *prefix, char **sdir, char **uuid)
{
	char **u;
	size_t n, j;
	int i, found = 0;

	if (*prefix == 0)
		die(100, "empty pod uuid");
	for (i = 0; sdirs[i]; i++) {
		u = pod_uuids(dir, sdirs[i], &n);
		for (j = 0; j < n; j++) {
			if (strncmp(u[j], prefix, strlen(prefix)) != 0)
				continue;
			if (found++ > 0)
				die(100, "pod uuid ", prefix, " is ambiguous");
			*sdir = (char *)sdirs[i];
			*uuid = strdup(u[j]);
		}
		uuids_free(u, n);
	}
	return found ? 0 : -1;
}

/* The pid enter targets: pid, or the only child of ppid; -1 if none. */
int
pod_pid(const char *pd)
{
	char *p = fs_join(pd, "pid"), *b, c[64];
	int pid = -1;

	if ((b = fs_readfile(p, NULL)) != NULL) {
		pid = atoi(b);
		free(b);
	}
	free(p);
	if (pid > 0)
		return pid;
	p = fs_join(pd, "ppid");
	if ((b = fs_readfile(p, NULL)) != NULL) {
		snprintf(c, sizeof c, "/proc/%d/task/%d/children", atoi(b),
		    atoi(b));
		free(b);
		if ((b = fs_readfile(c, NULL)) != NULL) {
			pid = atoi(b) > 0 ? atoi(b) : -1;
			free(b);
		}
	}
	free(p);
	return pid;
}

/* The host path of a stage1 entrypoint named in stage1/manifest. */
char *
stage1_entry(const char *pd, const char *name, int *ver)
{
	char *p = fs_join(pd, "stage1/manifest"), *b, key[80], *r = NULL;
	json_t *m, *x;
	size_t i;

	*ver = 1;
	b = fs_readfile(p, NULL);
	free(p);
	if (b == NULL || (m = json_loads(b, 0, NULL)) == NULL) {
		free(b);
		return NULL;
	}
	snprintf(key, sizeof key, "coreos.com/rkt/stage1/%s", name);
	json_array_foreach(json_object_get(m, "annotations"), i, x) {
		const char *n = json_string_value(json_object_get(x, "name"));
		const char *v = json_string_value(json_object_get(x, "value"));

		if (!n || !v)
			continue;
		if (strcmp(n, "coreos.com/rkt/stage1/interface-version") == 0)
			*ver = atoi(v);
		if (strcmp(n, key) == 0 && r == NULL)
			if (asprintf(&r, "%s/stage1/rootfs%s", pd, v) < 0)
				die_sys(111, "unable to allocate");
	}
	json_decref(m);
	free(b);
	return r;
}

/* A file of the stage1 rootfs, or its copy in the overlay's upper dir. */
static char *
s1file(const char *pd, const char *rel)
{
	char *p, *b, *id;

	if (asprintf(&p, "%s/stage1/rootfs/%s", pd, rel) < 0)
		die_sys(111, "unable to allocate");
	if ((b = fs_readfile(p, NULL)) != NULL || errno != ENOENT) {
		free(p);
		return b;
	}
	free(p);
	p = fs_join(pd, "stage1TreeStoreID");
	id = fs_readfile(p, NULL);
	free(p);
	if (id == NULL)
		return NULL;
	if (asprintf(&p, "%s/overlay/%s/upper/%s", pd, id, rel) < 0)
		die_sys(111, "unable to allocate");
	b = fs_readfile(p, NULL);
	free(p);
	free(id);
	return b;
}

static long long
mtime_of(const char *pd, const char *name)
{
	struct stat st;
	char *p = fs_join(pd, name);
	int r = stat(p, &st);

	free(p);
	return r < 0 ? -1 : (long long)st.st_mtime;
}

static void
age(long long t, char *out, size_t n)
{
	long long d = time(NULL) - t;

	if (t < 0)
		snprintf(out, n, "-");
	else if (d < 120)
		snprintf(out, n, "%llds", d < 0 ? 0 : d);
	else if (d < 7200)
		snprintf(out, n, "%lldm", d / 60);
	else if (d < 172800)
		snprintf(out, n, "%lldh", d / 3600);
	else
		snprintf(out, n, "%lldd", d / 86400);
}

static void
isotime(long long t, char *out, size_t n)
{
	time_t tt = t;

	if (t < 0)
		snprintf(out, n, "-");
	else
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
}

/* What list and status show of a pod, as JSON. */
static json_t *
pod_json(const char *dir, const char *sdir, const char *uuid)
{
	char *pd = pod_path(dir, sdir, uuid), *b, *sv, rel[300], t[32];
	const char *st = state_name(sdir, pd), *v;
	json_t *j, *apps, *pm, *a, *x;
	size_t i;
	int running = strcmp(st, "running") == 0, pid;

	j = json_pack("{s:s,s:s}", "uuid", uuid, "state", st);
	pid = strcmp(sdir, "run") == 0 ? pod_pid(pd) : -1;
	if (pid > 0)
		json_object_set_new(j, "pid", json_integer(pid));
	isotime(mtime_of(pd, "pod-created"), t, sizeof t);
	json_object_set_new(j, "created", json_string(t));
	if (mtime_of(pd, "pid") >= 0 || mtime_of(pd, "ppid") >= 0) {
		isotime(mtime_of(pd, "pid") >= 0 ? mtime_of(pd, "pid") :
		    mtime_of(pd, "ppid"), t, sizeof t);
		json_object_set_new(j, "started", json_string(t));
	}
	apps = json_array();
	json_object_set_new(j, "apps", apps);
	b = fs_join(pd, "pod");
	pm = json_load_file(b, 0, NULL);
	free(b);
	json_array_foreach(json_object_get(pm, "apps"), i, x) {
		const char *name;

		name = json_string_value(json_object_get(x, "name"));

		if (name == NULL)
			continue;
		a = json_pack("{s:s,s:s?}", "name", name, "image",
		    json_string_value(json_object_get(json_object_get(x,
		    "image"), "name")));
		snprintf(rel, sizeof rel, "rkt/status/%s", name);
		if ((b = s1file(pd, rel)) != NULL) {
			json_object_set_new(a, "exit", json_integer(atoi(b)));
			free(b);
		}
		snprintf(rel, sizeof rel, "rkt/service/%s/supervise/pod1",
		    name);
		sv = s1file(pd, rel);
		if (sv && (v = kv_get(sv, "state")) != NULL)
			json_object_set_new(a, "state", json_stringn(v,
			    strcspn(v, "\n")));
		else
			json_object_set_new(a, "state", json_string(
			    json_object_get(a, "exit") ? "exited" :
			    running ? "running" : "-"));
		if (running && strcmp(json_string_value(json_object_get(a,
		    "state")), "exited") == 0 && !json_object_get(a, "exit"))
			json_object_set_new(a, "state", json_string("running"));
		json_object_set_new(a, "restarts", json_integer(sv &&
		    kv_get(sv, "restarts") ? atoi(kv_get(sv, "restarts")) : 0));
		if (sv && (v = kv_get(sv, "last-exit")) != NULL)
			json_object_set_new(a, "last-exit",
			    json_integer(atoi(v)));
		if (sv && (v = kv_get(sv, "last-signal")) != NULL &&
		    atoi(v) > 0)
			json_object_set_new(a, "last-signal",
			    json_integer(atoi(v)));
		free(sv);
		if (asprintf(&b, "%s/stage1/rootfs/rkt/log/%s", pd, name) < 0)
			die_sys(111, "unable to allocate");
		json_object_set_new(a, "log", json_string(b));
		free(b);
		json_array_append_new(apps, a);
	}
	json_decref(pm);
	free(pd);
	return j;
}

static void
app_status(json_t *a, char *out, size_t n)
{
	const char *s = json_string_value(json_object_get(a, "state"));
	json_t *e = json_object_get(a, "exit");

	if (e && (!s || strcmp(s, "up") != 0))
		snprintf(out, n, "exited %lld",
		    (long long)json_integer_value(e));
	else
		snprintf(out, n, "%s", s ? s : "-");
}

/* The app columns of list and status. */
static void
app_line(json_t *a)
{
	const char *img = json_string_value(json_object_get(a, "image"));
	char st[48];

	app_status(a, st, sizeof st);
	printf("%-12s %-28s %-10s %-8lld %s\n",
	    json_string_value(json_object_get(a, "name")), img ? img : "-", st,
	    (long long)json_integer_value(json_object_get(a, "restarts")),
	    json_string_value(json_object_get(a, "log")));
}

/* pod1 list [--full] [--no-legend] [--format=json] */
int
pods_list(const char *dir, int json, int full, int nolegend)
{
	json_t *all = json_array(), *p, *a;
	char **u, *s, ag[32], pid[32], when[32];
	size_t n, i, j;
	int k;

	for (k = 0; sdirs[k]; k++) {
		u = pod_uuids(dir, sdirs[k], &n);
		for (i = 0; i < n; i++)
			json_array_append_new(all,
			    pod_json(dir, sdirs[k], u[i]));
		uuids_free(u, n);
	}
	if (json) {
		s = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(all);
		return 0;
	}
	if (!nolegend)
		printf("%-*s %-15s %-7s %-5s %-12s %-28s %-10s %-8s %s\n",
		    full ? 36 : 8, "UUID", "STATE", "PID", "AGE", "APP",
		    "IMAGE", "STATUS", "RESTARTS", "LOG");
	json_array_foreach(all, i, p) {
		const char *started = json_string_value(json_object_get(p,
		    "started"));
		struct tm tm;

		if (json_object_get(p, "pid"))
			snprintf(pid, sizeof pid, "%lld", (long long)
			    json_integer_value(json_object_get(p, "pid")));
		else
			snprintf(pid, sizeof pid, "-");
		/* age from the start if started, else from creation */
		snprintf(when, sizeof when, "%s", started ? started :
		    json_string_value(json_object_get(p, "created")));
		memset(&tm, 0, sizeof tm);
		if (strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
			age(timegm(&tm), ag, sizeof ag);
		else
			snprintf(ag, sizeof ag, "-");
		printf("%-*.*s %-15s %-7s %-5s", full ? 36 : 8, full ? 36 : 8,
		    json_string_value(json_object_get(p, "uuid")),
		    json_string_value(json_object_get(p, "state")), pid, ag);
		json_array_foreach(json_object_get(p, "apps"), j, a) {
			if (j > 0)
				printf("%-*s %-15s %-7s %-5s",
				    full ? 36 : 8, "", "", "", "");
			putchar(' ');
			app_line(a);
		}
		if (json_array_size(json_object_get(p, "apps")) == 0)
			printf("\n");
	}
	json_decref(all);
	return 0;
}

/* pod1 status UUID: rkt's key=value lines, then a line per app. */
int
pods_status(const char *dir, const char *prefix, int json)
{
	char *sdir, *uuid, *s;
	json_t *p, *a;
	size_t i;

	if (pods_find(dir, prefix, &sdir, &uuid) < 0)
		die(100, "no pod ", prefix);
	p = pod_json(dir, sdir, uuid);
	if (json) {
		s = json_dumps(p, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(p);
		free(uuid);
		return 0;
	}
	printf("uuid=%s\nstate=%s\ncreated=%s\n", uuid,
	    json_string_value(json_object_get(p, "state")),
	    json_string_value(json_object_get(p, "created")));
	if (json_object_get(p, "started"))
		printf("started=%s\n", json_string_value(json_object_get(p,
		    "started")));
	if (json_object_get(p, "pid"))
		printf("pid=%lld\n", (long long)json_integer_value(
		    json_object_get(p, "pid")));
	printf("exited=%s\n", strcmp(json_string_value(json_object_get(p,
	    "state")), "exited") == 0 ? "true" : "false");
	json_array_foreach(json_object_get(p, "apps"), i, a)
		if (json_object_get(a, "exit"))
			printf("app-%s=%lld\n", json_string_value(
			    json_object_get(a, "name")), (long long)
			    json_integer_value(json_object_get(a, "exit")));
	printf("\n%-12s %-28s %-10s %-8s %s\n", "APP", "IMAGE", "STATUS",
	    "RESTARTS", "LOG");
	json_array_foreach(json_object_get(p, "apps"), i, a) {
		app_line(a);
	}
	json_decref(p);
	free(uuid);
	return 0;
}

/* pod1 enter [--app=NAME] UUID [CMD...]: exec the stage1's enter. */
int
pods_enter(const char *dir, const char *prefix, const char *app, char **cmd,
    int debug)
{
	char *sdir, *uuid, *pd, *entry, **argv, pidarg[32], *appname;
	json_t *pm, *apps;
	size_t n = 0, i;
	int pid, ver, tries;

	(void)debug;
	if (pods_find(dir, prefix, &sdir, &uuid) < 0)
		die(100, "no pod ", prefix);
	pd = pod_path(dir, sdir, uuid);
	if (strcmp(sdir, "run") != 0 || pod_locked(pd) != 1)
		die(100, "pod ", uuid, " is not running");
	/* rkt polls for the pid file while the pod runs */
	for (tries = 0; (pid = pod_pid(pd)) < 0 && tries < 100; tries++) {
		if (pod_locked(pd) != 1)
			die(100, "pod ", uuid, " is not running");
		cleanup_check();
		usleep(100000);
	}
	if (pid < 0)
		die(111, "pod ", uuid, " has no pid yet");
	if ((entry = stage1_entry(pd, "enter", &ver)) == NULL)
		die(100, "the stage1 of pod ", uuid, " has no enter");
	appname = (char *)app;
	if (appname == NULL) {
		char *p = fs_join(pd, "pod");

		pm = json_load_file(p, 0, NULL);
		free(p);
		apps = json_object_get(pm, "apps");
		if (json_array_size(apps) != 1)
			die(100, "pod ", uuid,
			    " has several apps: give --app=");
		appname = strdup(json_string_value(json_object_get(
		    json_array_get(apps, 0), "name")));
		json_decref(pm);
	}
	for (; cmd && cmd[n]; n++)
		;
	if ((argv = calloc(n + 6, sizeof *argv)) == NULL)
		die_sys(111, "unable to allocate");
	snprintf(pidarg, sizeof pidarg, "--pid=%d", pid);
	argv[0] = entry;
	argv[1] = pidarg;
	if (asprintf(&argv[2], "--appname=%s", appname) < 0)
		die_sys(111, "unable to allocate");
	argv[3] = "--";
	if (n == 0)
		argv[4] = "/bin/sh";
	for (i = 0; i < n; i++)
		argv[4 + i] = cmd[i];
	if (chdir(pd) < 0)
		die_sys(111, "unable to chdir to ", pd);
	execv(entry, argv);
	die_sys(errno == ENOENT ? 127 : 126, "unable to exec ", entry);
}

/* Run a stage1 entrypoint as a child, cwd pd; its exit status. */
static int
run_entry(const char *pd, const char *entry, char **argv)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		die_sys(111, "unable to fork");
	if (pid == 0) {
		if (chdir(pd) < 0) {
			warn_sys("unable to chdir to ", pd);
			_exit(111);
		}
		execv(entry, argv);
		warn_sys("unable to exec ", entry);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_sys(111, "unable to wait for ", entry);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* pod1 stop [--force] UUID... */
int
pods_stop(const char *dir, char **uuids, int force, int debug)
{
	char *sdir, *uuid, *pd, *entry, *argv[5];
	int rc = 0, ver, n, r;

	(void)debug;
	for (; *uuids; uuids++) {
		if (pods_find(dir, *uuids, &sdir, &uuid) < 0) {
			warn("no pod ", *uuids);
			rc = 1;
			continue;
		}
		pd = pod_path(dir, sdir, uuid);
		if (strcmp(sdir, "run") != 0 || pod_locked(pd) != 1) {
			warn("pod ", uuid, " is not running");
			rc = 1;
		} else if ((entry = stage1_entry(pd, "stop", &ver)) == NULL) {
			warn("the stage1 of pod ", uuid, " has no stop");
			rc = 1;
		} else {
			n = 0;
			argv[n++] = entry;
			if (force)
				argv[n++] = "--force";
			argv[n++] = uuid;
			argv[n] = NULL;
			if ((r = run_entry(pd, entry, argv)) != 0) {
				warn("stage1 stop of pod ", uuid, " failed");
				rc = 1;
			} else
				printf("%s\n", uuid);
			free(entry);
		}
		free(pd);
		free(uuid);
	}
	return rc;
}

/*
 * Delete a pod that is in sdir, locked by us: stage1 gc for a pod that
 * ran, then unmount everything below it and remove it.
 */
static void
delete_pod(const char *dir, const char *sdir, const char *uuid, int gc,
    int debug)
{
	char *pd = pod_path(dir, sdir, uuid), *entry, *argv[6];
	int fd, ver, n = 0;

	if ((fd = open(pd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		free(pd);
		return;
	}
	if (gc && (entry = stage1_entry(pd, "gc", &ver)) != NULL) {
		argv[n++] = entry;
		if (debug)
			argv[n++] = "--debug";
		if (ver >= 5) {
			argv[n++] = "--local-config";
			argv[n++] = "/etc/rkt";
		}
		argv[n++] = (char *)uuid;
		argv[n] = NULL;
		if (run_entry(pd, entry, argv) != 0)
			warn("stage1 gc of pod ", uuid, " failed");
		free(entry);
	}
	fs_umount_under(pd);
	if (fs_rmtree(pd) < 0)
		warn_sys("unable to remove ", pd);
	close(fd);
	free(pd);
}

/* Move a pod between state dirs, holding its lock. 0 on success. */
static int
move_pod(const char *dir, const char *from, const char *to, const char *uuid)
{
	char *a = pod_path(dir, from, uuid), *b = pod_path(dir, to, uuid), *t;
	int fd, r = -1;

	t = fs_join3(dir, "pods", to);
	fs_mkdirs(t, 0700);
	free(t);
	if ((fd = open(a, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			r = rename(a, b);
		close(fd);
	}
	free(a);
	free(b);
	return r;
}

/* pod1 gc [--grace-period=SECS] [--expire-prepared=SECS] */
int
pods_gc(const char *dir, long grace, long expire, int debug)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char *q, *pd, **u;
	size_t n, i;
	int k;
	time_t now = time(NULL);

	/* prepare, prepared, run: what has ended or expired goes to garbage */
	for (k = 0; k < 3; k++) {
		q = fs_join3(dir, "pods", sdirs[k]);
		u = pod_uuids(dir, sdirs[k], &n);
		for (i = 0; i < n; i++) {
			pd = fs_join(q, u[i]);
			if (stat(pd, &st) < 0) {
				free(pd);
				continue;
			}
			if (strcmp(sdirs[k], "run") == 0) {
				if (move_pod(dir, "run", "exited-garbage",
				    u[i]) == 0)
					printf("moving pod %s to garbage\n",
					    u[i]);
			} else if (strcmp(sdirs[k], "prepare") == 0) {
				move_pod(dir, "prepare", "garbage", u[i]);
			} else if (now - st.st_mtime >= expire) {
				move_pod(dir, "prepared", "garbage", u[i]);
			}
			free(pd);
		}
		uuids_free(u, n);
		free(q);
	}
	/* exited-garbage, garbage: removed after the grace period */
	for (k = 3; sdirs[k]; k++) {
		q = fs_join3(dir, "pods", sdirs[k]);
		u = pod_uuids(dir, sdirs[k], &n);
		for (i = 0; i < n; i++) {
			pd = fs_join(q, u[i]);
			/* the rename into the garbage dir set the ctime */
			if (stat(pd, &st) == 0 && now - st.st_ctime >= grace) {
				printf("garbage collecting pod %s\n", u[i]);
				delete_pod(dir, sdirs[k], u[i], k == 3, debug);
			}
			free(pd);
		}
		uuids_free(u, n);
		free(q);
	}
	/* the work dirs of imports that were killed (SIGKILL, power) */
	q = fs_join(dir, "cas/tmp");
	if ((d = opendir(q)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "unpack.", 7) != 0)
				continue;
			pd = fs_join(q, de->d_name);
			if (stat(pd, &st) == 0 && now - st.st_mtime > 3600 &&
			    fs_rmtree(pd) < 0)
				warn_sys("unable to remove ", pd);
			free(pd);
		}
		closedir(d);
	}
	free(q);
	return 0;
}

/* pod1 rm UUID...: gc one pod now; a running pod is refused. */
int
pods_rm(const char *dir, char **uuids, int debug)
{
	char *sdir, *uuid, *pd;
	int rc = 0;

	for (; *uuids; uuids++) {
		if (pods_find(dir, *uuids, &sdir, &uuid) < 0) {
			warn("no pod ", *uuids);
			rc = 1;
			continue;
		}
		pd = pod_path(dir, sdir, uuid);
		if (pod_locked(pd) == 1) {
			warn("pod ", uuid, " is ",
			    strcmp(sdir, "run") == 0 ? "running" : "busy");
			rc = 1;
		} else if (strcmp(sdir, "run") == 0) {
			if (move_pod(dir, "run", "exited-garbage", uuid) == 0)
				delete_pod(dir, "exited-garbage", uuid, 1,
				    debug);
			printf("%s\n", uuid);
		} else if (strcmp(sdir, "exited-garbage") == 0) {
			delete_pod(dir, sdir, uuid, 1, debug);
			printf("%s\n", uuid);
		} else {
			if (strcmp(sdir, "garbage") == 0 ||
			    move_pod(dir, sdir, "garbage", uuid) == 0)
				delete_pod(dir, "garbage", uuid, 0, debug);
			printf("%s\n", uuid);
		}
		free(pd);
		free(uuid);
	}
	return rc;
}
