/* SPDX-License-Identifier: ISC */
/*
 * pod1-exec: the exec step of one app of a pod. As a service dir's run it
 * reads ./exec, joins the app's cgroups, chroots, runs pre-start, applies
 * the user, capabilities and seccomp filter and execs the app; as finish
 * it writes the app's status and execs post-stop; as pod1-exec -- CMD it
 * runs CMD with the app's settings (the stage1's enter). Short-lived, so
 * it may use the heap; it still has no stdio: messages go through err.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>	/* rename */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/opt.h"
#include "lib/sig.h"

#define USAGE "pod1-exec [-d SVDIR] [-- CMD [ARG...]]"
/* appc's PATH, for an env that has none */
#define DEFPATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int load(struct xconf *, const char *);
static void enter_root(struct xconf *);
static void oom_adj(struct xconf *);
static void spawn_wait(struct xconf *, char **, const char *);
static void exec_app(struct xconf *, char **) __attribute__((noreturn));
static void write_status(struct xconf *, int);
static int do_run(const char *, char **) __attribute__((noreturn));
static int do_finish(int, char **) __attribute__((noreturn));
static const char *base(const char *);
static void err_to_out(struct xconf *);

static const char *
base(const char *s)
{
	const char *p = strrchr(s, '/');

	return p ? p + 1 : s;
}

/*
 * Read SVDIR/exec into c: the service dir's fd, kept for the cgroup's
 * name. A missing exec dir is a dir of absent files.
 */
static int
load(struct xconf *c, const char *svdir)
{
	char cwd[4096], *dir;
	int sfd, dfd;

	sfd = open(svdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		die_sys(111, "unable to open ", svdir);
	/* messages name the dir in full: "." is no help in a log */
	if (strcmp(svdir, ".") == 0 && getcwd(cwd, sizeof cwd))
		svdir = cwd;
	dir = malloc(strlen(svdir) + 6);
	if (dir == 0)
		die_sys(111, "unable to allocate memory");
	strcpy(dir, svdir);
	strcat(dir, "/exec");
	dfd = openat(sfd, "exec", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno != ENOENT)
		die_sys(111, "unable to open ", dir);
	conf_load(c, dfd, dir);
	/* no name file: the service dir's own name, from "<dir>/exec" */
	if (c->name == 0 || *c->name == 0) {
		dir[strlen(dir) - 5] = 0;
		c->name = strdup(base(dir));
		strcat(dir, "/exec");
		if (c->name == 0)
			die_sys(111, "unable to allocate memory");
	}
	fd_close(dfd);
	return sfd;
}

/* oom-score-adj, for the app and all it forks; through our own /proc */
static void
oom_adj(struct xconf *c)
{
	char num[FMT_ULONG];
	int fd;

	if (c->oom == EXEC_NOOOM)
		return;
	num[fmt_int(num, c->oom)] = 0;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || fd_write_all(fd, num, strlen(num)) < 0)
		die_sys(111, "unable to set oom_score_adj ", num, " for ",
		    c->name);
	fd_close(fd);
}

static void
enter_root(struct xconf *c)
{
	if (c->root == 0)
		return;
	if (chroot(c->root) < 0)
		die_sys(errno == ENOENT || errno == ENOTDIR ? 100 : 111,
		    "unable to chroot to ", c->root, " (", c->dir, "/root)");
	if (chdir("/") < 0)
		die_sys(111, "unable to enter ", c->root);
}

/*
 * Load the seccomp filter, then find argv[0] in the env's PATH, inside
 * the root, the way execvp does: a name without a slash tries each PATH
 * dir in turn, EACCES is remembered and the search goes on. Never returns.
 */
static void
exec_app(struct xconf *c, char **argv)
{
	const char *path = DEFPATH, *p, *e;
	char *buf;
	size_t n;
	int i, eacces = 0;

	if (strchr(argv[0], '/')) {
		if (c->seccomp)
			priv_seccomp(c);
		execve(argv[0], argv, c->env);
		die_sys(errno == ENOENT ? 127 : 126, "unable to run ", argv[0],
		    " for ", c->name);
	}
	for (i = 0; c->env[i]; i++)
		if (strncmp(c->env[i], "PATH=", 5) == 0)
			path = c->env[i] + 5;
	n = strlen(argv[0]);
	buf = malloc(strlen(path) + n + 2);
	if (buf == 0)
		die_sys(111, "unable to allocate memory");
	/* from here on, only execve: the filter may allow nothing else */
	if (c->seccomp)
		priv_seccomp(c);
	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == 0)
			e = p + strlen(p);
		/* an empty entry would be the cwd: never, in a pod */
		if (e == p)
			continue;
		memcpy(buf, p, e - p);
		buf[e - p] = '/';
		memcpy(buf + (e - p) + 1, argv[0], n + 1);
		execve(buf, argv, c->env);
		if (errno == EACCES)
			eacces = 1;
		else if (errno != ENOENT && errno != ENOTDIR)
			die_sys(126, "unable to run ", buf, " for ", c->name);
	}
	free(buf);
	if (eacces) {
		errno = EACCES;
		die_sys(126, "unable to run ", argv[0], " for ", c->name);
	}
	die(127, "unable to find ", argv[0], " in the PATH of ", c->name,
	    ": ", path);
}

