#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 53-supervise-ready: readiness (s6's notification-fd) gates `depends`.
# A is ready only once it has written a line to fd 3, which it does when
# the test creates A/go; B depends on A and must not start before, and
# says what it waits for; it starts within a poll or two after. Controls:
# C, the same as B without a depends file, starts at once; F closes its
# notification fd without a line and G, depending on it, never starts;
# H depends on a service that does not exist.
. "${0%/*}/../lib.sh"

command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"
[ -x "$SUP" ] || skip_all "$SUP is not built"

D=$T/sv
SVBASE=$D
supervise() {
	(cd "$D" && exec "$SUP" "$1") >>"$T/$1.sup" 2>&1 &
	eval "sup_$1=\$!"
}

pod1has() {
	has_line "$D/$1/supervise/pod1" "$2"
}

ms() {
	echo $((($(cat "$1") - $(cat "$2")) / 1000000))
}

pause='date +%s%N >started; exec "'$PROBE'" pause'
mksvc A 'while [ ! -e go ]; do sleep 0.01; done
date +%s%N >ready_at
echo ready >&3
exec "'$PROBE'" pause' notification-fd=3
mksvc B "$pause" depends=A
mksvc C "$pause"
mksvc F 'exec 3>&-; exec "'$PROBE'" pause' notification-fd=3
mksvc G "$pause" depends='F A'
mksvc H "$pause" depends=nosuch
for s in A B C F G H; do
	supervise "$s"
done

ok "A runs" wait_for 5 pod1has A 'state run'
ok "A is not ready before it says so" pod1has A 'ready 0'
ok "C, without depends, starts" wait_for 5 test -e "$D/C/started"
ok "B waits, and says for what" wait_for 5 pod1has B 'waiting A'
like "$(cd "$D" && sv status ./B)" 'down: ./B: [0-9]*s, normally up, want up' \
    "B: sv status says down, want up"
ok "F runs" wait_for 5 pod1has F 'state run'
ok "G waits for F" wait_for 5 pod1has G 'waiting F'
ok "H waits for a service that does not exist" wait_for 5 pod1has H \
    'waiting nosuch'
nok "B does not start while A is not ready" wait_for 1 test -e "$D/B/started"

: >"$D/A/go"
ok "A becomes ready when it writes its line" wait_for 5 pod1has A 'ready 1'
ok "then B starts" wait_for 5 test -e "$D/B/started"
g=$(ms "$D/B/started" "$D/A/ready_at")
ok "B started after A was ready (${g} ms), within a few polls" \
    eval '[ "$g" -ge 0 ] && [ "$g" -lt 1000 ]'
ok "B no longer waits" wait_for 5 eval '! pod1has B "waiting .*"'
g=$(ms "$D/C/started" "$D/A/ready_at")
ok "control: C, without depends, started before A was ready (${g} ms)" \
    test "$g" -lt 0
ok "control: F closed its fd without a line: never ready" pod1has F 'ready 0'
nok "control: G, waiting for F, does not start" wait_for 1 \
    test -e "$D/G/started"
ok "G now waits for F alone" pod1has G 'waiting F'

# readiness is per run: a restart of A is not ready until it says so
rm -f "$D/A/go"
(cd "$D" && sv t ./A)
ok "A restarted is not ready" wait_for 5 eval \
    'pod1has A "ready 0" && pod1has A "state run"'
: >"$D/A/go"
ok "until it writes its line again" wait_for 5 pod1has A 'ready 1'
# sv down of a waiting service takes effect
(cd "$D" && sv -w 5 down ./H) >/dev/null
is "$?" 0 "sv -w 5 down of a waiting service: ok"
ok "it waits no more" wait_for 5 eval '! pod1has H "waiting .*"'

(cd "$D" && sv x ./A ./B ./C ./F ./G ./H)
all_dead() {
	for _s in A B C F G H; do
		eval "_p=\$sup_$_s"
		dead "$_p" || return 1
	done
}
ok "all supervisors exit on sv x" wait_for 5 all_dead

done_testing
