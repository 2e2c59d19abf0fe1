/* SPDX-License-Identifier: ISC */
/* pod1-stage1: appc isolators into pod1-exec's settings. */
#ifndef POD1_STAGE1_ISOL_H
#define POD1_STAGE1_ISOL_H

#include <jansson.h>

#define ISOL_NO_CAPS 1		/* --disable-capabilities-restriction */
#define ISOL_NO_SECCOMP 2	/* --disable-seccomp */
#define ISOL_NO_PATHS 4		/* --disable-paths */
#define ISOL_STRICT 8		/* pod annotation pod1/strict-isolators */

int isol_app(int, const char *, json_t *, json_t *, json_t *, int);
int isol_sysctl(json_t *, const char *, int);
int isol_paths(const char *, int);

#endif
