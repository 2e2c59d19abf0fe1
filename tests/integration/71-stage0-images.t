#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 71-stage0-images: pod1 imports real images built here from busybox: an
# ACI as plain tar and gzip, bzip2, xz and zstd (its ID is the sha512 of
# the plain tar, whatever the compression), an OCI layout from umoci, and
# the oci-archive and docker-archive skopeo makes of it; the OCI config
# becomes the app (Entrypoint+Cmd, Env, WorkingDir, ExposedPorts). Files
# with non-ASCII names unpack, with file capabilities and user.* xattrs
# (not trusted.*); a pax name that is not UTF-8, which libarchive warns
# about, unpacks with what follows it. OCI whiteouts and opaque dirs
# remove what lower layers put there (control: the same layers without
# them keep it). A second import of the same file is not unpacked again
# (control: a changed file is), nor is an OCI image whose manifest the
# store has (control: an empty store reads its layers). Unpacking shows
# progress on a terminal and nothing when stderr is not one. An import
# stopped by TERM removes what it made.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"
. "${0%/*}/../stage0.sh"
need_tools python3 umoci skopeo gzip bzip2 xz zstd jq

D=$T/store
R=$T/rootfs
mkrootfs "$R"
# a name that is not ASCII, which the C locale would refuse
printf 'grüße\n' >"$R/etc/grüße-ñ"

none_of() {
	for _f; do [ ! -e "$_f" ] || return 1; done
}
all_of() {
	for _f; do [ -e "$_f" ] || return 1; done
}
tree() {
	echo "$D/cas/tree/deps-$1/rootfs"
}
man() {
	cat "$D/cas/tree/deps-$1/manifest"
}

mkaci "$T/bb.aci" "$R"
want=sha512-$(sha512sum "$T/bb.aci" | cut -d' ' -f1)
for z in none gzip bzip2 xz zstd; do
	f=$T/bb-$z.aci
	if [ $z = none ]; then
		cp "$T/bb.aci" "$f"
	else
		$z -c "$T/bb.aci" >"$f"
	fi
	id=$("$POD1" --dir="$D" image import "$f" 2>"$T/err")
	is "$?" 0 "ACI ($z) imports"
	diag_file "$T/err"
	is "$id" "$want" "ACI ($z): ID is the sha512 of the plain tar"
done
r=$(tree "$want")
ok "ACI: busybox unpacked, mode kept" [ -x "$r/bin/busybox" ]
is "$(readlink "$r/bin/sh")" busybox "ACI: symlinks kept"
is "$(cat "$r/etc/grüße-ñ" 2>/dev/null)" "grüße" "ACI: a non-ASCII name unpacks"
is "$(man "$want" | jq -c .app.exec)" '["/bin/sh","-c","echo hello from aci"]' \
    "ACI: its manifest is kept"
mkaci "$T/other.aci" "$R" '["/bin/true"]'
id=$("$POD1" --dir="$D" image import "$T/other.aci")
nok "control: another ACI has another ID" [ "$id" = "$want" ]

# OCI layout, oci-archive, docker-archive of the same rootfs
mkoci "$T/layout" "$R"
skopeo copy -q "oci:$T/layout:bb" "oci-archive:$T/bb-oci.tar:localhost/bb-oci:1"
skopeo copy -q "oci:$T/layout:bb" \
    "docker-archive:$T/bb-docker.tar:localhost/bb-docker:1"
mdig=$(jq -r '.manifests[0].digest' "$T/layout/index.json")
for ref in "$T/layout:bb" "oci:$T/layout" "$T/bb-oci.tar" \
    "oci-archive:$T/bb-oci.tar:localhost/bb-oci:1" "$T/bb-docker.tar"; do
	id=$("$POD1" --dir="$D" image import "$ref" 2>"$T/err")
	is "$?" 0 "$ref imports"
	diag_file "$T/err"
	case $ref in
	*docker*)
		cfg=$(tar -xOf "$T/bb-docker.tar" manifest.json | jq -r '.[0].Config')
		is "$id" "sha256-${cfg%.json}" "$ref: ID is the config's digest"
		;;
	*) is "$id" "sha256-${mdig#sha256:}" "$ref: ID is the manifest digest" ;;
	esac
	r=$(tree "$id")
	is "$(cat "$r/etc/grüße-ñ" 2>/dev/null)" "grüße" "$ref: unpacked"
	is "$(man "$id" | jq -c '[.app.exec, .app.workingDirectory,
	    (.app.environment[] | select(.name == "FROM_IMAGE") | .value),
	    .app.ports[0].port, .app.user, .app.group]')" \
	    '[["/bin/busybox","sh"],"/etc","oci",80,"0","0"]' \
	    "$ref: the config became the app"
done
is "$(man "sha256-${cfg%.json}" | jq -r .name)" localhost/bb-docker \
    "docker-archive: the image is named by its RepoTag"
