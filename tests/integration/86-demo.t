#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 86-demo: `make demo` (mk/demo.sh) runs start to end in a temp DEMO_DIR
# and exits 0: the web app answers from inside the pod, the worker is
# restarted, the stop is clean, the logs are kept, and no pod, process or
# mount is left. Control: with the web image's exec path broken the demo
# fails, names the step and says why, and still leaves nothing behind.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"
need_root
[ -f "$B/stage1.aci" ] || skip_all "$B/stage1.aci is not built"
# the stage1 runs its programs inside the pod, where no shared library is
grep -q -- -static "$B/.flags" 2>/dev/null ||
    skip_all "a SANITIZE=1 stage1 is dynamic and cannot run in a pod"

# a port of our own: 84-daemons has nginx on 8080
PORT=$((20000 + $$ % 20000))

demo() {
	_dir=$1
	shift
	run sub env DEMO_DIR="$_dir" DEMO_PORT="$PORT" POD1_BUILD="$B" "$@" \
	    sh "$top/mk/demo.sh"
}

# no pod running and no mount under DIR
nothing_left() {
	! "$B/pod1" --dir="$1/store" list --no-legend 2>/dev/null |
	    grep -q ' running ' &&
	    ! awk -v d="$1/" 'index($2 "/", d) == 1 { f = 1 } END { exit !f }' \
	    /proc/mounts
}

demo_cleanup() {
	for _d in "$T/demo" "$T/bad"; do
		[ -d "$_d/store" ] &&
		    "$B/pod1" --dir="$_d/store" gc --grace-period=0s >/dev/null 2>&1
	done
	return 0
}
cleanup_hook=demo_cleanup

demo "$T/demo" >"$T/out" 2>"$T/err"
is "$?" 0 "the demo runs start to end and exits 0"
diag_file "$T/err"
for l in "web: answered" "worker: restarted at least once" \
    "pod1 run exited with status 0" "stop: clean .*" "Every step worked\..*"; do
	ok "it says '$l'" grep -qx "$l" "$T/out"
done
ok "the web app answered from inside the pod" \
    grep -q "^host rkt-.*, PID 1 is pod1-init" "$T/out"
ok "the worker's restarts grew" \
    grep -q "^worker restarts now: [1-9][0-9]* (it grew" "$T/out"
ok "sv status from the host: each app runs" \
    grep -q '^run: worker: (pid [0-9]*)' "$T/out"
ok "the worker's kept log has its crash" \
    grep -q "worker: oops, crashing" "$T/demo/logs/worker/current"
ok "the chatter's kept log ends with its goodbye on TERM" \
    grep -q "chatter: TERM after [0-9]* lines, bye" \
    "$T/demo/logs/chatter/current"
ok "no pod dir is left" [ -z "$(ls "$T/demo/store/pods/run")" ]
ok "no pod and no mount is left" nothing_left "$T/demo"
ok "the images are kept" [ -s "$T/demo/images/web.aci" ]

# control: an image whose exec is missing
demo "$T/bad" DEMO_HTTPD=/bin/no-such-httpd >"$T/bout" 2>"$T/berr"
st=$?
failed() {
	[ "$st" -ne 0 ] && [ "$st" -ne 124 ]
}
ok "control: a broken web image fails the demo (not by timeout)" failed
ok "... naming the step" grep -q "^demo: FAILED at step [0-9]* (" "$T/berr"
ok "... and why: the stage1's message" \
    grep -q "exec /bin/no-such-httpd: no such executable" "$T/berr"
diag_file "$T/berr"
nok "... and it never says it worked" grep -q "Every step worked" "$T/bout"
ok "... and leaves no pod and no mount" nothing_left "$T/bad"
done_testing
