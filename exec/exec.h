/* SPDX-License-Identifier: ISC */
/*
 * pod1-exec: one app's settings, read from the files of <svc>/exec/, and
 * the prototypes its files share.
 */
#ifndef POD1_EXEC_H
#define POD1_EXEC_H

#include <sys/types.h>

#include <stddef.h>

/* every rlimit-NAME file pod1-exec knows */
#define EXEC_NRLIMIT 16

struct rlim {
	int set;
	unsigned long long soft, hard;	/* RLIM_INFINITY for unlimited */
};

/* one app's settings; a NULL pointer or -1 is an absent file */
struct xconf {
	const char *dir;	/* the settings dir, for messages */
	char *name;		/* the app's name, for messages */
	char *root;
	char **argv, **env, **prestart, **poststop;
	char *cwd;
	char *status;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	/* isolators */
	char *caps;		/* bounding set: names, space separated */
	char *ambient;		/* ambient-caps */
	char *seccomp;		/* the seccomp file's text */
	int nnp;		/* no-new-privs: 1 set, 0 leave alone */
	int err2out;		/* stderr: "stdout" sends fd 2 where 1 goes */
	long long oom;		/* oom-score-adj, EXEC_NOOOM none */
	struct rlim rlim[EXEC_NRLIMIT];
	long long memory_max, cpu_max, pids_max; /* -1 none */
};

#define EXEC_NOOOM 100000

/* exec_conf.c */
void conf_load(struct xconf *, int, const char *);
char *conf_text(int, const char *, const char *, size_t *);
int conf_rlimit_resource(int, const char **);

/* exec_priv.c: everything done per process, after chroot */
void priv_apply(struct xconf *);
void priv_rlimits(struct xconf *);
void priv_seccomp(struct xconf *);

/* exec_cgroup.c */
void cg_apply(struct xconf *, int);
void cg_finish(struct xconf *, int, int);

#endif