"$POD1" --dir="$D" image import "$T/layout:nosuch" >/dev/null 2>"$T/err"
like "$(err1)" "*: no image nosuch in the index|" \
    "control: a ref not in the index is an error"

# whiteouts: layer 1 has a/f, a/g, o/x; layer 2 whites out a/f and
# makes o opaque (and adds o/y)
wgen() {
	python3 - "$1" "$2" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile
out, wh = sys.argv[1], sys.argv[2] == "1"
os.makedirs(out + "/blobs/sha256")
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d
def layer(names):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for n in names:
            i = tarfile.TarInfo(n.rstrip("/"))
            if n.endswith("/"):
                i.type, i.mode = tarfile.DIRTYPE, 0o755
                t.addfile(i)
            else:
                i.size = 2
                t.addfile(i, io.BytesIO(b"x\n"))
    z = gzip.compress(b.getvalue(), mtime=0)
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": blob(z), "size": len(z)}
l2 = ["a/", "o/", "o/y"] + (["a/.wh.f", "o/.wh..wh..opq"] if wh else [])
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config":
    {"Entrypoint": ["/bin/sh"]}, "rootfs": {"type": "layers",
    "diff_ids": []}}).encode()
m = json.dumps({"schemaVersion": 2, "config": {"mediaType":
    "application/vnd.oci.image.config.v1+json", "digest": blob(cfg),
    "size": len(cfg)}, "layers": [layer(["a/", "a/f", "a/g", "o/", "o/x"]),
    layer(l2)]}).encode()
json.dump({"schemaVersion": 2, "manifests": [{"mediaType":
    "application/vnd.oci.image.manifest.v1+json", "digest": blob(m),
    "size": len(m)}]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
EOF
}
wgen "$T/wh" 1
wgen "$T/nowh" 0
r=$(tree "$("$POD1" --dir="$D" image import "$T/wh")")
ok "whiteout: a/f is gone" [ ! -e "$r/a/f" ]
ok "whiteout: a/g stays" [ -e "$r/a/g" ]
ok "opaque: o/x from below is gone" [ ! -e "$r/o/x" ]
ok "opaque: o/y of the same layer stays" [ -e "$r/o/y" ]
ok "whiteout files are not unpacked" none_of "$r/a/.wh.f" "$r/o/.wh..wh..opq"
r=$(tree "$("$POD1" --dir="$D" image import "$T/nowh")")
ok "control: without whiteouts a/f and o/x stay" all_of "$r/a/f" "$r/o/x"

# the store: a second import is not unpacked again
id=$("$POD1" --dir="$D" image import "$T/bb.aci")
touch "$(tree "$id")/marker"
"$POD1" --dir="$D" image import "$T/bb.aci" >/dev/null
ok "a second import reuses the tree" [ -e "$(tree "$id")/marker" ]
n=$(ls "$D/cas/tree" | wc -l)
mkaci "$T/bb2.aci" "$R" '["/bin/sh","-c","echo changed"]'
id2=$("$POD1" --dir="$D" image import "$T/bb2.aci")
ok "control: a changed image is unpacked anew" [ ! -e "$(tree "$id2")/marker" ]
is "$(ls "$D/cas/tree" | wc -l)" $((n + 1)) "control: one more tree"
is "$("$POD1" --dir="$D" image list --format=json | jq -r --arg i "$id2" \
    '.[] | select(.id == $i) | .name')" example.com/bb "image list --format=json"
like "$("$POD1" --dir="$D" image list | tr '\n' '|')" \
    "ID *NAME *IMPORTED|*sha512-*example.com/bb*" "image list: a table"
quiet "$POD1" --dir="$D" image rm "$id2"
ok "image rm removes the tree" [ ! -e "$(tree "$id2")" ]

# a pax path that is not UTF-8: libarchive says ARCHIVE_WARN ("can't be
# converted"), which is no failure: it and the entries after it unpack
python3 - "$T/warn.aci" <<'EOF'
import json, sys
man = json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11",
    "name": "example.com/w", "labels": [{"name": "os", "value": "linux"}]})
man = man.encode()
def hdr(name, size, typ=b"0", mode=0o644):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:124] = b"0000000\0" * 2
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[156:157] = typ
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)
def pad(d):
    return d + b"\0" * (-len(d) % 512)
rec = b"24 path=rootfs/caf\xe9-bad\n"
out = hdr(b"manifest", len(man)) + pad(man) + hdr(b"rootfs", 0, b"5", 0o755)
out += hdr(b"././@PaxHeader", len(rec), b"x") + pad(rec)
out += hdr(b"rootfs/placeholder", 3) + pad(b"abc")
out += hdr(b"rootfs/after", 3) + pad(b"xyz") + b"\0" * 1024
open(sys.argv[1], "wb").write(out)
EOF
r=$(tree "$("$POD1" --dir="$D" image import "$T/warn.aci" 2>"$T/err")")
is "$(LC_ALL=C find "$r" -name 'caf*-bad' -exec cat {} +)" abc \
    "a name libarchive warns about unpacks (a warning is no failure)"
