/* SPDX-License-Identifier: ISC */
/*
 * appc isolators, in the pod manifest, turned into the plain files of an
 * app's exec/ dir that pod1-exec enforces (see pod1-exec(8)), with one
 * line per isolator saying what became of it, as appc asks: enforced,
 * modified or ignored, and why. Defaults as safe as rkt's and Docker's:
 * appc's 14 capabilities and a seccomp deny list, unless --disable-*.
 * Also the pod's namespaced sysctls and the masked and read-only /proc
 * paths, which the stage1 applies itself while it sets up the pod.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/errname.h"
#include "lib/fd.h"
#include "lib/fmt.h"
#include "stage1/stage1_isol.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* the exec/ files this module writes, and removes when not wanted */
enum {
	F_CAPS, F_AMBIENT, F_SECCOMP, F_NNP, F_MEMORY, F_CPU, F_PIDS, F_OOM,
	F_RLIMIT
};
#define NRLIMIT 16
#define NFILES (F_RLIMIT + NRLIMIT)

static const char *const isol_files[F_RLIMIT] = {
	"caps", "ambient-caps", "seccomp", "no-new-privs", "memory-max",
	"cpu-max", "pids-max", "oom-score-adj",
};
static const char *const isol_rlimits[NRLIMIT] = {
	"as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
	"nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending",
	"stack",
};

/* appc's default bounding set: the 14 capabilities of rkt and Docker */
static const char *const isol_defcaps[] = {
	"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
	"CAP_FOWNER", "CAP_KILL", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETFCAP", "CAP_SYS_CHROOT",
};

/* every capability Linux has, by number */
static const char *const isol_allcaps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/*
 * The default seccomp deny list, in the spirit of rkt's
 * @rkt/default-blacklist and of what Docker's default profile leaves
 * out: kernel modules, kexec, reboot, swap, clocks, accounting, mounts
 * and new namespaces, keyrings, BPF, perf, ptrace and other processes'
 * memory, NUMA policy, io_uring, userfaultfd, handles to files by inode,
 * and obsolete calls. Each fails with EPERM.
 */
static const char *const isol_defdeny[] = {
	"_sysctl", "acct", "add_key", "adjtimex", "bpf", "clock_adjtime",
	"clock_settime", "create_module", "delete_module", "fanotify_init",
	"finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
	"get_kernel_syms", "get_mempolicy", "init_module", "io_uring_enter",
	"io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp",
	"kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind",
	"migrate_pages", "mount", "mount_setattr", "move_mount", "move_pages",
	"name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree",
	"perf_event_open", "pivot_root", "process_vm_readv",
	"process_vm_writev", "ptrace", "query_module", "quotactl",
	"quotactl_fd", "reboot", "request_key", "set_mempolicy", "setns",
	"settimeofday", "stime", "swapoff", "swapon", "sysfs", "syslog",
	"umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat",
	"vhangup", "vm86", "vm86old",
};
#define ISOL_DEFERRNO "EPERM"

/* /proc entries: masked (a file gets /dev/null, a dir an empty tmpfs) */
static const char *const isol_masked[] = {
	"acpi", "asound", "interrupts", "kcore", "keys", "latency_stats",
	"sched_debug", "scsi", "timer_list", "timer_stats",
};
/* and read-only */
static const char *const isol_readonly[] = {
	"bus", "fs", "irq", "sys", "sysrq-trigger",
};

/* a growing string */
struct buf {
	char *s;
	size_t n, cap;
};

/* one app's translation, before anything is written */
struct isol {
	const char *app;
	int flags;
	char *file[NFILES];	/* content, NULL: no file */
	struct buf say;		/* the verdict lines, without prefixes */
	int caps, seccomp;	/* seen: only one of retain/remove */
	json_t *podmem, *podcpu;	/* the pod's bounds */
};

static void buf_add(struct buf *, const char *);
static void isol_put(const char *, const char *, const char *,
    const char *);
