/* SPDX-License-Identifier: ISC */
/* proc: what /proc says about other processes, read without malloc. */
#ifndef POD1_PROC_H
#define POD1_PROC_H

#include <sys/types.h>

int proc_stat_ppid(const char *, size_t, pid_t *);
pid_t proc_ppid(pid_t);
int proc_kill_descendants(pid_t, int);

#endif
