#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 70-stage0-hostile: pod1 refuses hostile images with one clear line
# naming the entry, and writes not one byte outside the target: a
# sentinel tree beside it is the same before and after, the store keeps
# no half-made tree, and a `pod1 run` of it leaves no pod dir. ACIs with
# traversal, absolute paths, symlink and hardlink escapes, symlink loops,
# a symlink put in place of a dir mid-archive or of the rootfs itself;
# the same escapes across OCI layers; garbage, empty, truncated archives
# and layers; wrong digests (OCI blob and manifest, docker diff_id, a
# pinned ACI ID); paths in the metadata (a docker layer name, an OCI
# digest); broken manifests and a foreign arch (control: accepted with
# --insecure-options=image). Control: each archive is made by one
# generator, which also makes a benign twin that imports fine and lands
# where it should; a naive extractor shows the sentinel check sees an
# escape.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"
. "${0%/*}/../stage0.sh"
need_tools python3 gzip

S=$T/sentinel
D=$T/store
mkdir -p "$S/dir" "$T/img"
echo precious >"$S/file"
echo keep >"$S/dir/keep"
before=$(snap "$S")

# gen NAME: write $T/img/NAME.aci (hostile) and $T/img/NAME-ok.aci (its
# benign twin), tar files made entry by entry
gen() {
	python3 - "$T/img" "$S" "$1" <<'EOF'
import io, json, sys, tarfile
out, S, name = sys.argv[1:]
man = json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11",
    "name": "example.com/h", "labels": [{"name": "os", "value": "linux"},
    {"name": "arch", "value": "amd64"}],
    "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}).encode()

def ent(t, n, kind="f", data=b"pwned\n", link=None):
    i = tarfile.TarInfo(n)
    if kind == "d":
        i.type, i.mode = tarfile.DIRTYPE, 0o755
        t.addfile(i)
    elif kind == "l":
        i.type, i.linkname = tarfile.SYMTYPE, link
        t.addfile(i)
    elif kind == "h":
        i.type, i.linkname = tarfile.LNKTYPE, link
        t.addfile(i)
    else:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))

def aci(path, body, manifest=man):
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as t:
        if manifest is not None:
            ent(t, "manifest", data=manifest)
        ent(t, "rootfs", "d")
        body(t)

bad = {
 "traversal": lambda t: ent(t, "rootfs/../../../../../.." + S + "/pwned"),
 "absolute": lambda t: ent(t, S + "/pwned"),
 "symlink-abs": lambda t: (ent(t, "rootfs/evil", "l", link=S),
     ent(t, "rootfs/evil/pwned")),
 "symlink-rel": lambda t: (ent(t, "rootfs/evil", "l",
     link="../../../../../../../../.." + S), ent(t, "rootfs/evil/pwned")),
 "hardlink-abs": lambda t: ent(t, "rootfs/hl", "h", link=S + "/file"),
 "hardlink-dotdot": lambda t: ent(t, "rootfs/hl", "h",
     link="rootfs/../../../../../../.." + S + "/file"),
 "hardlink-via-symlink": lambda t: (ent(t, "rootfs/evil", "l", link=S),
     ent(t, "rootfs/hl", "h", link="rootfs/evil/file")),
 "symlink-loop": lambda t: (ent(t, "rootfs/a", "l", link="b"),
     ent(t, "rootfs/b", "l", link="a"), ent(t, "rootfs/a/pwned")),
 "dir-then-symlink": lambda t: (ent(t, "rootfs/d", "d"),
     ent(t, "rootfs/d/ok"), ent(t, "rootfs/d", "l", link=S),
     ent(t, "rootfs/d/pwned")),
 "outside-rootfs": lambda t: ent(t, "elsewhere"),
 "root-symlink": lambda t: (ent(t, "rootfs", "l", link=S),
     ent(t, "rootfs/pwned")),
 "hardlink-self": lambda t: ent(t, "rootfs/hl", "h", link="rootfs/hl"),
}
good = lambda t: (ent(t, "rootfs/d", "d"), ent(t, "rootfs/d/ok"),
    ent(t, "rootfs/rel", "l", link="d/ok"), ent(t, "rootfs/hl", "h",
    link="rootfs/d/ok"), ent(t, "rootfs/abs", "l", link=S))
