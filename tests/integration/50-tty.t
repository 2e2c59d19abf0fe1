#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 50-tty: on a terminal pod1-init hands the foreground to its command's own
# process group, when the foreground was its own to give. The terminal is
# a new pseudo-terminal from script(1). Controls: noforward's command
# shares the init's group, and a command in a background group is not
# the foreground.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"

command -v script >/dev/null 2>&1 ||
    skip_all "no script(1): install util-linux's bsdutils"

# in_pty OUT SHELL-CMD: run SHELL-CMD as the job of a shell on a new pty
in_pty() {
	SHELL=/bin/sh timeout -k 2 "$TMO" script -qec "$2" /dev/null \
	    </dev/null 2>&1 | tr -d '\r' >"$1"
}

# handed OUT: the probe is the foreground and leads its own group
handed() {
	has_line "$1" 'fg yes' && has_line "$1" 'leader yes'
}

# the foreground job, or a background one of its own (plain timeout)
FG="timeout --foreground 10"
BG="timeout 10"
NS="unshare --pid --fork --mount-proc --kill-child"

note_modes "the terminal tests"
for m in $(modes); do
	ns=
	[ "$m" = ns ] && ns=$NS

	# "; exit" keeps sh from exec'ing the job as the session leader
	in_pty "$T/t.out" "$FG $ns '$INIT' -- '$PROBE' tty; exit \$?"
	ok "$m: the command leads the foreground process group" \
	    handed "$T/t.out" || diag_file "$T/t.out"

	in_pty "$T/nf.out" "$FG $ns '$PROBE' noforward '$PROBE' tty; exit \$?"
	ok "$m: control ran: noforward's command reported" \
	    grep -q '^fg ' "$T/nf.out"
	nok "$m: control: noforward's command shares the init's group" \
	    handed "$T/nf.out"

	in_pty "$T/b.out" "$BG $ns '$PROBE' tty; exit \$?"
	ok "$m: control: a command in a background group is not foreground" \
	    has_line "$T/b.out" 'fg no'

	# Started in the background, pod1-init must not take the terminal.
	# As PID 1 of a namespace whose process group and the terminal's
	# foreground group both lie outside it, both read as 0: it cannot
	# tell and hands over, as tini does (see pod1-init(8)).
	if [ "$m" = ns ]; then
		skip "ns: a process group outside the namespace reads as 0"
		continue
	fi
	in_pty "$T/s.out" "$BG $ns '$INIT' -- '$PROBE' tty; exit \$?"
	ok "$m: pod1-init in a background group leaves the terminal alone" \
	    has_line "$T/s.out" 'fg no' || diag_file "$T/s.out"
done

done_testing
