/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/cgroup.c: the "0::" line of /proc/PID/cgroup. */
#include <string.h>

#include "lib/cgroup.h"
#include "tests/unit/tap.h"

int
main(void)
{
	char hybrid[] = "12:pids:/x\n1:name=systemd:/y\n0::/pod1-a/stage1\n";
	char pure[] = "0::/a/b\n";
	char root[] = "0::/\n";
	char none[] = "12:pids:/x\n";
	char inner[] = "1:name=z:/0::/w\n0::/v\n";
	const char *m;

	is_str(cgroup_v2_own(hybrid), "/pod1-a/stage1",
	    "hybrid: the 0:: line, cut at its end");
	is_str(cgroup_v2_own(pure), "/a/b", "pure v2");
	is_str(cgroup_v2_own(root), "", "the root is empty");
	is_str(cgroup_v2_own(none), 0, "no v2 line: none");
	is_str(cgroup_v2_own(inner), 0,
	    "a 0::/ inside another line: no answer, never a wrong one");
	m = cgroup_v2_mount();
	ok(m == 0 || strcmp(m, "/sys/fs/cgroup/unified") == 0 ||
	    strcmp(m, "/sys/fs/cgroup") == 0, "the v2 mount is one of two");
	return done_testing();
}
