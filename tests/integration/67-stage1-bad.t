#!/bin/sh
# SPDX-License-Identifier: ISC
# Bad pods: each is refused with exit 254 and one line naming the file,
# the JSON path or app, and the problem; nothing is left: no service dir,
# env or log dir, no pid, no cgroup, no mount, no process.
. "${0%/*}/../lib.sh"
. "${0%/*}/../pod.sh"
need_root

n=0
# fresh POD with one app NAME (image app section JSON)
fresh() {
	n=$((n + 1))
	mkpod "00000000-0000-4000-8000-0000000001$(printf %02d $n)"
	addapp "${1:-app}" "${2:-$DEFAPP}"
}

# what a pod left: service dirs, files, cgroup, mounts, processes
leftovers() {
	_left=
	for _d in service env log; do
		[ -z "$(ls -A "$s1/rkt/$_d")" ] || _left="$_left rkt/$_d"
	done
	for _f in pid pod1-cgroup sharedVolumes; do
		[ ! -e "$pod/$_f" ] || _left="$_left $_f"
	done
	[ ! -e "/sys/fs/cgroup/unified/pod1-$uuid" ] || _left="$_left cgroup"
	! grep -q " $pod/" /proc/self/mountinfo || _left="$_left mount"
	for _p in /proc/[0-9]*; do
		case "$(readlink "$_p/root") $(tr '\0' ' ' < "$_p/cmdline")" \
		    in
		*"$pod"*) _left="$_left process" ;;
		esac 2>/dev/null
	done
}

# refused WHAT GLOB [run flags]: 254, one line like GLOB, nothing left
refused() {
	_what=$1
	_glob=$2
	shift 2
	runpod --net=none "$@"
	is "$podst" 254 "$_what: exit 254"
	is "$(wc -l < "$T/pod.err" | tr -d ' ')" 1 "$_what: one line"
	like "$(cat "$T/pod.err")" "$_glob" "$_what: says what and where"
	leftovers
	is "$_left" "" "$_what: nothing left"
}

fresh
echo '{"acKind":"PodManifest","acVersion":"1.30.0","apps":[' > "$pod/pod"
refused "broken JSON" "*bad pod manifest: $pod/pod: line 2 column 0: *"

fresh; podjson
sed -i 's/PodManifest/ImageManifest/' "$pod/pod"
refused "wrong acKind" "*$pod/pod: acKind: not PodManifest"

fresh
echo '{"acKind":"PodManifest","acVersion":"1.30.0","apps":[]}' > "$pod/pod"
refused "no apps" "*$pod/pod: apps: missing or empty"

fresh; podjson
sed -i 's/"name":"app"/"name":"Bad_Name"/' "$pod/pod"
refused "a bad app name" "*apps\[0\].name: not an AC name"

fresh; addapp app; podjson
refused "two apps of one name" "*apps\[1\].name: used twice: app"

fresh app '{"user":"0","group":"0"}'; podjson
refused "no exec" "*apps\[0\].app.exec: missing"

fresh app '{"exec":["/bin/nope"],"user":"0","group":"0"}'; podjson
refused "exec not in the image" "*app app: exec /bin/nope: no such executable in */opt/stage2/app/rootfs"

fresh app '{"exec":["nope"],"user":"0","group":"0"}'; podjson
refused "exec not in PATH" "*exec nope: no such executable in *(searched PATH)"

fresh app '{"exec":["/bin/true"],"user":"nobody","group":"0"}'; podjson
refused "an unknown user" "*app app: user nobody: not in */etc/passwd*"

fresh app '{"exec":["/bin/true"],"user":"0","group":"wheel"}'; podjson
refused "an unknown group" "*app app: group wheel: not in */etc/group*"

fresh app '{"exec":["/bin/true"],"user":"0","group":"0","workingDirectory":"/nope"}'
podjson
refused "a missing workingDirectory" "*app app: workingDirectory /nope in *: No such file or directory"

fresh app '{"exec":["/bin/true"],"user":"0","group":"0","environment":[{"name":"A=B","value":"x"}]}'
podjson
refused "a bad environment name" "*apps\[0\].app.environment\[0\]: bad or missing name"

fresh app '{"exec":["/bin/true"],"user":"0","group":"0","mountPoints":[{"name":"data","path":"/data"}]}'
podjson
refused "a mountPoint without a volume" "*app app: mountPoints\[0\]: no pod volume named data"

fresh app '{"exec":["/bin/true"],"user":"0","group":"0","mountPoints":[{"name":"data","path":"/data"}]}'
podjson '{"name":"data","kind":"host","source":"'"$T/missing"'"}'
refused "a missing host source" "*volume data: source $T/missing: No such file or directory"

mkdir -p "$T/real"
ln -sfn "$T/real" "$T/link"
fresh app '{"exec":["/bin/true"],"user":"0","group":"0","mountPoints":[{"name":"data","path":"/data"}]}'
podjson '{"name":"data","kind":"host","source":"'"$T/link/."'"}'
refused "a host source through a symlink" "*volume data: source $T/link/.: is or passes through a symbolic link*"

# a target that leaves the rootfs through a link: refused at mount time,
# after the service dirs were written: they must be undone
fresh app '{"exec":["/bin/true"],"user":"0","group":"0","mountPoints":[{"name":"data","path":"/escape/x"}]}'
ln -s "$T/outside" "$s1/opt/stage2/app/rootfs/escape"
mkdir -p "$T/outside"
podjson '{"name":"data","kind":"host","source":"'"$T/real"'"}'
refused "a mount target through a link in the image" "*app app: mount target /escape/x: passes through the symbolic link escape"
nok "nothing was made outside the rootfs" test -e "$T/outside/x"

fresh; podjson
sed -i 's/"app":{/"annotations":[{"name":"pod1\/restart","value":"sometimes"}],"app":{/' "$pod/pod"
refused "a bad pod1/restart" "*apps\[0\].annotations: pod1/restart: not always, on-failure or never: sometimes"

fresh; podjson
refused "user namespaces asked for" "*--private-users=502202368:65536: user namespaces are not supported*" \
    --private-users=502202368:65536

# a pod app without an app section takes the image's: a broken one is named
fresh
echo '{"acKind":"PodManifest","acVersion":"1.30.0","apps":[{"name":"app"}]}' > "$pod/pod"
echo '{"acKind":"ImageManifest",' > "$s1/opt/stage2/app/manifest"
refused "a broken image manifest" "*bad image manifest: $s1/opt/stage2/app/manifest: line 2*"

# rkt writes null for what it leaves empty: taken as absent
fresh; podjson
sed -i 's/"volumes":\[\]/"volumes":null,"isolators":null/; s/"app":{/"mounts":null,"annotations":null,"app":{"environment":null,/' "$pod/pod"
runpod --net=none
is "$podst" 0 "null members (as rkt writes them) are taken as absent"

# control: the same checks see what a running pod has
fresh app '{"exec":["/bin/sleep","1000"],"user":"0","group":"0"}'; podjson
startpod --net=none
podpid >/dev/null
leftovers
like "$_left" " rkt/service rkt/env rkt/log pid pod1-cgroup cgroup*process*" \
    "control: a running pod shows all that the checks look for"
kill -TERM "$podbg"
wait "$podbg"
is "$?" 0 "control: and it stops with exit 0"
done_testing