is "$(cat "$r/after" 2>/dev/null)" xyz "... and so do the entries after it"

# xattrs: file capabilities and user.* are kept, trusted.* is not
python3 - "$T/xattr.aci" <<'EOF'
import io, json, sys, tarfile
man = json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11",
    "name": "example.com/x", "labels": [{"name": "os", "value": "linux"}]})
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo("manifest")
    i.size = len(man)
    t.addfile(i, io.BytesIO(man.encode()))
    i = tarfile.TarInfo("rootfs")
    i.type, i.mode = tarfile.DIRTYPE, 0o755
    t.addfile(i)
    i = tarfile.TarInfo("rootfs/ping")
    i.size, i.mode = 3, 0o755
    # vfs_cap_data revision 2, effective, CAP_NET_RAW (13) permitted
    cap = bytes([1, 0, 0, 2, 0, 0x20, 0, 0] + [0] * 12).decode("latin-1")
    i.pax_headers = {"SCHILY.xattr.security.capability": cap,
        "SCHILY.xattr.user.note": "hi", "SCHILY.xattr.trusted.evil": "x"}
    t.addfile(i, io.BytesIO(b"abc"))
EOF
xa() {
	python3 -c 'import os, sys; print(" ".join(sorted(os.listxattr(
	    sys.argv[1]))))' "$1"
}
r=$(tree "$("$POD1" --dir="$D" image import "$T/xattr.aci")")
is "$(xa "$r/ping")" "security.capability user.note" \
    "xattrs: file capabilities and user.* kept, trusted.* not"

# by digest: a copy of the layout elsewhere is not unpacked again, since
# its manifest names an image the store has (its layer, made garbage
# here, is not even read); control: into an empty store it is refused
cp -a "$T/layout" "$T/layout2"
lhex=$(jq -r '.layers[0].digest' "$T/layout/blobs/sha256/${mdig#sha256:}" |
    cut -d: -f2)
chmod u+w "$T/layout2/blobs/sha256/$lhex"
head -c 1000 /dev/urandom >"$T/layout2/blobs/sha256/$lhex"
is "$("$POD1" --dir="$D" image import "$T/layout2:bb" 2>"$T/err")" \
    "sha256-${mdig#sha256:}" "an OCI image the store has is not unpacked"
"$POD1" --dir="$T/store2" image import "$T/layout2:bb" >/dev/null 2>"$T/err"
is "$?" 100 "control: into an empty store, its garbage layer is refused"

# interrupted: an import fed through a fifo, half written, gets TERM
# once its work dir holds the first files (INT, which a shell's
# background job ignores, is caught the same way on a terminal); it
# leaves no work dir and no tree
n=$(ls "$D/cas/tree" | wc -l)
mkfifo "$T/fifo"
"$POD1" --dir="$D" image import "aci:$T/fifo" >/dev/null 2>"$T/err" &
ipid=$!
exec 3>"$T/fifo"
head -c 1500000 "$T/bb.aci" >&3
began() {
	ls -d "$D"/cas/tmp/unpack.*/rootfs/bin >/dev/null 2>&1
}
ok "interrupt: the import began" wait_for 10 began
kill -TERM "$ipid"
wait "$ipid"
is "$?" 143 "interrupt: pod1 exits 128+TERM"
exec 3>&-
like "$(err1)" "pod1: fatal: stopped by signal 15|" "interrupt: one line"
is "$(ls "$D/cas/tmp" | wc -l)" 0 "interrupt: no work dir left"
is "$(ls "$D/cas/tree" | wc -l)" "$n" "interrupt: no tree added"
"$POD1" --dir="$D" image import "aci:$T/fifo" >/dev/null 2>"$T/err" &
ipid=$!
cat "$T/bb.aci" >"$T/fifo"
wait "$ipid"
is "$?" 0 "control: the same import, not interrupted, ends well"

# progress: on a terminal only (the threshold lowered to 0 ms)
rm -rf "$D"
POD1_PROGRESS_MS=0 script -qec "$POD1 --dir=$D image import $T/bb-xz.aci" \
    /dev/null >"$T/tty.out" 2>&1
like "$(tr '\r' '\n' <"$T/tty.out" | tr '\n' '|')" \
    "*pod1: unpacking $T/bb-xz.aci: * MiB*" "progress on a terminal"
rm -rf "$D"
POD1_PROGRESS_MS=0 "$POD1" --dir="$D" image import "$T/bb-xz.aci" \
    >/dev/null 2>"$T/err"
is "$(cat "$T/err")" "" "control: no progress when stderr is no terminal"
done_testing
