/* SPDX-License-Identifier: ISC */
/* cgroup: where the v2 hierarchy is, and our own place in it. */
#ifndef POD1_CGROUP_H
#define POD1_CGROUP_H

/* the mount of the v2 hierarchy (hybrid or pure v2), or 0 */
const char *cgroup_v2_mount(void);
/*
 * The path of the "0::" line in /proc/PID/cgroup text, cut in place at
 * its end; "" for the root; 0 without one.
 */
char *cgroup_v2_own(char *);

#endif
