/* SPDX-License-Identifier: ISC */
/* proc: what /proc says about other processes, read without malloc. */
#ifndef POD1_PROC_H
#define POD1_PROC_H

#include <sys/types.h>

struct proc_stat {
	char state;			/* R, S, D, Z, T... */
	pid_t ppid;
	pid_t pgrp;
	pid_t sid;
	unsigned long long start;	/* clock ticks after boot */
};

int proc_stat_parse(const char *, size_t, struct proc_stat *);
int proc_stat_read(pid_t, struct proc_stat *);
int proc_scan(int (*)(pid_t, void *), void *);
int proc_kill_descendants(pid_t, pid_t, int);
int proc_kill_session(pid_t, int);

#endif