mans = {
 "man-json": b"{not json",
 "man-kind": man.replace(b"ImageManifest", b"PodManifest"),
 "man-noname": man.replace(b'"name": "example.com/h", ', b""),
 "man-exec": man.replace(b'["/bin/sh"]', b'"/bin/sh"'),
 "man-os": man.replace(b'"linux"', b'"windows"'),
 "man-arch": man.replace(b'"amd64"', b'"s390x"'),
}
if name in bad:
    aci(f"{out}/{name}.aci", bad[name])
elif name in mans:
    aci(f"{out}/{name}.aci", good, mans[name])
elif name == "man-missing":
    aci(f"{out}/{name}.aci", good, None)
aci(f"{out}/{name}-ok.aci", good)
EOF
}

# clean: the sentinel is untouched, the store has no tree of it and no
# leftover work dir, and no pod dir was made
clean() {
	[ "$(snap "$S")" = "$before" ] || { diag "sentinel changed"; return 1; }
	[ -z "$(ls "$D/cas/tmp" 2>/dev/null)" ] || { diag "tmp left"; return 1; }
	[ -z "$(ls "$D/pods/prepare" "$D/pods/run" 2>/dev/null |
	    grep -v : | grep .)" ] || { diag "pod dir left"; return 1; }
	[ ! -e "$T/pwned-anywhere" ]
}

# refused NAME FILE WHAT: import and run of FILE fail with status 100 and
# one line matching WHAT; nothing written outside
refused() {
	"$POD1" --dir="$D" image import "$2" >/dev/null 2>"$T/err"
	is "$?" 100 "$1: refused"
	like "$(err1)" "pod1: fatal: $3|" "$1: one line naming it"
	ok "$1: nothing outside, nothing left" clean
	"$POD1" --dir="$D" run --stage1-path="$T/fake.aci" "$2" \
	    >/dev/null 2>"$T/err"
	is "$?" 100 "$1: run refused"
	ok "$1: run left no pod dir" clean
}

mkfake "$T/fake.aci"

for h in traversal absolute symlink-abs symlink-rel hardlink-abs \
    hardlink-dotdot hardlink-via-symlink symlink-loop dir-then-symlink \
    outside-rootfs root-symlink hardlink-self; do
	gen "$h"
	case $h in
	traversal) w="*: refusing entry 'rootfs/../*pwned': '..' in path" ;;
	absolute) w="*: refusing entry '$S/pwned': absolute path" ;;
	symlink-*|symlink-loop|dir-then-symlink)
		w="*: refusing entry 'rootfs/*/pwned': a symlink is in its path" ;;
	hardlink-abs|hardlink-dotdot)
		w="*: refusing entry 'rootfs/hl': *" ;;
	hardlink-via-symlink)
		w="*: refusing entry 'rootfs/hl': a symlink is in its path" ;;
	outside-rootfs) w="*: refusing entry 'elsewhere': an ACI holds only*" ;;
	root-symlink) w="*: refusing entry 'rootfs': the root is not a dir" ;;
	hardlink-self) w="*: refusing entry 'rootfs/hl': hardlink to itself" ;;
	esac
	refused "$h" "$T/img/$h.aci" "$w"
	# control: the benign twin unpacks, with its links inside
	id=$("$POD1" --dir="$D" image import "$T/img/$h-ok.aci" 2>"$T/err")
	is "$?" 0 "$h: control imports"
	r=$D/cas/tree/deps-$id/rootfs
	if [ "$h" = traversal ]; then
		ok "control: the hardlink is a link to d/ok" \
		    [ "$(stat -c %i "$r/hl")" = "$(stat -c %i "$r/d/ok")" ]
		is "$(readlink "$r/abs")" "$S" \
		    "control: a symlink out is kept as it is, never followed"
	fi
	"$POD1" --dir="$D" image rm "$id" >/dev/null
