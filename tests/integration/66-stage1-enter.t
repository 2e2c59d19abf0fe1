#!/bin/sh
# SPDX-License-Identifier: ISC
# enter, stop and gc as rkt calls them: enter joins a running pod as its
# app (namespaces, root, env, user, cwd); stop asks for an orderly stop or,
# with --force, kills at once; gc leaves no cgroup and no mount behind.
. "${0%/*}/../lib.sh"
. "${0%/*}/../pod.sh"
need_root

# the entrypoints as rkt runs them: cwd the pod dir, no lock fd
entry() {
	_e=$1
	shift
	(cd "$pod" && exec "$s1/pod1/$_e" "$@")
}

mkpod 00000000-0000-4000-8000-000000000011
addapp web '{"exec":["/bin/sh","-c","echo up > /tmp/up; exec sleep 1000"],
 "user":"user","group":"extra","workingDirectory":"/home/user",
 "environment":[{"name":"WHO","value":"web"}]}'
podjson
startpod --net=none --hostname=entered
p1=$(podpid)
wait_for 10 test -f "$s1/opt/stage2/web/rootfs/tmp/up"
out=$(entry enter --pid="$p1" --appname=web -- /bin/sh -c \
    'echo "$AC_APP_NAME $WHO $(id -u):$(id -g) $(pwd) $(hostname)"; cat /proc/1/comm')
is "$out" "web web 1000:2000 /home/user entered
pod1-init" "enter runs as the app: env, user, group, cwd, the pod's UTS and PID namespaces"
out=$(entry enter --pid "$p1" --appname web -- /bin/sh -c 'ls /tmp/up; readlink /proc/self/ns/net')
like "$out" "/tmp/up
net:*" "enter sees the app's root"
is "${out#*
}" "$(readlink /proc/$p1/ns/net)" "enter joins the pod's network namespace"
nok "and that is not the host's (control)" \
    test "${out#*
}" = "$(readlink /proc/self/ns/net)"
entry enter --pid="$p1" --appname=web -- /bin/sh -c 'exit 7'
is "$?" 7 "enter exits with the command's status"
entry enter --pid="$p1" --appname=nope -- /bin/true 2>"$T/enter.err"
is "$?" 254 "enter into an app the pod lacks fails with 254"
like "$(cat "$T/enter.err")" "*no app nope*" "and says which app"

# stop: orderly; the app gets TERM and its status is written
host=$(cut -d' ' -f4 /proc/$p1/stat)
entry stop 00000000-0000-4000-8000-000000000011
is "$?" 0 "stop returns 0 at once"
wait_for 15 dead "$p1"
wait "$podbg"
is "$?" 0 "the pod stopped in order exits 0"
is "$(cat "$s1/rkt/status/web")" 143 "the app was stopped by TERM (143)"
ok "the pod's lock is free" flock -n "$pod" true

# stop --force: everything dies at once, nothing waits for a grace
mkpod 00000000-0000-4000-8000-000000000012
addapp stubborn '{"exec":["/bin/sh","-c","trap \"\" TERM; echo up > /tmp/up; while :; do sleep 1; done"],
 "user":"0","group":"0"}'
podjson
startpod --net=none
p1=$(podpid)
wait_for 10 test -f "$s1/opt/stage2/stubborn/rootfs/tmp/up"
t0=$(now_ms)
entry stop --force 00000000-0000-4000-8000-000000000012
wait_for 5 dead "$p1"
wait "$podbg"
is "$?" 137 "stop --force kills the pod's PID 1: the pod exits 137"
ok "at once (well under the 5 s TERM grace)" test $(($(now_ms) - t0)) -lt 3000
nok "no process of the pod is left" pgrep -f 'while :; do sleep 1'
cg=$(cat "$pod/pod1-cgroup")
ok "a pod cgroup was made" test -d "$cg"
mount --bind "$T" "$s1/tmp"
ok "a mount left under the pod dir (as a stage0 overlay would be)" \
    grep -q " $s1/tmp " /proc/self/mountinfo
entry gc --local-config /etc/rkt 00000000-0000-4000-8000-000000000012
is "$?" 0 "gc succeeds"
nok "gc removed the pod's cgroup" test -d "$cg"
nok "gc left no mount under the pod dir" grep -q " $pod/" /proc/self/mountinfo
entry gc --local-config /etc/rkt 00000000-0000-4000-8000-000000000012
is "$?" 0 "gc again is a no-op (idempotent)"
done_testing
