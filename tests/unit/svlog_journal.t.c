/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for svlog/svlog_journal.c: the recovery rule that makes a
 * killed logger lose and repeat nothing, case by case.
 */
#include <string.h>

#include "svlog/svlog_journal.c"
#include "tests/unit/tap.h"

int
main(void)
{
	struct svlog_jhdr h;
	unsigned long long cur[SVLOG_MAXDIRS] = { 0 }, start;

	ok(sizeof h <= SVLOG_JHDR, "the header fits one page");
	svlog_journal_init(&h);
	is_int(svlog_journal_decide(&h, 0, cur, &start), SVLOG_J_DONE,
	    "a new journal: nothing to do");
	is_int(start, SVLOG_JHDR, "input will start after the header");

	h.start = 8192;
	h.n = 1000;
	h.ndir = 2;
	h.dir[0].ino = 11;
	h.dir[0].s0 = 500;
	h.dir[0].m = 1200;
	h.dir[1].ino = 12;
	h.dir[1].s0 = 0;
	h.dir[1].m = 0;
	cur[0] = 1700;
	cur[1] = 0;
	is_int(svlog_journal_decide(&h, 8192 + 1500, cur, &start),
	    SVLOG_J_DONE, "every current has the batch: done");
	is_int(start, 9192, "logging goes on after it");
	cur[0] = 1699;
	is_int(svlog_journal_decide(&h, 8192 + 1500, cur, &start),
	    SVLOG_J_REDO, "one byte short: redo");
	is_int(start, 8192, "from the batch's start");
	cur[0] = 500;
	is_int(svlog_journal_decide(&h, 8192 + 1500, cur, &start),
	    SVLOG_J_REDO, "nothing written: redo");
	cur[0] = ~0ULL;
	is_int(svlog_journal_decide(&h, 8192 + 1500, cur, &start),
	    SVLOG_J_DONE, "a current rotated away since: it had the batch");
	is_int(svlog_journal_decide(&h, 8192 + 600, cur, &start),
	    SVLOG_J_DONE, "a journal shorter than the batch");
	is_int(start, 8792, "is not read beyond its end");
	cur[0] = 1700;

	/* a batch that only owed head bytes (a stamp cut by rotation) */
	h.n = 0;
	h.dir[0].m = 10;
	cur[0] = 505;
	is_int(svlog_journal_decide(&h, 9000, cur, &start), SVLOG_J_REDO,
	    "no input, output short: redo");
	cur[0] = 510;
	is_int(svlog_journal_decide(&h, 9000, cur, &start), SVLOG_J_DONE,
	    "no input, output complete: done");
	is_int(start, 8192, "start stays");
	h.start = 20000;
	is_int(svlog_journal_decide(&h, 9000, cur, &start), SVLOG_J_DONE,
	    "start beyond the end (cut while compacting)");
	is_int(start, 9000, "is brought back to the end");

	h.magic[7]++;
	is_int(svlog_journal_decide(&h, 9000, cur, &start), SVLOG_J_NONE,
	    "another version: not ours");
	is_int(start, 9000, "and what it holds is skipped");
	return done_testing();
}
