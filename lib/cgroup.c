/* SPDX-License-Identifier: ISC */
/* cgroup: where the v2 hierarchy is, and our own place in it. */
#include <sys/statfs.h>

#include <string.h>

#include "lib/cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *
cgroup_v2_mount(void)
{
	static const char *const mounts[] = {
		"/sys/fs/cgroup/unified",	/* hybrid v1 + v2 */
		"/sys/fs/cgroup",		/* pure v2 */
	};
	struct statfs fs;
	unsigned i;

	for (i = 0; i < sizeof mounts / sizeof mounts[0]; i++)
		if (statfs(mounts[i], &fs) == 0 &&
		    fs.f_type == CGROUP2_SUPER_MAGIC)
			return mounts[i];
	return 0;
}

char *
cgroup_v2_own(char *text)
{
	char *own = strstr(text, "0::/"), *nl;

	if (own == 0 || (own != text && own[-1] != '\n'))
		return 0;
	own += 3;
	if ((nl = strchr(own, '\n')) != 0)
		*nl = 0;
	return strcmp(own, "/") == 0 ? own + 1 : own;
}
