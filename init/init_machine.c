/* SPDX-License-Identifier: ISC */
/*
 * pod1-init as the PID 1 of a machine (-m, or PID 1 run as "init"): mount
 * the API filesystems the kernel leaves to init, give the services a
 * console, and end with reboot(2) on busybox's signals: USR2 poweroff,
 * USR1 halt, TERM reboot, INT (ctrl-alt-del) reboot; and systemd's:
 * RTMIN+3 halt, RTMIN+4 poweroff, RTMIN+5 reboot. The kernel panics
 * when the PID 1 of a machine exits: on this path it never does.
 */
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "init/init.h"
#include "lib/err.h"
#include "lib/fd.h"
#include "lib/sig.h"

/* What init mounts, in order: a parent comes before what it holds. */
static const struct machine_mnt {
	const char *dir;
	const char *parent;
	const char *type;
	unsigned long flags;
	const char *data;
} machine_mnts[] = {
	{ "/proc", "/", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "/sys", "/", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
	{ "/dev", "/", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "/dev/pts", "/dev", "devpts", MS_NOSUID | MS_NOEXEC,
	    "mode=0620,ptmxmode=0666" },
	{ "/dev/shm", "/dev", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	{ "/run", "/", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* SIGRTMIN as glibc, systemd and podman count: musl's is 35, not 34 */
#define SYSTEMD_RTMIN 34

static void machine_mount(const struct machine_mnt *);
static void machine_console(struct init *);
static void machine_path(void);

/*
 * Fds 0 to 2 a kernel left closed (no /dev/console in the initramfs) are
 * held by a harmless fd until the console can be opened, so that neither
 * the signalfd nor a service's files land on them. Call first thing.
 * Should the console never open, the services inherit "/" read-only:
 * reads and writes fail, which is what a closed fd would give them.
 */
void
machine_hold_stdio(struct init *s)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		/* the lowest free fd: fd itself */
		if (open("/", O_RDONLY | O_DIRECTORY) != fd)
			return;
		s->held |= 1 << fd;
	}
}

/* Mount one API filesystem unless something is mounted there already. */
static void
machine_mount(const struct machine_mnt *m)
{
	struct stat d, p;

	if (mkdir(m->dir, 0755) < 0 && errno != EEXIST) {
		warn_sys("unable to create ", m->dir);
		return;
	}
	if (stat(m->dir, &d) < 0 || stat(m->parent, &p) < 0) {
		warn_sys("unable to stat ", m->dir);
		return;
	}
	/* a mount point is on another device than its parent */
	if (d.st_dev != p.st_dev)
		return;
	if (mount(m->type, m->dir, m->type, m->flags, m->data) < 0)
		warn_sys("unable to mount ", m->type, " on ", m->dir);
}

/* Put /dev/console on the fds machine_hold_stdio() held. */
static void
machine_console(struct init *s)
{
	int c, fd;

	if (s->held == 0)
		return;
	/* no O_CLOEXEC: it is for the services to inherit */
	c = open("/dev/console", O_RDWR | O_NOCTTY);
	if (c < 0) {
		warn_sys("unable to open /dev/console");
		return;
	}
	for (fd = 0; fd < 3; fd++)
		if (s->held & (1 << fd) && dup2(c, fd) < 0)
			warn_sys("unable to set up the console");
	if (c > 2)
		fd_close(c);
	s->held = 0;
}

/*
 * The set-up of a machine: the mounts, the console, a PATH, and
 * ctrl-alt-del as a SIGINT rather than an instant reboot. Nothing here
 * is fatal: a machine without /run still boots. Whether we are the PID 1
 * of the machine itself, or of a PID namespace (where the kernel refuses
 * RB_DISABLE_CAD with EINVAL, and reboot(2) ends the namespace), decides
 * whether we may exit at the end.
 */
void
machine_setup(struct init *s)
{
	unsigned i;

	for (i = 0; i < NELEM(machine_mnts); i++)
		machine_mount(&machine_mnts[i]);
	machine_console(s);
	machine_path();
	if (reboot(RB_DISABLE_CAD) == 0)
		s->machine = MACHINE_KERNEL;
	else if (errno != EINVAL && errno != EPERM)
		warn_sys("unable to take ctrl-alt-del as SIGINT");
}

/*
 * The kernel starts init without PATH: give the services one. The
 * environment is copied into a static array with PATH added, as putenv()
 * would grow it on the heap (and link malloc into PID 1).
 */
static void
machine_path(void)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin";
	static char *env[64];
	unsigned n;

	if (getenv("PATH") != 0)
		return;
	for (n = 0; environ[n] && n < NELEM(env) - 2; n++)
		env[n] = environ[n];
	if (environ[n]) {
		warn("unable to set PATH: more than 62 environment variables");
		return;
	}
	env[n++] = path;
	env[n] = 0;
	environ = env;
}

/*
 * The reboot(2) command busybox's poweroff, halt and reboot ask for, or
 * systemd's signals, which podman's stop sends an /sbin/init.
 */
int
machine_action(int sig)
{
	switch (sig) {
	case SYSTEMD_RTMIN + 3:
		return RB_HALT_SYSTEM;
	case SYSTEMD_RTMIN + 4:
		return RB_POWER_OFF;
	case SYSTEMD_RTMIN + 5:
		return RB_AUTOBOOT;
	case SIGUSR2:
		return RB_POWER_OFF;
	case SIGUSR1:
		return RB_HALT_SYSTEM;
	case SIGTERM:
	case SIGINT:
		return RB_AUTOBOOT;
	}
	return 0;
}

const char *
machine_name(int action)
{
	switch (action) {
	case RB_POWER_OFF:
		return "poweroff";
	case RB_HALT_SYSTEM:
		return "halt";
	}
	return "reboot";
}

/*
 * Every process is gone: sync and reboot(2). Returns only where exiting
 * is safe (a PID namespace that refused us CAP_SYS_BOOT); on a machine it
 * stays, reaping, for the kernel panics when its PID 1 exits.
 */
void
machine_end(struct init *s)
{
	const char *name = machine_name(s->action);
	struct pollfd pfd;

	/* -m refused to start otherwise; never reboot a host by mistake */
	if (s->self != 1)
		return;
	/* a PID namespace's reboot loses no page cache: only a machine's */
	if (s->machine == MACHINE_KERNEL) {
		info(name, ": syncing the disks");
		sync();
	}
	info(name, ": now");
	if (reboot(s->action) < 0 && (s->machine == MACHINE_KERNEL ||
	    errno != EPERM))
		warn_sys("unable to ", name);
	/* a container without CAP_SYS_BOOT: its engine expects an exit */
	if (s->machine != MACHINE_KERNEL)
		return;
	warn("staying up without services: the kernel panics when PID 1 "
	    "exits");
	pfd.fd = s->sigfd;
	pfd.events = POLLIN;
	for (;;) {
		int sig, pid, st;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			warn_sys("unable to poll");
		while (sig_read(s->sigfd, &sig, &pid) > 0)
			;
		while (waitpid(-1, &st, WNOHANG) > 0)
			;
	}
}
