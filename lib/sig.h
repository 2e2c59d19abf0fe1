/* SPDX-License-Identifier: ISC */
/* sig: every asynchronous signal through one signalfd, and signal names. */
#ifndef POD1_SIG_H
#define POD1_SIG_H

#include <signal.h>

int sig_init(sigset_t *);
int sig_read(int, int *, int *);
int sig_child_restore(const sigset_t *);
int sig_is_sync(int);
const char *sig_name(int);
int sig_number(const char *);

#endif
