/* SPDX-License-Identifier: ISC */
/*
 * Pods: the images in the store and the command line become a pod dir in
 * rkt's layout (pods/prepare/<uuid>, flocked while it is made), with the
 * pod manifest fully reified from the images and the flags, the stage1
 * and each app's rootfs as overlays over the store (copies where overlay
 * cannot be had); then prepare → prepared or run, and for run the exec of
 * the stage1's run entrypoint with rkt's argv, environment and lock fd.
 */
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/err.h"
#include "stage0/stage0.h"

extern char **environ;

static json_t *app_json(struct pod *, struct app *, json_t *);
static json_t *volume_json(const char *);
static void isolator_set(json_t *, const char *, json_t *);
static void env_set(json_t *, const char *, const char *, int);
static char *stage1_default(void);
static int overlay(const char *, const char *, const char *, const char *);

void
kv_add(struct kvlist *l, const char *s)
{
	if ((l->v = realloc(l->v, (l->n + 2) * sizeof *l->v)) == NULL)
		die_sys(111, "unable to allocate");
	l->v[l->n++] = (char *)s;
	l->v[l->n] = NULL;
}

static json_t *
nv(const char *name, const char *value)
{
	return json_pack("{s:s,s:s}", "name", name, "value", value);
}

/* Set (over) or add NAME=value in an appc environment list. */
static void
env_set(json_t *env, const char *name, const char *value, int over)
{
	json_t *x;
	size_t i;

	json_array_foreach(env, i, x) {
		if (strcmp(json_string_value(json_object_get(x, "name")),
		    name) == 0) {
			if (over)
				json_object_set_new(x, "value",
				    json_string(value));
			return;
		}
	}
	json_array_append_new(env, nv(name, value));
}

static void
env_kv(json_t *env, const char *kv, int over)
{
	const char *eq = strchr(kv, '=');
	char name[256];

	if (eq == NULL || eq == kv || eq - kv >= (long)sizeof name)
		die(100, "bad environment variable: ", kv);
	snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
	env_set(env, name, eq + 1, over);
}

static void
isolator_set(json_t *isos, const char *name, json_t *value)
{
	json_t *x;
	size_t i;

	json_array_foreach(isos, i, x)
		if (strcmp(json_string_value(json_object_get(x, "name")),
		    name) == 0) {
			json_array_remove(isos, i);
			break;
		}
	json_array_append_new(isos, json_pack("{s:s,s:o}", "name", name,
	    "value", value));
}

static json_t *
strlist(const char *csv)
{
	json_t *a = json_array();
	char *s = strdup(csv), *p, *save;

	if (s == NULL)
		die_sys(111, "unable to allocate");
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(p));
	free(s);
	return a;
}

/* --volume NAME,kind=host,source=PATH[,readOnly=BOOL][,recursive=BOOL] */
static json_t *
volume_json(const char *spec)
{
	json_t *v = json_object();
	char *s = strdup(spec), *p, *save, *eq;

	if (s == NULL)
		die_sys(111, "unable to allocate");
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(p, '=')) == NULL) {
			if (json_object_get(v, "name"))
				die(100, "bad --volume: ", spec);
			if (!acname_ok(p))
				die(100, "bad volume name: ", p);
			json_object_set_new(v, "name", json_string(p));
			continue;
		}
		*eq++ = 0;
		if (strcmp(p, "readOnly") == 0 || strcmp(p, "recursive") == 0)
			json_object_set_new(v, p, json_boolean(
			    strcmp(eq, "true") == 0));
		else if (strcmp(p, "kind") == 0 || strcmp(p, "source") == 0 ||
		    strcmp(p, "mode") == 0 || strcmp(p, "uid") == 0 ||
		    strcmp(p, "gid") == 0)
			json_object_set_new(v, p, (strcmp(p, "uid") == 0 ||
			    strcmp(p, "gid") == 0) ? json_integer(atoi(eq)) :
			    json_string(eq));
		else
			die(100, "bad --volume key ", p, ": ", spec);
	}
	free(s);
	if (!json_object_get(v, "name") || !json_object_get(v, "kind"))
		die(100, "--volume needs a name and kind=host|empty: ", spec);
	if (strcmp(json_string_value(json_object_get(v, "kind")), "host") == 0
	    && !json_object_get(v, "source"))
		die(100, "--volume kind=host needs source=: ", spec);
	return v;
}

