/* SPDX-License-Identifier: ISC */
/*
 * Images into the store: an appc ACI, an OCI image layout (a dir or a
 * tar) or a docker-archive becomes <dir>/cas/tree/deps-<id>/{manifest,
 * rootfs}, where manifest is an appc ImageManifest (made from the OCI
 * config for OCI and docker images). Every blob is checked against its
 * digest as it is unpacked; the work happens in cas/tmp and is renamed
 * into place only when all is well. A key made of the file's path and
 * stat finds an image already in the store without reading it again.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "lib/err.h"
#include "stage0/stage0.h"

enum { K_ACI = 1, K_OCI, K_OCITAR, K_DOCKER };

/* This machine as OCI names it (GOARCH) and as appc does. */
#if defined(__x86_64__)
#define OCI_ARCH "amd64"
#define APPC_ARCH "amd64"
#elif defined(__aarch64__)
#define OCI_ARCH "arm64"
#define APPC_ARCH "aarch64"
#elif defined(__i386__)
#define OCI_ARCH "386"
#define APPC_ARCH "i386"
#else
#define OCI_ARCH ""
#define APPC_ARCH ""
#endif

struct layout {
	const char *path;	/* the dir or the tar */
	int tar;
	const char *label;	/* the image as the user named it */
	const char *store;	/* --dir: an image already there is not unpacked */
};

static void check_manifest(const char *, const char *, size_t, int);
static char *aci_unpack(const char *, int, char *);
static char *oci_unpack(struct layout *, const char *, int, char *);
static char *docker_unpack(struct layout *, const char *, int, char *);
static void layer_unpack(struct layout *, const char *, const char *,
    const char *, int);
static char *blob_get(struct layout *, const char *, size_t *);
static json_t *json_parse(const char *, size_t, const char *);
static char *appc_make(json_t *, const char *, const char *, int);
static int kind_of(const char *, char **);
static int have_tree(const char *, const char *);

