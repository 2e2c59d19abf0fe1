#!/bin/sh
# SPDX-License-Identifier: ISC
# usage: sh mk/aci.sh OUT.aci BINARY...
# The stage1 image: an appc ACI (a tar of `manifest` and `rootfs/`) whose
# manifest names the rkt stage1 entrypoints and whose rootfs holds the
# static programs under /pod1 and the dirs rkt reserves for run time.
set -eu
out=$1
shift
tmp=$(mktemp -d "${out}.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^VERSION = //p' config.mk)
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=aarch64 ;;
i?86) arch=i386 ;;
*) arch=$(uname -m) ;;
esac
r=$tmp/rootfs
mkdir -p "$r/pod1" "$r/rkt/status" "$r/rkt/env" "$r/rkt/service" \
	"$r/rkt/log" "$r/opt/stage2" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" \
	"$r/etc"
for b in "$@"; do
	cp "$b" "$r/pod1/"
	# a dynamic build (make SANITIZE=1) brings its libraries along
	ldd "$b" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
	    $1 ~ /^\// { print $1 }' | while read -r lib; do
		mkdir -p "$r${lib%/*}"
		cp -L "$lib" "$r$lib"
	done
done
for e in run enter stop gc; do
	ln -s pod1-stage1 "$r/pod1/$e"
done
cat > "$tmp/manifest" <<M
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "pod1.invalid/stage1",
  "labels": [
    { "name": "version", "value": "$version" },
    { "name": "os", "value": "linux" },
    { "name": "arch", "value": "$arch" }
  ],
  "annotations": [
    { "name": "coreos.com/rkt/stage1/run", "value": "/pod1/run" },
    { "name": "coreos.com/rkt/stage1/enter", "value": "/pod1/enter" },
    { "name": "coreos.com/rkt/stage1/stop", "value": "/pod1/stop" },
    { "name": "coreos.com/rkt/stage1/gc", "value": "/pod1/gc" },
    { "name": "coreos.com/rkt/stage1/interface-version", "value": "6" }
  ]
}
M
tar -C "$tmp" --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime=@0 -cf "$tmp/out.aci" manifest rootfs
mv "$tmp/out.aci" "$out"
