/* SPDX-License-Identifier: ISC */
/*
 * The command line's pure parts, unit-tested in tests/unit/stage0_flag.t.c:
 * rkt's flags as Go's flag package took them (--name=VALUE or --name
 * VALUE; --bool, --bool=true, --bool=false), --insecure-options lists and
 * durations. Nothing here prints or exits; stage0.c does.
 */
#include <stdlib.h>
#include <string.h>

#include "stage0/stage0.h"

/*
 * Whether argv[*i] is flag name: 0 if not, 1 with its value in *v (and
 * *i past it), -1 if the value is missing.
 */
int
flag_value(char **argv, int *i, const char *name, const char **v)
{
	const char *a = argv[*i];
	size_t k = strlen(name);

	if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, k) != 0)
		return 0;
	if (a[2 + k] == '=') {
		*v = a + 3 + k;
		return 1;
	}
	if (a[2 + k] != 0)
		return 0;
	if (argv[*i + 1] == NULL)
		return -1;
	*v = argv[++*i];
	return 1;
}

/* --name, --name=true or --name=false into *v; 1 if it was that flag. */
int
flag_bool(char **argv, int i, const char *name, int *v)
{
	const char *a = argv[i];
	size_t k = strlen(name);

	if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, k) != 0)
		return 0;
	if (a[2 + k] == 0 || strcmp(a + 2 + k, "=true") == 0)
		*v = 1;
	else if (strcmp(a + 2 + k, "=false") == 0)
		*v = 0;
	else
		return 0;
	return 1;
}

/* rkt's --insecure-options words into INSECURE_* bits; -1 if unknown. */
int
flag_insecure(const char *s, int *f)
{
	static const char *const ignored[] = {
		"none", "tls", "http", "ondisk", "pubkey", "all-fetch", NULL
	};
	const char *p, *e;
	size_t k;
	int i, known;

	for (p = s; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		e = e ? e : p + strlen(p);
		k = e - p;
#define IS(w) (k == strlen(w) && strncmp(p, (w), k) == 0)
		known = 1;
		if (IS("capabilities"))
			*f |= INSECURE_CAPS;
		else if (IS("paths"))
			*f |= INSECURE_PATHS;
		else if (IS("seccomp"))
			*f |= INSECURE_SECCOMP;
		else if (IS("image"))
			*f |= INSECURE_IMAGE;
		else if (IS("all-run") || IS("run-all"))
			*f |= INSECURE_CAPS | INSECURE_PATHS | INSECURE_SECCOMP;
		else if (IS("all"))
			*f |= INSECURE_CAPS | INSECURE_PATHS |
			    INSECURE_SECCOMP | INSECURE_IMAGE;
		else
			for (known = 0, i = 0; ignored[i]; i++)
				if (IS(ignored[i]))
					known = 1;
#undef IS
		if (!known)
			return -1;
	}
	return 0;
}

/* "30m", "24h", "2d", "0s", "90" in seconds; -1 if malformed. */
long
flag_duration(const char *s)
{
	char *e;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &e, 10);
	if (*e == 0 || strcmp(e, "s") == 0)
		return v;
	if (strcmp(e, "m") == 0)
		return v * 60;
	if (strcmp(e, "h") == 0)
		return v * 3600;
	if (strcmp(e, "d") == 0)
		return v * 86400;
	return -1;
}
