/* SPDX-License-Identifier: ISC */
/*
 * Fuzz lib/proc.c's /proc/PID/stat parser: any process picks its own
 * comm, parentheses and spaces included, and pod1 parses what the kernel
 * makes of it. It must stay within the bytes given and, when it takes a
 * line, give pids a pid_t holds and the state letter after the last ")".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct proc_stat ps;
	const char *close;
	char *buf;

	/* exactly len bytes, no NUL: as read(2) leaves them */
	buf = malloc(len ? len : 1);
	if (buf == 0)
		return 0;
	memcpy(buf, data, len);
	if (proc_stat_parse(buf, len, &ps) == 0) {
		close = memrchr(buf, ')', len);
		if (close == 0 || ps.state != close[2] || ps.ppid < 0 ||
		    ps.pgrp < 0 || ps.sid < 0)
			abort();
	}
	free(buf);
	return 0;
}