/*
 * Run a handler to completion with the app's settings; its failure is
 * ours. The child is in our session, so a stop reaches it too.
 */
static void
spawn_wait(struct xconf *c, char **argv, const char *what)
{
	char num[FMT_ULONG];
	const char *sn;
	pid_t pid;
	int st;

	if (argv[0] == 0)
		die(100, "empty ", c->dir, "/", what);
	pid = fork();
	if (pid < 0)
		die_sys(111, "unable to fork for the ", what, " of ", c->name);
	if (pid == 0) {
		priv_apply(c);
		exec_app(c, argv);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_sys(111, "unable to wait for the ", what, " of ",
			    c->name);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st)) {
		fmt_uint(num, WEXITSTATUS(st));
		die(WEXITSTATUS(st), "the ", what, " of ", c->name,
		    " exited ", num);
	}
	sn = sig_name(WTERMSIG(st));
	fmt_uint(num, WTERMSIG(st));
	die(128 + WTERMSIG(st), "the ", what, " of ", c->name,
	    " was killed by signal ", sn ? sn : num);
}

/* stderr into the log too, as 2>&1 (runit's logs take stdout only) */
static void
err_to_out(struct xconf *c)
{
	if (c->err2out && dup2(1, 2) < 0)
		die_sys(111, "unable to send the stderr of ", c->name,
		    " to its stdout");
}

/* run, or pod1-exec: cmd replaces argv and skips pre-start. */
static int
do_run(const char *svdir, char **cmd)
{
	struct xconf c;
	int sfd;

	sfd = load(&c, svdir);
	if (cmd == 0 && (c.argv == 0 || c.argv[0] == 0))
		die(100, "no command in ", c.dir, "/argv");
	if (cmd == 0)
		err_to_out(&c);
	cg_apply(&c, sfd);
	fd_close(sfd);
	oom_adj(&c);
	enter_root(&c);
	if (cmd == 0 && c.prestart)
		spawn_wait(&c, c.prestart, "pre-start");
	priv_apply(&c);
	exec_app(&c, cmd ? cmd : c.argv);
}

/* status: decimal and a newline, through a temp file and a rename. */
static void
write_status(struct xconf *c, int st)
{
	char num[FMT_ULONG + 1], *tmp;
	size_t n;
	int fd;

	n = fmt_uint(num, st);
	num[n++] = '\n';
	tmp = malloc(strlen(c->status) + 5);
	if (tmp == 0)
		die_sys(111, "unable to allocate memory");
	strcpy(tmp, c->status);
	strcat(tmp, ".new");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || fd_write_all(fd, num, n) < 0 || close(fd) < 0 ||
	    rename(tmp, c->status) < 0)
		die_sys(111, "unable to write ", c->status);
	free(tmp);
}

/* finish CODE SIG: CODE -1 means killed by signal SIG (runit's args). */
static int
do_finish(int argc, char **argv)
{
	unsigned long long code, sig;
	struct xconf c;
	int sfd, st;

	if (argc < 3 || (strcmp(argv[1], "-1") != 0 &&
	    scan_uint(argv[1], 255, &code) < 0) ||
	    scan_uint(argv[2], 255, &sig) < 0)
		die_usage("finish CODE SIG");
	/* a core dump sets the wait status's 0x80 bit */
	st = strcmp(argv[1], "-1") == 0 ? 128 + (int)(sig & 0x7f) : (int)code;
	sfd = load(&c, ".");
	if (c.status)
		write_status(&c, st);
	cg_finish(&c, sfd, st);
	fd_close(sfd);
	if (c.poststop == 0)
		exit(0);
	if (c.poststop[0] == 0)
		die(100, "empty ", c.dir, "/post-stop");
	err_to_out(&c);
	oom_adj(&c);
	enter_root(&c);
	priv_apply(&c);
	exec_app(&c, c.poststop);
}

int
main(int argc, char **argv)
{
	struct opt o = OPT_INIT;
	const char *svdir = ".", *b;
	int ch;

	err_prog = "pod1-exec";
	b = argc > 0 ? base(argv[0]) : "";
	if (strcmp(b, "run") == 0)
		do_run(".", 0);
	if (strcmp(b, "finish") == 0)
		do_finish(argc, argv);
	while ((ch = opt_next(&o, argc, argv, "d:")) != -1)
		switch (ch) {
		case 'd':
			svdir = o.arg;
			break;
		default:
			die_usage(USAGE);
		}
	do_run(svdir, o.ind < argc ? argv + o.ind : 0);
}