done

for m in man-json man-kind man-noname man-exec man-os man-arch man-missing; do
	gen "$m"
	case $m in
	man-json) w="*.aci: bad JSON: *" ;;
	man-kind) w="*.aci: manifest: acKind is not ImageManifest" ;;
	man-noname) w="*.aci: manifest: no name" ;;
	man-exec) w="*.aci: manifest: app.exec is not a list of strings" ;;
	man-os) w="*.aci: manifest: os windows is not linux" ;;
	man-arch) w="*.aci: manifest: arch s390x is not amd64 (*" ;;
	man-missing) w="*.aci: not an ACI: no manifest" ;;
	esac
	refused "$m" "$T/img/$m.aci" "$w"
done

id=$("$POD1" --dir="$D" --insecure-options=image image import \
    "$T/img/man-arch.aci")
is "$?" 0 "control: --insecure-options=image takes the s390x image"
quiet "$POD1" --dir="$D" image rm "$id"

# garbage and truncated archives
head -c 100000 /dev/urandom >"$T/img/garbage.aci"
refused garbage "$T/img/garbage.aci" "*garbage.aci: *"
gzip -c "$T/img/man-os-ok.aci" >"$T/img/full.aci.gz"
head -c $(($(wc -c <"$T/img/full.aci.gz") / 2)) "$T/img/full.aci.gz" \
    >"$T/img/truncated.aci.gz"
refused truncated "$T/img/truncated.aci.gz" "*truncated.aci.gz: *"
: >"$T/img/empty.aci"
refused empty "$T/img/empty.aci" "*empty.aci: *"

# a pinned ACI ID that is not the image's
good=$(sha512sum "$T/img/man-os-ok.aci" | cut -d' ' -f1)
bad=$(echo "$good" | tr 0123456789abcdef 123456789abcdef0)
refused "wrong ACI id" "$T/img/man-os-ok.aci@sha512-$bad" \
    "*: image ID is sha512-$good, not sha512-$bad"
id=$("$POD1" --dir="$D" image import "$T/img/man-os-ok.aci@sha512-$good")
is "$id" "sha512-$good" "control: the right ID imports"
"$POD1" --dir="$D" image rm "$id" >/dev/null

# OCI: layers made here; hostile ones escape across layers, or are
# garbage or cut short (with digests that match)
ocigen() {
	python3 - "$T/oci-$1" "$S" "$1" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile
out, S, name = sys.argv[1:]
os.makedirs(out + "/blobs/sha256")
def blob(data, lie=False):
    d = hashlib.sha256(data).hexdigest()
    if lie:
        data = data[:-1] + bytes([data[-1] ^ 1])
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d
def layer(ents, lie=False):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for n, kind, link in ents:
            i = tarfile.TarInfo(n)
            if kind == "d":
                i.type, i.mode = tarfile.DIRTYPE, 0o755
                t.addfile(i)
            elif kind == "l":
                i.type, i.linkname = tarfile.SYMTYPE, link
                t.addfile(i)
            else:
                i.size = 6
                t.addfile(i, io.BytesIO(b"pwned\n"))
    z = gzip.compress(b.getvalue(), mtime=0)
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": blob(z, lie), "size": len(z)}
L1 = [("bin", "d", None), ("bin/x", "f", None), ("evil", "l", S)]
L2 = {"cross-layer-symlink": [("evil/pwned", "f", None)],
      "whiteout-dotdot": [(".wh.." + "/.." * 12 + S, "f", None)],
      "ok": [("bin/y", "f", None)]}
lie = name == "blob-digest"
layers = [layer(L1), layer(L2.get(name, L2["ok"]), lie)]
if name in ("layer-garbage", "layer-truncated"):
    z = os.urandom(5000) if name == "layer-garbage" else \
        open(out + "/blobs/" + layers[1]["digest"].replace(":", "/"),
        "rb").read()[:-30]
    layers[1] = {"mediaType": layers[1]["mediaType"], "digest": blob(z),
        "size": len(z)}
cfg = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["/bin/x"]},
    "rootfs": {"type": "layers", "diff_ids": []}}).encode()