static int isol_fail(struct isol *, const char *, const char *);
static void isol_verdict(struct isol *, const char *, const char *,
    const char *);
static int isol_ignore(struct isol *, const char *, const char *);
static int isol_capnum(const char *);
static char *isol_join(const char *, const char *const *, size_t,
    const char *);
static int isol_list(json_t *, const char ***, size_t *);
static int isol_caps(struct isol *, const char *, json_t *, int);
static int isol_seccomp(struct isol *, const char *, json_t *, int);
static int isol_quantity(json_t *, unsigned long long,
    unsigned long long *);
static int isol_have(const char *);
static int isol_resource(struct isol *, const char *, json_t *, int);
static int isol_oom(struct isol *, const char *, json_t *);
static int isol_one(struct isol *, json_t *, int);
static int isol_annotations(struct isol *, json_t *);
static json_t *isol_find(json_t *, const char *);
static char *isol_num(unsigned long long);
static int isol_write(struct isol *, int);
static int isol_namespaced(const char *);
static int isol_bind(const char *, const char *, unsigned long,
    const char *);

static void
buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (p == 0)
			die_sys(111, "unable to allocate memory");
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n + 1);
	b->n += n;
}

/* "pod1-stage1: app NAME: LINE\n" in one write, LINE in up to 3 parts */
static void
isol_put(const char *app, const char *a, const char *b, const char *c)
{
	const char *part[] = { err_prog, app ? ": app " : ": pod", app ?
	    app : "", ": ", a, b ? b : "", c ? c : "", "\n" };
	struct iovec iov[NELEM(part)];
	unsigned i;

	for (i = 0; i < NELEM(part); i++) {
		iov[i].iov_base = (void *)part[i];
		iov[i].iov_len = strlen(part[i]);
	}
	while (writev(2, iov, NELEM(part)) < 0 && errno == EINTR)
		;
}

/* The one error line: "app NAME: ISOLATOR: PROBLEM". */
static int
isol_fail(struct isol *st, const char *iso, const char *problem)
{
	isol_put(st->app, iso, ": ", problem);
	return -1;
}

/* Remember "ISOLATOR: VERDICT" for when the files are written. */
static void
isol_verdict(struct isol *st, const char *iso, const char *verdict,
    const char *why)
{
	buf_add(&st->say, iso);
	buf_add(&st->say, ": ");
	buf_add(&st->say, verdict);
	if (why) {
		buf_add(&st->say, " (");
		buf_add(&st->say, why);
		buf_add(&st->say, ")");
	}
	buf_add(&st->say, "\n");
}

/* An isolator not enforced: a refusal under pod1/strict-isolators. */
static int
isol_ignore(struct isol *st, const char *iso, const char *why)
{
	char msg[256];

	if (st->flags & ISOL_STRICT) {
		strcpy(msg, "refused: it would be ignored (");
		strncat(msg, why, sizeof msg - strlen(msg) - 40);
		strcat(msg, ") and pod1/strict-isolators is true");
		return isol_fail(st, iso, msg);
	}
	isol_verdict(st, iso, "ignored", why);
	return 0;
}

/* A capability's number from "CAP_NET_RAW" (any case); -1 unknown. */
static int
isol_capnum(const char *name)
{
	unsigned i;

	for (i = 0; i < NELEM(isol_allcaps); i++)
		if (strcasecmp(isol_allcaps[i], name) == 0 ||
		    strcasecmp(isol_allcaps[i] + 4, name) == 0)
			return i;
	return -1;
}

/* head, then each string of v and sep after it */
static char *
isol_join(const char *head, const char *const *v, size_t n, const char *sep)
{
	struct buf b = { 0, 0, 0 };
	size_t i;

	buf_add(&b, head);
	for (i = 0; i < n; i++) {
		buf_add(&b, v[i]);
		buf_add(&b, sep);
	}
	return b.s;
}

