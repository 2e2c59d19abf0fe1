/* SPDX-License-Identifier: ISC */
/*
 * Fuzz pod1-supervise's state table (supervise/supervise_state.c) and its
 * control bytes (supervise/supervise_policy.c) with the I/O stubbed out:
 * the input is a settings header, then a stream of events: control bytes,
 * deaths of run or finish, the clock moving on, forks failing, trees with
 * or without leftovers. After each one the state must be coherent: a pid
 * exactly when something runs, a status that packs and unpacks, no start
 * while run or finish lives (two instances), and a service wanted up and
 * down always has a start coming (it is never stuck).
 * The stand-in app is a zombie child, so the kill(2)s the table makes
 * reach nothing.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervise/supervise_policy.c"
#include "supervise/supervise_state.c"

#define RETRY_MS 1000

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct {
	long long now;
	pid_t zombie;		/* what "runs": dead, never reaped */
	int forkfail;
	int tree;		/* what tree_signal says it reached */
	int dirfd;		/* a service dir with finish and main */
} fz;

static void check(struct svc *);

long long
sup_now(void)
{
	return fz.now;
}

void
sup_status(struct sup *sup, struct svc *s)
{
	unsigned char b[SVSTATUS_SIZE];
	struct svstatus st, back;

	(void)sup;
	check(s);
	st.stamp = s->stamp;
	st.pid = s->pid;
	st.paused = s->paused;
	st.want = s->want;
	st.term = s->term;
	st.state = s->state;
	svstatus_pack(b, &st);
	if (svstatus_unpack(b, &back) < 0 || back.pid != st.pid ||
	    back.state != st.state ||
	    back.want != (st.want == 'u' ? 'u' : 'd'))
		abort();
}

void
sup_spawn(struct sup *sup, struct svc *s, char *const *argv)
{
	(void)sup;
	/* run only from down, finish only in its own state: one instance */
	if (s->pid != 0 || (argv[1] ? s->state != SV_FINISH :
	    s->state != SV_DOWN))
		abort();
	if (fz.forkfail) {
		s->start_at = sup_now() + RETRY_MS;
		return;
	}
	s->pid = fz.zombie;
}

/* supervise.c's sup_start without the files: settings, dependencies. */
void
sup_start(struct sup *sup, struct svc *s)
{
	state_start(sup, s);
	sup_status(sup, s);
}

int
tree_signal(struct sup *sup, struct svc *s, int sig)
{
	(void)sup, (void)s, (void)sig;
	return fz.tree;
}

static void
check(struct svc *s)
{
	if (s->state > SV_FINISH || !strchr("udx", s->want) || !s->want ||
	    (s->state == SV_DOWN) != (s->pid == 0) || s->pid < 0)
		abort();
}

/* After each event: coherent, and wanted up while down means a start. */
static void
settled(struct svc *s)
{
	check(s);
	if (s->state == SV_DOWN && s->want == 'u' && s->start_at == 0)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/pod1-fuzz-control.XXXXXX";
	int fd;

	(void)argc, (void)argv;
	err_prog = "fuzz-control";
	fz.zombie = fork();
	if (fz.zombie < 0)
		abort();
	if (fz.zombie == 0)
		_exit(0);
	/* the dir goes at once; its fd keeps finish and main there */
	if (mkdtemp(dir) == 0 || (fz.dirfd = open(dir, O_RDONLY |
	    O_DIRECTORY)) < 0)
		abort();
	fd = openat(fz.dirfd, "finish", O_WRONLY | O_CREAT, 0755);
	close(fd);
	fd = openat(fz.dirfd, "main", O_WRONLY | O_CREAT, 0644);
	close(fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char letters[] = "udoxtkpchaiq12e";
	static struct sup sup;
	struct svc *s = &sup.svc[0];
	size_t i;

	if (len < 6)
		return 0;
	memset(&sup, 0, sizeof sup);
	sup.nsvc = 1;
	sup.self = getpid();
	memset(&fz.now, 0, sizeof fz.now);
	fz.now = 1000000;
	fz.forkfail = 0;
	fz.tree = 0;
	s->dir = ".";
	s->islog = data[0] & 1;
	s->dfd = data[0] & 2 ? fz.dirfd : -1;
	s->notify = -1;
	s->wstat = -1;
	s->ended = -1;
	s->cgfd = -1;
	s->want = data[0] & 4 ? 'd' : 'u';
	s->conf.restart = (data[0] >> 3) % 3;
	s->conf.giveup_count = (data[0] >> 5) & 3;
	s->conf.backoff_min = data[1] * 10;
	s->conf.backoff_max = data[2] * 50;
	s->conf.backoff_reset = data[3] * 20;
	s->conf.timeout_kill = data[4] * 20;
	s->conf.giveup_window = data[5] * 100;
	if (s->want == 'u')
		sup_start(&sup, s);
	settled(s);
	for (i = 6; i < len; i++) {
		unsigned b = data[i], arg = b & 31;

		switch (b >> 5) {
		case 0:
		case 1:
		case 2:
			state_event(&sup, s, policy_event(letters[arg % 15]));
			break;
		case 3:
			/* a raw byte, as the control FIFO may carry */
			if (i + 1 < len && policy_event(data[i + 1]) >= 0)
				state_event(&sup, s, policy_event(data[i + 1]));
			i++;
			break;
		case 4:
			/* reaped, as reap() calls it: only a pid we know */
			if (s->pid > 0)
				state_died(&sup, s, arg & 16 ?
				    (arg & 15) + 1 : (arg & 15) << 8);
			break;
		case 5:
			fz.now += arg * arg * 10;
			state_timer(&sup, s, fz.now);
			break;
		case 6:
			fz.forkfail = arg & 1;
			fz.tree = arg >> 1 & 1;
			break;
		default:
			fz.now += arg * 1000;
			state_timer(&sup, s, fz.now);
			break;
		}
		settled(s);
	}
	return 0;
}
