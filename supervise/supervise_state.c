/* SPDX-License-Identifier: ISC */
/*
 * What each control byte does in each state, as one table: state x event
 * -> action. A new control letter is one more column. The deaths of run
 * and finish, and the timers, decide restarts and backoff below it.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "supervise/supervise.h"

/* how soon a KILLed tree that is not yet empty is KILLed again */
#define KILL_AGAIN_MS 100

typedef void action(struct sup *, struct svc *, enum event);

static action nop, want, start, stop, term, killit, pause_, cont, signal_;
static void went_down(struct sup *, struct svc *);
static long long backoff(struct svc *, long long);
static void ended(struct sup *, struct svc *);

static const int state_signals[EV_NEVENTS] = {
	[EV_HUP] = SIGHUP, [EV_ALRM] = SIGALRM, [EV_INT] = SIGINT,
	[EV_QUIT] = SIGQUIT, [EV_USR1] = SIGUSR1, [EV_USR2] = SIGUSR2,
};

/*
 * Columns: u d o x t k p c h a i q 1 2. In finish, only the want changes
 * and k kills finish: signals are for the run, as in runsv.
 */
static action *const state_table[3][EV_NEVENTS] = {
	[SV_DOWN] = { start, want, start, want, nop, nop, pause_, cont,
	    nop, nop, nop, nop, nop, nop },
	[SV_RUN] = { want, stop, want, stop, term, killit, pause_, cont,
	    signal_, signal_, signal_, signal_, signal_, signal_ },
	[SV_FINISH] = { want, want, want, want, nop, killit, pause_, cont,
	    nop, nop, nop, nop, nop, nop },
};

static void
nop(struct sup *sup, struct svc *s, enum event ev)
{
	(void)sup, (void)s, (void)ev;
}

/* u, d, o, x: only the wish changes. o is "down, but run it once". */
static void
want(struct sup *sup, struct svc *s, enum event ev)
{
	(void)sup;
	if (ev == EV_EXIT && s->islog)
		return;
	s->want = ev == EV_UP ? 'u' : ev == EV_EXIT ? 'x' : 'd';
	if (ev == EV_UP)
		s->gaveup[0] = 0;
	/* no longer waiting for a backoff or a dependency */
	if (s->want != 'u') {
		s->start_at = 0;
		s->waitfor[0] = 0;
	}
}

/* u or o while down: start now, backoff or not: a person asked for it. */
static void
start(struct sup *sup, struct svc *s, enum event ev)
{
	want(sup, s, ev);
	s->start_at = 0;
	sup_start(sup, s);
}

/*
 * d and x while running: TERM and CONT to the whole tree, and KILL when
 * timeout-kill runs out.
 */
static void
stop(struct sup *sup, struct svc *s, enum event ev)
{
	if (ev == EV_EXIT && s->islog)
		return;
	want(sup, s, ev);
	term(sup, s, ev);
}

static void
term(struct sup *sup, struct svc *s, enum event ev)
{
	(void)ev;
	if (tree_signal(sup, s, SIGTERM) == 0 && s->pid > 0)
		kill(s->pid, SIGTERM);
	s->term = 1;
	if (s->want != 'u' || s->paused)
		tree_signal(sup, s, SIGCONT);
	if (s->conf.timeout_kill)
		s->kill_at = sup_now() + s->conf.timeout_kill;
}

static void
killit(struct sup *sup, struct svc *s, enum event ev)
{
	(void)ev;
	if (s->state == SV_FINISH) {
		if (kill(s->pid, SIGKILL) < 0 && errno != ESRCH)
			warn_sys("unable to kill finish of ", s->dir);
		return;
	}
	tree_signal(sup, s, SIGKILL);
}

static void
pause_(struct sup *sup, struct svc *s, enum event ev)
{
	(void)sup, (void)ev;
	s->paused = 1;
	if (s->pid > 0 && kill(s->pid, SIGSTOP) < 0 && errno != ESRCH)
		warn_sys("unable to stop ", s->dir);
}

static void
cont(struct sup *sup, struct svc *s, enum event ev)
{
	(void)sup, (void)ev;
	s->paused = 0;
	if (s->pid > 0 && kill(s->pid, SIGCONT) < 0 && errno != ESRCH)
		warn_sys("unable to continue ", s->dir);
}

static void
signal_(struct sup *sup, struct svc *s, enum event ev)
{
	(void)sup;
	if (kill(s->pid, state_signals[ev]) < 0 && errno != ESRCH)
		warn_sys("unable to signal ", s->dir);
}

/*
 * Start run from down, once settings and dependencies allow: the state a
 * start leaves. -1 when the fork failed (sup_spawn set the retry).
 */
int
state_start(struct sup *sup, struct svc *s)
{
	char *argv[] = { "./run", 0 };

	/*
	 * A start begins with an empty tree: what a run stopped or run once
	 * left (a TERM-deaf daemon before its KILL) would be a second
	 * instance. The KILL deadline belonged to that run.
	 */
	if (s->leftover) {
		tree_signal(sup, s, SIGKILL);
		s->leftover = 0;
	}
	s->kill_at = 0;
	s->killing = 0;
	sup_spawn(sup, s, argv);
	if (s->pid <= 0)
		return -1;
	/* as runsv: a start clears the paused and TERM flags */
	s->state = SV_RUN;
	s->sid = s->pid;
	s->paused = 0;
	s->term = 0;
	/* without a readiness protocol, running is ready */
	s->ready = s->notify < 0;
	s->started_ms = sup_now();
	tai_now(&s->stamp);
	return 0;
}

