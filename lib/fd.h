/* SPDX-License-Identifier: ISC */
/* fd: small file-descriptor helpers that preserve errno. */
#ifndef POD1_FD_H
#define POD1_FD_H

#include <stddef.h>

void fd_close(int);
int fd_cloexec(int);
int fd_move(int, int);
void fd_closefrom(int);
int fd_write_all(int, const void *, size_t);
int fd_read_nointr(int, void *, size_t);
int fd_replace(int, const char *, const char *, const void *, size_t);

#endif
