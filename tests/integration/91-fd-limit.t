#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 91-fd-limit: file descriptors run out, for pod1-init, pod1-supervise and
# pod1-svlog in turn, while a pod runs: each one's RLIMIT_NOFILE is cut to
# its lowest free descriptor (prlimit --pid), so its next open, pipe or
# accept fails with EMFILE. None of them dies: pod1-svlog pauses its
# rotation and loses no line, pod1-supervise still restarts a crashed app
# (the status files wait), pod1-init retries a killed supervisor on its
# timer (each new one inherits the limit and cannot set up). Once the
# limits are lifted, all of it catches up. Controls: each limit bites
# (the log stops growing, the pid file goes stale, the supervisor stays
# away), and comes back only after the lift.
. "${0%/*}/../lib.sh"

SVLOG=$B/pod1-svlog
[ -x "$SUP" ] || skip_all "$SUP is not built"
[ -x "$SVLOG" ] || skip_all "$SVLOG is not built"
command -v prlimit >/dev/null || skip_all "needs prlimit (util-linux)"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"

# lowfree PID: the lowest descriptor number PID has free
lowfree() {
	ls "/proc/$1/fd" 2>/dev/null | sort -n | awk '$1 != n { exit }
	    { n++ } END { print n + 0 }'
}

# starve PID: no descriptor to spare
starve() {
	prlimit --pid "$1" --nofile="$(lowfree "$1"):"
}

lift() {
	prlimit --pid "$1" --nofile=1024:
}

app_links a c
logged() {
	cat "$D"/a/log/main/@* "$D"/a/log/main/current 2>/dev/null |
	    wc -l
}
grows() {
	[ "$(logged)" -gt "$1" ]
}
# complete: 1..N, then "end N", over the rotated files and current
complete() {
	cat "$D"/a/log/main/@* "$D"/a/log/main/current 2>/dev/null |
	    awk '$0 == "end " n { end = 1; next }
	    end || $0 != n + 1 { bad = 1; exit }
	    { n = $0 }
	    END { exit !(end && !bad && n > 0) }'
}

D=$T/pod
mksvc "$D/a" 'exec "'$T'/app-a" count -d 2'
mkdir -p "$D/a/log/main"
# a small current: rotations, each of which opens a new one and lists the
# old files (n1000: none deleted, the test reads them all)
printf 's2000\nn1000\n' >"$D/a/log/main/config"
mksvc "$D/a/log" 'exec "'$SVLOG'" ./main'
mksvc "$D/c" 'exec "'$T'/app-c" pause'
mksvc "$D/b" 'exec "'$PROBE'" pause'
# a subreaper, not PID 1: the pid files hold host pids then
m=sub
TMO=120
start init "$m" "$INIT" -v -t 5 -d "$D"
ok "$m: a, its logger and c run" wait_for 5 eval \
    '[ "$(app_count a)$(app_count c)" = 11 ] && grows 100'
lp=$(cat "$D/a/log/supervise/pid")

# pod1-svlog: a rotation still finds a descriptor (the old current's),
# but no longer the one to list the old files (to delete beyond n)
olds() {
	ls "$D/a/log/main" | grep -c '^@'
}
ok "$m: a's log has rotated ten times" wait_for 10 eval '[ "$(olds)" -ge 10 ]'
starve "$lp"
ok "svlog: starved, it cannot list the old files: it says so" wait_for 10 \
    grep -q 'pod1-svlog: .*unable to read directory' "$T/init.err"
ok "svlog: and logs on" wait_for 10 eval '[ "$(olds)" -ge 13 ]'
ok "svlog: alive" alive "$lp"
is "$(cat "$D/a/log/supervise/pid")" "$lp" "svlog: never restarted"

# pod1-supervise: c's app crashes, and is restarted; status must wait
sc=$(supervisor c)
starve "$sc"
old=$(app_pids c)
kill -KILL "$old"
ok "supervise: starved, it still restarts c" wait_for 5 eval \
    '[ "$(app_count c)" = 1 ] && [ "$(app_pids c)" != "$old" ]'
ok "supervise: and says why the status waits" wait_for 5 \
    grep -q 'pod1-supervise: .*unable to write the status' "$T/init.err"
is "$(cat "$D/c/supervise/pid")" "$old" \
    "control: the pid file still names the old app"
ok "supervise: alive" alive "$sc"

# pod1-init: b's supervisor killed, its successors inherit the limit
starve "$pid1"
sb=$(supervisor b)
kill -KILL "$sb"
ok "init: a killed supervisor is retried on the timer" wait_for 10 eval \
    '[ "$(grep -c "supervisor of b died" "$T/init.err")" -ge 3 ]'
ok "control: no supervisor of b can set up" eval '! supervisor b >/dev/null'
kill -HUP "$pid1"
ok "init: a rescan without descriptors is a warning" wait_for 5 \
    grep -q 'pod1-init: .*unable to read' "$T/init.err"
ok "init: alive" alive "$pid1"

# lift every limit: all of it catches up
lift "$pid1"
lift "$sc"
lift "$lp"
ok "lifted: b's supervisor is back" wait_for 5 eval \
    '(cd "$D" && sv status ./b) | grep -q "^run: "'
ok "lifted: c's pid file names its app" wait_for 5 eval \
    '[ "$(cat "$D/c/supervise/pid")" = "$(app_pids c)" ]'
n1=$(olds)
w1=$(grep -c 'unable to read directory' "$T/init.err")
ok "lifted: a's logger goes on rotating" wait_for 10 eval \
    '[ "$(olds)" -ge $((n1 + 3)) ]'
is "$(grep -c 'unable to read directory' "$T/init.err")" "$w1" \
    "lifted: and lists the old files again"
ok "lifted: by the same logger" eval \
    '[ "$(cat "$D/a/log/supervise/pid")" = "$lp" ]'
(cd "$D" && sv -w 5 down ./a) >/dev/null
ok "a's lines, 1 to end: none lost, none doubled" wait_for 10 complete
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "TERM: pod1-init exits 0"

done_testing
