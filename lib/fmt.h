/* SPDX-License-Identifier: ISC */
/* fmt: number formatting and scanning into caller buffers, no stdio. */
#ifndef POD1_FMT_H
#define POD1_FMT_H

#include <stddef.h>

/* enough for any 64-bit number, sign and NUL */
#define FMT_ULONG 22

size_t fmt_uint(char *, unsigned long long);
size_t fmt_int(char *, long long);
int scan_uint(const char *, unsigned long long, unsigned long long *);

#endif
