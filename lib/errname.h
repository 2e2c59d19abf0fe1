/* SPDX-License-Identifier: ISC */
/* errname: errno names ("EPERM") to numbers, for settings files. */
#ifndef POD1_ERRNAME_H
#define POD1_ERRNAME_H

int errname_number(const char *);

#endif
