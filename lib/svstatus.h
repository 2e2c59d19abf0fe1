/* SPDX-License-Identifier: ISC */
/*
 * svstatus: runit's supervise/status (20 bytes) and supervise/stat (text),
 * exactly as runsv 2.1.2 writes them, so runit's own sv reads our state.
 */
#ifndef POD1_SVSTATUS_H
#define POD1_SVSTATUS_H

#include <sys/types.h>

#include "lib/tai.h"

#define SVSTATUS_SIZE 20
#define SVSTATUS_STATMAX 48

enum svstate {
	SV_DOWN = 0,
	SV_RUN = 1,
	SV_FINISH = 2,
};

struct svstatus {
	struct tai stamp;	/* last start or stop */
	pid_t pid;		/* of run or finish; 0 when down */
	int paused;
	char want;		/* 'u', 'd' or 'x' (written as 'd') */
	int term;		/* TERM sent and the process not yet gone */
	enum svstate state;
};

void svstatus_pack(unsigned char *, const struct svstatus *);
int svstatus_unpack(const unsigned char *, struct svstatus *);
size_t svstatus_stat(char *, const struct svstatus *);
int svstatus_write(int, const struct svstatus *, pid_t *);

#endif
