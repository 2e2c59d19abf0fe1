#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench/stage0.sh: pod1 (the stage0) in one run. Unpack: a gzip ACI of
# about 100 MB (/usr/lib/gcc and /usr/share/perl of this machine plus
# busybox, built once into build/bench/) by `pod1 image import` into an
# empty store (which also hashes the plain tar, sha512, for the image
# ID) against GNU `tar -xzf` into an empty dir, alternately, median of
# $BENCH_RUNS. Start: `pod1 run` of that image with a /bin/true app
# through build/stage1.aci, the first run (unpacking) and then runs of
# the cached image (overlay mounts, and copies with --no-overlay), each
# timed from exec to exit. Markdown on stdout. Needs root (overlay mounts
# and the stage1's namespaces).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
B=${POD1_BUILD:-$top/build}
POD1=$B/pod1
RUNS=${BENCH_RUNS:-5}
W=$B/bench/stage0
IMG=$W/big.aci.gz
[ -x "$POD1" ] && [ -f "$B/stage1.aci" ] ||
    { echo "bench/stage0.sh: build pod1 and stage1.aci first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench/stage0.sh: needs root" >&2; exit 1; }

ms() {
	date +%s%N | sed 's/......$//'
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
fmt() {
	awk -v t="$1" 'BEGIN { printf "%.3f", t / 1000 }'
}
# nothing mounted under the work dir is left behind
unmount_all() {
	grep -o " $W/[^ ]*" /proc/self/mountinfo | sort -r |
	    while read -r _m; do umount -l "$_m"; done
}
trap 'unmount_all; rm -rf "$W/x" "$W/store" "$W/store2"' EXIT INT TERM

mkdir -p "$W"
if [ ! -s "$IMG" ]; then
	echo "bench/stage0.sh: building $IMG (once)" >&2
	rm -rf "$W/img"
	mkdir -p "$W/img/rootfs/bin"
	(cd /usr && tar -cf - lib/gcc share/perl 2>/dev/null) |
	    tar -C "$W/img/rootfs" -xf -
	cp "$(command -v busybox)" "$W/img/rootfs/bin/busybox"
	ln -s busybox "$W/img/rootfs/bin/true"
	cat >"$W/img/manifest" <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"pod1.invalid/bench",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "app":{"exec":["/bin/true"],"user":"0","group":"0"}}
EOF
	tar -C "$W/img" -cf - manifest rootfs | gzip -6 >"$IMG.new" &&
	    mv "$IMG.new" "$IMG"
	rm -rf "$W/img"
fi
zbytes=$(wc -c <"$IMG")
pbytes=$(gzip -dc "$IMG" | wc -c)
files=$(gzip -dc "$IMG" | tar -tf - | wc -l)

# unpack, alternating, so a change in the machine's load hits both
: >"$W/tar.ms"
: >"$W/pod1.ms"
i=0
while [ "$i" -lt "$RUNS" ]; do
	rm -rf "$W/x" "$W/store"
	mkdir "$W/x"
	t0=$(ms)
	tar -C "$W/x" -xzf "$IMG"
	echo $(($(ms) - t0)) >>"$W/tar.ms"
	t0=$(ms)
	"$POD1" --dir="$W/store" image import "$IMG" >/dev/null ||
	    { echo "bench/stage0.sh: pod1 image import failed" >&2; exit 1; }
	echo $(($(ms) - t0)) >>"$W/pod1.ms"
	i=$((i + 1))
done
rm -rf "$W/x"
tar_ms=$(median <"$W/tar.ms")
pod1_ms=$(median <"$W/pod1.ms")

# start: the first run unpacks, the next ones find the image cached
rm -rf "$W/store"
runone() {
	_t0=$(ms)
	"$POD1" --dir="$W/store" run --net=host "$@" "$IMG" >/dev/null 2>&1 ||
	    { echo "bench/stage0.sh: pod1 run failed" >&2; exit 1; }
	echo $(($(ms) - _t0))
}
first_ms=$(runone)
: >"$W/cached.ms"
: >"$W/copy.ms"
i=0
while [ "$i" -lt "$RUNS" ]; do
	runone >>"$W/cached.ms"
	runone --no-overlay >>"$W/copy.ms"
	"$POD1" --dir="$W/store" gc --grace-period=0s >/dev/null 2>&1
	i=$((i + 1))
done
cached_ms=$(median <"$W/cached.ms")
copy_ms=$(median <"$W/copy.ms")
t0=$(ms)
"$POD1" --dir="$W/store" prepare "$IMG" >/dev/null 2>&1
prep_ms=$(($(ms) - t0))
"$POD1" --dir="$W/store" gc --grace-period=0s --expire-prepared=0s \
    >/dev/null 2>&1

ratio=$(awk -v a="$pod1_ms" -v b="$tar_ms" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.1) ? "met" : "NOT met" }')
cat <<EOF
Machine: $(uname -sr) $(uname -m), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg)
Image: $IMG, $zbytes bytes gzip, $pbytes bytes plain, $files entries; median of $RUNS

| unpack | seconds | vs tar -xzf |
| --- | ---: | ---: |
| GNU tar -xzf (gzip in a process of its own) | $(fmt "$tar_ms") | 1.00× |
| pod1 image import (sha512 of the plain tar, safe unpack, store) | $(fmt "$pod1_ms") | ${ratio}× |

Target pod1 ≤ 1.1× tar -xzf: $verdict

| pod1 run of the image, app /bin/true, our stage1 | seconds |
| --- | ---: |
| first run (unpacks the image) | $(fmt "$first_ms") |
| second and later runs, cached image, overlays (median) | $(fmt "$cached_ms") |
| second and later runs, cached image, --no-overlay copies (median) | $(fmt "$copy_ms") |
| pod1 prepare alone, cached image | $(fmt "$prep_ms") |
EOF
