/* SPDX-License-Identifier: ISC */
/*
 * SHA-256 and SHA-512 for image digests: sha256 names OCI and docker
 * blobs, sha512 of the uncompressed tar is an ACI's image ID. libmd's
 * (sha2.h) behind one interface for both, the blobs hashed as they
 * stream past the unpacker.
 */
#include <sha2.h>

#include "stage0/stage0.h"

void
sha_init(struct sha *s, int alg)
{
	s->alg = alg;
	if (alg == SHA256)
		SHA256Init(&s->ctx);
	else if (alg == SHA512)
		SHA512Init(&s->ctx);
}

void
sha_update(struct sha *s, const void *data, size_t n)
{
	if (s->alg == SHA256)
		SHA256Update(&s->ctx, data, n);
	else if (s->alg == SHA512)
		SHA512Update(&s->ctx, data, n);
}

/*
 * The digest in lower-case hex, NUL-terminated, into out (129 bytes); ""
 * when not hashing.
 */
void
sha_hex(struct sha *s, char *out)
{
	if (s->alg == SHA256)
		SHA256End(&s->ctx, out);
	else if (s->alg == SHA512)
		SHA512End(&s->ctx, out);
	else
		out[0] = 0;
}
