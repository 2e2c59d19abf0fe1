/* SPDX-License-Identifier: ISC */
/*
 * pod1-stage1: the rkt stage1 entrypoints in one binary, chosen by the
 * name it is run as (the stage1 image links run, enter, stop and gc to
 * it) or by its first argument.
 */
#include <string.h>

#include "lib/err.h"
#include "stage1/stage1.h"

static const char usage[] = "run|enter|stop|gc ARGS...";

int
main(int argc, char **argv)
{
	const char *name = argv[0] ? strrchr(argv[0], '/') : 0;

	err_prog = "pod1-stage1";
	if (argc < 1)
		die_usage(usage);
	name = name ? name + 1 : argv[0];
	if (strcmp(name, "run") && strcmp(name, "enter") &&
	    strcmp(name, "stop") && strcmp(name, "gc")) {
		if (argc < 2)
			die_usage(usage);
		name = argv[1];
		argc--;
		argv++;
	}
	if (!strcmp(name, "run"))
		return stage1_run(argc, argv);
	if (!strcmp(name, "enter"))
		return stage1_enter(argc, argv);
	if (!strcmp(name, "stop"))
		return stage1_stop(argc, argv);
	if (!strcmp(name, "gc"))
		return stage1_gc(argc, argv);
	die_usage(usage);
}
