#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 55-supervise-log: the pipe from the app to log/run is made and held open
# by pod1-supervise, so the logger can be killed -9 again and again while
# the app writes and not a line is lost or doubled. The app (probe count)
# writes 1, 2, 3, ... and, on TERM, "end N"; the logger (probe splice)
# moves the pipe into a file without ever holding a line itself, so a KILL
# of it at any moment loses nothing that the pipe holds. Then sv down
# stops the app but not its logger, which gets the app's last line, and
# sv x drains and stops both. Control: the same kills on a plain pipe
# nobody else holds lose the rest of the stream.
. "${0%/*}/../lib.sh"

command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"
[ -x "$SUP" ] || skip_all "$SUP is not built"

# complete FILE: exactly 1..N, one a line, then "end N"
complete() {
	awk '$0 == "end " n { end = 1; next }
	    end || $0 != n + 1 { bad = 1; exit }
	    { n = $0 }
	    END { exit !(end && !bad && n > 0) }' "$1"
}

nlines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

grows() {
	[ "$(nlines "$1")" -gt "$2" ]
}

S=$T/svc
mkdir -p "$S/log"
printf '#!/bin/sh\nexec "%s" count -d 1\n' "$PROBE" >"$S/run"
printf '#!/bin/sh\nexec "%s" splice ../out\n' "$PROBE" >"$S/log/run"
chmod +x "$S/run" "$S/log/run"
# a logger killed eight times is eight failures: keep its backoff short
echo 100 >"$S/log/backoff-max"
(cd "$T" && exec "$SUP" svc) >"$T/sup.out" 2>"$T/sup.err" &
sup=$!

ok "the app's lines reach the logger's file" wait_for 5 grows "$S/out" 10
bad=
for i in 1 2 3 4 5 6 7 8; do
	lp=$(cat "$S/log/supervise/pid")
	n=$(nlines "$S/out")
	kill -KILL "$lp"
	wait_for 5 eval '[ "$(cat "$S/log/supervise/pid")" != "$lp" ]' ||
	    bad="$bad $i:norestart"
	dead "$lp" || bad="$bad $i:alive"
	# the new logger has caught up with what waited in the pipe
	wait_for 5 grows "$S/out" $((n + 20)) || bad="$bad $i:stuck"
done
is "$bad" "" "eight kill -9s of the logger: a new one each time, lines flow"
app=$(cat "$S/supervise/pid")
(cd "$T" && sv -w 5 down ./svc) >/dev/null
ok "sv down stops the app" dead "$app"
lp=$(cat "$S/log/supervise/pid")
ok "but not its logger" alive "$lp"
ok "which gets the app's last line" wait_for 5 eval \
    'tail -n 1 "$S/out" | grep -q "^end [0-9]*$"'
ok "no line lost or doubled in $(nlines "$S/out") lines" complete "$S/out" ||
    diag "$(awk 'NR > 1 && $0 != p + 1 { print "after " p ": " $0 } \
    { p = $0 }' "$S/out" | head -n 5)"
like "$(cd "$T" && sv status ./svc)" \
    'down: ./svc: [0-9]*s, normally up; run: log: (pid [0-9]*) [0-9]*s' \
    "sv status shows the app down and the logger running"
(cd "$T" && sv x ./svc)
ok "sv x: the logger drains and pod1-supervise exits" wait_for 5 dead "$sup"
ok "and the logger is gone" dead "$lp"

# The app is started before its logger (it need not wait for it): what
# it writes while no logger runs yet waits in the held pipe. Here the
# logger waits for a gate; the app's first line is written before the
# gate opens and reaches the file after. Control: with the gate shut,
# nothing reaches the file, so the logger really was not reading yet.
E=$T/early
mkdir -p "$E/log"
printf '#!/bin/sh\necho first\n: >written\nexec sleep 600\n' >"$E/run"
printf '#!/bin/sh\nuntil [ -e ../gate ]; do sleep 0.05; done\nexec "%s" splice ../out\n' \
    "$PROBE" >"$E/log/run"
chmod +x "$E/run" "$E/log/run"
(cd "$T" && exec "$SUP" early) >"$T/early.out" 2>"$T/early.err" &
esup=$!
ok "the app writes with its logger not yet reading" \
    wait_for 5 test -e "$E/written"
sleep 0.3
nok "control: with the gate shut nothing reaches the file" test -s "$E/out"
: >"$E/gate"
ok "the gate open, the app's first line reaches the file" \
    wait_for 5 grep -qx first "$E/out"
(cd "$T" && sv x ./early) >/dev/null
ok "sv x: the early service's supervisor exits" wait_for 10 dead "$esup"

# Control: a pipe that no supervisor holds. The writer dies of SIGPIPE
# once its reader is killed, and the rest of its stream is lost.
mkfifo "$T/fifo"
"$PROBE" count -d 1 >"$T/fifo" &
w=$!
"$PROBE" splice "$T/cout" <"$T/fifo" &
r=$!
wait_for 5 grows "$T/cout" 10
kill -KILL "$r"
ok "control: the writer dies of SIGPIPE at its next line" wait_for 5 dead "$w"
"$PROBE" splice "$T/cout" <"$T/fifo" &
r=$!
nok "control: on a pipe nobody holds, the stream is cut short" \
    wait_for 2 complete "$T/cout"
kill -KILL "$r" "$w" 2>/dev/null

done_testing
