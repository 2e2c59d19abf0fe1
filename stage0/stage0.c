/* SPDX-License-Identifier: ISC */
/*
 * pod1: the stage0 (placeholder until it is written).
 */
#include "lib/err.h"

int
main(int argc, char **argv)
{
	(void)argc;
	err_prog = "pod1";
	(void)argv;
	die(100, "not yet");
}
