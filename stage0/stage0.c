/* SPDX-License-Identifier: ISC */
/*
 * pod1: the stage0. rkt's command line and pod dirs: images become a pod
 * dir and pod1 execs a stage1 (ours by default) to run it; list, status,
 * enter, stop, gc and rm manage pods afterwards, rkt's and pod1's alike.
 * This file parses the command line; stage0_*.c do the work.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fd.h"
#include "stage0/stage0.h"

#define USAGE "pod1 [--dir=DIR] [--debug] [--insecure-options=LIST] " \
	"run|prepare|run-prepared|list|status|enter|stop|gc|rm|" \
	"image list|rm|import|version ... (see pod1(1))"

struct cli {
	const char *dir;
	int debug, insecure;
};

static const char *flagval(char **, int *, const char *);
static int flagbool(char **, int, const char *, int *);
static int insecure_parse(const char *);
static long duration(const char *);
static int cmd_run(struct cli *, int, char **, int);
static int cmd_run_prepared(struct cli *, int, char **);

/* The value of flag name at argv[*i], or NULL if it is not that flag. */
static const char *
flagval(char **argv, int *i, const char *name)
{
	const char *v;
	int r = flag_value(argv, i, name, &v);

	if (r < 0)
		die(100, "--", name, " needs a value");
	return r ? v : NULL;
}

static int
flagbool(char **argv, int i, const char *name, int *v)
{
	return flag_bool(argv, i, name, v);
}

static int
insecure_parse(const char *s)
{
	int f = 0;

	if (flag_insecure(s, &f) < 0)
		die(100, "unknown word in --insecure-options=", s);
	return f;
}

static long
duration(const char *s)
{
	long d = flag_duration(s);

	if (d < 0)
		die(100, "bad duration: ", s, " (like 30m, 24h, 0s)");
	return d;
}

static void
kvl_dup(struct kvlist *l)
{
	char **v = l->v;
	size_t i, n = l->n;

	l->v = NULL;
	l->n = 0;
	for (i = 0; i < n; i++)
		kv_add(l, v[i]);
}

/* One app flag into a; 1 if argv[*i] was one. */
static int
app_flag(struct app *a, char **argv, int *i)
{
	const char *v;

	if ((v = flagval(argv, i, "exec")))
		a->exec = v;
	else if ((v = flagval(argv, i, "user")))
		a->user = v;
	else if ((v = flagval(argv, i, "group")))
		a->group = v;
	else if ((v = flagval(argv, i, "working-dir")))
		a->workdir = v;
	else if ((v = flagval(argv, i, "memory")))
		a->memory = v;
	else if ((v = flagval(argv, i, "cpu")))
		a->cpu = v;
	else if ((v = flagval(argv, i, "caps-retain")))
		a->capsretain = v;
	else if ((v = flagval(argv, i, "caps-remove")))
		a->capsremove = v;
	else if ((v = flagval(argv, i, "seccomp")))
		a->seccomp = v;
	else if ((v = flagval(argv, i, "restart")))
		a->restart = v;
	else if ((v = flagval(argv, i, "mount")))
		kv_add(&a->mounts, v);
	else if ((v = flagval(argv, i, "environment")))
		kv_add(&a->env, v);
	else if ((v = flagval(argv, i, "name"))) {
		if (strlen(v) >= sizeof a->name)
			die(100, "app name too long: ", v);
		strcpy(a->name, v);
	} else if (flagbool(argv, *i, "readonly-rootfs", &a->readonly))
		;
	else
		return 0;
	return 1;
}

/* One pod flag into p; 1 if argv[*i] was one. */
static int
pod_flag(struct pod *p, struct cli *c, char **argv, int *i)
{
	const char *v;

	if ((v = flagval(argv, i, "net")))
		p->net = v;
	else if ((v = flagval(argv, i, "dns")))
		kv_add(&p->dns, v);
	else if ((v = flagval(argv, i, "hostname")))
		p->hostname = v;
	else if ((v = flagval(argv, i, "ipc")))
		p->ipc = v;
	else if (flagbool(argv, *i, "interactive", &p->interactive))
		;
	else if (flagbool(argv, *i, "debug", &c->debug))
		;
	else if ((v = flagval(argv, i, "insecure-options")))
		c->insecure |= insecure_parse(v);
	else
		return 0;
	return 1;
}

