# SPDX-License-Identifier: ISC
#
# pod.sh: acting as rkt's stage0 for the stage1 tests, sourced after
# lib.sh. Pods are laid out as rkt lays them out and run as rkt runs them:
# cwd the pod dir, a read-only O_DIRECTORY fd on it flocked and passed in
# RKT_LOCK_FD with close-on-exec cleared, the whole environment passed
# through, rkt's argv order, the uuid last.
#
#   mkpodroot DIR              a busybox rootfs (users root, user 1000,
#                              groups root, user 1000, extra 2000)
#   mkpod UUID                 $T/pods/run/UUID with stage1/ from the ACI;
#                              sets $pod and $s1 (its stage1 rootfs)
#   addapp NAME [JSON-APP]     an app: image manifest and rootfs copy;
#                              its app section (JSON) given or a default
#   podjson [VOLUMES-JSON] [APPS-EXTRA-JSON]   write $pod/pod from the apps
#   runpod ARGS...             run the stage1 in the foreground; output in
#                              $T/pod.out, $T/pod.err, status in $podst
#   startpod ARGS...           the same in the background; sets $podbg
#   podpid                     the pod's PID 1 (host pid) once written

ACI=$B/stage1.aci
STAGE1=$B/pod1-stage1
[ -f "$ACI" ] || { echo "Bail out! $ACI is not built"; exit 1; }

. "$top/tests/rootfs.sh"

# rootfs.sh's busybox root, with the users and groups these tests use
mkpodroot() {
	mkroot "$1"
	mkdir -p "$1/root" "$1/home/user"
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n' \
	    > "$1/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\nextra:x:2000:user\n' > "$1/etc/group"
	chown 1000:1000 "$1/home/user"
}

pods=
mkpod() {
	uuid=$1
	pod=$T/pods/run/$uuid
	s1=$pod/stage1/rootfs
	mkdir -p "$pod/stage1" "$pod/appsinfo"
	tar -C "$pod/stage1" -xf "$ACI"
	: > "$pod/pod-created"
	: > "$pod/pod.lck"
	echo "sha512-stage1" > "$pod/stage1TreeStoreID"
	apps=
	pods="$pods $pod"
}

DEFAPP='{"exec":["/bin/true"],"user":"0","group":"0"}'
addapp() {
	_name=$1
	_app=${2:-$DEFAPP}
	mkpodroot "$s1/opt/stage2/$_name/rootfs"
	cat > "$s1/opt/stage2/$_name/manifest" <<M
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"pod1.invalid/$_name",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "app":$_app${3:+,$3}}
M
	mkdir -p "$pod/appsinfo/$_name"
	cp "$s1/opt/stage2/$_name/manifest" "$pod/appsinfo/$_name/manifest"
	echo "sha512-$_name" > "$pod/appsinfo/$_name/treeStoreID"
	apps="$apps${apps:+,}{\"name\":\"$_name\",\"image\":{\"name\":\"pod1.invalid/$_name\",\"id\":\"sha512-0\"},\"app\":$_app${4:+,$4}}"
}

podjson() {
	cat > "$pod/pod" <<M
{"acKind":"PodManifest","acVersion":"1.30.0","apps":[$apps],
 "volumes":[${1:-}],
 "annotations":[{"name":"coreos.com/rkt/stage1/mutable","value":"false"}]}
M
}

# rkt: exec of the run entrypoint from the pod dir with the lock on fd 7
podcmd() {
	cd "$pod" && exec 7<. && flock -x 7 &&
	    RKT_LOCK_FD=7 RKT_SELINUX_CONTEXT= RKT_SELINUX_MOUNT_CONTEXT= \
	    exec "$s1/pod1/run" "$@" "$uuid"
}

runpod() {
	podst=0
	( podcmd "$@" ) > "$T/pod.out" 2> "$T/pod.err" || podst=$?
	[ "$podst" -eq 0 ] || diag_file "$T/pod.err"
}

startpod() {
	( podcmd "$@" ) > "$T/pod.out" 2> "$T/pod.err" &
	podbg=$!
}

podpid() {
	wait_for 10 test -s "$pod/pid" && cat "$pod/pid"
}

# gc every pod made, so no cgroup or mount outlives the test
pod_cleanup() {
	for _p in $pods; do
		[ -d "$_p" ] && (cd "$_p" && "$_p/stage1/rootfs/pod1/gc" x) \
		    >/dev/null 2>&1
	done
}
cleanup_hook=pod_cleanup