void
state_event(struct sup *sup, struct svc *s, enum event ev)
{
	state_table[s->state][ev](sup, s, ev);
	sup_status(sup, s);
}

/*
 * The delay before the next start: at once after the first quick failure,
 * then backoff-min doubling up to backoff-max. A run that stayed up
 * backoff-reset wipes the slate. -1: give up.
 */
static long long
backoff(struct svc *s, long long now)
{
	struct conf *c = &s->conf;

	if (now - s->started_ms >= c->backoff_reset)
		s->failures = 0;
	s->failures++;
	if (now - s->window_start > c->giveup_window) {
		s->window_start = now;
		s->window_failures = 0;
	}
	s->window_failures++;
	if (c->giveup_count && s->window_failures >= c->giveup_count)
		return -1;
	return policy_backoff(c, s->failures);
}

/*
 * The service will not run again by itself. For a `main` service that
 * ends the supervisor (and pod1-init -d with it) with the app's status.
 */
static void
ended(struct sup *sup, struct svc *s)
{
	s->want = 'd';
	if (!s->islog && faccessat(s->dfd, "main", F_OK, 0) == 0) {
		s->want = 'x';
		s->ended = WIFEXITED(s->wstat) ? WEXITSTATUS(s->wstat) :
		    128 + WTERMSIG(s->wstat);
	}
	sup_status(sup, s);
}

/* run (and finish) are over: decide whether and when to start again. */
static void
went_down(struct sup *sup, struct svc *s)
{
	long long now = sup_now(), d;
	int failed, asked = s->asked;
	char num[FMT_ULONG], win[FMT_ULONG];

	s->state = SV_DOWN;
	s->pid = 0;
	s->term = 0;
	s->ready = 0;
	tai_now(&s->stamp);
	if (s->want != 'u') {
		sup_status(sup, s);
		return;
	}
	failed = !WIFEXITED(s->wstat) || WEXITSTATUS(s->wstat) != 0;
	if (!asked && (s->conf.restart == RESTART_NEVER ||
	    (s->conf.restart == RESTART_ON_FAILURE && !failed))) {
		ended(sup, s);
		return;
	}
	/* a restart asked for with t is no failure and waits for nothing */
	d = asked ? 0 : backoff(s, now);
	if (d < 0) {
		fmt_uint(num, s->window_failures);
		fmt_uint(win, s->conf.giveup_window);
		strcpy(s->gaveup, num);
		strcat(s->gaveup, " failures within ");
		strcat(s->gaveup, win);
		strcat(s->gaveup, " ms");
		warn("giving up on ", s->dir, ": ", s->gaveup);
		ended(sup, s);
		return;
	}
	s->restarts++;
	if (d == 0) {
		sup_start(sup, s);
		return;
	}
	s->start_at = now + d;
	sup_status(sup, s);
}

/* run or finish was reaped with wait status st. */
void
state_died(struct sup *sup, struct svc *s, int st)
{
	char code[FMT_ULONG + 1], sig[FMT_ULONG];
	char *argv[] = { "./finish", code, sig, 0 };

	if (s->state == SV_FINISH) {
		went_down(sup, s);
		return;
	}
	s->wstat = st;
	/* finish clears the TERM flag, as runsv: remember who ended run */
	s->asked = s->term;
	if (s->notify >= 0) {
		close(s->notify);
		s->notify = -1;
	}
	/* leftovers of a run that is restarted would be a second instance */
	s->leftover = s->want != 'u';
	if (!s->leftover)
		tree_signal(sup, s, SIGKILL);
	if (!s->islog && faccessat(s->dfd, "finish", X_OK, 0) == 0) {
		/* runit's arguments: exit code or -1, then the signal */
		if (WIFEXITED(st)) {
			fmt_uint(code, WEXITSTATUS(st));
			fmt_uint(sig, 0);
		} else {
			strcpy(code, "-1");
			fmt_uint(sig, st & 0xff);
		}
		s->state = SV_FINISH;
		s->pid = 0;
		sup_spawn(sup, s, argv);
		if (s->pid > 0) {
			s->paused = 0;
			s->term = 0;
			sup_status(sup, s);
			return;
		}
	}
	went_down(sup, s);
}

/*
 * Deadlines: KILL a tree that outlived its TERM, and again until it is
 * empty (x waits for that, and a /proc walk can miss a process forked
 * meanwhile); a delayed start.
 */
void
state_timer(struct sup *sup, struct svc *s, long long now)
{
	if (s->kill_at && now >= s->kill_at) {
		s->kill_at = 0;
		s->leftover = 0;
		if (tree_signal(sup, s, SIGKILL) > 0) {
			if (!s->killing)
				warn("sent KILL to ", s->dir,
				    ": TERM was not enough");
			s->kill_at = now + KILL_AGAIN_MS;
		}
		s->killing = s->kill_at != 0;
	}
	if (s->start_at && now >= s->start_at) {
		s->start_at = 0;
		if (s->state == SV_DOWN && s->want == 'u')
			sup_start(sup, s);
	}
}
