# SPDX-License-Identifier: ISC
#
# oci.sh: sourced after lib.sh by the tests that run pod1 under real
# container engines (crun, podman). Nothing here touches the host's own
# engine state: crun keeps its state under $T, podman its storage, config
# and runtime under $T (see shared/reference/engines.md for why each
# setting is there).
#
#   mkrootfs DIR        a busybox rootfs with the static pod1 programs in
#                       /sbin and probe as /bin/app-{a,b,c,d,m}
#   svc ROOT NAME BODY  service NAME in ROOT/etc/pod1/service
#   svclog ROOT NAME    NAME's log/run: pod1-svlog /var/log/NAME
#   crun_ ARGS...       crun with its state in $T/crun; create and run go
#                       through the hybrid-cgroup workaround
#   need_crun, need_podman   skip the whole test without them
#   podman_ ARGS...     podman with everything under $T/podman
#   nspids PID NAME     pids of app NAME in the PID namespace of host PID

BB=$(command -v busybox)

need_crun() {
	command -v crun >/dev/null ||
	    skip_all "no crun (apt-get install crun)"
	# ldd fails on a static binary
	{ [ -n "$BB" ] && ! ldd "$BB" >/dev/null 2>&1; } ||
	    skip_all "no static busybox (apt-get install busybox-static)"
}

mkrootfs() {
	mkdir -p "$1/bin" "$1/sbin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" \
	    "$1/etc/pod1/service" "$1/var/log" "$1/run"
	cp "$BB" "$1/bin/busybox"
	for _a in sh cat echo grep ls mkdir ps sleep test true kill wget; do
		ln -sf busybox "$1/bin/$_a"
	done
	cp "$INIT" "$SUP" "$B/pod1-svlog" "$1/sbin/"
	ln -sf pod1-init "$1/sbin/init"
	cp "$PROBE" "$1/bin/probe"
	for _a in a b c d m; do
		ln -sf probe "$1/bin/app-$_a"
	done
	: >"$1/etc/passwd"
	echo 'root:x:0:0:root:/:/bin/sh' >"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
}

svc() {
	SVBASE=$1/etc/pod1/service mksvc "$2" "$3"
}

svclog() {
	SVBASE=$1/etc/pod1/service mksvc "$2/log" \
	    "mkdir -p /var/log/$2 && exec /sbin/pod1-svlog /var/log/$2"
}

# crun refuses to run on a hybrid cgroup host (hugetlb on v2): hide the
# v2 mount in a private mount namespace for create and run; the other
# commands work from the host's namespace.
CRUN_WRAP=$T/crun-bin/crun
mkdir -p "$T/crun-bin" "$T/crun"
cat >"$CRUN_WRAP" <<'EOF'
#!/bin/sh
exec unshare -m --propagation private /bin/sh -c \
    'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec /usr/bin/crun "$@"' \
    crun "$@"
EOF
chmod +x "$CRUN_WRAP"

crun_() {
	case $1 in
	run | create)
		"$CRUN_WRAP" --root "$T/crun" --cgroup-manager=disabled "$@"
		;;
	*)
		crun --root "$T/crun" "$@"
		;;
	esac
}

# the host pid of the container's PID 1
crun_pid() {
	crun_ state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'
}

nspids() {
	_ns=$(readlink "/proc/$1/ns/pid") || return 0
	for _p in $(grep -l -a "app-$2" /proc/[0-9]*/cmdline \
	    2>/dev/null | sed 's,^/proc/\([0-9]*\)/cmdline$,\1,'); do
		[ "$(readlink "/proc/$_p/ns/pid" 2>/dev/null)" = "$_ns" ] &&
		    echo "$_p"
	done
	return 0
}

nscount() {
	nspids "$1" "$2" | grep -c .
}

need_podman() {
	command -v podman >/dev/null ||
	    skip_all "no podman (apt-get install podman)"
	need_crun
}

# podman with its storage, run root, config and events under $T; a plain
# podman call would create /var/lib/containers and /run/containers. vfs:
# no overlay mount can outlive the test under $T. Its cleanup runs before
# lib.sh's: the containers, then anything still mounted under $PM.
PM=$T/podman
podman_cleanup() {
	[ -d "$PM" ] || return 0
	podman_ pod rm -a -f >/dev/null 2>&1
	podman_ rm -a -f -t 0 >/dev/null 2>&1
	awk -v p="$PM/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts |
	    sort -r | while read -r _m; do
		umount -l "$_m"
	done
	return 0
}
# c/image's blob info cache for root has a fixed place, whatever the
# storage: remove it when it was not there before us, once every process
# of ours (conmon's exit commands too) is gone
podman_cache_cleanup() {
	[ "$pm_cache" = new ] || return 0
	rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
	rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null
	return 0
}
podman_setup() {
	pm_cache=old
	[ -e /var/lib/containers/cache/blob-info-cache-v1.boltdb ] ||
	    pm_cache=new
	trap 'tap_st=$?; podman_cleanup; cleanup; podman_cache_cleanup
	    exit $tap_st' EXIT
	mkdir -p "$PM/tmp" "$PM/root" "$PM/run"
	cat >"$PM/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PM/events.log"
runtime = "crun"
tmp_dir = "$PM/libpod-tmp"
[engine.runtimes]
crun = ["$CRUN_WRAP"]
EOF
	cat >"$PM/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PM/root"
runroot = "$PM/run"
EOF
}

podman_() {
	CONTAINERS_CONF=$PM/containers.conf \
	    CONTAINERS_STORAGE_CONF=$PM/storage.conf TMPDIR=$PM/tmp \
	    podman --root "$PM/root" --runroot "$PM/run" \
	    --storage-driver vfs --cgroup-manager cgroupfs \
	    --events-backend file --runtime "$CRUN_WRAP" "$@"
}