/* value.set, a list of strings, as an array (to be freed) */
static int
isol_list(json_t *set, const char ***out, size_t *n)
{
	size_t i;
	json_t *e;

	if (!json_is_array(set))
		return -1;
	*n = json_array_size(set);
	*out = calloc(*n + 1, sizeof **out);
	if (*out == 0)
		die_sys(111, "unable to allocate memory");
	json_array_foreach(set, i, e) {
		if (!json_is_string(e)) {
			free(*out);
			return -1;
		}
		(*out)[i] = json_string_value(e);
	}
	return 0;
}

/*
 * capabilities-retain-set: exactly that set, for root and for any other
 * user (its ambient set); remove-set: appc's 14 less those, and nothing
 * for an app that is not root.
 */
static int
isol_caps(struct isol *st, const char *iso, json_t *value, int retain)
{
	const char **set, *keep[NELEM(isol_allcaps)];
	int bits[NELEM(isol_allcaps)] = { 0 };
	size_t n, i, k = 0;
	int c;

	if (st->caps++)
		return isol_fail(st, iso, "refused: only one of "
		    "capabilities-retain-set and -remove-set");
	if (isol_list(json_object_get(value, "set"), &set, &n) < 0)
		return isol_fail(st, iso, "value.set is not a list of names");
	for (i = 0; i < n; i++) {
		if ((c = isol_capnum(set[i])) < 0) {
			char msg[128] = "unknown capability ";

			strncat(msg, set[i], 64);
			free(set);
			return isol_fail(st, iso, msg);
		}
		bits[c] = 1;
	}
	free(set);
	if (!retain)
		for (i = 0; i < NELEM(isol_defcaps); i++) {
			c = isol_capnum(isol_defcaps[i]);
			bits[c] = !bits[c];
		}
	for (i = 0; i < NELEM(isol_allcaps); i++)
		if (bits[i])
			keep[k++] = isol_allcaps[i];
	free(st->file[F_CAPS]);
	st->file[F_CAPS] = isol_join("", keep, k, "\n");
	free(st->file[F_AMBIENT]);
	st->file[F_AMBIENT] = retain ? isol_join("", keep, k, "\n") : 0;
	isol_verdict(st, iso, "enforced", 0);
	return 0;
}

/*
 * seccomp-retain-set and -remove-set, with appc's wildcards: retain all
 * or remove none is no filter; retain none (@appc.io/empty) or remove
 * all is "retain" with an empty list. Without errno: SIGSYS.
 */
static int
isol_seccomp(struct isol *st, const char *iso, json_t *value, int retain)
{
	const char **set, *err = "kill", *p;
	json_t *e = json_object_get(value, "errno");
	int all = 0, none = 0, deflist = 0;
	struct buf b = { 0, 0, 0 };
	size_t n, i;

	if (st->seccomp++)
		return isol_fail(st, iso, "refused: only one of "
		    "seccomp-retain-set and -remove-set");
	if (e && !json_is_null(e)) {
		if (!json_is_string(e) ||
		    errname_number(json_string_value(e)) < 0)
			return isol_fail(st, iso, "value.errno is no errno "
			    "name such as EPERM");
		err = json_string_value(e);
	}
	if (isol_list(json_object_get(value, "set"), &set, &n) < 0)
		return isol_fail(st, iso, "value.set is not a list of names");
	for (i = 0; i < n; i++) {
		if (strcmp(set[i], "@appc.io/all") == 0) {
			all = 1;
			continue;
		}
		if (strcmp(set[i], "@appc.io/empty") == 0) {
			none = 1;
			continue;
		}
		if (!retain && (strcmp(set[i], "@rkt/default-blacklist") == 0 ||
		    strcmp(set[i], "@docker/default-blacklist") == 0 ||
		    strcmp(set[i], "@pod1/default-blacklist") == 0)) {
			deflist = 1;
			continue;
		}
		for (p = set[i]; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
			    *p <= '9') || *p == '_'))
				break;
		if (*p || p == set[i] || p - set[i] > 64) {
			char msg[128] = "not a system call name: ";

			strncat(msg, set[i], 64);
			free(set);
			return isol_fail(st, iso, msg);
		}
	}
	free(st->file[F_SECCOMP]);
	st->file[F_SECCOMP] = 0;
	/* retain everything, or remove nothing: no filter at all */
	if ((retain && all) || (!retain && none && n == 1)) {
		free(set);
		isol_verdict(st, iso, "enforced", "no filter: nothing is "
		    "blocked");
		return 0;
	}
	buf_add(&b, retain || all ? "retain " : "remove ");
	buf_add(&b, err);
	buf_add(&b, "\n");
	if (!all)
		for (i = 0; i < n; i++)
			if (set[i][0] != '@') {
				buf_add(&b, set[i]);
				buf_add(&b, "\n");
			}
	if (deflist && !all)
		for (i = 0; i < NELEM(isol_defdeny); i++) {
			buf_add(&b, isol_defdeny[i]);
			buf_add(&b, "\n");
		}
	free(set);
	st->file[F_SECCOMP] = b.s;
	isol_verdict(st, iso, "enforced", 0);
	return 0;
}

