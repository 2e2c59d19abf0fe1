/* SPDX-License-Identifier: ISC */
/*
 * stage0.h: what the files of pod1 (the stage0) share: digests, tar path
 * checks, the safe unpacker, the image store, pod dirs and the commands.
 */
#ifndef POD1_STAGE0_H
#define POD1_STAGE0_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <sha2.h>

struct archive;
struct archive_entry;

/* stage0_sha.c: libmd's SHA-256 and SHA-512 */
enum { SHA256 = 1, SHA512 = 2 };
struct sha {
	int alg;		/* 0: not hashing */
	SHA2_CTX ctx;
};
void sha_init(struct sha *, int);
void sha_update(struct sha *, const void *, size_t);
void sha_hex(struct sha *, char *);

/* stage0_path.c: pure checks, unit-tested */
const char *path_clean(const char *, char *, size_t);
const char *path_strip(const char *, const char *);
int path_whiteout(const char *);
int digest_parse(const char *, int *, char *);
int acname_ok(const char *);
void acname_clean(const char *, size_t, char *, size_t);
void acname_make(const char *, char *, size_t);
void path_printable(const char *, char *, size_t);
int uuid_ok(const char *);

/* stage0_flag.c: pure, unit-tested */
int flag_value(char **, int *, const char *, const char **);
int flag_bool(char **, int, const char *, int *);
int flag_insecure(const char *, int *);
long flag_duration(const char *);

/* stage0_fs.c: file trees through dir fds, never through a symlink */
int fs_rmtree_at(int, const char *);
int fs_rmtree(const char *);
void fs_copytree(const char *, const char *);
void fs_mkdirs(const char *, mode_t);
char *fs_readfile(const char *, size_t *);
char *fs_readfile_at(int, const char *, size_t *);
void fs_writefile(const char *, const void *, size_t);
void fs_umount_under(const char *);
char *fs_join(const char *, const char *);
char *fs_join3(const char *, const char *, const char *);
void cleanup_push(const char *);
void cleanup_pop(void);
void cleanup_signals(void);
void cleanup_check(void);

/* stage0_unpack.c: one archive's entries into a dir fd */
struct unpack {
	int root;		/* the target dir */
	int oci;		/* apply whiteouts */
	const char *what;	/* for messages: the image or layer */
	char *cpath;		/* the last parent dir and its fd */
	int cfd;
	struct fix *fix;	/* dir metadata, applied at the end */
	size_t nfix, afix;
	char **seen;		/* paths this layer made (opaque dirs) */
	size_t nseen, aseen;
};
void unpack_begin(struct unpack *, int, int, const char *);
void unpack_entry(struct unpack *, struct archive *, struct archive_entry *,
    const char *, const char *);
void unpack_end(struct unpack *);
void unpack_refuse(const char *, const char *, const char *)
    __attribute__((noreturn));

/* stage0_src.c: byte streams that hash what passes, with progress */
struct hasher;
struct src {
	int fd;
	struct archive *outer;	/* or the data of an entry of this archive */
	struct archive *up;	/* or the data of a decompressing reader */
	struct sha sha;
	struct hasher *h;	/* hashes in a thread of its own */
	uint64_t n;
	const char *label;
	int64_t t0, tlast;
	int tty;
	char hex[129];		/* the digest, once src_sum made it */
	unsigned char fbuf[1 << 16];	/* what the raw reader reads */
};
void src_init(struct src *, const char *, int);
int src_open_file(struct src *, const char *);
int src_open_member(struct src *, const char *, const char *);
void src_close(struct src *);
struct archive *src_reader(struct src *, int);
void src_drain(struct src *);
char *src_slurp(struct src *, size_t *);
void src_done(struct src *);
void src_sum(struct src *, char *);

/* stage0_image.c: images into the store */
struct image {
	char id[160];		/* sha512-HEX (ACI) or sha256-HEX */
	char appcid[160];	/* sha512-HEX, what appc and rkt accept */
	char *tree;		/* <dir>/cas/tree/deps-<id> */
	char *manifest;		/* the appc ImageManifest, as text */
	size_t manifestlen;
	int oci;		/* app args replace Cmd, not exec[1:] */
};
void image_get(const char *, const char *, int, struct image *);
int image_list(const char *, int);
int image_rm(const char *, char **);

/* stage0_pod.c */
struct kvlist {
	char **v;
	size_t n;
};
struct app {
	const char *ref;
	struct image img;
	char name[128];
	const char *exec, *user, *group, *workdir, *restart, *memory, *cpu;
	const char *capsretain, *capsremove, *seccomp;
	int readonly;
	struct kvlist env, mounts, args;
	int hasargs;
};
struct pod {
	const char *dir;
	const char *stage1;
	int debug, interactive, inheritenv, nooverlay, insecure;
	const char *net, *hostname, *uuidfile;
	struct kvlist volumes, env, envfiles, dns;
	struct app *apps;
	size_t napps;
	const char *ipc;
};
#define INSECURE_CAPS 1
#define INSECURE_PATHS 2
#define INSECURE_SECCOMP 4
#define INSECURE_IMAGE 8
void kv_add(struct kvlist *, const char *);
int pod_prepare(struct pod *, int, char *);
void pod_exec_run(struct pod *, const char *, int) __attribute__((noreturn));

/* stage0_list.c: what pods are and how they are doing */
int pods_list(const char *, int, int, int);
int pods_status(const char *, const char *, int);
int pods_find(const char *, const char *, char **, char **);
int pod_locked(const char *);
int pod_pid(const char *);
int pods_enter(const char *, const char *, const char *, char **, int);
int pods_stop(const char *, char **, int, int);
int pods_gc(const char *, long, long, int);
int pods_rm(const char *, char **, int);
char *stage1_entry(const char *, const char *, int *);

#endif
