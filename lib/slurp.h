/* SPDX-License-Identifier: ISC */
/* slurp: a whole file into memory, for the set-up programs only. */
#ifndef POD1_SLURP_H
#define POD1_SLURP_H

#include <stddef.h>

char *fd_slurp(int, size_t *);

#endif
