/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for stage0's pure parts: archive entry names cleaned or
 * refused (stage0_path.c), OCI whiteouts, digests, appc names, uuids,
 * and SHA-256/512 against the FIPS 180 vectors (stage0_sha.c).
 */
#include <stdlib.h>

#include "stage0/stage0.h"
#include "tests/unit/tap.h"

static const char *
clean(const char *in)
{
	static char out[64];
	const char *why = path_clean(in, out, sizeof out);

	return why ? why : out;
}

static const char *
hash(int alg, const char *s, size_t n, size_t chunk)
{
	static char hex[129];
	struct sha sh;
	size_t i;

	sha_init(&sh, alg);
	for (i = 0; i < n; i += chunk)
		sha_update(&sh, s + i, n - i < chunk ? n - i : chunk);
	sha_hex(&sh, hex);
	return hex;
}

int
main(void)
{
	char hex[129], name[64], a1000[1000];
	int alg;

	is_str(clean("rootfs/bin/sh"), "rootfs/bin/sh", "a plain name");
	is_str(clean("./rootfs//bin/./sh/"), "rootfs/bin/sh", "./, // and /.");
	is_str(clean("."), "", "the root as .");
	is_str(clean("./"), "", "the root as ./");
	is_str(clean("/"), "", "the root as / (umoci writes it)");
	is_str(clean("//"), "", "the root as //");
	is_str(clean("/etc/passwd"), "absolute path", "absolute refused");
	is_str(clean("../x"), "'..' in path", "leading .. refused");
	is_str(clean("a/../b"), "'..' in path", "inner .. refused");
	is_str(clean("a/.."), "'..' in path", "trailing .. refused");
	is_str(clean("a/..b/c"), "a/..b/c", "..b is a name");
	is_str(clean("...."), "....", ".... is a name");
	is_str(clean(""), "empty name", "empty refused");
	is_str(clean("a/very/long/name/that/does/not/fit/in/sixty/four/bytes/"
	    "of/space/at/all/x"), "name too long", "too long refused");
	is_str(path_strip("rootfs/bin", "rootfs"), "bin", "strip prefix");
	is_str(path_strip("rootfs", "rootfs"), "", "strip the prefix itself");
	is_str(path_strip("rootfsx/bin", "rootfs"), NULL, "rootfsx is not rootfs");
	is_str(path_strip("manifest", "rootfs"), NULL, "not below the prefix");
	is_int(path_whiteout("a/b"), 0, "no whiteout");
	is_int(path_whiteout("a/.wh.b"), 1, "a whiteout");
	is_int(path_whiteout(".wh.b"), 1, "a whiteout at the top");
	is_int(path_whiteout("a/.wh..wh..opq"), 2, "an opaque dir");
	is_int(path_whiteout("a.wh.b/c"), 0, ".wh. inside a name is none");
	ok(digest_parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
	    "ca495991b7852b855", &alg, hex) == 0 && alg == SHA256,
	    "sha256:HEX");
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b78"
	    "52b855", "its hex");
	ok(digest_parse("sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
	    "ca495991b7852b855", &alg, hex) == 0, "sha256-HEX (appc)");
	ok(digest_parse("sha256:e3b0", &alg, hex) < 0, "short hex refused");
	ok(digest_parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934"
	    "CA495991B7852B855", &alg, hex) < 0, "upper case refused");
	ok(digest_parse("md5:d41d8cd98f00b204e9800998ecf8427e", &alg, hex) < 0,
	    "md5 refused");
	ok(digest_parse("sha256:../../../../etc/passwd/aaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa", &alg, hex) < 0, "a path is no digest");
	ok(acname_ok("web-1"), "web-1 is an AC Name");
	ok(!acname_ok("Web"), "Web is not");
	ok(!acname_ok("a--b") && !acname_ok("-a") && !acname_ok("a-") &&
	    !acname_ok(""), "dashes only between");
	acname_make("localhost/bb-docker:latest", name, sizeof name);
	is_str(name, "bb-docker", "app name from an image name");
	acname_make("example.com/My_App", name, sizeof name);
	is_str(name, "my-app", "made an AC Name");
	acname_clean("volume-/data/x", 14, name, sizeof name);
	is_str(name, "volume-data-x", "a volume name from a path");
	acname_clean("ab:cd", 2, name, sizeof name);
	is_str(name, "ab", "only len bytes");
	acname_make("___", name, sizeof name);
	is_str(name, "app", "nothing left: app");
	ok(uuid_ok("0c0f281f-c6bd-4963-9628-390fd2c5839f"), "a uuid");
	ok(!uuid_ok("0c0f281f-c6bd-4963-9628-390fd2c5839"), "short uuid");
	ok(!uuid_ok("../../0f281f-c6bd-4963-9628-390fd2c5839f"), "a path");
	path_printable("a\nb\033c", name, sizeof name);
	is_str(name, "a?b?c", "controls are not printed");
	is_str(hash(SHA256, "abc", 3, 3), "ba7816bf8f01cfea414140de5dae2223b003"
	    "61a396177a9cb410ff61f20015ad", "sha256 abc");
	is_str(hash(SHA256, "", 0, 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e"
	    "4649b934ca495991b7852b855", "sha256 empty");
	is_str(hash(SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomn"
	    "opnopq", 56, 7), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167"
	    "f6ecedd419db06c1", "sha256 two blocks, fed in pieces");
	is_str(hash(SHA512, "abc", 3, 1), "ddaf35a193617abacc417349ae20413112e6"
	    "fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d44"
	    "23643ce80e2a9ac94fa54ca49f", "sha512 abc");
	memset(a1000, 'a', sizeof a1000);
	is_str(hash(SHA512, a1000, 1000, 333), "67ba5535a46e3f86dbfbed8cbbaf012"
	    "5c76ed549ff8b0b9e03e0c88cf90fa634fa7b12b47d77b694de488ace8d9a65967"
	    "dc96df599727d3292a8d9d447709c97", "sha512 of 1000 a's in pieces");
	return done_testing();
}
