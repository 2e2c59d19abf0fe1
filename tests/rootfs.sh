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
	printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/tmp:/bin/sh\n' \
	    >"$1/etc/passwd"
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
	trap 'tap_st=$?; for _p in $procs; do umount -l "$_p"; done; cleanup;
	    exit $tap_st' EXIT
}
