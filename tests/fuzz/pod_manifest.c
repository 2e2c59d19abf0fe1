/* SPDX-License-Identifier: ISC */
/*
 * Fuzz stage1's pod manifest parser (stage1/stage1_pod.c pod_parse): any
 * bytes as ./pod, the file a stage0 (pod1's, rkt's or a hostile one)
 * hands the stage1. It must accept or refuse with a message, never read
 * or write out of bounds; what it accepts has named apps and volumes.
 * The pod's memory is the stage1's until it execs, and pod_parse has no
 * free: leaks are not this target's business, but the arrays it makes are
 * freed here so a long run does not grow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stage1/stage1_pod.c"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct pod pod;
	char err[512];
	int i;

	memset(&pod, 0, sizeof pod);
	err[0] = 0;
	if (pod_parse(&pod, (const char *)data, len, err, sizeof err) < 0) {
		if (err[0] == 0 || memchr(err, 0, sizeof err) == 0)
			abort();
	} else {
		if (pod.napps < 1)
			abort();
		for (i = 0; i < pod.napps; i++)
			if (pod.apps[i].name == 0 || pod.apps[i].restart == 0)
				abort();
		for (i = 0; i < pod.nvols; i++)
			if (pod.vols[i].name == 0)
				abort();
	}
	for (i = 0; pod.apps && i < pod.napps; i++) {
		struct app *a = &pod.apps[i];
		char **e;

		for (e = a->env; e && *e; e++)
			free(*e);
		free(a->env);
		free((void *)a->argv);
		free((void *)a->pre);
		free((void *)a->post);
	}
	free(pod.apps);
	free(pod.vols);
	json_decref(pod.manifest);
	return 0;
}