m = json.dumps({"schemaVersion": 2, "config": {"mediaType":
    "application/vnd.oci.image.config.v1+json", "digest": blob(cfg),
    "size": len(cfg)}, "layers": layers}).encode()
md = blob(m, name == "manifest-digest")
json.dump({"schemaVersion": 2, "manifests": [{"mediaType":
    "application/vnd.oci.image.manifest.v1+json", "digest": md,
    "size": len(m)}]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
EOF
}
for o in cross-layer-symlink whiteout-dotdot blob-digest manifest-digest \
    layer-garbage layer-truncated; do
	ocigen "$o"
	case $o in
	cross-layer-symlink)
		w="*: layer sha256:*: refusing entry 'evil/pwned': a symlink is in its path" ;;
	whiteout-dotdot) w="*: layer sha256:*: refusing entry '.wh../*': '..' in path" ;;
	blob-digest) w="*: blob sha256:*: digest mismatch (got sha256:*)" ;;
	manifest-digest) w="*: blob sha256:*: digest mismatch (got sha256:*)" ;;
	layer-garbage) w="*: layer sha256:*: *" ;;
	layer-truncated) w="*: layer sha256:*: *" ;;
	esac
	refused "OCI $o" "$T/oci-$o" "$w"
done
ocigen ok
ok "control: the same OCI layers without the escape import" \
    quiet "$POD1" --dir="$D" image import "$T/oci-ok"

# docker-archive whose layer is not its diff_id
need_tools skopeo umoci
mkrootfs "$T/rootfs"
mkoci "$T/layout" "$T/rootfs"
skopeo copy -q "oci:$T/layout:bb" "docker-archive:$T/d.tar:localhost/d:1"
mkdir "$T/dx" && tar -C "$T/dx" -xf "$T/d.tar"
cfg=$(jq -r '.[0].Config' "$T/dx/manifest.json")
lay=$(jq -r '.[0].Layers[0]' "$T/dx/manifest.json")
printf 'x' >>"$T/dx/$lay"
(cd "$T/dx" && tar -cf "$T/dbad.tar" manifest.json "$cfg" "$lay")
refused "docker diff_id" "$T/dbad.tar" \
    "*dbad.tar: layer $lay: *"
# names in the metadata that point out of the archive or the layout
jq '.[0].Layers[0] = "../../../../../../etc/passwd"' "$T/dx/manifest.json" \
    >"$T/dx/m2" && mv "$T/dx/m2" "$T/dx/manifest.json"
(cd "$T/dx" && tar -cf "$T/dpath.tar" manifest.json "$cfg" "$lay")
refused "docker layer path" "$T/dpath.tar" \
    "*dpath.tar: bad layer name in manifest.json"
cp -a "$T/oci-ok" "$T/oci-path"
jq '.manifests[0].digest = "sha256:../../../../../../../../etc/passwd"' \
    "$T/oci-ok/index.json" >"$T/oci-path/index.json"
refused "OCI digest path" "$T/oci-path" \
    "*oci-path: bad digest: sha256:../../*"
ok "control: the docker-archive as skopeo wrote it imports" \
    quiet "$POD1" --dir="$D" image import "$T/d.tar"

ok "the sentinel is as it was" [ "$(snap "$S")" = "$before" ]

# control of the check itself: a naive extractor (python's tarfile with
# no filter) writes through the symlink, and clean sees it
mkdir "$T/naive"
python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(
    sys.argv[2], filter="fully_trusted")' "$T/img/symlink-abs.aci" \
    "$T/naive" 2>/dev/null
nok "control: a naive extract of symlink-abs escapes, and is seen" clean
rm -f "$S/pwned"
done_testing
