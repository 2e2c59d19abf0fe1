/* SPDX-License-Identifier: ISC */
/* pod1-init: the state its files share, and their prototypes. */
#ifndef POD1_INIT_H
#define POD1_INIT_H

#include <sys/types.h>

#include <limits.h>
#include <signal.h>

#ifndef MAXAPPS
#define MAXAPPS 1024
#endif

enum phase {
	RUNNING,	/* the command or the services run */
	STOPPING,	/* -d: the supervisors were told to stop */
	TERMED,		/* what is left got TERM */
	KILLED,		/* the grace ran out; what is left got KILL */
};

/* One service dir of -d and its pod1-supervise. */
struct sv {
	pid_t pid;		/* its supervisor, 0 when none runs */
	long long restart_at;	/* a dead supervisor's next start */
	long long started;
	unsigned char seen;	/* still in the dir at the last scan */
	unsigned char deaths;	/* quick deaths in a row */
	unsigned char ended;	/* a main service that ended for good */
	char name[NAME_MAX + 1];
};

enum machine {
	MACHINE_NO,	/* a container or pod */
	MACHINE_NS,	/* -m as the PID 1 of a PID namespace */
	MACHINE_KERNEL,	/* -m as the PID 1 the kernel started */
};

/* the service dir of a machine when -d names none */
#define MACHINE_DIR "/etc/pod1/service"

struct init {
	sigset_t oldmask;
	int sigfd;
	pid_t self;
	pid_t child;		/* the command, 0 once reaped */
	int group;		/* -g: signal the command's process group */
	int verbose;
	int status;		/* our exit status */
	enum phase phase;
	long long grace_ms;
	long long deadline_ms;	/* monotonic time the grace ends */
	unsigned long long orphans;
	unsigned char remap[32];	/* -e: exit codes reported as 0 */
	enum machine machine;	/* -m */
	int action;		/* -m: the reboot(2) command at the end */
	int held;		/* -m: stdio fds held for the console */
	const char *dir;	/* -d */
	int dirfd;
	char supervise[PATH_MAX];	/* the pod1-supervise binary */
	struct sv sv[MAXAPPS];
	int nsv;
};

long long now_ms(void);

/* init_dir.c */
void dir_setup(struct init *);
void dir_scan(struct init *);
int dir_reaped(struct init *, pid_t, int);
int dir_stop(struct init *);
int dir_alive(struct init *);
long long dir_timer(struct init *, long long);

/* init_machine.c */
void machine_hold_stdio(struct init *);
void machine_setup(struct init *);
int machine_action(int);
const char *machine_name(int);
void machine_end(struct init *);

#endif
