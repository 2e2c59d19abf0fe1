/* SPDX-License-Identifier: ISC */
/*
 * pod1-supervise: shared state of one service directory (the service and
 * its optional log/ service) and the prototypes its files share.
 */
#ifndef POD1_SUPERVISE_H
#define POD1_SUPERVISE_H

#include <sys/types.h>

#include <signal.h>

#include "lib/svstatus.h"

/* Events: one per control byte; child deaths and timers have functions. */
enum event {
	EV_UP, EV_DOWN, EV_ONCE, EV_EXIT, EV_TERM, EV_KILL, EV_PAUSE,
	EV_CONT, EV_HUP, EV_ALRM, EV_INT, EV_QUIT, EV_USR1, EV_USR2,
	EV_NEVENTS
};

enum restart {
	RESTART_ALWAYS,
	RESTART_ON_FAILURE,
	RESTART_NEVER,
};

/* Per-service settings, read from files in the service dir at each start. */
struct conf {
	enum restart restart;
	unsigned backoff_min;	/* ms before the second quick restart */
	unsigned backoff_max;	/* ms cap of the doubling */
	unsigned backoff_reset;	/* ms up that forgives past failures */
	unsigned timeout_kill;	/* ms from TERM to KILL when stopping */
	unsigned giveup_count;	/* failures in a window that end it; 0 never */
	unsigned giveup_window;	/* ms */
	int notify_fd;		/* fd the app writes "ready\n" to; 0 none */
};

struct svc {
	const char *dir;	/* "." or "log", for messages and paths */
	int islog;
	int dfd;		/* the service dir */
	int sfd;		/* its supervise dir */
	int ctl, ctlw, ok, lock;
	struct conf conf;
	enum svstate state;
	char want;		/* 'u', 'd' or 'x' */
	int paused, term;
	int asked;		/* the last run got TERM from us: no failure */
	int leftover;		/* the last run's tree was not KILLed */
	pid_t pid;		/* run or finish */
	pid_t sid;		/* session of the last run, for its leftovers */
	unsigned long long sid_start;	/* its leader's start, /proc ticks */
	pid_t lastpid;		/* what the pid file says */
	struct tai stamp;	/* last start or stop, for sv */
	int wstat;		/* last run's wait status, -1 none yet */
	long long started_ms;	/* monotonic start of the current run */
	long long start_at;	/* when to start (backoff, deps); 0 none */
	long long kill_at;	/* when to KILL the tree; 0 none */
	int killing;		/* KILL sent: again until the tree is empty */
	unsigned failures;	/* quick failures in a row, for the backoff */
	unsigned window_failures;
	long long window_start;
	unsigned long restarts;
	int notify;		/* read end of the readiness pipe, -1 none */
	int go;			/* run waits on this until its pid is on disk */
	int ready;
	int ended;		/* a main service's final status, -1 */
	int dirty;		/* status write failed; retry */
	char waitfor[64];	/* dependency not yet ready */
	char gaveup[96];	/* why it was given up */
	char cgroup[256];	/* its own cgroup v2 dir, "" without one */
	int cgfd;		/* that dir open, for clone3; -1 none */
};

struct sup {
	sigset_t oldmask;
	int sigfd;
	pid_t self;
	struct svc svc[2];	/* [0] the service, [1] its logger */
	int nsvc;
	int logpipe[2];		/* held here so no end's restart loses data */
};

/* supervise.c */
long long sup_now(void);
void sup_spawn(struct sup *, struct svc *, char *const *);
void sup_status(struct sup *, struct svc *);
void sup_start(struct sup *, struct svc *);

/* supervise_state.c */
int state_start(struct sup *, struct svc *);
void state_event(struct sup *, struct svc *, enum event);
void state_died(struct sup *, struct svc *, int);
void state_timer(struct sup *, struct svc *, long long);

/* supervise_policy.c */
int policy_event(char);
long long policy_backoff(const struct conf *, unsigned);

/* supervise_conf.c */
void conf_read(struct svc *);
int conf_deps_wait(struct svc *);

/* supervise_tree.c */
void tree_init(struct svc *);
pid_t tree_fork(struct svc *, int *);
void tree_fini(struct svc *);
int tree_signal(struct sup *, struct svc *, int);
int tree_join(struct svc *);
void tree_clear_old(struct svc *);

#endif