/*
 * appc quantities: "512Mi", "1G", "1.5G", "250m", or a JSON number, as
 * that many units times scale (1 for bytes, 1000 for milli-cores).
 */
static int
isol_quantity(json_t *v, unsigned long long scale, unsigned long long *out)
{
	static const char sfx[] = "KMGTPE";
	unsigned long long ip = 0, fp = 0, fd = 1, mul = 1, r;
	const char *s, *p;
	int i, k;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -1;
		*out = (unsigned long long)json_integer_value(v) * scale;
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (ip > 1000000000000000ULL)
			return -1;
		ip = ip * 10 + (*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (fd < 1000000000ULL) {
				fp = fp * 10 + (*p - '0');
				fd *= 10;
			}
	if (strcmp(p, "m") == 0) {
		/* milli: the scale is divided by 1000 */
		*out = (ip * scale + fp * scale / fd) / 1000;
		return 0;
	}
	if (*p) {
		const char *c = strchr(sfx, *p);

		if (c == 0 || (p[1] && strcmp(p + 1, "i")))
			return -1;
		k = c - sfx + 1;
		for (i = 0; i < k; i++)
			mul *= p[1] ? 1024 : 1000;
	}
	r = ip * mul;
	if ((ip && r / ip != mul) || r > ~0ULL / 1000 / scale)
		return -1;
	*out = r * scale + (unsigned long long)((long double)fp / fd * mul *
	    scale);
	return 0;
}

/* Whether the kernel has the cgroup controller enabled (v1 or v2). */
static int
isol_have(const char *ctl)
{
	char buf[4096], *p;
	size_t n = strlen(ctl);
	int fd, r;

	fd = open("/proc/cgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	r = fd_read_nointr(fd, buf, sizeof buf - 1);
	fd_close(fd);
	if (r <= 0)
		return 0;
	buf[r] = 0;
	/* "memory	4	12	1" */
	for (p = buf; p; p = (p = strchr(p, '\n')) ? p + 1 : 0)
		if (strncmp(p, ctl, n) == 0 && p[n] == '\t') {
			char *e = strchr(p, '\n');

			if (e)
				*e = 0;
			return p[strlen(p) - 1] == '1';
		}
	return 0;
}

static char *
isol_num(unsigned long long v)
{
	char *s = malloc(FMT_ULONG + 1);
	size_t n;

	if (s == 0)
		die_sys(111, "unable to allocate memory");
	n = fmt_uint(s, v);
	s[n++] = '\n';
	s[n] = 0;
	return s;
}

/*
 * resource/memory and resource/cpu: the limit, bounded by the pod's; the
 * request is a scheduling hint with nothing to enforce it on one node.
 */
static int
isol_resource(struct isol *st, const char *iso, json_t *value, int cpu)
{
	json_t *pod = cpu ? st->podcpu : st->podmem, *lim;
	unsigned long long v = 0, pv = 0;
	int has = 0, phas = 0, f = cpu ? F_CPU : F_MEMORY;
	const char *why = 0;

	lim = value ? json_object_get(value, "limit") : 0;
	if (lim && (has = 1) && isol_quantity(lim, cpu ? 1000 : 1, &v) < 0)
		return isol_fail(st, iso, "value.limit is not a quantity");
	lim = pod ? json_object_get(json_object_get(pod, "value"), "limit") :
	    0;
	if (lim && (phas = 1) && isol_quantity(lim, cpu ? 1000 : 1, &pv) < 0)
		return isol_fail(st, iso, "the pod's value.limit is not a "
		    "quantity");
	if (!has && !phas)
		return isol_ignore(st, iso, "no limit: a request alone is "
		    "not enforced");
	if (!isol_have(cpu ? "cpu" : "memory"))
		return isol_ignore(st, iso, cpu ? "no cpu cgroup controller" :
		    "no memory cgroup controller");
	if (phas && (!has || pv < v)) {
		why = has ? "lowered to the pod's limit" : "the pod's limit";
		v = pv;
	} else if (value && json_object_get(value, "request")) {
		why = "the limit is enforced, the request is not";
	}
	if (cpu && v == 0)
		v = 1;
	free(st->file[f]);
	st->file[f] = isol_num(v);
	isol_verdict(st, iso, why ? "modified" : "enforced", why);
	return 0;
}

/* rkt's os/linux/oom-score-adj: a number from -1000 to 1000 */
static int
isol_oom(struct isol *st, const char *iso, json_t *value)
{
	char num[FMT_ULONG + 1];
	long long v;
	size_t n;

	if (json_is_object(value))
		value = json_object_get(value, "value");
	if (!json_is_integer(value) || (v = json_integer_value(value)) <
	    -1000 || v > 1000)
		return isol_fail(st, iso, "not a number from -1000 to 1000");
	n = fmt_int(num, v);
	num[n++] = '\n';
	num[n] = 0;
	free(st->file[F_OOM]);
	st->file[F_OOM] = strdup(num);
	if (st->file[F_OOM] == 0)
		die_sys(111, "unable to allocate memory");
	isol_verdict(st, iso, "enforced", 0);
	return 0;
}

/* One app isolator (pod: one of the pod's, for the app). */
static int
isol_one(struct isol *st, json_t *iso, int pod)
{
	const char *name;
	json_t *value;
	char label[160];

	if (!json_is_object(iso) ||
	    !json_is_string(json_object_get(iso, "name")))
		return isol_fail(st, "isolators", "an isolator without a name");
	name = json_string_value(json_object_get(iso, "name"));
	value = json_object_get(iso, "value");
	strncpy(label, name, 140);
	label[140] = 0;
	if (pod)
		strcat(label, " (pod)");
	if (pod) {
		/* the pod's limits bound the app's: said with the app's */
		if (strcmp(name, "resource/memory") == 0 ||
		    strcmp(name, "resource/cpu") == 0 ||
		    strcmp(name, "os/unix/sysctl") == 0)
			return 0;
		if (strncmp(name, "os/linux/capabilities-", 22) == 0 ||
		    strncmp(name, "os/linux/seccomp-", 17) == 0 ||
		    strcmp(name, "os/linux/no-new-privileges") == 0 ||
		    strcmp(name, "os/linux/oom-score-adj") == 0)
			return isol_ignore(st, label, "an app isolator");
	}
	if (strcmp(name, "os/linux/capabilities-retain-set") == 0)
		return isol_caps(st, label, value, 1);
	if (strcmp(name, "os/linux/capabilities-remove-set") == 0)
		return isol_caps(st, label, value, 0);
	if (strcmp(name, "os/linux/seccomp-retain-set") == 0)
		return isol_seccomp(st, label, value, 1);
	if (strcmp(name, "os/linux/seccomp-remove-set") == 0)
		return isol_seccomp(st, label, value, 0);
	if (strcmp(name, "os/linux/no-new-privileges") == 0) {
		if (!json_is_boolean(value))
			return isol_fail(st, label, "value is not true or "
			    "false");
		free(st->file[F_NNP]);
		st->file[F_NNP] = strdup(json_is_true(value) ? "1\n" : "0\n");
		if (st->file[F_NNP] == 0)
			die_sys(111, "unable to allocate memory");
		isol_verdict(st, label, "enforced", 0);
		return 0;
	}
	if (strcmp(name, "resource/memory") == 0)
		return isol_resource(st, label, value, 0);
	if (strcmp(name, "resource/cpu") == 0)
		return isol_resource(st, label, value, 1);
	if (strcmp(name, "os/linux/oom-score-adj") == 0)
		return isol_oom(st, label, value);
	if (strcmp(name, "os/unix/sysctl") == 0)
		return isol_ignore(st, label, "a pod isolator only");
	if (strcmp(name, "resource/block-bandwidth") == 0 ||
	    strcmp(name, "resource/block-iops") == 0 ||
	    strcmp(name, "resource/network-bandwidth") == 0 ||
	    strcmp(name, "resource/cpu-shares") == 0 ||
	    strcmp(name, "os/linux/selinux-context") == 0 ||
	    strcmp(name, "os/linux/apparmor-profile") == 0)
		return isol_ignore(st, label, "not supported by pod1");
	return isol_ignore(st, label, "unknown isolator");
}

/* pod1/pids-max and pod1/rlimit-NAME ("SOFT HARD", "N", "unlimited") */
static int
isol_annotations(struct isol *st, json_t *ann)
{
	unsigned long long v[2];
	const char *name, *val, *p;
	char word[32], *out;
	size_t i, k, n;
	json_t *a;
	unsigned r;

	if (ann == 0 || json_is_null(ann))
		return 0;
	if (!json_is_array(ann))
		return isol_fail(st, "annotations", "not a list");
	json_array_foreach(ann, i, a) {
		name = json_string_value(json_object_get(a, "name"));
		val = json_string_value(json_object_get(a, "value"));
		if (name == 0 || strncmp(name, "pod1/", 5) != 0)
			continue;
		if (strcmp(name, "pod1/pids-max") == 0) {
			if (val == 0 || scan_uint(val, 1ULL << 40, v) < 0 ||
			    v[0] == 0)
				return isol_fail(st, name, "not a number above "
				    "0");
			if (!isol_have("pids")) {
				if (isol_ignore(st, name, "no pids cgroup "
				    "controller") < 0)
					return -1;
				continue;
			}
			free(st->file[F_PIDS]);
			st->file[F_PIDS] = isol_num(v[0]);
			isol_verdict(st, name, "enforced", 0);
			continue;
		}
		if (strncmp(name, "pod1/rlimit-", 12) != 0)
			continue;
		for (r = 0; r < NRLIMIT; r++)
			if (strcmp(name + 12, isol_rlimits[r]) == 0)
				break;
		if (r == NRLIMIT)
			return isol_fail(st, name, "no such rlimit");
		for (k = 0, p = val ? val : ""; k < 3; k++) {
			p += strspn(p, " \t");
			if (*p == 0)
				break;
			n = strcspn(p, " \t");
			if (k == 2 || n >= sizeof word)
				goto bad;
			memcpy(word, p, n);
			word[n] = 0;
			p += n;
			if (strcmp(word, "unlimited") == 0 ||
			    strcmp(word, "infinity") == 0)
				v[k] = ~0ULL;
			else if (scan_uint(word, ~0ULL - 1, &v[k]) < 0)
				goto bad;
		}
		if (k == 0)
			goto bad;
		if (k == 1)
			v[1] = v[0];
		if (v[0] > v[1])
			return isol_fail(st, name, "the soft limit is above "
			    "the hard one");
		out = malloc(2 * FMT_ULONG + 24);
		if (out == 0)
			die_sys(111, "unable to allocate memory");
		n = 0;
		for (k = 0; k < 2; k++) {
			if (v[k] == ~0ULL) {
				strcpy(out + n, "unlimited");
				n += 9;
			} else {
				n += fmt_uint(out + n, v[k]);
			}
			out[n++] = k ? '\n' : ' ';
		}
		out[n] = 0;
		free(st->file[F_RLIMIT + r]);
		st->file[F_RLIMIT + r] = out;
		isol_verdict(st, name, "enforced", 0);
	}
	return 0;
bad:
	return isol_fail(st, name, "not SOFT HARD, a number or unlimited");
}

/* The isolator called name in a list, or NULL. */
static json_t *
isol_find(json_t *list, const char *name)
{
	const char *n;
	size_t i;
	json_t *e;

	if (!json_is_array(list))
		return 0;
	json_array_foreach(list, i, e) {
		n = json_string_value(json_object_get(e, "name"));
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return 0;
}

/* Replace every file this module owns in the exec/ dir, then say it. */
static int
isol_write(struct isol *st, int dirfd)
{
	char name[32], *p, *nl;
	int i, fd;

	for (i = 0; i < NFILES; i++) {
		if (i < F_RLIMIT) {
			strcpy(name, isol_files[i]);
		} else {
			strcpy(name, "rlimit-");
			strcat(name, isol_rlimits[i - F_RLIMIT]);
		}
		if (st->file[i] == 0) {
			if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
				goto fail;
			continue;
		}
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0644);
		if (fd < 0)
			goto fail;
		if (fd_write_all(fd, st->file[i], strlen(st->file[i])) < 0) {
			fd_close(fd);
			goto fail;
		}
		fd_close(fd);
	}
	for (p = st->say.s; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = 0;
		isol_put(st->app, p, 0, 0);
	}
	return 0;
fail:
	warn_sys("app ", st->app, ": unable to write exec/", name);
	return -1;
}

int
isol_app(int dirfd, const char *app, json_t *app_isolators,
    json_t *pod_isolators, json_t *app_annotations, int flags)
{
	struct isol st;
	json_t *e;
	size_t i;
	int r = -1;

	memset(&st, 0, sizeof st);
	st.app = app;
	st.flags = flags;
	if ((app_isolators && !json_is_null(app_isolators) &&
	    !json_is_array(app_isolators)) || (pod_isolators &&
	    !json_is_null(pod_isolators) && !json_is_array(pod_isolators))) {
		isol_fail(&st, "isolators", "not a list");
		goto out;
	}
	st.podmem = isol_find(pod_isolators, "resource/memory");
	st.podcpu = isol_find(pod_isolators, "resource/cpu");
	/* the defaults, which an isolator of the app's replaces */
	if (!(flags & ISOL_NO_CAPS))
		st.file[F_CAPS] = isol_join("", isol_defcaps,
		    NELEM(isol_defcaps), "\n");
	if (!(flags & ISOL_NO_SECCOMP))
		st.file[F_SECCOMP] = isol_join("remove " ISOL_DEFERRNO "\n",
		    isol_defdeny, NELEM(isol_defdeny), "\n");
	if (json_is_array(app_isolators))
		json_array_foreach(app_isolators, i, e)
			if (isol_one(&st, e, 0) < 0)
				goto out;
	/* the pod's limits, for an app that has none of its own */
	if (st.podmem && !isol_find(app_isolators, "resource/memory") &&
	    isol_resource(&st, "resource/memory (pod)", 0, 0) < 0)
		goto out;
	if (st.podcpu && !isol_find(app_isolators, "resource/cpu") &&
	    isol_resource(&st, "resource/cpu (pod)", 0, 1) < 0)
		goto out;
	if (json_is_array(pod_isolators))
		json_array_foreach(pod_isolators, i, e)
			if (isol_one(&st, e, 1) < 0)
				goto out;
	if (isol_annotations(&st, app_annotations) < 0)
		goto out;
	r = dirfd < 0 ? 0 : isol_write(&st, dirfd);
out:
	for (i = 0; i < NFILES; i++)
		free(st.file[i]);
	free(st.say.s);
	return r;
}

/* Docker's and the kernel's list of sysctls a namespace has its own of */
static int
isol_namespaced(const char *k)
{
	return strncmp(k, "kernel.shm", 10) == 0 ||
	    strncmp(k, "kernel.msg", 10) == 0 ||
	    strcmp(k, "kernel.sem") == 0 ||
	    strncmp(k, "fs.mqueue.", 10) == 0 || strncmp(k, "net.", 4) == 0;
}

int
isol_sysctl(json_t *pod_isolators, const char *procdir, int apply)
{
	const char *iso = "os/unix/sysctl", *key, *p;
	json_t *s = isol_find(pod_isolators, iso), *m, *v;
	char *path, *q;
	int fd, n = 0;

	if (s == 0)
		return 0;
	m = json_object_get(s, "value");
	if (!json_is_object(m)) {
		isol_put(0, iso, ": value is not a map of keys to values", 0);
		return -1;
	}
	json_object_foreach(m, key, v) {
		if (!json_is_string(v) || strchr(json_string_value(v), '\n')) {
			isol_put(0, iso, ": not a one-line string: ", key);
			return -1;
		}
		for (p = key; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *p))
				break;
		if (*p || *key == '.' || strstr(key, "..")) {
			isol_put(0, iso, ": not a sysctl key: ", key);
			return -1;
		}
		if (!isol_namespaced(key)) {
			isol_put(0, iso, ": refused: not a namespaced key, it "
			    "would change the host: ", key);
			return -1;
		}
		n++;
		if (!apply)
			continue;
		path = malloc(strlen(procdir) + strlen(key) + 6);
		if (path == 0)
			die_sys(111, "unable to allocate memory");
		strcpy(path, procdir);
		strcat(path, "/sys/");
		for (q = path + strlen(path), p = key; *p; p++)
			*q++ = *p == '.' ? '/' : *p;
		*q = 0;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || fd_write_all(fd, json_string_value(v),
		    strlen(json_string_value(v))) < 0) {
			warn_sys("pod: ", iso, ": unable to set ", key);
			fd_close(fd);
			free(path);
			return -1;
		}
		fd_close(fd);
		free(path);
	}
	if (apply)
		isol_put(0, iso, ": enforced", 0);
	return 0;
}

