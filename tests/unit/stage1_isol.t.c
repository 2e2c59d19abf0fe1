/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for stage1/stage1_isol.c: appc isolators in JSON to the
 * files of an exec/ dir, the defaults and the --disable-* flags, the
 * wildcards, the pod's bounds, strict mode, and what is refused. The
 * verdict lines go to stderr, which is captured in a temp file.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "stage1/stage1_isol.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/pod1-isol.XXXXXX", errpath[64];
static char got[8192];
static int dfd, errfd, saved2;

static void clear(void);
static const char *file(const char *);
static const char *said(void);
static int run(const char *, const char *, const char *, int);
static json_t *js(const char *);
static int sysctl(const char *, int);

static json_t *
js(const char *s)
{
	json_error_t e;
	json_t *j;

	if (s == 0)
		return 0;
	j = json_loads(s, 0, &e);
	if (j == 0) {
		printf("# bad JSON in the test: %s: %s\n", e.text, s);
		exit(1);
	}
	return j;
}

/* isol_sysctl on a pod's isolators, in JSON */
static int
sysctl(const char *pod, int apply)
{
	json_t *p = js(pod);
	int r = isol_sysctl(p, "/proc", apply);

	json_decref(p);
	return r;
}

/* isol_app on the exec dir (or validate only, with dfd -1) */
static int
run(const char *app, const char *pod, const char *ann, int flags)
{
	json_t *a = js(app), *p = js(pod), *n = js(ann);
	int r;

	if (ftruncate(errfd, 0) < 0 || lseek(errfd, 0, SEEK_SET) < 0)
		exit(1);
	r = isol_app(flags & 0x100 ? -1 : dfd, "web", a, p, n, flags & 0xff);
	json_decref(a);
	json_decref(p);
	json_decref(n);
	return r;
}

static void
clear(void)
{
	static const char *const f[] = { "caps", "ambient-caps", "seccomp",
		"no-new-privs", "memory-max", "cpu-max", "pids-max",
		"oom-score-adj", "rlimit-nofile", "rlimit-core", 0 };
	int i;

	for (i = 0; f[i]; i++)
		unlinkat(dfd, f[i], 0);
}

/* a file's content, or "(none)" */
static const char *
file(const char *name)
{
	int fd = openat(dfd, name, O_RDONLY), n;

	if (fd < 0)
		return "(none)";
	n = read(fd, got, sizeof got - 1);
	close(fd);
	got[n < 0 ? 0 : n] = 0;
	return got;
}

/* what isol_app printed */
static const char *
said(void)
{
	int n = pread(errfd, got, sizeof got - 1, 0);

	got[n < 0 ? 0 : n] = 0;
	return got;
}