/* pod1 run|prepare [flags] IMAGE [app flags] [-- ARGS] [--- IMAGE ...] */
static int
cmd_run(struct cli *c, int argc, char **argv, int run)
{
	struct pod p;
	struct app defaults, *a = NULL;
	const char *v;
	char uuid[40], *pd;
	int i, fd;

	memset(&p, 0, sizeof p);
	memset(&defaults, 0, sizeof defaults);
	for (i = 1; i < argc; i++) {
		if (a == NULL || argv[i][0] == '-') {
			if (strcmp(argv[i], "---") == 0) {
				a = NULL;
				continue;
			}
			if (a && strcmp(argv[i], "--") == 0) {
				/* the app's args, up to the next --- */
				a->hasargs = 1;
				for (i++; i < argc && strcmp(argv[i], "---");
				    i++)
					kv_add(&a->args, argv[i]);
				a = NULL;
				continue;
			}
			if (app_flag(a ? a : &defaults, argv, &i))
				continue;
			if (pod_flag(&p, c, argv, &i))
				continue;
			if ((v = flagval(argv, &i, "stage1-path")))
				p.stage1 = v;
			else if ((v = flagval(argv, &i, "volume")))
				kv_add(&p.volumes, v);
			else if ((v = flagval(argv, &i, "set-env")))
				kv_add(a ? &a->env : &p.env, v);
			else if ((v = flagval(argv, &i, "set-env-file")))
				kv_add(&p.envfiles, v);
			else if ((v = flagval(argv, &i, "uuid-file-save")))
				p.uuidfile = v;
			else if (flagbool(argv, i, "inherit-env",
			    &p.inheritenv))
				;
			else if (flagbool(argv, i, "no-overlay", &p.nooverlay))
				;
			else if (argv[i][0] == '-')
				die(100, "unknown flag ", argv[i]);
			else
				goto image;
			continue;
		}
image:
		p.apps = realloc(p.apps, (p.napps + 1) * sizeof *p.apps);
		if (p.apps == NULL)
			die_sys(111, "unable to allocate");
		a = &p.apps[p.napps++];
		*a = defaults;
		kvl_dup(&a->env);
		kvl_dup(&a->mounts);
		memset(&a->args, 0, sizeof a->args);
		a->ref = argv[i];
	}
	if (p.napps == 0)
		die(100, "no image to run: pod1 ", argv[0],
		    " [flags] IMAGE ...");
	p.dir = c->dir;
	p.debug = c->debug;
	p.insecure = c->insecure;
	fd = pod_prepare(&p, run, uuid);
	if (!run) {
		printf("%s\n", uuid);
		return 0;
	}
	pd = fs_join3(c->dir, "pods/run", uuid);
	pod_exec_run(&p, pd, fd);
}

