/* SPDX-License-Identifier: ISC */
/*
 * Fuzz lib/svstatus.c: any 20 bytes a supervise/status file can hold.
 * What unpacks must pack back to the same bytes (the flag bytes once made
 * 0 or 1) and describe itself in a stat line that fits its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/svstatus.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	unsigned char in[SVSTATUS_SIZE], out[SVSTATUS_SIZE];
	char stat[SVSTATUS_STATMAX + 1];
	struct svstatus s;
	size_t n;

	if (len < SVSTATUS_SIZE)
		return 0;
	memcpy(in, data, sizeof in);
	if (svstatus_unpack(in, &s) < 0) {
		/* refused: the want or state byte is none of runit's */
		if ((in[17] == 'u' || in[17] == 'd') && in[19] <= SV_FINISH)
			abort();
		return 0;
	}
	svstatus_pack(out, &s);
	in[16] = !!in[16];
	in[18] = !!in[18];
	if (memcmp(in, out, sizeof in) != 0)
		abort();
	memset(stat, 0x55, sizeof stat);
	n = svstatus_stat(stat, &s);
	if (n >= SVSTATUS_STATMAX || stat[n] != 0 || stat[n - 1] != '\n' ||
	    stat[SVSTATUS_STATMAX] != 0x55)
		abort();
	return 0;
}