/* The app section: the image's, with the flags applied (rkt's rules). */
static json_t *
app_json(struct pod *p, struct app *a, json_t *im)
{
	json_t *app, *exec, *env, *isos, *iapp = json_object_get(im, "app");
	size_t i, keep;
	char **e;

	app = iapp && json_is_object(iapp) ? json_deep_copy(iapp) :
	    json_object();
	exec = json_object_get(app, "exec");
	if (!json_is_array(exec)) {
		exec = json_array();
		json_object_set_new(app, "exec", exec);
	}
	if (a->exec) {
		json_array_clear(exec);
		json_array_append_new(exec, json_string(a->exec));
	} else if (a->hasargs) {
		/* OCI: args replace Cmd; ACI: they follow exec[0] */
		keep = 1;
		if (a->img.oci) {
			json_t *an;

			json_t *ans = json_object_get(im, "annotations");

			json_array_foreach(ans, i, an)
				if (json_string_value(json_object_get(an,
				    "value")) && strcmp(json_string_value(
				    json_object_get(an, "name")),
				    "pod1/oci-entrypoint") == 0)
					keep = atoi(json_string_value(
					    json_object_get(an, "value")));
		}
		while (json_array_size(exec) > keep)
			json_array_remove(exec, json_array_size(exec) - 1);
	}
	for (i = 0; i < a->args.n; i++)
		json_array_append_new(exec, json_string(a->args.v[i]));
	if (json_array_size(exec) == 0)
		die(100, a->ref, ": the image has no command: give --exec or "
		    "args after --");
	if (a->user)
		json_object_set_new(app, "user", json_string(a->user));
	if (a->group)
		json_object_set_new(app, "group", json_string(a->group));
	if (!json_string_value(json_object_get(app, "user")))
		json_object_set_new(app, "user", json_string("0"));
	if (!json_string_value(json_object_get(app, "group")))
		json_object_set_new(app, "group", json_string("0"));
	if (a->workdir)
		json_object_set_new(app, "workingDirectory",
		    json_string(a->workdir));
	env = json_object_get(app, "environment");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(app, "environment", env);
	}
	/* inherited vars never override the image; explicit ones do */
	if (p->inheritenv)
		for (e = environ; *e; e++)
			if (strchr(*e, '=') && **e != '=')
				env_kv(env, *e, 0);
	for (i = 0; i < p->envfiles.n; i++) {
		char *buf = fs_readfile(p->envfiles.v[i], NULL), *l, *save;

		if (buf == NULL)
			die_sys(100, "unable to read ", p->envfiles.v[i]);
		for (l = strtok_r(buf, "\n", &save); l;
		    l = strtok_r(NULL, "\n", &save))
			if (*l && *l != '#')
				env_kv(env, l, 1);
		free(buf);
	}
	for (i = 0; i < p->env.n; i++)
		env_kv(env, p->env.v[i], 1);
	for (i = 0; i < a->env.n; i++)
		env_kv(env, a->env.v[i], 1);
	isos = json_object_get(app, "isolators");
	if (!json_is_array(isos)) {
		isos = json_array();
		json_object_set_new(app, "isolators", isos);
	}
	if (a->memory)
		isolator_set(isos, "resource/memory", json_pack("{s:s}",
		    "limit", a->memory));
	if (a->cpu)
		isolator_set(isos, "resource/cpu", json_pack("{s:s}", "limit",
		    a->cpu));
	if (a->capsretain)
		isolator_set(isos, "os/linux/capabilities-retain-set",
		    json_pack("{s:o}", "set", strlist(a->capsretain)));
	if (a->capsremove)
		isolator_set(isos, "os/linux/capabilities-remove-set",
		    json_pack("{s:o}", "set", strlist(a->capsremove)));
	if (a->seccomp) {
		/* mode=retain|remove[,errno=E],syscall,... */
		json_t *set = json_array(), *v = json_object();
		char *s = strdup(a->seccomp), *t, *save;
		const char *mode = NULL;

		for (t = strtok_r(s, ",", &save); t;
		    t = strtok_r(NULL, ",", &save)) {
			if (strncmp(t, "mode=", 5) == 0)
				mode = a->seccomp + (t - s) + 5;
			else if (strncmp(t, "errno=", 6) == 0)
				json_object_set_new(v, "errno",
				    json_string(t + 6));
			else
				json_array_append_new(set, json_string(t));
		}
		if (mode == NULL || (strncmp(mode, "retain", 6) &&
		    strncmp(mode, "remove", 6)))
			die(100, "--seccomp needs mode=retain or mode=remove");
		json_object_set_new(v, "set", set);
		isolator_set(isos, strncmp(mode, "retain", 6) == 0 ?
		    "os/linux/seccomp-retain-set" :
		    "os/linux/seccomp-remove-set", v);
		free(s);
	}
	return app;
}

