#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 20-signals: what pod1-init passes to its command. Each signal reaches the
# command (and with -g its whole process group), the command starts with
# the original mask, default dispositions and no inherited fd above 2, and
# SIGTTIN/SIGTTOU never stop pod1-init. Controls: a group member without
# -g, and noforward, an init that forwards nothing and skips the ritual.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"

SIGS="TERM INT HUP USR1 USR2 QUIT WINCH"

# heard_all OUT: the probe writing OUT printed each of $SIGS
heard_all() {
	for _s in $SIGS; do
		wait_for 5 has_line "$1" "$_s" || return 1
	done
}

# heard_any OUT SECS: it printed one of $SIGS within SECS
heard_any() {
	wait_for "$2" grep -q -x -e TERM -e INT -e HUP -e USR1 -e USR2 \
	    -e QUIT -e WINCH "$1"
}

# send PID: each of $SIGS in turn, once the last has been heard
send_all() {
	for _s in $SIGS; do
		kill -s "$_s" "$1"
		wait_for 5 has_line "$2" "$_s" || return 1
	done
}

# leader OUT: the probe's ready line says it leads its own process group
leader() {
	sed -n 1p "$1" | grep -q '^ready \([0-9]*\) \1$'
}

# restored OUT: the command's mask is the original one, USR2 blocked, and
# nothing is ignored although INT and HUP were
restored() {
	has_line "$1" 'SigBlk:[[:space:]]*0000000000000800' &&
	    has_line "$1" 'SigIgn:[[:space:]]*0000000000000000'
}

# closed OUT: no fd above 2 reached the probe
closed() {
	awk '/^fds/ { seen = 1; for (i = 2; i <= NF; i++) if ($i > 2) bad = 1 }
	    END { exit !(seen && !bad) }' "$1"
}

note_modes "the signal tests"
for m in $(modes); do
	for g in "" -g; do
		tag="$m${g:+ $g}"
		start s "$m" "$INIT" $g -t 1 -- \
		    "$PROBE" signals -n 8 -m "$T/member"
		wait_for 5 has_line "$T/s.out" 'ready .*' ||
		    diag_file "$T/s.err"
		ok "$tag: $SIGS each reach the command" \
		    send_all "$pid1" "$T/s.out"
		ok "$tag: the command leads its own process group" \
		    leader "$T/s.out"
		if [ -n "$g" ]; then
			ok "$tag: and each reaches the rest of its group" \
			    heard_all "$T/member"
		else
			nok "$tag: control: without -g the group hears none" \
			    heard_any "$T/member" 1
		fi
		# the eighth ends the command, then pod1-init
		kill -s USR1 "$pid1"
		wait "$bg"
		is "$?" 0 "$tag: pod1-init exits 0 once the command has"
	done

	start nf "$m" "$PROBE" noforward "$PROBE" signals -n 8
	wait_for 5 has_line "$T/nf.out" 'ready .*' || diag_file "$T/nf.err"
	for s in $SIGS; do
		kill -s "$s" "$pid1"
	done
	nok "$m: control: under noforward the command hears none" \
	    heard_any "$T/nf.out" 1
	nok "$m: control: under noforward it shares the init's group" \
	    leader "$T/nf.out"
	stop_run

	run "$m" "$INIT" -- "$PROBE" sigmask >"$T/m0.out" 2>"$T/m0.err"
	ok "$m: the command starts with nothing blocked or ignored" eval \
	    'grep -c "^Sig...:[[:space:]]*0000000000000000$" "$T/m0.out" |
	    grep -qx 2' || diag_file "$T/m0.out"
	run "$m" "$PROBE" sigsetup -b USR2 -i INT -i HUP -- \
	    "$INIT" -- "$PROBE" sigmask >"$T/m.out" 2>"$T/m.err"
	ok "$m: the command gets the original mask, default dispositions" \
	    restored "$T/m.out" || diag_file "$T/m.out"
	blk=$(sed -n 's/^parent SigBlk:[[:space:]]*//p' "$T/m.out")
	ign=$(sed -n 's/^parent SigIgn:[[:space:]]*//p' "$T/m.out")
	ok "$m: while pod1-init itself blocks TERM" has_bits "$blk" 0x4000
	ok "$m: and ignores TTIN and TTOU" has_bits "$ign" 0x300000
	run "$m" "$PROBE" sigsetup -b USR2 -i INT -i HUP -- \
	    "$PROBE" noforward "$PROBE" sigmask >"$T/nm.out" 2>"$T/nm.err"
	ok "$m: control ran: noforward's command printed its masks" \
	    grep -q '^SigBlk:' "$T/nm.out"
	nok "$m: control: under noforward it keeps the init's mask" \
	    restored "$T/nm.out"

	run "$m" "$INIT" -- "$PROBE" fds >"$T/f.out" 2>"$T/f.err" \
	    3>"$T/extra" 7<"$T/extra"
	ok "$m: inherited fds above 2 are closed" closed "$T/f.out" ||
	    diag_file "$T/f.out"
	run "$m" "$PROBE" noforward "$PROBE" fds >"$T/nfd.out" \
	    2>"$T/nfd.err" 3>"$T/extra" 7<"$T/extra"
	ok "$m: control ran: noforward's command listed its fds" \
	    grep -q '^fds' "$T/nfd.out"
	nok "$m: control: under noforward fds 3 and 7 arrive" \
	    closed "$T/nfd.out"

	# Stop signals sent to pod1-init itself. As PID 1 the kernel already
	# drops them unless handled, so the control exists in sub mode only.
	# The command survives whatever pod1-init passes on, and ends on TERM.
	start tt "$m" "$INIT" -- "$PROBE" signals -x TERM
	wait_for 5 has_line "$T/tt.out" 'ready .*' || diag_file "$T/tt.err"
	kill -s TTIN "$pid1"
	kill -s TTOU "$pid1"
	nok "$m: TTIN and TTOU do not stop pod1-init" \
	    wait_for 1 stopped "$pid1"
	kill -s TERM "$pid1"
	wait "$bg"
	is "$?" 0 "$m: it still forwards TERM afterwards"
done

start ttc sub "$PROBE" pause
wait_for 5 has_line "$T/ttc.out" 'ready .*'
kill -s TTIN "$pid1"
kill -s TTOU "$pid1"
ok "sub: control: TTIN stops a process with default dispositions" \
    wait_for 1 stopped "$pid1"
stop_run

done_testing
