/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/svstatus.c against bytes runsv 2.1.2 wrote. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/svstatus.h"
#include "tests/unit/tap.h"

static int
file_is(int dfd, const char *name, const char *want, size_t len)
{
	char buf[64];
	int fd = openat(dfd, name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n == (ssize_t)len && memcmp(buf, want, len) == 0;
}

int
main(void)
{
	/* captured from runsv: run, pid 17685, want up */
	static const unsigned char runit[SVSTATUS_SIZE] = {
		0x40, 0, 0, 0, 0x6b, 0x02, 0xda, 0xd5, 0x08, 0xc2, 0x60, 0xd4,
		0x15, 0x45, 0, 0, 0, 0x75, 0, 1 };
	unsigned char b[SVSTATUS_SIZE];
	char stat[SVSTATUS_STATMAX], dir[] = "/tmp/svstatus.XXXXXX";
	struct svstatus s;
	pid_t last = -1;
	int dfd;

	ok(svstatus_unpack(runit, &s) == 0, "unpack runsv's bytes");
	is_int(s.pid, 17685, "pid is little-endian");
	is_int(s.want, 'u', "want up");
	is_int(s.state, SV_RUN, "state run");
	ok(s.stamp.sec == 0x400000006b02dad5ULL && s.stamp.nsec == 0x08c260d4,
	    "stamp");
	svstatus_pack(b, &s);
	ok(memcmp(b, runit, sizeof b) == 0, "pack gives runsv's bytes back");
	svstatus_stat(stat, &s);
	is_str(stat, "run\n", "stat: run");

	s.term = 1;
	s.want = 'd';
	s.paused = 1;
	svstatus_stat(stat, &s);
	is_str(stat, "run, paused, got TERM, want down\n", "stat: every flag");
	s.want = 'x';
	svstatus_pack(b, &s);
	is_int(b[17], 'd', "want exit is written as d");
	is_int(b[16], 1, "paused byte");
	is_int(b[18], 1, "TERM byte");
	svstatus_stat(stat, &s);
	is_str(stat, "run, paused, got TERM, want exit\n", "stat: want exit");
	s.state = SV_DOWN;
	s.paused = s.term = 0;
	svstatus_stat(stat, &s);
	is_str(stat, "down\n", "stat: down shows no want");
	s.state = SV_FINISH;
	s.want = 'u';
	svstatus_stat(stat, &s);
	is_str(stat, "finish\n", "stat: finish");

	memcpy(b, runit, sizeof b);
	b[17] = 'x';
	ok(svstatus_unpack(b, &s) < 0, "bad want byte refused");
	memcpy(b, runit, sizeof b);
	b[19] = 3;
	ok(svstatus_unpack(b, &s) < 0, "bad state byte refused");

	if (mkdtemp(dir) == 0 || (dfd = open(dir, O_RDONLY)) < 0) {
		skip("no temporary directory");
		return done_testing();
	}
	svstatus_unpack(runit, &s);
	ok(svstatus_write(dfd, &s, &last) == 0, "write");
	ok(file_is(dfd, "status", (const char *)runit, SVSTATUS_SIZE),
	    "status file holds the 20 bytes");
	ok(file_is(dfd, "stat", "run\n", 4), "stat file");
	ok(file_is(dfd, "pid", "17685\n", 6), "pid file");
	is_int(last, 17685, "last pid remembered");
	s.pid = 0;
	s.state = SV_DOWN;
	ok(svstatus_write(dfd, &s, &last) == 0 && file_is(dfd, "pid", "", 0),
	    "pid file empty when down");
	ok(faccessat(dfd, "status.new", F_OK, 0) < 0, "no status.new left");
	unlinkat(dfd, "status", 0);
	unlinkat(dfd, "stat", 0);
	unlinkat(dfd, "pid", 0);
	close(dfd);
	rmdir(dir);
	return done_testing();
}
