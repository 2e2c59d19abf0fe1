/* SPDX-License-Identifier: ISC */
/* pod1-stage1: the pod as read from its manifests, and the entrypoints. */
#ifndef POD1_STAGE1_H
#define POD1_STAGE1_H

#include <sys/types.h>

#include <jansson.h>
#include <limits.h>
#include <signal.h>

/* stage1's own failures, as rkt's */
#define S1_FAIL 254

enum net { NET_DEFAULT, NET_HOST, NET_NONE };
enum dns { DNS_DEFAULT, DNS_HOST, DNS_STAGE0, DNS_NONE };

/* The run entrypoint's flags (rkt stage1 interface version 6). */
struct flags {
	int debug;
	int interactive;
	enum net net;
	int ipc_private;
	int isol;		/* ISOL_NO_* of stage1_isol.h */
	enum dns resolv, hosts;
	const char *hostname;
	const char *uuid;
};

/* A pod volume (appc: empty or host). */
struct vol {
	const char *name;
	int host;		/* kind host, else empty */
	const char *source;
	int ro;			/* -1: not said */
	int recursive;
	unsigned mode;
	uid_t uid;
	gid_t gid;
};

/* One mount of a volume in an app: by name from mountPoints, or mounts[]. */
struct mnt {
	struct vol *vol;
	const char *path;
	int ro;
};

struct app {
	const char *name;
	char root[PATH_MAX];	/* host path of its rootfs */
	char *const *argv;	/* NULL-terminated */
	char **env;		/* final environment, NULL-terminated */
	int nenv;
	char *const *pre, *const *post;	/* event handlers or 0 */
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	const char *cwd;
	const char *restart;
	int ro_rootfs;
	struct mnt *mnts;
	int nmnts;
	json_t *isolators, *annotations;
	json_t *image;		/* its image manifest, or 0 */
};

struct pod {
	char dir[PATH_MAX];	/* the pod dir (cwd) */
	char s1[PATH_MAX];	/* its stage1/rootfs */
	json_t *manifest;
	struct app *apps;
	int napps;
	struct vol *vols;
	int nvols;
	json_t *isolators;
	int strict;
};

/* stage1_pod.c: read ./pod and the apps' image manifests; die 254 */
void pod_load(struct pod *, const struct flags *);
/* pure: parse and check one pod manifest text; 0, or -1 and a message */
int pod_parse(struct pod *, const char *, size_t, char *, size_t);

/* snprintf for paths, dying when one does not fit */
void s1_path(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));
/* a host path opened O_PATH, refusing any symbolic link on the way */
int host_source(const char *);
/* a path inside an app's rootfs, as if it were / */
int in_root(int, const char *, int);

/* stage1_mount.c: in the pod's new mount namespace */
void mount_pod(struct pod *, const struct flags *);

/* stage1_run.c */
int stage1_run(int, char **);

/* stage1.c: waiting for a child, stop signals passed on */
void s1_waitset(sigset_t *);
int s1_wait(pid_t, int);

/* stage1_enter.c */
int stage1_enter(int, char **);
int stage1_stop(int, char **);
int stage1_gc(int, char **);

#endif
