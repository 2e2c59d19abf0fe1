/* SPDX-License-Identifier: ISC */
/*
 * The pure checks of stage0, unit-tested in tests/unit/stage0_path.t.c:
 * archive entry names made relative and clean or refused with a reason,
 * OCI whiteout names, digests, appc names and pod uuids.
 */
#include <ctype.h>
#include <string.h>

#include "stage0/stage0.h"

/*
 * Clean an archive entry name into out: "./a//b/./c/" becomes "a/b/c".
 * The root itself ("", ".", "./", "/") becomes "". Returns NULL, or why
 * the name is refused: an absolute path or a ".." component would write
 * outside the target.
 */
const char *
path_clean(const char *in, char *out, size_t n)
{
	const char *p = in, *e;
	size_t o = 0, k;

	if (in == NULL || *in == 0)
		return "empty name";
	if (*p == '/') {
		while (*p == '/')
			p++;
		if (*p != 0)
			return "absolute path";
	}
	while (*p) {
		e = strchr(p, '/');
		k = e ? (size_t)(e - p) : strlen(p);
		if (k == 2 && p[0] == '.' && p[1] == '.')
			return "'..' in path";
		if (k > 0 && !(k == 1 && p[0] == '.')) {
			if (o + k + 2 > n)
				return "name too long";
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, k);
			o += k;
		}
		p += k;
		while (*p == '/')
			p++;
	}
	out[o] = 0;
	return NULL;
}

/*
 * If clean path p is prefix or below it, what follows ("" for prefix
 * itself), else NULL: "rootfs/bin" less "rootfs" is "bin".
 */
const char *
path_strip(const char *p, const char *prefix)
{
	size_t k = strlen(prefix);

	if (k == 0)
		return p;
	if (strncmp(p, prefix, k) != 0)
		return NULL;
	if (p[k] == 0)
		return p + k;
	if (p[k] == '/')
		return p + k + 1;
	return NULL;
}

/* 0 for a plain name, 1 for a whiteout ".wh.x", 2 for ".wh..wh..opq". */
int
path_whiteout(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	if (strncmp(b, ".wh.", 4) != 0)
		return 0;
	if (strcmp(b, ".wh..wh..opq") == 0)
		return 2;
	return 1;
}

/*
 * "sha256:HEX", "sha256-HEX", "sha512-HEX" (appc) into alg and hex (129
 * bytes); the hex must be complete. 0 on success, -1 if malformed.
 */
int
digest_parse(const char *s, int *alg, char *hex)
{
	size_t want, i;

	if (strncmp(s, "sha256", 6) == 0)
		*alg = SHA256, want = 64;
	else if (strncmp(s, "sha512", 6) == 0)
		*alg = SHA512, want = 128;
	else
		return -1;
	if (s[6] != ':' && s[6] != '-')
		return -1;
	s += 7;
	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return -1;
	if (i != want)
		return -1;
	memcpy(hex, s, want + 1);
	return 0;
}

/* An appc AC Name: [a-z0-9]+ joined by single '-'. */
int
acname_ok(const char *s)
{
	const char *p;

	if (*s == 0 || *s == '-')
		return 0;
	for (p = s; *p; p++) {
		if (*p == '-' && (p[1] == '-' || p[1] == 0))
			return 0;
		if (!(*p == '-' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9')))
			return 0;
	}
	return 1;
}

/*
 * The first len bytes of in as an AC Name: lower case, each run of
 * other characters one '-', none at either end; "app" if nothing is left.
 */
void
acname_clean(const char *in, size_t len, char *out, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < len && in[i] && o + 2 < n; i++) {
		char c = tolower((unsigned char)in[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		if (c == '-' && (o == 0 || out[o - 1] == '-'))
			continue;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	if (o == 0) {
		strncpy(out, "app", n);
		return;
	}
	out[o] = 0;
}

/*
 * The app name rkt derives from an image name: its last path part, less
 * any tag, as an AC Name ("localhost/bb-docker:latest" is "bb-docker").
 */
void
acname_make(const char *image, char *out, size_t n)
{
	const char *b = strrchr(image, '/');

	b = b ? b + 1 : image;
	acname_clean(b, strcspn(b, ":@"), out, n);
}

/* A name as it may go into a one-line message: controls become '?'. */
void
path_printable(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 1 < n; s++)
		out[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[o] = 0;
}

/* A pod uuid as rkt writes it: 8-4-4-4-12 lower-case hex. */
int
uuid_ok(const char *s)
{
	int i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[36] == 0;
}
