/* SPDX-License-Identifier: ISC */
/*
 * kv: the state files pod1 writes for each other (supervise/pod1) are
 * lines of "key value". Only a key at the start of a line matches, so a
 * value can never be mistaken for a key.
 */
#include <string.h>

#include "lib/kv.h"

/* The value of key in the NUL-terminated text, or NULL. */
const char *
kv_get(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (*p) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return p + n + 1;
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	return 0;
}