static json_t *
json_parse(const char *buf, size_t len, const char *what)
{
	json_error_t je;
	json_t *j;

	if ((j = json_loadb(buf, len, 0, &je)) == NULL)
		die(100, what, ": bad JSON: ", je.text);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Manifest checks rkt makes, with the message naming the image. */
static void
check_manifest(const char *what, const char *buf, size_t len, int insecure)
{
	json_t *m = json_parse(buf, len, what), *l, *app, *x;
	const char *k, *os = NULL, *arch = NULL;
	size_t i;

	if (!json_is_object(m))
		die(100, what, ": manifest: not a JSON object");
	if ((k = jstr(m, "acKind")) == NULL || strcmp(k, "ImageManifest"))
		die(100, what, ": manifest: acKind is not ImageManifest");
	if ((k = jstr(m, "name")) == NULL || *k == 0)
		die(100, what, ": manifest: no name");
	if (jstr(m, "acVersion") == NULL)
		die(100, what, ": manifest: no acVersion");
	l = json_object_get(m, "labels");
	if (l && !json_is_array(l))
		die(100, what, ": manifest: labels is not a list");
	for (i = 0; i < json_array_size(l); i++) {
		x = json_array_get(l, i);
		if (!json_is_object(x) || !jstr(x, "name") || !jstr(x, "value"))
			die(100, what, ": manifest: a label needs name and "
			    "value");
		if (strcmp(jstr(x, "name"), "os") == 0)
			os = jstr(x, "value");
		if (strcmp(jstr(x, "name"), "arch") == 0)
			arch = jstr(x, "value");
	}
	/* rkt's check: an image for another machine does not run here */
	if (!(insecure & INSECURE_IMAGE)) {
		if (os && strcmp(os, "linux") != 0)
			die(100, what, ": manifest: os ", os, " is not linux");
		if (arch && *APPC_ARCH && strcmp(arch, APPC_ARCH) != 0)
			die(100, what, ": manifest: arch ", arch, " is not ",
			    APPC_ARCH, " (--insecure-options=image runs it)");
	}
	if (json_array_size(json_object_get(m, "dependencies")) > 0)
		warn(what, ": its dependencies are not fetched: the image must "
		    "be whole");
	app = json_object_get(m, "app");
	if (app && !json_is_null(app)) {
		if (!json_is_object(app))
			die(100, what, ": manifest: app is not an object");
		x = json_object_get(app, "exec");
		if (x && (!json_is_array(x) || (json_array_size(x) > 0 &&
		    !json_is_string(json_array_get(x, 0)))))
			die(100, what, ": manifest: app.exec is not a list of "
			    "strings");
		x = json_object_get(app, "environment");
		if (x && !json_is_array(x))
			die(100, what, ": manifest: app.environment is not a "
			    "list");
	}
	json_decref(m);
}

/* An ACI: manifest and rootfs/; the ID is the sha512 of the plain tar. */
static char *
aci_unpack(const char *file, int tfd, char *id)
{
	struct src s;
	struct unpack u;
	struct archive *a;
	struct archive_entry *e;
	char clean[PATH_MAX], lclean[PATH_MAX], hex[129];
	const char *why, *rest, *lrest;
	char *man = NULL;
	size_t mlen = 0;
	int r, rfd, n = 0;

	if (mkdirat(tfd, "rootfs", 0755) < 0 || (rfd = openat(tfd, "rootfs",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(111, "unable to make rootfs for ", file);
	src_init(&s, file, SHA512);
	if (src_open_file(&s, file) < 0)
		die_sys(100, "unable to open ", file);
	a = src_reader(&s, 1);
	unpack_begin(&u, rfd, 0, file);
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		/* ARCHIVE_WARN (a name not in the locale) is no failure */
		if (r < ARCHIVE_WARN)
			die(100, file, ": ", n ? "bad archive: " :
			    "not an image: ", archive_error_string(a));
		n++;
		if ((why = path_clean(archive_entry_pathname(e), clean,
		    sizeof clean)) != NULL)
			unpack_refuse(file, archive_entry_pathname(e), why);
		if (strcmp(clean, "manifest") == 0) {
			if (archive_entry_filetype(e) != AE_IFREG ||
			    archive_entry_hardlink(e))
				unpack_refuse(file, clean, "manifest is not a "
				    "file");
			if (archive_entry_size(e) > (1 << 20))
				unpack_refuse(file, clean,
				    "manifest too large");
			free(man);
			mlen = archive_entry_size(e);
			if ((man = malloc(mlen + 1)) == NULL)
				die_sys(111, "unable to allocate");
			if (archive_read_data(a, man, mlen) != (la_ssize_t)mlen)
				die(100, file, ": manifest: ",
				    archive_error_string(a));
			man[mlen] = 0;
			continue;
		}
		if (clean[0] == 0)
			continue;
		if ((rest = path_strip(clean, "rootfs")) == NULL)
			unpack_refuse(file, archive_entry_pathname(e),
			    "an ACI holds only manifest and rootfs/");
		lrest = NULL;
		if (archive_entry_hardlink(e)) {
			if ((why = path_clean(archive_entry_hardlink(e), lclean,
			    sizeof lclean)) != NULL)
				unpack_refuse(file, archive_entry_pathname(e),
				    why);
			if ((lrest = path_strip(lclean, "rootfs")) == NULL)
				unpack_refuse(file, archive_entry_pathname(e),
				    "hardlink to a file not in rootfs/");
		}
		unpack_entry(&u, a, e, rest, lrest);
	}
	src_drain(&s);
	unpack_end(&u);
	archive_read_free(a);
	src_close(&s);
	close(rfd);
	if (man == NULL)
		die(100, file, ": not an ACI: no manifest");
	src_sum(&s, hex);
	snprintf(id, 160, "sha512-%s", hex);
	return man;
}

/* A blob of an OCI layout (a file under blobs/, or a tar member). */
static int
blob_open(struct layout *L, const char *digest, struct src *s,
    const char *label, char *want)
{
	char member[300];
	int alg;

	if (digest == NULL || digest_parse(digest, &alg, want) < 0)
		die(100, L->label, ": bad digest: ", digest ? digest : "none");
	snprintf(member, sizeof member, "blobs/%s/%s",
	    alg == SHA256 ? "sha256" : "sha512", want);
	src_init(s, label, alg);
	if (L->tar) {
		if (src_open_member(s, L->path, member) < 0)
			die(100, L->label, ": blob ", digest, " is missing");
	} else {
		char *p = fs_join(L->path, member);

		if (src_open_file(s, p) < 0)
			die_sys(100, L->label, ": blob ", digest,
			    " is missing");
		free(p);
	}
	return alg;
}

static void
blob_check(struct layout *L, struct src *s, const char *digest,
    const char *want)
{
	char got[129];

	src_sum(s, got);
	if (strcmp(got, want) != 0)
		die(100, L->label, ": blob ", digest, ": digest mismatch (got ",
		    s->sha.alg == SHA256 ? "sha256:" : "sha512:", got, ")");
}

static char *
blob_get(struct layout *L, const char *digest, size_t *len)
{
	struct src s;
	char want[129], *b;

	blob_open(L, digest, &s, digest, want);
	b = src_slurp(&s, len);
	blob_check(L, &s, digest, want);
	src_close(&s);
	return b;
}

/* One layer (OCI blob or docker-archive member) onto the rootfs. */
static void
layer_unpack(struct layout *L, const char *digest, const char *member,
    const char *diffid, int rfd)
{
	struct src s;
	struct unpack u;
	struct archive *a;
	struct archive_entry *e;
	char clean[PATH_MAX], lclean[PATH_MAX], want[129], what[200];
	const char *why;
	int r;

	snprintf(what, sizeof what, "%s: layer %s", L->label,
	    digest ? digest : member);
	if (digest)
		blob_open(L, digest, &s, what, want);
	else {
		src_init(&s, what, SHA256);
		if (src_open_member(&s, L->path, member) < 0)
			die(100, what, ": missing from the archive");
	}
	a = src_reader(&s, 0);
	unpack_begin(&u, rfd, 1, what);
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			die(100, what, ": bad archive: ",
			    archive_error_string(a));
		if ((why = path_clean(archive_entry_pathname(e), clean,
		    sizeof clean)) != NULL)
			unpack_refuse(what, archive_entry_pathname(e), why);
		if (archive_entry_hardlink(e) && (why = path_clean(
		    archive_entry_hardlink(e), lclean, sizeof lclean)) != NULL)
			unpack_refuse(what, archive_entry_pathname(e), why);
		unpack_entry(&u, a, e, clean,
		    archive_entry_hardlink(e) ? lclean : NULL);
	}
	src_drain(&s);
	unpack_end(&u);
	archive_read_free(a);
	if (digest)
		blob_check(L, &s, digest, want);
	else {
		/* docker-archive: the plain layer's sha256 is its diff_id */
		char got[129], w[129];
		int alg;

		src_sum(&s, got);
		if (diffid == NULL || digest_parse(diffid, &alg, w) < 0)
			die(100, what, ": no diff_id to check it against");
		if (strcmp(got, w) != 0)
			die(100, what, ": digest mismatch with ", diffid,
			    " (got sha256:", got, ")");
	}
	src_close(&s);
}

/* The gid of user u in the image's own /etc/passwd, or "0". */
static void
passwd_gid(int rfd, const char *u, char *out, size_t n)
{
	char *buf, *line, *save, *f[5];
	int etc, i;

	snprintf(out, n, "0");
	etc = openat(rfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (etc < 0)
		return;
	buf = NULL;
	int fd = openat(etc, "passwd", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		char p[32];

		snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
		buf = fs_readfile(p, NULL);
		close(fd);
	}
	close(etc);
	if (buf == NULL)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		for (i = 0; i < 5 && p; i++) {
			f[i] = p;
			if ((p = strchr(p, ':')) != NULL)
				*p++ = 0;
		}
		if (i == 5 && (strcmp(f[0], u) == 0 || strcmp(f[2], u) == 0)) {
			snprintf(out, n, "%s", f[3]);
			break;
		}
	}
	free(buf);
}

/*
 * appc knows sha512 image IDs only, and rkt refuses a pod manifest with
 * any other: an OCI or docker image gets the sha512 of the same bytes
 * its sha256 ID names (the manifest, or the config), as its appc ID.
 */
static void
sha512_of(const void *buf, size_t len, char *id)
{
	struct sha s;
	char hex[129];

	sha_init(&s, SHA512);
	sha_update(&s, buf, len);
	sha_hex(&s, hex);
	snprintf(id, 160, "sha512-%s", hex);
}

/* An AC Identifier in place: [a-z0-9]+ joined by single [-._~/]. */
static void
acident_make(char *name)
{
	char *p, *o = name;

	for (p = name; *p; p++) {
		char c = tolower((unsigned char)*p);

		if (!isalnum((unsigned char)c))
			c = strchr("._~/", c) ? c : '-';
		if (!isalnum((unsigned char)c) && (o == name ||
		    !isalnum((unsigned char)o[-1])))
			continue;
		*o++ = c;
	}
	while (o > name && !isalnum((unsigned char)o[-1]))
		o--;
	*o = 0;
	if (*name == 0)
		strcpy(name, "image");
}

static json_t *
label(const char *name, const char *value)
{
	return json_pack("{s:s,s:s}", "name", name, "value", value);
}

/*
 * An appc ImageManifest for an OCI or docker image: its config's
 * Entrypoint+Cmd, Env, User, WorkingDir and ExposedPorts become the app.
 */
static char *
appc_make(json_t *cfg, const char *ref, const char *appcid, int rfd)
{
	json_t *m, *app, *exec, *env, *ports, *labels, *anns, *c, *x, *v;
	json_t *mps;
	char name[256], tag[128], user[128], group[128], n[64], *p, *out;
	const char *s, *k, *arch;
	size_t i, nentry = 0;

	c = json_object_get(cfg, "config");
	snprintf(name, sizeof name, "%s", ref);
	snprintf(tag, sizeof tag, "latest");
	if ((p = strrchr(name, ':')) != NULL && !strchr(p, '/')) {
		*p++ = 0;
		snprintf(tag, sizeof tag, "%s", p);
	}
	acident_make(name);
	exec = json_array();
	if ((x = json_object_get(c, "Entrypoint")) && json_is_array(x)) {
		json_array_foreach(x, i, v)
			if (json_is_string(v))
				json_array_append(exec, v);
		nentry = json_array_size(exec);
	}
	if ((x = json_object_get(c, "Cmd")) && json_is_array(x))
		json_array_foreach(x, i, v)
			if (json_is_string(v))
				json_array_append(exec, v);
	env = json_array();
	json_array_foreach(json_object_get(c, "Env"), i, v) {
		s = json_string_value(v);
		if (s == NULL || (p = strchr(s, '=')) == NULL)
			continue;
		snprintf(n, sizeof n, "%.*s", (int)(p - s), s);
		json_array_append_new(env, label(n, p + 1));
	}
	s = jstr(c, "User");
	snprintf(user, sizeof user, "%s", s && *s ? s : "0");
	if ((p = strchr(user, ':')) != NULL) {
		*p++ = 0;
		snprintf(group, sizeof group, "%s", p);
	} else
		passwd_gid(rfd, user, group, sizeof group);
	ports = json_array();
	json_object_foreach(json_object_get(c, "ExposedPorts"), k, v) {
		char proto[16] = "tcp";
		long port = strtol(k, &p, 10);

		if (*p == '/')
			snprintf(proto, sizeof proto, "%s", p + 1);
		snprintf(n, sizeof n, "%ld-%s", port, proto);
		json_array_append_new(ports, json_pack("{s:s,s:s,s:i,s:i}",
		    "name", n, "protocol", proto, "port", (int)port,
		    "count", 1));
	}
	app = json_pack("{s:o,s:s,s:s,s:o,s:o}", "exec", exec, "user", user,
	    "group", group, "environment", env, "ports", ports);
	if ((s = jstr(c, "WorkingDir")) && *s)
		json_object_set_new(app, "workingDirectory", json_string(s));
	/* VOLUME /data: a mount point named as docker2aci names it */
	mps = json_array();
	json_object_foreach(json_object_get(c, "Volumes"), k, v) {
		char vn[128];

		snprintf(vn, sizeof vn, "volume-%s", k);
		acname_clean(vn, strlen(vn), n, sizeof n);
		json_array_append_new(mps, json_pack("{s:s,s:s}", "name", n,
		    "path", k));
	}
	if (json_array_size(mps))
		json_object_set_new(app, "mountPoints", mps);
	else
		json_decref(mps);
	arch = jstr(cfg, "architecture");
	if (arch && strcmp(arch, "arm64") == 0)
		arch = "aarch64";
	labels = json_array();
	json_array_append_new(labels, label("version", tag));
	json_array_append_new(labels, label("os", jstr(cfg, "os") ?
	    jstr(cfg, "os") : "linux"));
	json_array_append_new(labels, label("arch", arch ? arch : APPC_ARCH));
	snprintf(n, sizeof n, "%zu", nentry);
	anns = json_array();
	json_array_append_new(anns, label("pod1/oci-entrypoint", n));
	json_array_append_new(anns, label("pod1/appc-id", appcid));
	m = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "acKind", "ImageManifest",
	    "acVersion", "0.8.11", "name", name, "labels", labels,
	    "app", app, "annotations", anns);
	out = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	if (out == NULL)
		die_sys(111, "unable to allocate");
	return out;
}

static int
platform_ok(json_t *d)
{
	json_t *p = json_object_get(d, "platform");
	const char *os, *arch;

	if (p == NULL)
		return 1;
	os = jstr(p, "os");
	arch = jstr(p, "architecture");
	return (!os || strcmp(os, "linux") == 0) &&
	    (!arch || !*OCI_ARCH || strcmp(arch, OCI_ARCH) == 0);
}

/* index → (index →)* manifest → config + layers, onto tfd/rootfs. */
static char *
oci_unpack(struct layout *L, const char *ref, int tfd, char *id)
{
	struct src s;
	json_t *idx, *ms, *d, *pick = NULL, *man, *cfg, *layers;
	char *buf, *nm = NULL, want[129], appcid[160];
	const char *digest, *rn, *mt;
	size_t len, i;
	int depth, rfd, alg;

	src_init(&s, L->label, 0);
	if ((L->tar ? src_open_member(&s, L->path, "index.json") :
	    src_open_file(&s, (buf = fs_join(L->path, "index.json")))) < 0)
		die(100, L->label, ": no index.json: not an OCI image layout");
	buf = src_slurp(&s, &len);
	src_close(&s);
	idx = json_parse(buf, len, L->label);
	free(buf);
	for (depth = 0; depth < 4; depth++) {
		ms = json_object_get(idx, "manifests");
		if (!json_is_array(ms) || json_array_size(ms) == 0)
			die(100, L->label, ": index has no manifests");
		pick = NULL;
		json_array_foreach(ms, i, d) {
			rn = jstr(json_object_get(d, "annotations"),
			    "org.opencontainers.image.ref.name");
			if (ref && depth == 0 && (!rn || strcmp(rn, ref)))
				continue;
			if (!platform_ok(d))
				continue;
			if (pick && depth == 0)
				die(100, L->label, ": several images: name one "
				    "as ", L->label, ":REF");
			if (pick == NULL) {
				pick = d;
				if (rn && nm == NULL)
					nm = strdup(rn);
			}
		}
		if (pick == NULL)
			die(100, L->label, ": no image ", ref ? ref :
			    "for linux/" OCI_ARCH, " in the index");
		digest = jstr(pick, "digest");
		mt = jstr(pick, "mediaType");
		buf = blob_get(L, digest, &len);
		d = json_parse(buf, len, digest);
		sha512_of(buf, len, appcid);
		free(buf);
		if (mt && strstr(mt, "index")) {
			idx = d;
			continue;
		}
		if (!json_is_array(json_object_get(d, "manifests")))
			break;
		idx = d;
	}
	man = d;
	if (digest_parse(digest, &alg, want) < 0)
		die(100, L->label, ": bad digest ", digest);
	snprintf(id, 160, "sha256-%s", want);
	/* the manifest names the image: the store may have it already */
	if (have_tree(L->store, id))
		return NULL;
	buf = blob_get(L, jstr(json_object_get(man, "config"), "digest"), &len);
	cfg = json_parse(buf, len, "config");
	free(buf);
	if (mkdirat(tfd, "rootfs", 0755) < 0 || (rfd = openat(tfd, "rootfs",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(111, "unable to make rootfs for ", L->label);
	layers = json_object_get(man, "layers");
	if (!json_is_array(layers))
		die(100, L->label, ": manifest ", digest, " has no layers");
	json_array_foreach(layers, i, d)
		layer_unpack(L, jstr(d, "digest"), NULL, NULL, rfd);
	if (nm == NULL) {
		const char *b = strrchr(L->path, '/');

		nm = strdup(b ? b + 1 : L->path);
	}
	buf = appc_make(cfg, nm, appcid, rfd);
	close(rfd);
	free(nm);
	return buf;
}

/* docker save: manifest.json → config + plain layer tars. */
static char *
docker_unpack(struct layout *L, const char *ref, int tfd, char *id)
{
	struct src s;
	json_t *mj, *img = NULL, *d, *cfg, *diffs, *tags;
	char *buf, clean[PATH_MAX], got[129], *nm, appcid[160];
	const char *cname, *b;
	size_t len, i, j;
	int rfd;

	src_init(&s, L->label, 0);
	if (src_open_member(&s, L->path, "manifest.json") < 0)
		die(100, L->label, ": not an image (no manifest.json, "
		    "index.json or manifest)");
	buf = src_slurp(&s, &len);
	src_close(&s);
	mj = json_parse(buf, len, L->label);
	free(buf);
	json_array_foreach(mj, i, d) {
		if (ref == NULL) {
			if (img)
				die(100, L->label, ": several images: name one "
				    "as ", L->label, ":REPO:TAG");
			img = d;
			continue;
		}
		tags = json_object_get(d, "RepoTags");
		for (j = 0; j < json_array_size(tags); j++)
			if (strcmp(json_string_value(json_array_get(tags, j)),
			    ref) == 0)
				img = d;
	}
	if (img == NULL)
		die(100, L->label, ": no image ", ref ? ref : "", " in it");
	cname = jstr(img, "Config");
	if (cname == NULL || path_clean(cname, clean, sizeof clean))
		die(100, L->label, ": bad Config in manifest.json");
	src_init(&s, clean, SHA256);
	if (src_open_member(&s, L->path, clean) < 0)
		die(100, L->label, ": config ", clean, " is missing");
	buf = src_slurp(&s, &len);
	src_sum(&s, got);
	src_close(&s);
	/* the config is named by its digest: <hex>.json, blobs/sha256/<hex> */
	b = strrchr(clean, '/') ? strrchr(clean, '/') + 1 : clean;
	if (strncmp(b, got, 64) != 0 || (b[64] && strcmp(b + 64, ".json")))
		die(100, L->label, ": config ", clean, ": digest mismatch (got "
		    "sha256:", got, ")");
	snprintf(id, 160, "sha256-%s", got);
	if (have_tree(L->store, id)) {
		free(buf);
		return NULL;
	}
	cfg = json_parse(buf, len, clean);
	sha512_of(buf, len, appcid);
	free(buf);
	diffs = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (json_array_size(diffs) != json_array_size(json_object_get(img,
	    "Layers")))
		die(100, L->label, ": Layers and diff_ids differ in number");
	if (mkdirat(tfd, "rootfs", 0755) < 0 || (rfd = openat(tfd, "rootfs",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(111, "unable to make rootfs for ", L->label);
	json_array_foreach(json_object_get(img, "Layers"), i, d) {
		if (!json_is_string(d) || path_clean(json_string_value(d),
		    clean, sizeof clean))
			die(100, L->label, ": bad layer name in manifest.json");
		layer_unpack(L, NULL, clean, json_string_value(
		    json_array_get(diffs, i)), rfd);
	}
	tags = json_object_get(img, "RepoTags");
	nm = strdup(json_array_size(tags) ? json_string_value(
	    json_array_get(tags, 0)) : "docker-image");
	buf = appc_make(cfg, nm, appcid, rfd);
	free(nm);
	close(rfd);
	return buf;
}

/* What a file or dir is: ACI, OCI layout (dir or tar) or docker-archive. */
static int
kind_of(const char *path, char **why)
{
	struct archive *a;
	struct archive_entry *e;
	struct stat st;
	char clean[PATH_MAX];
	int k = 0, r, n = 0;

	*why = NULL;
	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		char *p = fs_join(path, "oci-layout");

		r = access(p, F_OK);
		free(p);
		return r == 0 ? K_OCI : 0;
	}
	if ((a = archive_read_new()) == NULL)
		die_sys(111, "unable to allocate");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
		die(100, path, ": not an image: ", archive_error_string(a));
	while (k == 0) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (asprintf(why, "%s: %s", n ? "bad archive" :
			    "not an image", archive_error_string(a)) < 0)
				die_sys(111, "unable to allocate");
			break;
		}
		n++;
		if (path_clean(archive_entry_pathname(e), clean, sizeof clean))
			k = K_ACI;	/* the ACI reader refuses it by name */
		else if (strcmp(clean, "manifest.json") == 0)
			k = K_DOCKER;
		else if (strcmp(clean, "oci-layout") == 0 ||
		    strcmp(clean, "index.json") == 0)
			k = K_OCITAR;
		else if (strcmp(clean, "manifest") == 0 ||
		    path_strip(clean, "rootfs"))
			k = K_ACI;
	}
	archive_read_free(a);
	if (k == 0 && *why == NULL)
		*why = strdup(n ? "neither an ACI, an OCI layout nor a "
		    "docker-archive" : "empty archive");
	return k;
}

/* Whether the store has a whole tree (its manifest is written last). */
static int
have_tree(const char *dir, const char *id)
{
	char *p;
	int r;

	if (asprintf(&p, "%s/cas/tree/deps-%s/manifest", dir, id) < 0)
		die_sys(111, "unable to allocate");
	r = access(p, F_OK) == 0;
	free(p);
	return r;
}

/* <dir>/cas/<sub>, made if missing */
static char *
cas(const char *dir, const char *sub)
{
	char *p;

	if (asprintf(&p, "%s/cas/%s", dir, sub) < 0)
		die_sys(111, "unable to allocate");
	fs_mkdirs(p, 0700);
	return p;
}

static int
load_tree(const char *dir, const char *id, struct image *img)
{
	char *t, *m;

	if (asprintf(&t, "%s/cas/tree/deps-%s", dir, id) < 0)
		die_sys(111, "unable to allocate");
	m = fs_join(t, "manifest");
	img->manifest = fs_readfile(m, &img->manifestlen);
	free(m);
	if (img->manifest == NULL) {
		free(t);
		return -1;
	}
	snprintf(img->id, sizeof img->id, "%s", id);
	img->tree = t;
	/* ACIs are sha512; a generated manifest is an OCI or docker image's */
	img->oci = strncmp(id, "sha256-", 7) == 0;
	snprintf(img->appcid, sizeof img->appcid, "%s", id);
	if (img->oci) {
		json_t *m, *a;
		size_t i;

		m = json_loadb(img->manifest, img->manifestlen, 0, NULL);
		json_array_foreach(json_object_get(m, "annotations"), i, a)
			if (jstr(a, "name") && jstr(a, "value") &&
			    strcmp(jstr(a, "name"), "pod1/appc-id") == 0)
				snprintf(img->appcid, sizeof img->appcid, "%s",
				    jstr(a, "value"));
		json_decref(m);
	}
	return 0;
}

/* An image named by ID or a prefix of it (sha512-abc…), in the store. */
static int
find_id(const char *dir, const char *ref, char *id)
{
	DIR *d;
	struct dirent *de;
	char *t = cas(dir, "tree"), want[160];
	int n = 0;

	snprintf(want, sizeof want, "deps-%s", ref);
	if ((want[11] == ':'))
		want[11] = '-';
	if ((d = opendir(t)) == NULL)
		die_sys(111, "unable to open ", t);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, want, strlen(want)) == 0) {
			snprintf(id, 160, "%s", de->d_name + 5);
			n++;
		}
	closedir(d);
	free(t);
	if (n > 1)
		die(100, "image ID ", ref, " is ambiguous");
	return n == 1 ? 0 : -1;
}

/*
 * Make image ref available in the store at dir and describe it in img.
 * ref: an image ID (prefix); or [aci:|oci:|oci-archive:|docker-archive:]
 * PATH[:REF][@DIGEST] (REF picks an image of a layout or archive; DIGEST
 * is the ID the image must have).
 */
void
image_get(const char *dir, const char *ref, int insecure, struct image *img)
{
	char *path, *sub = NULL, *at, *real, *tmp, *t, *key, *why, *man;
	char id[160], want[160], khex[65], *kpath;
	const char *tr = NULL;
	struct stat st;
	struct sha ks;
	struct layout L;
	int kind, tfd, alg, made;
	char hex[129];

	memset(img, 0, sizeof *img);
	if ((strncmp(ref, "sha512-", 7) == 0 || strncmp(ref, "sha256-", 7) == 0
	    || strncmp(ref, "sha256:", 7) == 0) && access(ref, F_OK) < 0) {
		if (find_id(dir, ref, id) < 0 || load_tree(dir, id, img) < 0)
			die(100, "no image ", ref, " in the store");
		return;
	}
	if ((path = strdup(ref)) == NULL)
		die_sys(111, "unable to allocate");
	want[0] = 0;
	if ((at = strrchr(path, '@')) != NULL && digest_parse(at + 1, &alg,
	    hex) == 0) {
		snprintf(want, sizeof want, "%s-%s", alg == SHA256 ? "sha256" :
		    "sha512", hex);
		*at = 0;
	}
	kind = 0;
	if (strncmp(path, "aci:", 4) == 0)
		kind = K_ACI, tr = path + 4;
	else if (strncmp(path, "oci:", 4) == 0)
		kind = K_OCI, tr = path + 4;
	else if (strncmp(path, "oci-archive:", 12) == 0)
		kind = K_OCITAR, tr = path + 12;
	else if (strncmp(path, "docker-archive:", 15) == 0)
		kind = K_DOCKER, tr = path + 15;
	else
		tr = path;
	/* PATH:REF, when PATH alone exists */
	if (stat(tr, &st) < 0 && (sub = strchr(tr, ':')) != NULL) {
		*sub++ = 0;
		if (stat(tr, &st) < 0)
			sub[-1] = ':', sub = NULL;
	}
	if (stat(tr, &st) < 0)
		die_sys(100, "unable to find image ", ref);
	if ((real = realpath(tr, NULL)) == NULL)
		die_sys(111, "unable to resolve ", tr);
	if (S_ISDIR(st.st_mode)) {
		char *ix = fs_join(real, "index.json");

		if (stat(ix, &st) < 0)
			die(100, ref, ": a dir, but not an OCI image layout");
		free(ix);
	}
	/* the key: the file as it is now; any change makes a new one */
	sha_init(&ks, SHA256);
	if (asprintf(&key, "%d\n%s\n%s\n%llu %llu %lld %lld.%09ld", kind, real,
	    sub ? sub : "", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino, (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) < 0)
		die_sys(111, "unable to allocate");
	sha_update(&ks, key, strlen(key));
	sha_hex(&ks, khex);
	free(key);
	t = cas(dir, "key");
	kpath = fs_join(t, khex);
	free(t);
	if ((key = fs_readfile(kpath, NULL)) != NULL) {
		key[strcspn(key, "\n")] = 0;
		if (load_tree(dir, key, img) == 0) {
			if (want[0] && strcmp(want, img->id) != 0)
				die(100, ref, ": image ID is ", img->id,
				    ", not ", want);
			free(key);
			free(kpath);
			free(path);
			free(real);
			return;
		}
		free(key);
	}
	if (kind == 0 && (kind = kind_of(real, &why)) <= 0)
		die(100, ref, ": ", why ? why : "not an image");
	t = cas(dir, "tmp");
	tmp = fs_join(t, "unpack.XXXXXX");
	free(t);
	if (mkdtemp(tmp) == NULL)
		die_sys(111, "unable to make ", tmp);
	cleanup_push(tmp);
	if ((tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_sys(111, "unable to open ", tmp);
	L.path = real;
	L.label = ref;
	L.tar = kind != K_OCI;
	L.store = dir;
	if (kind == K_ACI)
		man = aci_unpack(real, tfd, id);
	else if (kind == K_DOCKER)
		man = docker_unpack(&L, sub, tfd, id);
	else
		man = oci_unpack(&L, sub, tfd, id);
	close(tfd);
	if (want[0] && strcmp(want, id) != 0)
		die(100, ref, ": image ID is ", id, ", not ", want);
	/* NULL: the store had the image, no tree was made */
	made = man != NULL;
	if (made) {
		check_manifest(ref, man, strlen(man), insecure);
		t = fs_join(tmp, "manifest");
		fs_writefile(t, man, strlen(man));
		free(t);
		free(man);
	}
	t = cas(dir, "tree");
	if (asprintf(&real, "%s/deps-%s", t, id) < 0)
		die_sys(111, "unable to allocate");
	free(t);
	/* the same image under another name: keep the one already there */
	if (!made)
		fs_rmtree(tmp);
	else if (rename(tmp, real) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY)
			die_sys(111, "unable to rename ", tmp);
		fs_rmtree(tmp);
	}
	cleanup_pop();
	free(tmp);
	/* a temp name of its own: another pod1 may import the same file */
	t = fs_join(dir, "cas/key/.new.XXXXXX");
	if ((tfd = mkstemp(t)) < 0 ||
	    write(tfd, id, strlen(id)) != (ssize_t)strlen(id) ||
	    close(tfd) < 0 || rename(t, kpath) < 0)
		die_sys(111, "unable to write ", kpath);
	free(t);
	free(kpath);
	free(real);
	free(path);
	if (load_tree(dir, id, img) < 0)
		die_sys(111, "unable to read back image ", id);
}

/* pod1 image list */
int
image_list(const char *dir, int json)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	json_t *all = json_array(), *m, *x;
	char *t = cas(dir, "tree"), *p, when[32];
	const char *name;

	if ((d = opendir(t)) == NULL)
		die_sys(111, "unable to open ", t);
	if (!json)
		printf("%-26s %-40s %s\n", "ID", "NAME", "IMPORTED");
	while ((de = readdir(d)) != NULL) {
		struct image img;

		if (strncmp(de->d_name, "deps-", 5) != 0 ||
		    load_tree(dir, de->d_name + 5, &img) < 0)
			continue;
		m = json_loadb(img.manifest, img.manifestlen, 0, NULL);
		name = m ? jstr(m, "name") : "?";
		p = fs_join(img.tree, "manifest");
		stat(p, &st);
		free(p);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ",
		    gmtime(&st.st_mtime));
		if (json) {
			x = json_pack("{s:s,s:s,s:s}", "id", img.id, "name",
			    name ? name : "", "imported", when);
			json_array_append_new(all, x);
		} else
			printf("%-26.26s %-40s %s\n", img.id, name ? name : "?",
			    when);
		json_decref(m);
		free(img.tree);
		free(img.manifest);
	}
	closedir(d);
	if (json) {
		p = json_dumps(all, JSON_INDENT(2));
		puts(p);
		free(p);
	}
	json_decref(all);
	free(t);
	return 0;
}

/* pod1 image rm ID... */
int
image_rm(const char *dir, char **ids)
{
	char id[160], *p;
	int rc = 0;

	for (; *ids; ids++) {
		if (find_id(dir, *ids, id) < 0) {
			warn("no image ", *ids, " in the store");
			rc = 1;
			continue;
		}
		if (asprintf(&p, "%s/cas/tree/deps-%s", dir, id) < 0)
			die_sys(111, "unable to allocate");
		if (fs_rmtree(p) < 0) {
			warn_sys("unable to remove ", p);
			rc = 1;
		} else
			printf("%s\n", id);
		free(p);
	}
	return rc;
}
