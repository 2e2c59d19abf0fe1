# SPDX-License-Identifier: ISC
#
# rootfs.sh: sourced after lib.sh by the pod1-exec tests. A busybox root
# for apps to chroot into, service dirs whose run and finish are pod1-exec,
# and the settings files of their exec/ dir.
#
#   mkroot DIR          busybox and its applets in DIR/bin, DIR/etc/passwd
#                       and group, DIR/tmp, the probe as DIR/bin/probe
#   mkexecsvc DIR       DIR/run and DIR/finish linked to pod1-exec, DIR/exec
#   setl DIR FILE ARG... the NUL-terminated list file DIR/exec/FILE
#   set1 DIR FILE VALUE the one-line file DIR/exec/FILE

EXEC=$B/pod1-exec
[ -x "$EXEC" ] || skip_all "$EXEC is not built"
[ -x /bin/busybox ] || skip_all "needs /bin/busybox (busybox-static)"

mkroot() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/proc"
	chmod 1777 "$1/tmp"
	cp /bin/busybox "$1/bin/busybox"
	cp "$PROBE" "$1/bin/probe"
	for _a in $(/bin/busybox --list); do
		[ -e "$1/bin/$_a" ] || ln -s busybox "$1/bin/$_a"
	done
	printf '%s\n' root:x:0:0:root:/root:/bin/sh \
	    app:x:1000:1000::/tmp:/bin/sh >"$1/etc/passwd"
	printf 'root:x:0:\napp:x:1000:\n' >"$1/etc/group"
}

mkexecsvc() {
	mkdir -p "$1/exec"
	ln -sf "$EXEC" "$1/run"
	ln -sf "$EXEC" "$1/finish"
}

setl() {
	_f=$1/exec/$2
	shift 2
	: >"$_f"
	for _a; do
		printf '%s\0' "$_a" >>"$_f"
	done
}

set1() {
	printf '%s\n' "$3" >"$1/exec/$2"
}

# mountproc ROOT: a proc at ROOT/proc, unmounted before lib.sh's cleanup
# removes $T. The tests run in a mount namespace of their own (see the
# top of 56-exec.t), so nothing is left on the host whatever happens.
procs=
mountproc() {
	mount -t proc proc "$1/proc" || return 1
	procs="$procs $1/proc"
}

# The v1 cgroups pod1-exec makes for service dirs under $T, which a run
# may leave busy: listed before lib.sh's cleanup removes $T, removed after
# it has killed everything.
v1cgroups() {
	_dev=$(stat -c %d "$T" 2>/dev/null) || return 0
	for _c in memory pids cpu; do
		_own=$(sed -n "s/^[0-9]*:\(.*,\)\{0,1\}$_c\(,.*\)\{0,1\}:/:/p" \
		    /proc/self/cgroup)
		_own=${_own#:}
		for _i in $(find "$T" -type d -printf '%i\n' 2>/dev/null); do
			_d=/sys/fs/cgroup/$_c$_own/pod1-$_dev-$_i
			[ -d "$_d" ] && echo "${_d%/}"
		done
	done
}

trap 'tap_st=$?; for _p in $procs; do umount -l "$_p"; done
    _v1=$(v1cgroups); cleanup
    for _d in $_v1; do wait_for 2 rmdir "$_d" 2>/dev/null; done
    exit $tap_st' EXIT
