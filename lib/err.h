/* SPDX-License-Identifier: ISC */
/*
 * Error and diagnostic messages without stdio or malloc: the arguments are
 * a NULL-terminated list of strings, assembled on the stack and written to
 * fd 2 with one writev(2). errno is preserved by the warn family.
 */
#ifndef POD1_ERR_H
#define POD1_ERR_H

extern const char *err_prog;

void err_warn(int, const char *, ...);
void err_die(int, int, const char *, ...) __attribute__((noreturn));
void err_usage(const char *) __attribute__((noreturn));

#define ERR_WARN 0
#define ERR_SYS 1
#define ERR_INFO 2

#define die(code, ...) err_die((code), 0, __VA_ARGS__, (char *)0)
#define die_sys(code, ...) err_die((code), 1, __VA_ARGS__, (char *)0)
#define die_usage(usage) err_usage(usage)
#define warn(...) err_warn(ERR_WARN, __VA_ARGS__, (char *)0)
#define warn_sys(...) err_warn(ERR_SYS, __VA_ARGS__, (char *)0)
#define info(...) err_warn(ERR_INFO, __VA_ARGS__, (char *)0)

#endif
