/* SPDX-License-Identifier: ISC */
/*
 * Fuzz lib/kv.c: the key is the input up to its first NUL, the text the
 * rest. A value found must lie in the text, right after the key and a
 * space at the start of a line; a miss must be a real miss.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
kv_naive(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = text; *p; p++)
		if ((p == text || p[-1] == '\n') && strncmp(p, key, n) == 0 &&
		    p[n] == ' ')
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *key, *text, *v;
	char *buf;

	buf = malloc(len + 2);
	if (buf == 0)
		return 0;
	memcpy(buf, data, len);
	buf[len] = 0;
	buf[len + 1] = 0;
	key = buf;
	text = buf + strlen(buf) + 1;
	v = kv_get(text, key);
	if (v) {
		size_t n = strlen(key);
		const char *k = v - 1 - n;

		if (k < text || v > text + strlen(text) || v[-1] != ' ' ||
		    strncmp(k, key, n) != 0 || (k != text && k[-1] != '\n'))
			abort();
	} else if (kv_naive(text, key)) {
		abort();
	}
	free(buf);
	return 0;
}
