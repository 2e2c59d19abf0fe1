# SPDX-License-Identifier: ISC
#
# stage0.sh: what the tests of pod1 (the stage0) share, sourced after
# lib.sh. Images are built here from busybox with the real tools: plain
# tar for ACIs, umoci for OCI layouts, skopeo for oci-archive and
# docker-archive. A fake stage1 (an ACI of sh scripts) records what pod1
# hands it, so the rkt ABI can be checked exactly.
#
#   POD1               the stage0 binary
#   mkrootfs DIR       a busybox rootfs (sh, echo, cat, ...; /etc/passwd)
#   mkaci OUT DIR [EXEC-JSON]   an ACI of rootfs DIR (plain tar)
#   mkoci LAYOUT DIR   an OCI layout "LAYOUT:bb" of rootfs DIR by umoci
#   mkfake OUT [VERSION]   the fake stage1 ACI, interface version VERSION
#   snap DIR           a listing of every file under DIR with size, mode
#                      and contents' sum, to compare before and after

POD1=$B/pod1
[ -x "$POD1" ] || { echo "Bail out! $POD1 is not built"; exit 1; }

need_tools() {
	for _t; do
		command -v "$_t" >/dev/null ||
		    skip_all "needs $_t (make check installs it)"
	done
}

mkrootfs() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/var"
	cp "$(command -v busybox)" "$1/bin/busybox"
	for _a in sh echo cat ls sleep pwd env id test true false kill; do
		ln -sf busybox "$1/bin/$_a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	echo 'daemon:x:1:1:daemon:/:/bin/sh' >>"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
}

mkaci() {
	_out=$1
	_root=$2
	_exec=${3:-'["/bin/sh","-c","echo hello from aci"]'}
	_d=$(mktemp -d "$T/aci.XXXXXX")
	cp -a "$_root" "$_d/rootfs"
	cat >"$_d/manifest" <<EOF
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bb",
 "labels":[{"name":"version","value":"1"},{"name":"os","value":"linux"},
  {"name":"arch","value":"amd64"}],
 "app":{"exec":$_exec,"user":"0","group":"0",
  "environment":[{"name":"FROM_IMAGE","value":"aci"}]}}
EOF
	tar -C "$_d" -cf "$_out" manifest rootfs
	rm -rf "$_d"
}

# umoci 0.4.7 ends a layer without tar's end blocks and without the last
# file's padding; an empty dir walked last (var/) keeps that harmless.
mkoci() {
	umoci init --layout "$1" &&
	    umoci new --image "$1:bb" &&
	    umoci insert --image "$1:bb" "$2" / >/dev/null &&
	    umoci config --image "$1:bb" --config.entrypoint /bin/busybox \
	    --config.cmd sh --config.env FROM_IMAGE=oci \
	    --config.workingdir /etc --config.exposedports 80/tcp \
	    --architecture amd64 --os linux &&
	    umoci gc --layout "$1"
}

mkfake() {
	_out=$1
	_ver=${2:-6}
	_d=$(mktemp -d "$T/fake.XXXXXX")
	mkdir -p "$_d/rootfs/fake" "$_d/rootfs/rkt/status"
	cat >"$_d/rootfs/fake/run" <<'EOF'
#!/bin/sh
# fake stage1 run: record the ABI, run each app chrooted, one after the
# other, and exit with the first failure
out=$PWD/fake-run
{
	echo "argv0=$0"
	for a; do echo "arg=$a"; done
	echo "cwd=$PWD"
	echo "lockfd=$RKT_LOCK_FD"
	echo "lockdir=$(readlink "/proc/self/fd/$RKT_LOCK_FD")"
	echo "selinux=${RKT_SELINUX_CONTEXT-unset}"
	echo "selinuxmount=${RKT_SELINUX_MOUNT_CONTEXT-unset}"
	echo "hostenv=${POD1_TEST_HOSTENV-unset}"
	ls /proc/self/fd | tr '\n' ' ' | sed 's/^/fds=/;s/$/\n/'
	grep -q " FLOCK  ADVISORY  WRITE $$ " /proc/locks && echo locked=yes
} >"$out"
echo $$ >pid.tmp && mv pid.tmp pid
rc=0
chroot=$(command -v chroot)
for app in $(jq -r '.apps[].name' pod); do
	root=stage1/rootfs/opt/stage2/$app/rootfs
	eval "set -- $(jq -r --arg a "$app" \
	    '.apps[] | select(.name==$a) | .app.exec | @sh' pod)"
	wd=$(jq -r --arg a "$app" \
	    '.apps[] | select(.name==$a) | .app.workingDirectory // "/"' pod)
	env -i $(jq -r --arg a "$app" '.apps[] | select(.name==$a) |
	    .app.environment[] | "\(.name)=\(.value)"' pod) PATH=/bin \
	    "$chroot" "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$wd" "$@"
	st=$?
	echo $st >stage1/rootfs/rkt/status/$app
	[ $rc -eq 0 ] && rc=$st
done
exit $rc
EOF
	cat >"$_d/rootfs/fake/enter" <<'EOF'
#!/bin/sh
{ echo "cwd=$PWD"; for a; do echo "arg=$a"; done; } >"$PWD/fake-enter"
while [ "$1" != "--" ]; do shift; done
shift
exec "$@"
EOF
	cat >"$_d/rootfs/fake/stop" <<'EOF'
#!/bin/sh
{ echo "cwd=$PWD"; for a; do echo "arg=$a"; done; } >"$PWD/fake-stop"
for d in stage1/rootfs/opt/stage2/*/rootfs/tmp; do touch "$d/go"; done
EOF
	cat >"$_d/rootfs/fake/gc" <<'EOF'
#!/bin/sh
{ echo "cwd=$PWD"; for a; do echo "arg=$a"; done; } >>"$POD1_TEST_GCLOG"
EOF
	chmod +x "$_d/rootfs/fake/"*
	cat >"$_d/manifest" <<EOF
{"acKind":"ImageManifest","acVersion":"0.8.11",
 "name":"pod1.invalid/fake-stage1",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "annotations":[
  {"name":"coreos.com/rkt/stage1/run","value":"/fake/run"},
  {"name":"coreos.com/rkt/stage1/enter","value":"/fake/enter"},
  {"name":"coreos.com/rkt/stage1/stop","value":"/fake/stop"},
  {"name":"coreos.com/rkt/stage1/gc","value":"/fake/gc"},
  {"name":"coreos.com/rkt/stage1/interface-version","value":"$_ver"}]}
EOF
	tar -C "$_d" -cf "$_out" manifest rootfs
	rm -rf "$_d"
}

snap() {
	(cd "$1" && find . -printf '%p %y %s %m %l\n' | sort &&
	    find . -type f -exec md5sum {} + | sort)
}

# the stderr of the last failed command, as one line for like()
err1() {
	tr '\n' '|' <"$T/err"
}

# The number of mounts under $1.
mounts_under() {
	grep -c " $1[/ ]" /proc/self/mountinfo
}

# Pods leave overlays mounted under $T until they are removed: unmount
# them before lib.sh's cleanup removes $T.
umount_T() {
	grep -o " $T/[^ ]*" /proc/self/mountinfo | sort -r |
	    while read -r _m; do umount -l "$_m" 2>/dev/null; done
}
trap 'tap_st=$?; umount_T; cleanup; exit $tap_st' EXIT

# quiet CMD...: CMD with its stdout dropped (for ok, whose line is stdout)
quiet() {
	"$@" >/dev/null
}