static char *
stage1_default(void)
{
	char exe[PATH_MAX], *p, *s;
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *rel[] = { "stage1.aci", "../lib/pod1/stage1.aci" };
	size_t i;

	if (k > 0) {
		exe[k] = 0;
		if ((p = strrchr(exe, '/')) != NULL)
			*p = 0;
		for (i = 0; i < 2; i++) {
			s = fs_join(exe, rel[i]);
			if (access(s, R_OK) == 0)
				return s;
			free(s);
		}
	}
	if (access("/usr/local/lib/pod1/stage1.aci", R_OK) == 0)
		return strdup("/usr/local/lib/pod1/stage1.aci");
	die(100, "no stage1.aci beside pod1: give --stage1-path");
}

/* Mount an overlay of lower at target; -1 when the kernel says no. */
static int
overlay(const char *lower, const char *upper, const char *work,
    const char *target)
{
	char *o;
	int r;

	if (strpbrk(lower, ",:") || strpbrk(upper, ",:"))
		return -1;
	fs_mkdirs(upper, 0755);
	fs_mkdirs(work, 0700);
	fs_mkdirs(target, 0755);
	if (asprintf(&o, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper,
	    work) < 0)
		die_sys(111, "unable to allocate");
	r = mount("overlay", target, "overlay", 0, o);
	free(o);
	return r;
}

static void
uuid_make(char *u)
{
	unsigned char b[16];
	int i, o = 0;

	if (getrandom(b, sizeof b, 0) != sizeof b)
		die_sys(111, "unable to get random bytes");
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			u[o++] = '-';
		o += sprintf(u + o, "%02x", b[i]);
	}
}

/* Whether a path exists inside a rootfs without following a symlink. */
static int
lexists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/*
 * Prepare the pod: images, manifest, dir. Returns the locked dir fd (run
 * set: the pod is in pods/run/) or -1 (prepared/ and unlocked); the uuid
 * goes to uuid (37 bytes).
 */
