#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 92-pids-limit: fork fails. pod1-init runs as PID 1 in a pids cgroup
# (v1, /sys/fs/cgroup/pids) whose pids.max is then cut to 1, below what
# it holds, so every fork(2) and clone3(2) inside fails with EAGAIN: a crashing app
# is not restarted, a killed supervisor not replaced. PID 1 survives, does
# not spin, retries both on its timer (and pod1-supervise on its own) and
# recovers when the limit is lifted. Controls: while the limit holds
# nothing new starts at all; after the lift both come back.
. "${0%/*}/../lib.sh"

need_root
[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"
P=/sys/fs/cgroup/pids
[ -w "$P/cgroup.procs" ] || skip_all "no v1 pids cgroup at $P"
CG=$P/pod1-test-$$
mkdir "$CG" || skip_all "cannot make $CG"
trap 'tap_st=$?; cleanup; echo max >"$CG/pids.max"; wait_for 5 rmdir "$CG";
    exit $tap_st' EXIT

D=$T/pod
stamp='date +%s%N >>"'$T'/a.starts"'
mksvc "$D/a" "$stamp; exit 1" backoff-min=50 backoff-max=200
mksvc "$D/b" 'exec "'$PROBE'" pause'
starts() {
	wc -l <"$T/a.starts" 2>/dev/null || echo 0
}
more() {
	[ "$(starts)" -gt "$1" ]
}
# ticks PID: CPU time used, in clock ticks
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

join='echo $$ >"$0/cgroup.procs" && exec "$@"'
m=sub
have_unshare && m=ns
start init "$m" sh -c "$join" "$CG" "$INIT" -v -t 5 -d "$D"
ok "$m: in the cgroup, b runs and a crashes and restarts" wait_for 5 eval \
    'supervisor b >/dev/null && more 3'
is "$(grep -c "^$pid1\$" "$CG/cgroup.procs")" 1 "$m: pod1-init is in the cgroup"

echo 1 >"$CG/pids.max"
sb=$(supervisor b)
kill -KILL "$sb"
n0=$(starts)
ok "limited: pod1-init cannot fork b's supervisor again, says so" \
    wait_for 5 grep -q 'pod1-init: .*unable to fork for b' "$T/init.err"
ok "limited: and retries on its timer" wait_for 5 eval \
    '[ "$(grep -c "unable to fork for b" "$T/init.err")" -ge 3 ]'
ok "limited: a's supervisor cannot restart a either, retries" wait_for 5 \
    eval '[ "$(grep -c "pod1-supervise: .*unable to fork" "$T/init.err")" \
    -ge 2 ]'
ok "control: no supervisor of b" eval '! supervisor b >/dev/null'
is "$(starts)" "$n0" "control: no start of a"
ok "limited: PID 1 alive" alive "$pid1"
t0=$(ticks "$pid1")
wait_for 1 false
t1=$(ticks "$pid1")
ok "limited: and not spinning ($((t1 - t0)) ticks in a second)" \
    [ $((t1 - t0)) -lt 20 ]
is "$(children "$pid1" | while read -r c; do pstate "$c"; done |
    grep -c Z)" 0 "limited: no zombie left under it"

echo max >"$CG/pids.max"
ok "lifted: b's supervisor is back" wait_for 5 eval 'supervisor b >/dev/null'
ok "lifted: and b runs" wait_for 5 eval \
    '(cd "$D" && sv status ./b) | grep -q "^run: "'
ok "lifted: a restarts again" wait_for 5 more $((n0 + 2))
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "TERM: pod1-init exits 0"

done_testing
