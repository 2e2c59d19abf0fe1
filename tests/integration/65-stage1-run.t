#!/bin/sh
# SPDX-License-Identifier: ISC
# The stage1 run entrypoint, run exactly as rkt's stage0 runs it (see
# tests/pod.sh), on busybox pods: pod1-init is PID 1 inside, every /proc
# /sys /dev entry, volumes (read-only too), the environment exactly, user,
# groups and cwd from the image, handler order, the pid, status and env
# files, the lock, the exit status rule and the [app] log copy.
. "${0%/*}/../lib.sh"
. "${0%/*}/../pod.sh"
need_root

# --- one app reporting what it sees, through a host volume -------------
mkpod 00000000-0000-4000-8000-000000000001
mkdir -p "$T/out" "$T/ro"
chmod 777 "$T/out"
echo data > "$T/ro/file"
addapp probe '{"exec":["check","arg one"],"user":"user","group":"extra",
 "supplementaryGIDs":[3000],"workingDirectory":"/home/user",
 "environment":[{"name":"FOO","value":"bar baz"},
  {"name":"PATH","value":"/usr/bin:/bin"}],
 "mountPoints":[{"name":"out","path":"/out"},
  {"name":"ro","path":"/data/ro","readOnly":true}]}'
cat > "$s1/opt/stage2/probe/rootfs/bin/check" <<'S'
#!/bin/sh
o=/out
tr '\0' ' ' < /proc/1/cmdline > $o/pid1
tr '\0' '\n' < /proc/$$/environ | sort > $o/env
echo "$1" > $o/arg
id -u > $o/uid; id -g > $o/gid; id -G > $o/groups
pwd > $o/cwd
hostname > $o/hostname
for d in null zero full random urandom tty console ptmx; do
	[ -c /dev/$d ] && echo $d
done > $o/dev
[ -d /dev/pts ] && [ -d /dev/shm ] && echo pts shm >> $o/dev
cat /proc/self/mountinfo > $o/mountinfo
ls /proc/self/fd > $o/fds
touch /data/ro/new 2>/dev/null && echo ro-written > $o/ro || echo ro-refused > $o/ro
cat /data/ro/file >> $o/ro
touch /out/rw && echo rw-written > $o/rw
echo "hello from the app"
echo "an error from the app" >&2
S
chmod 755 "$s1/opt/stage2/probe/rootfs/bin/check"
podjson '{"name":"out","kind":"host","source":"'"$T/out"'"},
 {"name":"ro","kind":"host","source":"'"$T/ro"'"}'
POD1_SECRET=leak runpod --net=host --local-config=/etc/rkt --hostname=box
is "$podst" 0 "a pod whose app exits 0 exits 0"
like "$(cat "$T/out/pid1")" "/pod1/pod1-init -d /rkt/service *" \
    "pod1-init -d is PID 1 inside"
is "$(cat "$T/out/env" | tr '\n' ' ')" \
    "AC_APP_NAME=probe FOO=bar baz HOME=/home/user LOGNAME=user PATH=/usr/bin:/bin SHELL=/bin/sh USER=user container=pod1 " \
    "the app's environment is exactly appc's, the user's from the image, then the manifest's"
nok "the host environment does not leak into the app" \
    grep -q POD1_SECRET "$T/out/env"
nok "RKT_LOCK_FD does not reach the app" grep -q RKT_ "$T/out/env"
is "$(cat "$T/out/arg")" "arg one" "exec's arguments are passed as they are"
is "$(cat "$T/out/uid") $(cat "$T/out/gid")" "1000 2000" \
    "user and group are looked up in the image's passwd and group"
like " $(cat "$T/out/groups") " "* 3000 *" "supplementaryGIDs are applied"
is "$(cat "$T/out/cwd")" /home/user "workingDirectory is the cwd"
is "$(cat "$T/out/hostname")" box "--hostname names the pod"
is "$(cat "$T/out/dev" | tr '\n' ' ')" \
    "null zero full random urandom tty console ptmx pts shm " \
    "/dev has every device appc lists, /dev/pts and /dev/shm"
mi=$T/out/mountinfo
ok "/proc is a procfs" grep -q ' /proc [^ ]*.* - proc ' "$mi"
ok "/sys is sysfs, read-only" grep -q ' /sys ro,[^ ]*.* - sysfs ' "$mi"
ok "/dev/pts is a devpts" grep -q ' /dev/pts [^ ]*.* - devpts ' "$mi"
ok "/dev/shm is a tmpfs" grep -q ' /dev/shm [^ ]*.* - tmpfs ' "$mi"
ok "the read-only volume is mounted read-only" grep -q ' /data/ro ro,' "$mi"
ok "the other volume is read-write" grep -q ' /out rw,' "$mi"
is "$(cat "$T/out/ro" | tr '\n' ' ')" "ro-refused data " \
    "a read-only volume refuses writes and shows the host's files"
is "$(cat "$T/out/rw")" rw-written "a read-write volume takes writes"
ok "the write landed on the host" test -f "$T/out/rw"
is "$(cat "$T/out/fds" | tr '\n' ' ')" "0 1 2 3 " \
    "the app gets fds 0-2 only (3 is ls's own)"