/* mount(2), with the path in the error line */
static int
isol_bind(const char *src, const char *dst, unsigned long fl,
    const char *type)
{
	if (mount(src, dst, type, fl, 0) == 0)
		return 0;
	warn_sys("unable to protect ", dst);
	return -1;
}

int
isol_paths(const char *procdir, int flags)
{
	const unsigned long ro = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
	    MS_NODEV | MS_NOEXEC;
	char *path;
	struct stat st;
	size_t i, n;
	int r = 0;

	if (flags & ISOL_NO_PATHS)
		return 0;
	n = strlen(procdir);
	path = malloc(n + 32);
	if (path == 0)
		die_sys(111, "unable to allocate memory");
	memcpy(path, procdir, n);
	path[n] = '/';
	for (i = 0; i < NELEM(isol_masked) && r == 0; i++) {
		strcpy(path + n + 1, isol_masked[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			r = isol_bind("tmpfs", path, MS_RDONLY | MS_NOSUID |
			    MS_NODEV | MS_NOEXEC, "tmpfs");
		else
			r = isol_bind("/dev/null", path, MS_BIND, 0);
	}
	for (i = 0; i < NELEM(isol_readonly) && r == 0; i++) {
		strcpy(path + n + 1, isol_readonly[i]);
		if (lstat(path, &st) < 0)
			continue;
		r = isol_bind(path, path, MS_BIND | MS_REC, 0);
		if (r == 0)
			r = isol_bind(0, path, ro, 0);
	}
	free(path);
	return r;
}
