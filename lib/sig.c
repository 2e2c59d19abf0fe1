/* SPDX-License-Identifier: ISC */
/*
 * sig: block every signal but the synchronous faults and read them from a
 * signalfd in the event loop; no handler ever runs. Children get back the
 * original mask and default dispositions before exec.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/fmt.h"
#include "lib/sig.h"

/* Synchronous faults stay unblocked so a bug kills us loudly, not silently. */
static const int sig_sync[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
};

/* Indexed by number: no pointers, so no relocations and half the bytes. */
static const char sig_names[32][8] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL", [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO", [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
sig_is_sync(int sig)
{
	unsigned i;

	for (i = 0; i < NELEM(sig_sync); i++)
		if (sig_sync[i] == sig)
			return 1;
	return 0;
}

/*
 * Block all but the faults, saving the old mask in *old, and return a
 * non-blocking close-on-exec signalfd for the blocked set. Blocked signals
 * are queued even for a namespace's PID 1, which drops SIG_DFL ones.
 */
int
sig_init(sigset_t *old)
{
	sigset_t set;
	unsigned i;

	sigfillset(&set);
	for (i = 0; i < NELEM(sig_sync); i++)
		sigdelset(&set, sig_sync[i]);
	if (sigprocmask(SIG_SETMASK, &set, old) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * Read one signal: 1 with *sig and *pid (the sender) set, 0 when none is
 * pending, -1 on error.
 */
int
sig_read(int fd, int *sig, int *pid)
{
	struct signalfd_siginfo si;
	ssize_t r;

	while ((r = read(fd, &si, sizeof si)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return errno == EAGAIN ? 0 : -1;
	if (r != sizeof si) {
		errno = EIO;
		return -1;
	}
	*sig = si.ssi_signo;
	*pid = si.ssi_pid;
	return 1;
}

/*
 * In a child before exec: default dispositions, then the saved mask. The
 * raw system call, because both libcs refuse to touch the signals they
 * reserve (32 and 33, 34 for musl), and an ignored one is inherited
 * through exec. All zero is SIG_DFL, no flags, no mask on every layout.
 */
int
sig_child_restore(const sigset_t *old)
{
	unsigned long dfl[4] = { 0, 0, 0, 0 };
	int s;

	for (s = 1; s < _NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			syscall(SYS_rt_sigaction, s, dfl, 0, _NSIG / 8);
	return sigprocmask(SIG_SETMASK, old, 0);
}

/* "TERM" for SIGTERM; NULL when the number has no name. */
const char *
sig_name(int sig)
{
	return sig > 0 && sig < 32 && sig_names[sig][0] ? sig_names[sig] : 0;
}

/* "TERM", "SIGTERM", "term" or "15" to 15; -1 when unknown. */
int
sig_number(const char *s)
{
	unsigned long long n;
	int i;

	if (scan_uint(s, _NSIG - 1, &n) == 0)
		return n > 0 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 1; i < 32; i++)
		if (sig_names[i][0] && strcasecmp(sig_names[i], s) == 0)
			return i;
	return -1;
}