int
pod_prepare(struct pod *p, int run, char *uuid)
{
	struct image s1;
	json_t *pm, *apps, *vols, *im, *app, *ann, *x, *mounts;
	char *prep, *pd, *t, *t2, *s1root, *txt, *dst;
	const char *s;
	size_t i, j;
	int fd, ov = !p->nooverlay;

	if (p->stage1 == NULL)
		p->stage1 = stage1_default();
	image_get(p->dir, p->stage1, p->insecure, &s1);
	for (i = 0; i < p->napps; i++)
		image_get(p->dir, p->apps[i].ref, p->insecure, &p->apps[i].img);
	if (p->interactive && p->napps != 1)
		die(100, "--interactive needs exactly one app");

	apps = json_array();
	for (i = 0; i < p->napps; i++) {
		struct app *a = &p->apps[i];

		im = json_loadb(a->img.manifest, a->img.manifestlen, 0, NULL);
		if (im == NULL)
			die(111, "bad manifest in the store for ", a->img.id);
		if (a->name[0] == 0)
			acname_make(json_string_value(json_object_get(im,
			    "name")), a->name, sizeof a->name);
		if (!acname_ok(a->name))
			die(100, "bad app name: ", a->name);
		for (j = 0; j < i; j++)
			if (strcmp(p->apps[j].name, a->name) == 0)
				die(100, "two apps named ", a->name,
				    ": give one --name=");
		app = app_json(p, a, im);
		mounts = json_array();
		for (j = 0; j < a->mounts.n; j++) {
			char *v = strdup(a->mounts.v[j]), *k, *save;
			const char *vol = NULL, *tgt = NULL;

			for (k = strtok_r(v, ",", &save); k;
			    k = strtok_r(NULL, ",", &save))
				if (strncmp(k, "volume=", 7) == 0)
					vol = k + 7;
				else if (strncmp(k, "target=", 7) == 0)
					tgt = k + 7;
			if (!vol || !tgt)
				die(100, "--mount needs volume=NAME,target="
				    "PATH: ", a->mounts.v[j]);
			json_array_append_new(mounts, json_pack("{s:s,s:s}",
			    "volume", vol, "path", tgt));
			free(v);
		}
		ann = json_array();
		if (a->restart) {
			if (strcmp(a->restart, "always") &&
			    strcmp(a->restart, "on-failure") &&
			    strcmp(a->restart, "never"))
				die(100, "--restart is always, on-failure or "
				    "never, not ", a->restart);
			json_array_append_new(ann, nv("pod1/restart",
			    a->restart));
		}
		x = json_object_get(im, "labels");
		json_array_append_new(apps, json_pack(
		    "{s:s,s:{s:s,s:s,s:O},s:o,s:b,s:o,s:o}", "name", a->name,
		    "image", "name", json_string_value(json_object_get(im,
		    "name")), "id", a->img.appcid, "labels",
		    x ? x : json_array(),
		    "app", app, "readOnlyRootFS", a->readonly, "mounts", mounts,
		    "annotations", ann));
		json_decref(im);
	}
	vols = json_array();
	for (i = 0; i < p->volumes.n; i++)
		json_array_append_new(vols, volume_json(p->volumes.v[i]));
	/*
	 * rkt: an image mount point no volume and no --mount serves gets
	 * an empty volume of its name, so the stage1 finds one
	 */
	json_array_foreach(apps, i, x) {
		json_t *mp, *v, *mt;
		size_t j2, k2;

		json_array_foreach(json_object_get(json_object_get(x, "app"),
		    "mountPoints"), j, mp) {
			const char *mn = json_string_value(json_object_get(mp,
			    "name"));
			const char *mpath = json_string_value(json_object_get(mp,
			    "path"));
			int served = 0;

			if (mn == NULL)
				continue;
			json_array_foreach(vols, j2, v)
				served |= strcmp(json_string_value(
				    json_object_get(v, "name")), mn) == 0;
			json_array_foreach(json_object_get(x, "mounts"), k2, mt)
				served |= mpath && strcmp(json_string_value(
				    json_object_get(mt, "path")), mpath) == 0;
			if (served)
				continue;
			info("no volume for mount point ", mn, ": an empty one "
			    "is made, and goes with the pod");
			json_array_append_new(vols, json_pack("{s:s,s:s}",
			    "name", mn, "kind", "empty"));
		}
	}
	pm = json_pack("{s:s,s:s,s:o,s:o,s:[],s:[{s:s,s:s}],s:[]}",
	    "acVersion", "1.30.0", "acKind", "PodManifest", "apps", apps,
	    "volumes", vols, "isolators", "annotations", "name",
	    "coreos.com/rkt/stage1/mutable", "value", "false", "ports");
	if (pm == NULL)
		die(111, "unable to build the pod manifest");

	/* the dir, locked while it is being made (rkt: "preparing") */
	uuid_make(uuid);
	t = fs_join(p->dir, "pods/prepare");
	fs_mkdirs(t, 0700);
	prep = fs_join(t, uuid);
	free(t);
	if (mkdir(prep, 0700) < 0)
		die_sys(111, "unable to make ", prep);
	cleanup_push(prep);
	if ((fd = open(prep, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    flock(fd, LOCK_EX | LOCK_NB) < 0)
		die_sys(111, "unable to lock ", prep);
	txt = json_dumps(pm, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	t = fs_join(prep, "pod");
	fs_writefile(t, txt, strlen(txt));
	free(t);
	free(txt);
	t = fs_join(prep, "pod-created");
	fs_writefile(t, "", 0);
	free(t);
	t = fs_join(prep, "pod.lck");
	fs_writefile(t, "", 0);
	free(t);
	t = fs_join(prep, "stage1TreeStoreID");
	txt = fs_join("deps", s1.id);
	txt[4] = '-';
	fs_writefile(t, txt, strlen(txt));
	free(t);
	t = fs_join(prep, "stage1");
	fs_mkdirs(t, 0755);
	free(t);
	t = fs_join(prep, "stage1/manifest");
	fs_writefile(t, s1.manifest, s1.manifestlen);
	free(t);
	s1root = fs_join(prep, "stage1/rootfs");
	t = fs_join(s1.tree, "rootfs");
	if (ov) {
		char *up = fs_join3(prep, "overlay", txt), *u2, *w2;

		u2 = fs_join(up, "upper");
		w2 = fs_join(up, "work");
		if (overlay(t, u2, w2, s1root) < 0) {
			ov = 0;
			fs_rmtree(up);
			fs_rmtree(s1root);
		}
		free(up);
		free(u2);
		free(w2);
	}
	if (!ov)
		fs_copytree(t, s1root);
	free(t);
	free(txt);
	for (i = 0; i < p->napps; i++) {
		struct app *a = &p->apps[i];
		char *tid = fs_join("deps", a->img.id);

		tid[4] = '-';
		t = fs_join3(s1root, "opt/stage2", a->name);
		fs_mkdirs(t, 0755);
		t2 = fs_join(t, "manifest");
		fs_writefile(t2, a->img.manifest, a->img.manifestlen);
		free(t2);
		dst = fs_join(t, "rootfs");
		t2 = fs_join(a->img.tree, "rootfs");
		if (ov) {
			char *up = fs_join3(prep, "overlay", tid), *u2, *w2;

			u2 = fs_join3(up, "upper", a->name);
			w2 = fs_join3(up, "work", a->name);
			if (overlay(t2, u2, w2, dst) < 0)
				die_sys(111, "unable to mount an overlay on ",
				    dst);
			free(up);
			free(u2);
			free(w2);
		} else
			fs_copytree(t2, dst);
		free(t2);
		/* rkt: etc/mtab as a link to the mounts, when etc has none */
		t2 = fs_join(dst, "etc");
		if (lexists(t2)) {
			char *mt = fs_join(t2, "mtab");

			if (!lexists(mt))
				symlink("../proc/self/mounts", mt);
			free(mt);
		}
		free(t2);
		free(dst);
		free(t);
		t = fs_join3(prep, "appsinfo", a->name);
		fs_mkdirs(t, 0755);
		t2 = fs_join(t, "manifest");
		fs_writefile(t2, a->img.manifest, a->img.manifestlen);
		free(t2);
		t2 = fs_join(t, "treeStoreID");
		fs_writefile(t2, tid, strlen(tid));
		free(t2);
		free(t);
		free(tid);
	}
	if (ov) {
		t = fs_join(prep, "overlay-prepared");
		fs_writefile(t, "", 0);
		free(t);
	}
	/* --dns with addresses: stage0 writes the pod's resolv.conf */
	if (p->dns.n && strcmp(p->dns.v[0], "host") &&
	    strcmp(p->dns.v[0], "none")) {
		FILE *f;

		t = fs_join(s1root, "etc");
		fs_mkdirs(t, 0755);
		free(t);
		t = fs_join(s1root, "etc/rkt-resolv.conf");
		if ((f = fopen(t, "we")) == NULL)
			die_sys(111, "unable to create ", t);
		for (i = 0; i < p->dns.n; i++)
			fprintf(f, "nameserver %s\n", p->dns.v[i]);
		if (fclose(f) == EOF)
			die_sys(111, "unable to write ", t);
		free(t);
	}
	free(s1root);
	json_decref(pm);

	s = run ? "pods/run" : "pods/prepared";
	t = fs_join(p->dir, s);
	fs_mkdirs(t, 0700);
	pd = fs_join(t, uuid);
	free(t);
	if (rename(prep, pd) < 0)
		die_sys(111, "unable to rename ", prep);
	cleanup_pop();
	if (p->uuidfile) {
		char nl[40];

		snprintf(nl, sizeof nl, "%s", uuid);
		fs_writefile(p->uuidfile, nl, strlen(nl));
	}
	free(prep);
	free(pd);
	if (!run) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Become the stage1: exec its run entrypoint in the pod dir with rkt's
 * argv and environment, and the lock fd handed over.
 */
void
pod_exec_run(struct pod *p, const char *pd, int lockfd)
{
	char *argv[24], *run, fdenv[32], hn[300], dnsmode[100];
	int n = 0, ver, fl;

	if ((run = stage1_entry(pd, "run", &ver)) == NULL)
		die(100, pd, ": the stage1 has no run entrypoint");
	if (chdir(pd) < 0)
		die_sys(111, "unable to chdir to ", pd);
	argv[n++] = run;
	if (p->debug)
		argv[n++] = "--debug";
	snprintf(hn, sizeof hn, "--net=%s", p->net ? p->net : "default");
	argv[n++] = strdup(hn);
	if (p->interactive)
		argv[n++] = "--interactive";
	argv[n++] = "--local-config=/etc/rkt";
	if (ver >= 2 && p->hostname) {
		snprintf(hn, sizeof hn, "--hostname=%s", p->hostname);
		argv[n++] = hn;
	}
	if (ver >= 4 && p->dns.n) {
		snprintf(dnsmode, sizeof dnsmode,
		    "--dns-conf-mode=resolv=%s,hosts=default",
		    strcmp(p->dns.v[0], "host") == 0 ? "host" :
		    strcmp(p->dns.v[0], "none") == 0 ? "none" : "stage0");
		argv[n++] = dnsmode;
	}
	if (ver >= 3) {
		if (p->insecure & INSECURE_CAPS)
			argv[n++] = "--disable-capabilities-restriction";
		if (p->insecure & INSECURE_PATHS)
			argv[n++] = "--disable-paths";
		if (p->insecure & INSECURE_SECCOMP)
			argv[n++] = "--disable-seccomp";
	}
	if (ver >= 6 && p->ipc) {
		char *ipc;

		if (asprintf(&ipc, "--ipc=%s", p->ipc) < 0)
			die_sys(111, "unable to allocate");
		argv[n++] = ipc;
	}
	argv[n++] = strrchr(pd, '/') + 1;
	argv[n] = NULL;
	/* the lock goes across exec: the pod runs while it is held */
	if ((fl = fcntl(lockfd, F_GETFD)) < 0 ||
	    fcntl(lockfd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
		die_sys(111, "unable to pass the lock fd");
	snprintf(fdenv, sizeof fdenv, "%d", lockfd);
	if (setenv("RKT_LOCK_FD", fdenv, 1) < 0 ||
	    setenv("RKT_SELINUX_CONTEXT", "", 1) < 0 ||
	    setenv("RKT_SELINUX_MOUNT_CONTEXT", "", 1) < 0)
		die_sys(111, "unable to set the environment");
	fflush(NULL);
	execv(run, argv);
	die_sys(errno == ENOENT ? 127 : 126, "unable to exec ", run);
}