int
main(void)
{
	const char *s;

	err_prog = "pod1-stage1";
	if (mkdtemp(dir) == 0 || (dfd = open(dir, O_RDONLY)) < 0)
		return 1;
	strcpy(errpath, dir);
	strcat(errpath, ".err");
	errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	saved2 = dup(2);
	if (errfd < 0 || saved2 < 0 || dup2(errfd, 2) < 0)
		return 1;

	/* the defaults */
	is_int(run(0, 0, 0, 0), 0, "no isolators: ok");
	is_str(said(), "", "no isolators: nothing said");
	s = file("caps");
	ok(strstr(s, "CAP_NET_RAW\n") && strstr(s, "CAP_SYS_CHROOT\n") &&
	    !strstr(s, "CAP_SYS_ADMIN"), "default caps: appc's, no SYS_ADMIN");
	{
		int n = 0;

		for (; *s; s++)
			n += *s == '\n';
		is_int(n, 14, "default caps: 14 of them");
	}
	is_str(file("ambient-caps"), "(none)", "default: no ambient caps");
	s = file("seccomp");
	ok(strncmp(s, "remove EPERM\n", 13) == 0, "default seccomp: remove, "
	    "EPERM");
	ok(strstr(s, "\nmount\n") && strstr(s, "\nptrace\n") &&
	    strstr(s, "\nkexec_load\n") && strstr(s, "\nbpf\n") &&
	    !strstr(s, "\nread\n"), "default seccomp: mount, ptrace, kexec, "
	    "bpf denied");
	is_str(file("no-new-privs"), "(none)", "default: no no-new-privs");

	is_int(run(0, 0, 0, ISOL_NO_CAPS), 0, "--disable-capabilities-"
	    "restriction: ok");
	is_str(file("caps"), "(none)", "--disable-capabilities-restriction: "
	    "no caps file");
	ok(strncmp(file("seccomp"), "remove", 6) == 0, "... seccomp stays");
	is_int(run(0, 0, 0, ISOL_NO_SECCOMP), 0, "--disable-seccomp: ok");
	is_str(file("seccomp"), "(none)", "--disable-seccomp: no seccomp "
	    "file");
	ok(strstr(file("caps"), "CAP_CHOWN"), "... caps stay");

	/* capabilities */
	is_int(run("[{\"name\":\"os/linux/capabilities-retain-set\","
	    "\"value\":{\"set\":[\"CAP_NET_ADMIN\",\"CAP_KILL\"]}}]", 0, 0,
	    ISOL_NO_CAPS), 0, "retain-set: ok, even with --disable-caps");
	is_str(file("caps"), "CAP_KILL\nCAP_NET_ADMIN\n", "retain-set: the "
	    "bounding set, in kernel order");
	is_str(file("ambient-caps"), "CAP_KILL\nCAP_NET_ADMIN\n",
	    "retain-set: ambient too, for a non-root app");
	is_str(said(), "pod1-stage1: app web: "
	    "os/linux/capabilities-retain-set: enforced\n", "retain-set: "
	    "one line, enforced");
	is_int(run("[{\"name\":\"os/linux/capabilities-remove-set\","
	    "\"value\":{\"set\":[\"CAP_NET_RAW\",\"CAP_MKNOD\"]}}]", 0, 0, 0),
	    0, "remove-set: ok");
	s = file("caps");
	ok(!strstr(s, "CAP_NET_RAW") && !strstr(s, "CAP_MKNOD") &&
	    strstr(s, "CAP_CHOWN"), "remove-set: appc's 14 less those two");
	is_str(file("ambient-caps"), "(none)", "remove-set: no ambient "
	    "caps: a non-root app is given none");
	is_int(run("[{\"name\":\"os/linux/capabilities-retain-set\","
	    "\"value\":{\"set\":[\"CAP_NOPE\"]}}]", 0, 0, 0), -1,
	    "an unknown capability: refused");
	ok(strstr(said(), "app web: os/linux/capabilities-retain-set: "
	    "unknown capability CAP_NOPE\n") != 0, "... one line naming it");
	is_int(run("[{\"name\":\"os/linux/capabilities-retain-set\","
	    "\"value\":{\"set\":[]}},{\"name\":\"os/linux/capabilities-"
	    "remove-set\",\"value\":{\"set\":[]}}]", 0, 0, 0), -1,
	    "retain-set and remove-set: refused");

	/* seccomp */
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"reboot\",\"mount\"],\"errno\":\"ENOTSUP\"}}]", 0, 0,
	    0), 0, "seccomp remove-set: ok");
	is_str(file("seccomp"), "remove ENOTSUP\nreboot\nmount\n",
	    "seccomp remove-set: the list and the errno, no defaults");
	is_int(run("[{\"name\":\"os/linux/seccomp-retain-set\",\"value\":"
	    "{\"set\":[\"read\",\"write\"]}}]", 0, 0, ISOL_NO_SECCOMP), 0,
	    "seccomp retain-set: ok, even with --disable-seccomp");
	is_str(file("seccomp"), "retain kill\nread\nwrite\n",
	    "seccomp retain-set: no errno is kill (SIGSYS)");
	is_int(run("[{\"name\":\"os/linux/seccomp-retain-set\",\"value\":"
	    "{\"set\":[\"@appc.io/all\"]}}]", 0, 0, 0), 0, "retain "
	    "@appc.io/all: ok");
	is_str(file("seccomp"), "(none)", "retain @appc.io/all: no filter");
	is_int(run("[{\"name\":\"os/linux/seccomp-retain-set\",\"value\":"
	    "{\"set\":[\"@appc.io/empty\"],\"errno\":\"EPERM\"}}]", 0, 0, 0),
	    0, "retain @appc.io/empty: ok");
	is_str(file("seccomp"), "retain EPERM\n", "retain @appc.io/empty: "
	    "an empty retain list");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"@appc.io/all\"]}}]", 0, 0, 0), 0, "remove "
	    "@appc.io/all: ok");
	is_str(file("seccomp"), "retain kill\n", "remove @appc.io/all: "
	    "nothing retained");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"@appc.io/empty\"]}}]", 0, 0, 0), 0, "remove "
	    "@appc.io/empty: ok");
	is_str(file("seccomp"), "(none)", "remove @appc.io/empty: no filter");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"@rkt/default-blacklist\",\"chmod\"]}}]", 0, 0, 0), 0,
	    "remove @rkt/default-blacklist and chmod: ok");
	s = file("seccomp");
	ok(strncmp(s, "remove kill\nchmod\n", 18) == 0 &&
	    strstr(s, "\nptrace\n"), "... chmod and the default list");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"mount\"],\"errno\":\"EWHAT\"}}]", 0, 0, 0), -1,
	    "an unknown errno: refused");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[\"mount; rm\"]}}]", 0, 0, 0), -1,
	    "a system call that is no name: refused");
	is_int(run("[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":"
	    "{\"set\":[]}},{\"name\":\"os/linux/seccomp-retain-set\",\"value\":"
	    "{\"set\":[]}}]", 0, 0, 0), -1, "both seccomp sets: refused");

	/* no-new-privileges, oom-score-adj */
	run("[{\"name\":\"os/linux/no-new-privileges\",\"value\":true}]", 0,
	    0, 0);
	is_str(file("no-new-privs"), "1\n", "no-new-privileges true: 1");
	run("[{\"name\":\"os/linux/no-new-privileges\",\"value\":false}]", 0,
	    0, 0);
	is_str(file("no-new-privs"), "0\n", "no-new-privileges false: 0");
	is_int(run("[{\"name\":\"os/linux/no-new-privileges\",\"value\":"
	    "\"yes\"}]", 0, 0, 0), -1, "no-new-privileges \"yes\": refused");
	run("[{\"name\":\"os/linux/oom-score-adj\",\"value\":-500}]", 0, 0, 0);
	is_str(file("oom-score-adj"), "-500\n", "oom-score-adj -500");
	is_int(run("[{\"name\":\"os/linux/oom-score-adj\",\"value\":1001}]",
	    0, 0, 0), -1, "oom-score-adj 1001: refused");

	/* resources and the pod's bounds */
	run("[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"512Mi\"}}]",
	    0, 0, 0);
	is_str(file("memory-max"), "536870912\n", "memory 512Mi");
	is_str(said(), "pod1-stage1: app web: resource/memory: enforced\n",
	    "memory: enforced");
	run("[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1.5G\"}}]",
	    0, 0, 0);
	is_str(file("memory-max"), "1500000000\n", "memory 1.5G");
	run("[{\"name\":\"resource/memory\",\"value\":{\"request\":\"1G\","
	    "\"limit\":\"2G\"}}]", "[{\"name\":\"resource/memory\",\"value\":"
	    "{\"limit\":\"1G\"}}]", 0, 0);
	is_str(file("memory-max"), "1000000000\n", "memory 2G in a 1G pod: "
	    "1G");
	ok(strstr(said(), "resource/memory: modified (lowered to the pod's "
	    "limit)\n") != 0, "... modified, and why");
	clear();
	run(0, "[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"64M\"}}]",
	    0, 0);
	is_str(file("memory-max"), "64000000\n", "no app memory, a 64M pod: "
	    "64M");
	run("[{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"250m\"}}]", 0,
	    0, 0);
	is_str(file("cpu-max"), "250\n", "cpu 250m: 250 milli-cores");
	run("[{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"1.5\"}}]", 0,
	    0, 0);
	is_str(file("cpu-max"), "1500\n", "cpu 1.5: 1500");
	run("[{\"name\":\"resource/cpu\",\"value\":{\"limit\":2}}]", 0, 0, 0);
	is_str(file("cpu-max"), "2000\n", "cpu 2 (a JSON number): 2000");
	is_int(run("[{\"name\":\"resource/memory\",\"value\":{\"limit\":"
	    "\"lots\"}}]", 0, 0, 0), -1, "memory \"lots\": refused");
	is_int(run("[{\"name\":\"resource/memory\",\"value\":{\"limit\":"
	    "\"1Xi\"}}]", 0, 0, 0), -1, "memory \"1Xi\": refused");

	/* annotations */
	run(0, 0, "[{\"name\":\"pod1/pids-max\",\"value\":\"64\"},"
	    "{\"name\":\"pod1/rlimit-nofile\",\"value\":\"100 200\"},"
	    "{\"name\":\"pod1/rlimit-core\",\"value\":\"unlimited\"},"
	    "{\"name\":\"pod1/restart\",\"value\":\"never\"}]", 0);
	is_str(file("pids-max"), "64\n", "pod1/pids-max 64");
	is_str(file("rlimit-nofile"), "100 200\n", "pod1/rlimit-nofile");
	is_str(file("rlimit-core"), "unlimited unlimited\n",
	    "pod1/rlimit-core unlimited: both");
	is_str(said(), "pod1-stage1: app web: pod1/pids-max: enforced\n"
	    "pod1-stage1: app web: pod1/rlimit-nofile: enforced\n"
	    "pod1-stage1: app web: pod1/rlimit-core: enforced\n",
	    "annotations: a line each, none for pod1/restart");
	is_int(run(0, 0, "[{\"name\":\"pod1/rlimit-nofile\",\"value\":"
	    "\"200 100\"}]", 0), -1, "rlimit soft above hard: refused");
	is_int(run(0, 0, "[{\"name\":\"pod1/rlimit-bogus\",\"value\":"
	    "\"1\"}]", 0), -1, "pod1/rlimit-bogus: refused");
	is_int(run(0, 0, "[{\"name\":\"pod1/pids-max\",\"value\":\"x\"}]", 0),
	    -1, "pod1/pids-max x: refused");
	is_str(file("pids-max"), "64\n", "a refusal writes nothing");

	/* ignored, and strict */
	is_int(run("[{\"name\":\"os/linux/selinux-context\",\"value\":{}},"
	    "{\"name\":\"example.com/thing\",\"value\":{}}]",
	    "[{\"name\":\"os/linux/capabilities-retain-set\",\"value\":"
	    "{\"set\":[]}}]", 0, 0), 0, "unsupported isolators: ok");
	is_str(said(), "pod1-stage1: app web: os/linux/selinux-context: "
	    "ignored (not supported by pod1)\n"
	    "pod1-stage1: app web: example.com/thing: ignored (unknown "
	    "isolator)\n"
	    "pod1-stage1: app web: os/linux/capabilities-retain-set (pod): "
	    "ignored (an app isolator)\n", "... each said to be ignored, why");
	is_int(run("[{\"name\":\"os/linux/selinux-context\",\"value\":{}}]",
	    0, 0, ISOL_STRICT), -1, "strict: an ignored isolator is refused");
	is_str(said(), "pod1-stage1: app web: os/linux/selinux-context: "
	    "refused: it would be ignored (not supported by pod1) and "
	    "pod1/strict-isolators is true\n", "... in one line");
	is_int(run("[{\"name\":\"os/linux/no-new-privileges\",\"value\":true}]",
	    0, 0, ISOL_STRICT), 0, "strict: enforced ones are fine");

	/* validation only */
	clear();
	is_int(run("[{\"name\":\"os/linux/no-new-privileges\",\"value\":true}]",
	    0, 0, 0x100), 0, "validate: ok");
	is_str(file("no-new-privs"), "(none)", "validate: nothing written");
	is_str(said(), "", "validate: nothing said");
	is_int(run("[{\"name\":\"os/linux/selinux-context\",\"value\":{}}]",
	    0, 0, 0x100 | ISOL_STRICT), -1, "validate, strict: refused");
	ok(strstr(said(), "refused") && strchr(said(), '\n') ==
	    said() + strlen(said()) - 1, "... with one line");

	/* sysctl: checks only here */
	is_int(sysctl("[{\"name\":\"os/unix/sysctl\",\"value\":"
	    "{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmax\":\"1000\","
	    "\"fs.mqueue.msg_max\":\"20\"}}]", 0), 0,
	    "sysctl: namespaced keys: ok");
	is_int(sysctl("[{\"name\":\"os/unix/sysctl\",\"value\":"
	    "{\"kernel.panic\":\"1\"}}]", 0), -1,
	    "sysctl kernel.panic: refused, it is the host's");
	is_int(sysctl("[{\"name\":\"os/unix/sysctl\",\"value\":"
	    "{\"net/../../x\":\"1\"}}]", 0), -1,
	    "sysctl with a path: refused");
	is_int(isol_sysctl(0, "/proc", 1), 0, "no sysctl: nothing to do");
	is_int(isol_paths("/nonexistent", ISOL_NO_PATHS), 0,
	    "--disable-paths: isol_paths does nothing");

	dup2(saved2, 2);
	clear();
	rmdir(dir);
	unlink(errpath);
	return done_testing();
}