/* pod1 run-prepared [flags] UUID */
static int
cmd_run_prepared(struct cli *c, int argc, char **argv)
{
	struct pod p;
	const char *prefix = NULL;
	char *sdir, *uuid, *from, *to, *t;
	int i, fd;

	memset(&p, 0, sizeof p);
	for (i = 1; i < argc; i++) {
		if (pod_flag(&p, c, argv, &i))
			continue;
		if (argv[i][0] == '-' || prefix)
			die(100, "usage: pod1 run-prepared [flags] UUID");
		prefix = argv[i];
	}
	if (prefix == NULL)
		die(100, "usage: pod1 run-prepared [flags] UUID");
	p.debug = c->debug;
	p.insecure = c->insecure;
	if (pods_find(c->dir, prefix, &sdir, &uuid) < 0)
		die(100, "no pod ", prefix);
	if (strcmp(sdir, "prepared") != 0)
		die(100, "pod ", uuid, " is not prepared");
	from = fs_join3(c->dir, "pods/prepared", uuid);
	t = fs_join(c->dir, "pods/run");
	fs_mkdirs(t, 0700);
	to = fs_join(t, uuid);
	if ((fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    flock(fd, LOCK_EX | LOCK_NB) < 0)
		die_sys(111, "unable to lock ", from);
	if (rename(from, to) < 0)
		die_sys(111, "unable to rename ", from);
	pod_exec_run(&p, to, fd);
}

#ifdef __SANITIZE_ADDRESS__
/*
 * pod1 runs once and exits or execs; what it allocates lives until then
 * on purpose (images, manifests, paths), so LeakSanitizer would only
 * report that design. ASan's other checks stay on.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

int
main(int argc, char **argv)
{
	struct cli c = { "/var/lib/pod1", 0, 0 };
	const char *v, *app = NULL;
	int i, json = 0, full = 0, nolegend = 0, force = 0;
	long grace = 1800, expire = 86400;
	char **ops;
	int nops;

	err_prog = "pod1";
	/* non-ASCII names in archives need a UTF-8 locale (musl has it) */
	setlocale(LC_ALL, "C.UTF-8");
	umask(022);
	/* what the caller leaked is not the stage1's: only the lock goes */
	fd_closefrom(3);
	/* ^C in an unpack removes what it made; exec resets the handlers */
	cleanup_signals();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = flagval(argv, &i, "dir")))
			c.dir = v;
		else if (flagbool(argv, i, "debug", &c.debug))
			;
		else if ((v = flagval(argv, &i, "insecure-options")))
			c.insecure |= insecure_parse(v);
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n", USAGE);
			return 0;
		} else
			die_usage(USAGE);
	}
	if (i >= argc)
		die_usage(USAGE);
	/* the stage1 runs in the pod dir and overlays name their layers:
	 * every path must be absolute */
	if (strcmp(argv[i], "version") != 0) {
		char *real;

		fs_mkdirs(c.dir, 0700);
		if ((real = realpath(c.dir, NULL)) == NULL)
			die_sys(111, "unable to resolve ", c.dir);
		c.dir = real;
	}
	argc -= i;
	argv += i;
	if (strcmp(argv[0], "run") == 0 || strcmp(argv[0], "prepare") == 0)
		return cmd_run(&c, argc, argv, strcmp(argv[0], "run") == 0);
	if (strcmp(argv[0], "run-prepared") == 0)
		return cmd_run_prepared(&c, argc, argv);
	if (strcmp(argv[0], "version") == 0) {
		printf("pod1 version %s\nappc version 0.8.11\n"
		    "stage1 interface version 6\n", VERSION);
		return 0;
	}
	/* the other commands: flags, then operands */
	if ((ops = calloc(argc + 1, sizeof *ops)) == NULL)
		die_sys(111, "unable to allocate");
	nops = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				ops[nops++] = argv[i];
			break;
		}
		if (argv[i][0] != '-') {
			ops[nops++] = argv[i];
			/* enter: what follows the uuid is the command */
			if (strcmp(argv[0], "enter") == 0) {
				for (i++; i < argc; i++)
					if (strcmp(argv[i], "--") || nops > 1)
						ops[nops++] = argv[i];
				break;
			}
			continue;
		}
		if ((v = flagval(argv, &i, "format"))) {
			if (strcmp(v, "json") && strcmp(v, "json-pretty") &&
			    strcmp(v, "table") && strcmp(v, "human"))
				die(100, "unknown --format ", v);
			json = strncmp(v, "json", 4) == 0;
		} else if ((v = flagval(argv, &i, "app")))
			app = v;
		else if ((v = flagval(argv, &i, "grace-period")))
			grace = duration(v);
		else if ((v = flagval(argv, &i, "expire-prepared")))
			expire = duration(v);
		else if (flagbool(argv, i, "json", &json) ||
		    flagbool(argv, i, "full", &full) ||
		    flagbool(argv, i, "no-legend", &nolegend) ||
		    flagbool(argv, i, "force", &force) ||
		    flagbool(argv, i, "debug", &c.debug))
			;
		else
			die(100, "unknown flag ", argv[i], " for ", argv[0]);
	}
	ops[nops] = NULL;
	if (strcmp(argv[0], "list") == 0)
		return pods_list(c.dir, json, full, nolegend);
	if (strcmp(argv[0], "status") == 0 && nops == 1)
		return pods_status(c.dir, ops[0], json);
	if (strcmp(argv[0], "enter") == 0 && nops >= 1)
		return pods_enter(c.dir, ops[0], app, ops + 1, c.debug);
	if (strcmp(argv[0], "stop") == 0 && nops >= 1)
		return pods_stop(c.dir, ops, force, c.debug);
	if (strcmp(argv[0], "gc") == 0 && nops == 0)
		return pods_gc(c.dir, grace, expire, c.debug);
	if (strcmp(argv[0], "rm") == 0 && nops >= 1)
		return pods_rm(c.dir, ops, c.debug);
	if (strcmp(argv[0], "image") == 0 && nops >= 1) {
		if (strcmp(ops[0], "list") == 0 && nops == 1)
			return image_list(c.dir, json);
		if (strcmp(ops[0], "rm") == 0 && nops >= 2)
			return image_rm(c.dir, ops + 1);
		if (strcmp(ops[0], "import") == 0 && nops >= 2) {
			for (i = 1; i < nops; i++) {
				struct image img;

				image_get(c.dir, ops[i], c.insecure, &img);
				printf("%s\n", img.id);
			}
			return 0;
		}
	}
	die_usage(USAGE);
}
