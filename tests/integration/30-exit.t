#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 30-exit: pod1-init's exit status. The command's code 0 to 255, 128+signal
# when it was killed, 0 for codes listed with -e, 127 and 126 when it
# cannot be run, 100 for bad usage. Controls: an init that reports the
# last status it reaped, and the same commands without -e.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"

# status MODE CMD...: the exit status of CMD run in MODE, errors to $T/err
status() {
	run "$@" >/dev/null 2>>"$T/err"
	echo $?
}

note_modes "the exit tests"
for m in $(modes); do
	bad=
	c=0
	while [ $c -le 255 ]; do
		st=$(status "$m" "$INIT" -- "$PROBE" exit $c)
		[ "$st" -eq $c ] || bad="$bad $c:$st"
		c=$((c + 1))
	done
	is "$bad" "" "$m: each exit code from 0 to 255 is passed on"

	bad=
	for s in HUP:1 INT:2 QUIT:3 ABRT:6 KILL:9 USR1:10 SEGV:11 PIPE:13 \
	    TERM:15; do
		st=$(status "$m" "$INIT" -- "$PROBE" kill "${s%:*}")
		[ "$st" -eq $((128 + ${s#*:})) ] || bad="$bad ${s%:*}:$st"
	done
	is "$bad" "" "$m: a command killed by a signal gives 128+signal"

	# the orphan exits 5 after the command has exited 3
	st=$(status "$m" "$INIT" -- "$PROBE" exit 3 5)
	ok "$m: the status is the command's, not a later orphan's" \
	    [ "$st" -eq 3 ]
	st=$(status "$m" "$PROBE" noforward "$PROBE" exit 3 5)
	nok "$m: control: an init reporting the last reaped status says $st" \
	    [ "$st" -eq 3 ]

	is "$(status "$m" "$INIT" -e 3 -- "$PROBE" exit 3)" 0 \
	    "$m: -e 3 turns 3 into 0"
	is "$(status "$m" "$INIT" -- "$PROBE" exit 3)" 3 \
	    "$m: control: without -e 3 it stays 3"
	is "$(status "$m" "$INIT" -e 3 -- "$PROBE" exit 4)" 4 \
	    "$m: control: -e 3 leaves 4 alone"
	is "$(status "$m" "$INIT" -e 1 -e 2 -e 255 -- "$PROBE" exit 2)" 0 \
	    "$m: -e repeats"
	is "$(status "$m" "$INIT" -e 143 -- "$PROBE" kill TERM)" 0 \
	    "$m: -e 143 turns death by TERM into 0"
	is "$(status "$m" "$INIT" -e 143 -- "$PROBE" kill INT)" 130 \
	    "$m: control: -e 143 leaves death by INT as 130"

	: >"$T/err"
	is "$(status "$m" "$INIT" -- "$T/missing")" 127 \
	    "$m: a missing command gives 127"
	is "$(status "$m" "$INIT" -- pod1-no-such-command)" 127 \
	    "$m: so does one missing from PATH"
	ok "$m: with a message" grep -q 'unable to exec' "$T/err"
	: >"$T/noexec"
	chmod 644 "$T/noexec"
	is "$(status "$m" "$INIT" -- "$T/noexec")" 126 \
	    "$m: control: a file that is not executable gives 126"
	is "$(status "$m" "$INIT" -- "$T")" 126 \
	    "$m: and so does a directory"
done

# usage is checked before anything runs: plain runs suffice
bad=
for args in "" "--" "-X -- true" "-e -- true" "-e 256 -- true" \
    "-e x -- true" "-t x -- true" "-t -1 -- true" "-p NOSIG -- true" \
    "-g -v"; do
	st=$(status sub "$INIT" $args)
	[ "$st" -eq 100 ] || bad="$bad [$args]:$st"
done
is "$bad" "" "bad usage gives 100"
is "$(status sub "$INIT" -g -s -v -e 255 -p TERM -t 0 -- "$PROBE" exit 0)" \
    0 "control: every flag used well gives the command's 0"

# A SIGCHLD ignored by whoever started us would have the kernel reap the
# command unseen: its status lost and pod1-init waiting forever.
for m in $(modes); do
	is "$(status "$m" "$PROBE" sigsetup -i CHLD -- "$INIT" -- sh -c \
	    'exit 3')" 3 "$m: started with SIGCHLD ignored, the status still arrives"
done
"$PROBE" sigsetup -i CHLD -- "$PROBE" sigmask >"$T/chld.out"
ok "control: sigsetup -i CHLD really leaves SIGCHLD ignored" \
    sigign_has "$T/chld.out" 0x10000 || diag_file "$T/chld.out"

done_testing
