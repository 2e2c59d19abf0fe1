#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: the main job, start to end. Three busybox ACIs (a web server
# on loopback, a worker that crashes now and then, a chatty logger) run
# as one pod under `pod1 run`; the demo shows status, restarts, runit's
# sv, the logs and `pod1 enter`, then stops the pod and removes it. Every
# wait is bounded polling; any failed step names itself and exits 1.
#
# Environment: DEMO_DIR (default build/demo, emptied first), DEMO_PORT
# (8080), DEMO_HTTPD (the web app's exec path in its image, /bin/httpd;
# tests/integration/86-demo.t breaks it on purpose), POD1_BUILD.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${POD1_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
D=${DEMO_DIR:-$B/demo}
case $D in /*) ;; *) D=$(pwd)/$D ;; esac
PORT=${DEMO_PORT:-8080}
HTTPD=${DEMO_HTTPD:-/bin/httpd}
URL=http://127.0.0.1:$PORT
S=$D/store
step=0
title="set-up"
bg=
uuid=

section() {
	step=$((step + 1))
	title=$*
	printf '\n=== %d. %s\n' "$step" "$*"
}

# a command as a person would type it, then its output
show() {
	printf '$ %s\n' "$*" | sed 's/^\$ p1 /$ pod1 /'
	"$@"
}

fail() {
	echo "demo: $*" >&2
	exit 1
}

p1() {
	"$B/pod1" --dir="$S" "$@"
}

pod_alive() {
	[ -n "$bg" ] && kill -0 "$bg" 2>/dev/null
}

# wait_for SECS WHAT CMD...: poll CMD every 0.1 s; fail naming WHAT after
# SECS, or at once when the pod has ended under us
wait_for() {
	_n=$(($1 * 10))
	_what=$2
	shift 2
	until "$@"; do
		if [ -n "$bg" ] && ! pod_alive && [ "${_pod_may_end:-}" != 1 ]; then
			wait "$bg" && _st=0 || _st=$?
			bg=
			fail "the pod ended (pod1 run status $_st) before $_what"
		fi
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || fail "timed out waiting until $_what"
		sleep 0.1
	done
}

web_get() {
	timeout 5 busybox wget -qO- "$URL$1" 2>/dev/null
}

web_up() {
	web_get / >/dev/null
}

restarts() {
	if command -v jq >/dev/null; then
		p1 status --format=json "$uuid" |
		    jq -r --arg a "$1" '.apps[] | select(.name == $a) | .restarts'
	else
		# STATUS may be two words: RESTARTS is the last but one
		p1 status "$uuid" | awk -v a="$1" '$1 == a { print $(NF - 1) }'
	fi
}

logdir() {
	echo "$S/pods/run/$uuid/stage1/rootfs/rkt/log/$1"
}

# keep the logs outside the pod dir, which rm removes
save_logs() {
	[ -n "$uuid" ] && [ -d "$S/pods/run/$uuid/stage1/rootfs/rkt/log" ] ||
	    return 0
	rm -rf "$D/logs"
	cp -a "$S/pods/run/$uuid/stage1/rootfs/rkt/log" "$D/logs"
}

mounts_under() {
	awk -v d="$1/" 'index($2 "/", d) == 1' /proc/mounts | wc -l
}

# On any failure: say which step, show what the pod said, and leave no
# pod, process or mount behind (the logs are kept in $DEMO_DIR/logs).
on_exit() {
	st=$?
	trap - EXIT
	[ "$st" -ne 0 ] || exit 0
	echo "demo: FAILED at step $step ($title)" >&2
	if [ -s "$D/pod.err" ]; then
		echo "demo: pod1 run said:" >&2
		tail -n 5 "$D/pod.err" | sed 's/^/demo:   /' >&2
	fi
	if pod_alive; then
		[ -z "$uuid" ] || p1 stop --force "$uuid" >/dev/null 2>&1 || :
		_i=50
		while pod_alive && [ $_i -gt 0 ]; do
			sleep 0.1
			_i=$((_i - 1))
		done
		pod_alive && kill -9 "$bg" 2>/dev/null
	fi
	save_logs 2>/dev/null || :
	[ ! -d "$S" ] || p1 gc --grace-period=0s >/dev/null 2>&1 || :
	echo "demo: what is left is in $D" >&2
	exit "$st"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

section "tools"
[ "$(id -u)" -eq 0 ] || fail "needs root: pod1 run makes namespaces and mounts"
for f in pod1 stage1.aci; do
	[ -e "$B/$f" ] || fail "$B/$f is not built: run make"
done
sh "$top/mk/tools.sh" busybox:busybox-static ||
    fail "needs busybox (apt-get install busybox-static)"
# a dynamic busybox cannot run inside an image: Debian's busybox-static
# replaces it
bb=$(command -v busybox)
static_busybox() {
	_t=$(mktemp -d)
	cp "$bb" "$_t/busybox"
	chroot "$_t" /busybox true 2>/dev/null && _s=0 || _s=$?
	rm -rf "$_t"
	return "$_s"
}
if ! static_busybox; then
	echo "demo: $bb is not static: installing busybox-static"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends busybox-static >/dev/null ||
	    fail "unable to install busybox-static"
	bb=$(command -v busybox)
	static_busybox || fail "$bb is not a static busybox"
fi
# nice to have: runit's sv, daemontools' tai64nlocal, jq
sh "$top/mk/tools.sh" sv:runit tai64nlocal:daemontools jq:jq ||
    echo "demo: going on without them"
echo "busybox: $bb (static); pod1: $B/pod1; stage1: $B/stage1.aci"

# DEMO_DIR is emptied: only when it is empty or an earlier demo's
if [ -n "$(ls -A "$D" 2>/dev/null)" ] && [ ! -d "$D/images" ] &&
    [ ! -d "$D/store" ]; then
	fail "DEMO_DIR $D is neither empty nor an earlier demo's: not emptying it"
fi
# an earlier demo's pods, stopped and removed, then a fresh demo dir
earlier_gone() {
	! p1 list --no-legend --full | grep -q "^$1 *running"
}
if [ -d "$S/pods" ]; then
	for u in $(p1 list --no-legend --full | awk '$2 == "running" { print $1 }'); do
		echo "demo: stopping pod $u of an earlier demo"
		p1 stop --force "$u" >/dev/null || :
		uuid=$u
		wait_for 10 "the earlier pod $u has stopped" earlier_gone "$u"
	done
	uuid=
	p1 gc --grace-period=0s >/dev/null
fi
[ "$(mounts_under "$D")" -eq 0 ] ||
    fail "$D still has mounts: see grep $D /proc/mounts"
rm -rf "$D"
mkdir -p "$D/images"
! web_get / >/dev/null || fail "something already answers on $URL: set DEMO_PORT"

section "build three images: web, worker, chatter (ACIs of busybox)"
# the base rootfs: busybox, its applets, a root user
base=$D/images/base
mkdir -p "$base/bin" "$base/etc" "$base/tmp" "$base/app"
chmod 1777 "$base/tmp"
cp "$bb" "$base/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$base/bin/$a" ] || ln -s busybox "$base/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$base/etc/passwd"
echo 'root:x:0:' >"$base/etc/group"

# mkimage NAME EXEC-JSON: $D/images/NAME.aci from $D/images/NAME/rootfs
mkimage() {
	cat >"$D/images/$1/manifest" <<EOF
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"demo.pod1/$1",
 "labels":[{"name":"version","value":"1"},{"name":"os","value":"linux"},
  {"name":"arch","value":"amd64"}],
 "app":{"exec":$2,"user":"0","group":"0"}}
EOF
	tar -C "$D/images/$1" -cf "$D/images/$1.aci" manifest rootfs
	rm -rf "$D/images/$1"
	printf '%-8s %s  exec %s\n' "$1" "$D/images/$1.aci" "$2"
}
for a in web worker chatter; do
	mkdir -p "$D/images/$a"
	cp -a "$base" "$D/images/$a/rootfs"
done

# web: busybox httpd on loopback, a page and a CGI that looks around
w=$D/images/web/rootfs
mkdir -p "$w/www/cgi-bin"
echo "hello from pod1's web app" >"$w/www/index.html"
cat >"$w/www/cgi-bin/pod" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "host $(hostname), PID 1 is $(cat /proc/1/comm), I am pid $$"
EOF
chmod +x "$w/www/cgi-bin/pod"
mkimage web "[\"$HTTPD\",\"-f\",\"-v\",\"-p\",\"127.0.0.1:$PORT\",\"-h\",\"/www\"]"

# worker: a few jobs, then a crash (exit 1), for the supervisor to restart
cat >"$D/images/worker/rootfs/app/run" <<'EOF'
#!/bin/sh
trap 'echo "worker: TERM, stopping cleanly"; exit 0' TERM
n=$((${RANDOM:-1} % 4 + 2))
i=1
while [ $i -le $n ]; do
	echo "worker: job $i of $n done"
	i=$((i + 1))
	sleep 0.3
done
echo "worker: oops, crashing with exit 1"
exit 1
EOF
chmod +x "$D/images/worker/rootfs/app/run"
mkimage worker '["/app/run"]'

# chatter: a line every 100 ms, a goodbye on TERM
cat >"$D/images/chatter/rootfs/app/run" <<'EOF'
#!/bin/sh
n=0
trap 'echo "chatter: TERM after $n lines, bye"; exit 0' TERM
while :; do
	n=$((n + 1))
	echo "chatter: line $n, all is well"
	sleep 0.1
done
EOF
chmod +x "$D/images/chatter/rootfs/app/run"
mkimage chatter '["/app/run"]'
rm -rf "$base"

section "run them as one pod, in the background"
set -- --net=host --restart=always --uuid-file-save="$D/uuid" \
    "$D/images/web.aci" \
    --- "$D/images/worker.aci" --restart=on-failure \
    --- "$D/images/chatter.aci"
# shellcheck disable=SC2016 # what a person would type
printf '$ pod1 --dir=$DEMO_DIR/store run %s > $DEMO_DIR/pod.out &\n' \
    "$(echo "$*" | sed "s|$D|\$DEMO_DIR|g")"
"$B/pod1" --dir="$S" run "$@" >"$D/pod.out" 2>"$D/pod.err" &
bg=$!
wait_for 10 "the pod has a uuid" test -s "$D/uuid"
uuid=$(cat "$D/uuid")
echo "pod $uuid started (pod1 run is pid $bg; its output: \$DEMO_DIR/pod.out)"

section "the web app answers on $URL"
wait_for 15 "the web app answers on $URL" web_up
show busybox wget -qO- "$URL/"
show busybox wget -qO- "$URL/cgi-bin/pod"
echo "web: answered"

section "pod1 list"
show p1 list

section "pod1 status"
show p1 status "$uuid"
if command -v jq >/dev/null; then
	printf '$ pod1 status --format=json %s | jq -c ...\n' "${uuid%%-*}"
	p1 status --format=json "$uuid" |
	    jq -c '{state, pid, apps: [.apps[] | {name, state, restarts}]}'
else
	show p1 status --format=json "$uuid"
fi

section "the worker crashes, and its supervisor restarts it"
r0=$(restarts worker)
echo "worker restarts now: $r0"
more_restarts() {
	r=$(restarts worker)
	[ "$r" -gt "$r0" ]
}
wait_for 20 "the worker is restarted again" more_restarts
echo "worker restarts now: $r (it grew: the supervisor restarted it)"
grep -c 'crashing' "$(logdir worker)/current" |
    sed 's/^/crashes in its log so far: /'
echo "worker: restarted at least once"

section "runit's sv, from the host, on the pod's service dirs"
svdirs="$S/pods/run/$uuid/stage1/rootfs/rkt/service"
if command -v sv >/dev/null; then
	printf '$ sv status %s/*\n' "$(echo "$svdirs" | sed "s|$D|\$DEMO_DIR|")"
	sv status "$svdirs"/* | sed "s|$svdirs/||"
else
	echo "(runit's sv is not installed: skipped)"
fi

section "the logs (svlogd's layout, one dir per app)"
for a in worker chatter web; do
	echo "--- $a: $(logdir "$a" | sed "s|$D|\$DEMO_DIR|")/current"
	if command -v tai64nlocal >/dev/null; then
		tail -n 4 "$(logdir "$a")/current" | tai64nlocal
	else
		tail -n 4 "$(logdir "$a")/current"
	fi
done
echo "(httpd -v writes its access lines to stderr: the stage1 sends an app's"
echo "stderr into its log dir as well, so they are in web's log above)"
echo "--- pod1 run's own output (\$DEMO_DIR/pod.out), each line with its app:"
tail -n 3 "$D/pod.out"

section "pod1 enter: a command inside the pod"
printf '$ pod1 enter --app=web %s /bin/sh -c %s\n' "$uuid" \
    "'hostname; ps -o pid,args'"
p1 enter --app=web "$uuid" /bin/sh -c 'hostname; ps -o pid,args'

section "pod1 stop, and wait for the pod to end"
show p1 stop "$uuid"
_pod_may_end=1
wait_for 20 "the pod has ended after stop" sh -c "! kill -0 $bg 2>/dev/null"
wait "$bg" && st=0 || st=$?
bg=
echo "pod1 run exited with status $st"
[ "$st" -eq 0 ] || fail "pod1 run exited $st after a stop: want 0"
show p1 status "$uuid"
podpid=$(p1 status "$uuid" | sed -n 's/^pid=//p')
! kill -0 "$podpid" 2>/dev/null || fail "the pod's PID 1 ($podpid) still runs"
bad=$(p1 status "$uuid" | sed -n 's/^app-\(.*\)=\(.*\)/\1 \2/p' |
    awk '$2 != 0 && $2 != 143')
[ -z "$bad" ] || fail "an app did not stop cleanly: $bad"
[ "$(p1 status "$uuid" | sed -n 's/^state=//p')" = exited ] ||
    fail "the pod is not exited after stop"
echo "stop: clean (each app exited 0 or 143 = 128 + SIGTERM), the pod's PID 1 is gone"

section "pod1 rm and gc: the pod, its mounts and its processes are gone"
save_logs
show p1 rm "$uuid"
show p1 gc --grace-period=0s
[ ! -e "$S/pods/run/$uuid" ] || fail "the pod dir is still there"
[ "$(mounts_under "$S/pods")" -eq 0 ] || fail "mounts are left under $S/pods"
show p1 image list
uuid=

section "done"
cat <<EOF
Every step worked. Where to look:
  $D/logs/<app>/current    each app's log (tai64nlocal < ... for times)
  $D/pod.out               what pod1 run printed: every app, prefixed
  $D/pod.err               pod1 run's own messages (the stage1's, the supervisors')
  $D/images/*.aci          the three images
  $D/store                 pod1's store (pod1 --dir=$D/store image list)
Run it again with: make demo   (or sh mk/demo.sh; DEMO_DIR=... to move it)
EOF