is "$(cat "$s1/rkt/status/probe")" 0 "rkt/status/probe holds the exit code"
ok "rkt/env/probe holds the environment" grep -qx 'FOO=bar baz' \
    "$s1/rkt/env/probe"
ok "pid was written" test -s "$pod/pid"
is "$(readlink "$s1/rkt/supervisor-status")" ready \
    "rkt/supervisor-status links to ready"
ok "the app's output is copied to the pod's stdout with [probe]" \
    grep -qx '\[probe\] hello from the app' "$T/pod.out"
ok "and lands in rkt/log/probe" grep -q 'hello from the app' \
    "$s1/rkt/log/probe/current"
ok "the app's stderr lands in its log too" grep -q 'an error from the app' \
    "$s1/rkt/log/probe/current"
nok "and not on the pod's stderr" grep -q 'an error from the app' "$T/pod.err"
ok "the pod's lock is free once it has exited" flock -n "$pod" true

# --- the lock: held by the host side for the pod's life, by no app -----
mkpod 00000000-0000-4000-8000-000000000002
addapp sleeper '{"exec":["/bin/sleep","1000"],"user":"0","group":"0"}'
podjson
startpod --net=none
p1=$(podpid)
ok "the pod runs: pid is pod1-init" test "$(cat /proc/$p1/comm)" = pod1-init
nok "while it runs its lock is held" flock -n "$pod" true
holders=
for f in /proc/[0-9]*/fd/*; do
	[ "$(readlink "$f" 2>/dev/null)" = "$pod" ] || continue
	p=${f#/proc/}; p=${p%%/*}
	case " $holders " in *" $p "*) ;; *) holders="$holders $p" ;; esac
done
host=$(cat /proc/$p1/stat | cut -d' ' -f4)
is "$holders" " $host" \
    "only the host-side stage1 (pod1-init's parent) has the pod dir open"
like "$(cat /proc/$host/cmdline | tr '\0' ' ')" "*/pod1/run *" \
    "that process is the run entrypoint rkt exec'd"
ok "sv status works from the host" sv status "$s1/rkt/service/sleeper"
is "$(cat /proc/$p1/status | sed -n 's/^NSpid:[[:space:]]*//p' |
    tr -s '\t ' ' ')" "$p1 1" "pod1-init is PID 1 of the pod's namespace"
kill -TERM "$host"
wait_for 10 dead "$host"
wait "$podbg"
is "$?" 0 "TERM to the host side stops the pod in order (exit 0)"
is "$(cat "$s1/rkt/status/sleeper")" 143 "a TERMed app's status is 143"

# --- the exit status rule: the first app that fails -------------------
mkpod 00000000-0000-4000-8000-000000000003
addapp ok '{"exec":["/bin/true"],"user":"0","group":"0"}'
addapp bad '{"exec":["/bin/sh","-c","exit 3"],"user":"0","group":"0"}'
podjson
runpod --net=none
is "$podst" 3 "a pod with a failing app exits with its status"
is "$(cat "$s1/rkt/status/ok") $(cat "$s1/rkt/status/bad")" "0 3" \
    "each app's status is in rkt/status"

mkpod 00000000-0000-4000-8000-000000000004
addapp killed '{"exec":["/bin/sh","-c","kill -9 $$"],"user":"0","group":"0"}'
podjson
runpod --net=none
is "$podst" 137 "an app killed by KILL makes the pod exit 128+9"
is "$(cat "$s1/rkt/status/killed")" 137 "and its status file says 137"

# --- handlers and a shared empty volume --------------------------------
mkpod 00000000-0000-4000-8000-000000000005
addapp first '{"exec":["/bin/sh","-c","echo app >> /shared/order"],
 "user":"0","group":"0",
 "eventHandlers":[{"name":"pre-start","exec":["/bin/sh","-c","echo pre >> /shared/order"]},
  {"name":"post-stop","exec":["/bin/sh","-c","echo post >> /shared/order"]}],
 "mountPoints":[{"name":"shared","path":"/shared"}]}'
addapp second '{"exec":["/bin/sh","-c","until [ -s /s/order ]; do sleep 0.1; done; cat /s/order"],
 "user":"0","group":"0","mountPoints":[{"name":"shared","path":"/s"}]}'
podjson '{"name":"shared","kind":"empty","mode":"0777"}'
runpod --net=none
is "$podst" 0 "a pod of two apps sharing an empty volume exits 0"
is "$(cat "$pod/sharedVolumes/shared/order" | tr '\n' ' ')" "pre app post " \
    "pre-start, the app, then post-stop, in order"
ok "the other app saw the first one's writes" \
    grep -q '^\[second\] pre' "$T/pod.out"

# --- interactive: the app gets the pod's stdin --------------------------
mkpod 00000000-0000-4000-8000-000000000006
addapp shell '{"exec":["/bin/sh"],"user":"0","group":"0"}'
podjson
echo 'echo "got $((6*7))"; exit 5' > "$T/in"
podst=0
( podcmd --net=none --interactive ) < "$T/in" > "$T/pod.out" 2>&1 || podst=$?
is "$podst" 5 "--interactive: the app's status is the pod's"
is "$(cat "$T/pod.out")" "got 42" \
    "--interactive: stdin reaches the app, its output the pod's stdout"
done_testing
