/* SPDX-License-Identifier: ISC */
/*
 * stage1_isol: appc isolators (and pod1's annotations) turned into the
 * files of an app's exec/ dir, which pod1-exec enforces; pod sysctls and
 * the /proc paths, which the stage1 applies itself.
 */
#ifndef POD1_STAGE1_ISOL_H
#define POD1_STAGE1_ISOL_H

#include <jansson.h>

#define ISOL_NO_CAPS 1		/* --disable-capabilities-restriction */
#define ISOL_NO_SECCOMP 2	/* --disable-seccomp */
#define ISOL_NO_PATHS 4		/* --disable-paths */
#define ISOL_STRICT 8		/* pod1/strict-isolators is "true" */

/*
 * dirfd < 0: only validate (nothing written, nothing printed except the
 * one error line); else write the app's isolator settings into the exec/
 * dir open at dirfd and print one line per isolator:
 * "pod1-stage1: app NAME: ISOLATOR: enforced|modified (why)|ignored
 * (why)".
 * app_isolators: apps[].app.isolators (may be NULL), pod_isolators: the
 * pod's own (may be NULL; they bound the app's), app_annotations:
 * apps[].annotations (pod1/pids-max, pod1/rlimit-*; may be NULL). Returns
 * 0, or -1 after one line naming the app, the isolator and the problem.
 */
int isol_app(int dirfd, const char *app, json_t *app_isolators,
    json_t *pod_isolators, json_t *app_annotations, int flags);

/*
 * Pod-level os/unix/sysctl, namespaced keys only (kernel.shm*,
 * kernel.msg*, kernel.sem, fs.mqueue.*, net.*): check them (apply 0) or
 * write them through procdir/sys (apply 1, inside the pod's namespaces).
 * 0, or -1 after one line.
 */
int isol_sysctl(json_t *pod_isolators, const char *procdir, int apply);

/*
 * Mask and protect the /proc mounted at procdir (before pivot_root)
 * unless flags has ISOL_NO_PATHS: kcore, keys, timer_list, sched_debug...
 * masked; sys, sysrq-trigger, irq, bus, fs read-only. 0, or -1.
 */
int isol_paths(const char *procdir, int flags);

#endif
