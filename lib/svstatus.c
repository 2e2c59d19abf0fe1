/* SPDX-License-Identifier: ISC */
/*
 * svstatus: pure encoders for runit's status bytes and stat text, and one
 * writer that replaces status, stat and pid atomically (x.new + rename).
 * Byte 12-15 (the pid) is little-endian, the rest big-endian, as runit.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/fd.h"
#include "lib/fmt.h"
#include "lib/svstatus.h"
#include "lib/tai.h"

void
svstatus_pack(unsigned char *p, const struct svstatus *s)
{
	unsigned long pid = s->pid;

	tai_pack(p, &s->stamp);
	p[12] = pid;
	p[13] = pid >> 8;
	p[14] = pid >> 16;
	p[15] = pid >> 24;
	p[16] = s->paused ? 1 : 0;
	p[17] = s->want == 'u' ? 'u' : 'd';
	p[18] = s->term ? 1 : 0;
	p[19] = s->state;
}

/* 0, or -1 when the bytes are no runit status (want or state unknown). */
int
svstatus_unpack(const unsigned char *p, struct svstatus *s)
{
	if ((p[17] != 'u' && p[17] != 'd') || p[19] > SV_FINISH)
		return -1;
	tai_unpack(p, &s->stamp);
	s->pid = (pid_t)((unsigned long)p[12] | (unsigned long)p[13] << 8 |
	    (unsigned long)p[14] << 16 | (unsigned long)p[15] << 24);
	s->paused = p[16];
	s->want = p[17];
	s->term = p[18];
	s->state = p[19];
	return 0;
}

/* "run, paused, got TERM, want down\n" into buf (SVSTATUS_STATMAX). */
size_t
svstatus_stat(char *buf, const struct svstatus *s)
{
	static const char *const names[] = { "down", "run", "finish" };
	size_t n;

	n = strlen(strcpy(buf, names[s->state]));
	if (s->paused)
		n += strlen(strcpy(buf + n, ", paused"));
	if (s->term)
		n += strlen(strcpy(buf + n, ", got TERM"));
	if (s->state != SV_DOWN && s->want == 'd')
		n += strlen(strcpy(buf + n, ", want down"));
	if (s->state != SV_DOWN && s->want == 'x')
		n += strlen(strcpy(buf + n, ", want exit"));
	buf[n++] = '\n';
	buf[n] = 0;
	return n;
}

/*
 * Update status and stat in the supervise dir dfd, and pid when it differs
 * from *lastpid (which is then updated). -1 with errno on failure; the
 * caller warns and retries later.
 */
int
svstatus_write(int dfd, const struct svstatus *s, pid_t *lastpid)
{
	unsigned char b[SVSTATUS_SIZE];
	char stat[SVSTATUS_STATMAX], pid[FMT_ULONG + 1];
	size_t n = 0;

	svstatus_pack(b, s);
	if (fd_replace(dfd, "status.new", "status", b, sizeof b) < 0)
		return -1;
	if (fd_replace(dfd, "stat.new", "stat", stat,
	    svstatus_stat(stat, s)) < 0)
		return -1;
	if (*lastpid == s->pid)
		return 0;
	if (s->pid) {
		n = fmt_uint(pid, s->pid);
		pid[n++] = '\n';
	}
	if (fd_replace(dfd, "pid.new", "pid", pid, n) < 0)
		return -1;
	*lastpid = s->pid;
	return 0;
}
