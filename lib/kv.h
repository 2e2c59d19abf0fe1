/* SPDX-License-Identifier: ISC */
/* kv: look up "key value" lines in a small text file held in a buffer. */
#ifndef POD1_KV_H
#define POD1_KV_H

const char *kv_get(const char *, const char *);

#endif
