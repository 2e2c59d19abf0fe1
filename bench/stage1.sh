#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/stage1.sh: pod start time of our stage1 next to systemd-nspawn on
# the same rootfs, in one run. A pod dir is prepared once as rkt's stage0
# lays it out (as tests/pod.sh does: stage1/ from build/stage1.aci, one
# app whose rootfs is busybox plus build/bench/podstart) and copied afresh
# before each run, outside the timing. Start: from the exec of the stage1
# run entrypoint (cwd the pod dir, the pod's lock in RKT_LOCK_FD, rkt's
# argv) to the top of the app's main(), which writes CLOCK_MONOTONIC to a
# file and exits. Teardown: from there to the reaping of the run
# entrypoint (pod1-init, supervise, svlog down, the pod's namespaces
# gone). nspawn runs the same app in a copy of the same rootfs:
# `systemd-nspawn --register=no --keep-unit --quiet -D ROOTFS`, since no
# systemd runs here. The runs alternate, so a change in the machine's load
# hits both. Markdown on stdout, raw data in build/bench/stage1/.
# Knobs: BENCH_PODS (50). Needs root (namespaces, mounts).
set -u
cd "$(dirname "$0")/.." || exit 111

N=${BENCH_PODS:-50}
TOP=$(pwd)
OUT=$TOP/build/bench/stage1
W=$OUT/work
UUID=0b5e6c1a-7d1e-4f00-9a55-00000000b001
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

. bench/lib.sh
# nearest-rank percentile P of the numbers on stdin
pct() {
	sort -n | awk -v p="$1" '{ v[NR] = $1 } END {
	    i = int((NR * p + 99) / 100); if (i < 1) i = 1; print v[i] }'
}
ms() { awk -v t="$1" 'BEGIN { printf "%.2f", t / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

[ "$(id -u)" -eq 0 ] || die "needs root"
[ -f build/stage1.aci ] || die "no build/stage1.aci: run make first"
command -v musl-gcc >/dev/null 2>&1 || die "musl-gcc not found"
[ -x /bin/busybox ] || die "needs /bin/busybox (busybox-static)"
mkdir -p "$OUT" || die "cannot create $OUT"
install_peers systemd-container
NSPAWN=$(command -v systemd-nspawn) || NSPAWN=
musl-gcc -static -O2 -Wall -Wextra -o "$OUT/podstart" bench/podstart.c ||
    die "cannot build bench/podstart.c"

unmount_all() {
	grep -o " $W/[^ ]*" /proc/self/mountinfo | sort -r |
	    while read -r _m; do umount -l "$_m"; done
}
gc_pod() {
	[ -x "$W/pod/stage1/rootfs/pod1/gc" ] &&
	    (cd "$W/pod" && stage1/rootfs/pod1/gc "$UUID") >/dev/null 2>&1
}
trap 'gc_pod; unmount_all; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
gc_pod
unmount_all
rm -rf "$W"

# --- the rootfs: busybox and the app, nothing else ---
mkroot() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/proc" "$1/sys" "$1/dev" \
	    "$1/usr" "$1/root"
	chmod 1777 "$1/tmp"
	cp /bin/busybox "$OUT/podstart" "$1/bin/" || die "cannot fill $1"
	for _a in $(/bin/busybox --list); do
		[ -e "$1/bin/$_a" ] || ln -s busybox "$1/bin/$_a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:x:0:\n' >"$1/etc/group"
	: >"$1/etc/os-release"
}
mkroot "$W/rootfs"

# --- the pod dir, as rkt's stage0 leaves it ---
T=$W/tmpl
S1=$T/stage1/rootfs
mkdir -p "$T/stage1" "$T/appsinfo/bench" || die "cannot create $T"
tar -C "$T/stage1" -xf build/stage1.aci || die "cannot unpack the stage1"
: >"$T/pod-created"
: >"$T/pod.lck"
echo "sha512-stage1" >"$T/stage1TreeStoreID"
APP='{"exec":["/bin/podstart","app","/t1"],"user":"0","group":"0"}'
mkdir -p "$S1/opt/stage2/bench"
cp -a "$W/rootfs" "$S1/opt/stage2/bench/rootfs"
cat >"$S1/opt/stage2/bench/manifest" <<EOF
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"pod1.invalid/bench",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "app":$APP}
EOF
cp "$S1/opt/stage2/bench/manifest" "$T/appsinfo/bench/manifest"
echo "sha512-bench" >"$T/appsinfo/bench/treeStoreID"
cat >"$T/pod" <<EOF
{"acKind":"PodManifest","acVersion":"1.30.0","apps":[{"name":"bench",
 "image":{"name":"pod1.invalid/bench","id":"sha512-0"},"app":$APP}],
 "volumes":[],
 "annotations":[{"name":"coreos.com/rkt/stage1/mutable","value":"false"}]}
EOF

