/* SPDX-License-Identifier: ISC */
/*
 * isol: the stage1's isolator functions from the command line, so the
 * integration tests go from appc JSON to what the app sees:
 *   isol app EXECDIR NAME FLAGS APPISO [PODISO [ANNOTATIONS]]
 *   isol check NAME FLAGS APPISO [PODISO [ANNOTATIONS]]
 *   isol sysctl PODISO PROCDIR APPLY
 *   isol paths PROCDIR FLAGS
 * JSON arguments may be "" for none. Exit 0, or 100 when refused.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "stage1/stage1_isol.h"

#define USAGE "isol app EXECDIR NAME FLAGS APPISO [PODISO [ANN]] | " \
	"check NAME FLAGS APPISO [PODISO [ANN]] | sysctl PODISO PROCDIR APPLY" \
	" | paths PROCDIR FLAGS"

static json_t *
arg_json(int argc, char **argv, int i)
{
	json_error_t e;
	json_t *j;

	if (i >= argc || argv[i][0] == 0)
		return 0;
	j = json_loads(argv[i], 0, &e);
	if (j == 0)
		die(100, "bad JSON: ", e.text, ": ", argv[i]);
	return j;
}

static int
arg_int(const char *s)
{
	unsigned long long v;

	if (scan_uint(s, 255, &v) < 0)
		die_usage(USAGE);
	return v;
}

int
main(int argc, char **argv)
{
	json_t *j[3] = { 0, 0, 0 };
	int fd = -1, r, a, i;

	err_prog = "pod1-stage1";
	if (argc < 2)
		die_usage(USAGE);
	if (strcmp(argv[1], "app") == 0 || strcmp(argv[1], "check") == 0) {
		a = argv[1][0] == 'a' ? 3 : 2;
		if (argc < a + 3)
			die_usage(USAGE);
		if (a == 3 && (fd = open(argv[2], O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0)
			die_sys(111, "unable to open ", argv[2]);
		for (i = 0; i < 3; i++)
			j[i] = arg_json(argc, argv, a + 2 + i);
		r = isol_app(fd, argv[a], j[0], j[1], j[2],
		    arg_int(argv[a + 1]));
	} else if (strcmp(argv[1], "sysctl") == 0 && argc == 5) {
		j[0] = arg_json(argc, argv, 2);
		r = isol_sysctl(j[0], argv[3], arg_int(argv[4]));
	} else if (strcmp(argv[1], "paths") == 0 && argc == 4) {
		r = isol_paths(argv[2], arg_int(argv[3]));
	} else {
		die_usage(USAGE);
	}
	for (i = 0; i < 3; i++)
		json_decref(j[i]);
	if (fd >= 0)
		close(fd);
	return r < 0 ? 100 : 0;
}
