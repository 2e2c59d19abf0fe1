/* SPDX-License-Identifier: ISC */
/*
 * pod1-exec: one app's exec step (placeholder until it is written).
 */
#include "lib/err.h"

int
main(int argc, char **argv)
{
	(void)argc;
	err_prog = "pod1-exec";
	(void)argv;
	die(100, "not yet");
}
