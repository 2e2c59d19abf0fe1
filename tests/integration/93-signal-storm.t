#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 93-signal-storm: 10 000 signals a second at pod1-init -d as PID 1 for
# 3 s (30 s under POD1_STRESS=1): HUP (a rescan each), CHLD with nothing
# to reap, USR1, WINCH, ALRM and a queued real-time signal, while five
# apps crash and restart, a supervisor is killed and a service dir is
# added. PID 1 lives, restarts go on, the killed supervisor is replaced,
# the new dir is started (by one of the HUPs), no zombie is left, and TERM
# still shuts it all down in order. Control: the same storm (less the
# real-time signal, which would kill it) at a probe that counts what it
# gets shows it lands.
. "${0%/*}/../lib.sh"

[ -x "$SUP" ] || skip_all "$SUP is not built"
MS=3000
[ -n "${POD1_STRESS:-}" ] && MS=30000
SIGS="HUP CHLD USR1 WINCH ALRM 40"

D=$T/pod
i=0
while [ "$i" -lt 5 ]; do
	mksvc "$D/c$i" 'date +%s%N >>"'$T'/starts"; exit 1' \
	    backoff-min=10 backoff-max=50
	i=$((i + 1))
done
mksvc "$D/p" 'exec "'$PROBE'" pause'
starts() {
	wc -l <"$T/starts" 2>/dev/null || echo 0
}
# zombies PID: how many zombies PID and its descendants hold
zombies() {
	_z=0
	for _c in $(children "$1"); do
		[ "$(pstate "$_c")" = Z ] && _z=$((_z + 1))
		_z=$((_z + $(zombies "$_c")))
	done
	echo "$_z"
}

m=sub
have_unshare && m=ns
start init "$m" "$INIT" -t 5 -d "$D"
ok "$m: the apps crash and restart" wait_for 5 eval \
    '[ "$(starts)" -ge 20 ] && supervisor p >/dev/null'
"$PROBE" storm "$pid1" 10000 "$MS" $SIGS >"$T/storm.out" 2>&1 &
storm=$!
n0=$(starts)
wait_for 1 false
sp=$(supervisor p)
kill -KILL "$sp"
mksvc "$D/n" 'exec "'$PROBE'" pause'
ok "storm: the killed supervisor is replaced" wait_for 5 eval \
    'n=$(supervisor p) && [ "$n" != "$sp" ]'
ok "storm: the added dir is started" wait_for 5 eval \
    'supervisor n >/dev/null'
wait "$storm"
is "$?" 0 "storm: it ran its course, PID 1 there to the end"
sent=$(sed -n 's/^sent //p' "$T/storm.out")
ok "storm: $sent signals in $MS ms" [ "${sent:-0}" -ge $((MS * 9)) ]
n1=$(starts)
ok "storm: restarts went on ($((n1 - n0)))" [ $((n1 - n0)) -ge 20 ]
ok "PID 1 alive" alive "$pid1"
ok "no zombie left" wait_for 2 eval '[ "$(zombies "$pid1")" -eq 0 ]'
ok "restarts go on after it" wait_for 5 eval '[ "$(starts)" -gt "$n1" ]'
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "TERM: pod1-init exits 0"
nok "nothing was left for the final TERM" \
    grep -q 'sent TERM to the remaining' "$T/init.err"

# control: the storm lands: a probe that counts its signals
start sig sub "$PROBE" signals
wait_for 5 grep -q '^ready ' "$T/sig.out"
"$PROBE" storm "$pid1" 10000 500 USR1 WINCH ALRM >/dev/null
wait_for 2 eval '[ "$(grep -c -v "^ready " "$T/sig.out")" -ge 100 ]'
got=$(grep -c -v '^ready ' "$T/sig.out")
ok "control: a probe got $got of the 5000 (pending ones coalesce)" \
    [ "$got" -ge 100 ]
stop_run

done_testing