# one run each; appends "start_ns teardown_ns" to $OUT/NAME
t1_of() {
	read -r _t1 <"$1" 2>/dev/null || { say "bench: no stamp in $1"; return 1; }
	echo "$_t1"
}
record() {
	read -r _t0 _t2 _st <"$W/times" || return 1
	[ "$_st" -eq 0 ] || { say "bench: $1 exited $_st"; return 1; }
	_t1=$(t1_of "$2") || return 1
	echo "$((_t1 - _t0)) $((_t2 - _t1))" >>"$OUT/$1"
}
pod1_run() {
	_name=$1
	shift
	rm -rf "$W/pod"
	cp -a "$T" "$W/pod" || die "cannot copy the pod dir"
	# rkt: cwd the pod dir, the lock on an O_DIRECTORY fd, the uuid last
	(cd "$W/pod" && exec 7<. && flock -x 7 &&
	    RKT_LOCK_FD=7 RKT_SELINUX_CONTEXT= RKT_SELINUX_MOUNT_CONTEXT= \
	    exec "$OUT/podstart" launch "$W/pod/stage1/rootfs/pod1/run" \
	    "$@" "$UUID") >"$W/times" 2>>"$OUT/pod1.err" </dev/null
	record "$_name" "$W/pod/stage1/rootfs/opt/stage2/bench/rootfs/t1"
	_r=$?
	gc_pod
	return $_r
}
nspawn_run() {
	rm -rf "$W/ns"
	cp -a "$W/rootfs" "$W/ns" || die "cannot copy the rootfs"
	"$OUT/podstart" launch "$NSPAWN" --register=no --keep-unit --quiet \
	    -D "$W/ns" /bin/podstart app /t1 >"$W/times" \
	    2>>"$OUT/nspawn.err" </dev/null
	record nspawn "$W/ns/t1"
}

rm -f "$OUT/pod1-host" "$OUT/pod1-default" "$OUT/nspawn" "$OUT/pod1.err" \
    "$OUT/nspawn.err"
# one warm-up of each, not counted: page cache, the first cgroup
pod1_run pod1-host --net=host || die "pod1 fails: see $OUT/pod1.err"
[ -z "$NSPAWN" ] || nspawn_run || {
	say "bench: systemd-nspawn fails: see $OUT/nspawn.err"
	NSPAWN=
}
rm -f "$OUT/pod1-host" "$OUT/nspawn"
say "bench: $N pod starts each (pod1 --net=host, pod1 --net=default," \
    "systemd-nspawn)"
i=0
while [ "$i" -lt "$N" ]; do
	pod1_run pod1-host --net=host
	pod1_run pod1-default --net=default
	[ -z "$NSPAWN" ] || nspawn_run
	i=$((i + 1))
done

# --- the report ---
col() { awk -v c="$1" '{ print $c }' "$OUT/$2"; }
row() {
	_f=$OUT/$2
	if [ ! -s "$_f" ]; then
		echo "| $1 | not run | | | | | |"
		return
	fi
	_m=$(col 1 "$2" | pct 50)
	_p=$(col 1 "$2" | pct 90)
	_lo=$(col 1 "$2" | pct 0)
	_hi=$(col 1 "$2" | pct 100)
	_tm=$(col 2 "$2" | pct 50)
	_tp=$(col 2 "$2" | pct 90)
	echo "| $1 | $(ms "$_m") ms | $(ratio "$_m" "$P1") | $(ms "$_p") ms |" \
	    "$(ms "$_lo")..$(ms "$_hi") ms | $(wc -l <"$_f") of $N |" \
	    "$(ms "$_tm") ms | $(ms "$_tp") ms |"
}
P1=$(col 1 pod1-host | pct 50)
NSV=$(systemd-nspawn --version 2>/dev/null | head -1)
cat <<EOF
Machine: $(uname -sr) $(uname -m), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $LOAD0
Versions: pod1 $(git rev-parse --short HEAD 2>/dev/null) (build/stage1.aci), ${NSV:-systemd-nspawn not installed}
Settings: $N starts of each, alternating; the same busybox rootfs; app: bench/podstart, static

| stage1 | start, median | × pod1 | p90 | min..max | runs | teardown, median | p90 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$(row "pod1 run --net=host" pod1-host)
$(row "pod1 run --net=default (netns, lo up)" pod1-default)
$(row "systemd-nspawn --register=no --keep-unit" nspawn)

EOF
if [ -s "$OUT/nspawn" ]; then
	NM=$(col 1 nspawn | pct 50)
	x=$(ratio "$NM" "$P1")
	echo "pod1 against its targets: start $(ms "$P1") ms <= 5 ms:" \
	    "$(awk -v t="$P1" 'BEGIN { print (t <= 5e6) ? "met" : "NOT MET" }');" \
	    "systemd-nspawn / pod1 = ${x}× >= 10×:" \
	    "$(awk -v x="$x" 'BEGIN { print (x >= 10) ? "met" : "NOT MET" }')"
fi
