/* SPDX-License-Identifier: ISC */
/*
 * pod1-stage1: the stage1 entrypoints (placeholder until it is written).
 */
#include "lib/err.h"

int
main(int argc, char **argv)
{
	(void)argc;
	err_prog = "pod1-stage1";
	(void)argv;
	die(100, "not yet");
}
