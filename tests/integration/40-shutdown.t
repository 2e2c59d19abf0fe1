#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 40-shutdown: when the command ends, pod1-init sends what is left TERM
# and CONT, KILL after the -t grace, and exits only once it has reaped it
# all. A daemon that obeys TERM ends at once; as a subreaper pod1-init
# touches nothing outside its own tree. Controls: a daemon under a long
# grace outlives the short one, and a watcher inside the tree does hear.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"

# untouched OUT: the probe writing OUT got no signal at all
untouched() {
	has_line "$1" 'ready .*' && ! grep -qv '^ready ' "$1"
}

# ends_within SECS: the last start's pod1-init has exited by then
ends_within() {
	wait_for "$1" dead "$bg"
}

# daemon OUT: the pid in the ready line of OUT, as the host sees it
daemon() {
	_d=$(sed -n 's/^ready \([0-9]*\) .*/\1/p' "$1")
	if [ "$m" = ns ]; then
		ns_hostpid "$pid1" "$_d"
	else
		echo "$_d"
	fi
}

note_modes "the shutdown tests"
for m in $(modes); do
	if [ "$m" = sub ]; then
		# a bystander: a sibling of pod1-init, not a descendant
		"$PROBE" signals >"$T/outside.out" 2>&1 &
		outside=$!
		wait_for 5 has_line "$T/outside.out" 'ready .*'
	fi

	# a daemon that catches TERM: it logs TERM and CONT, then gets KILL
	t0=$(now_ms)
	start gr "$m" "$INIT" -vv -t 1 -- "$PROBE" spawn signals
	wait_for 5 has_line "$T/gr.out" 'ready .*' || diag_file "$T/gr.err"
	nspid=$(sed -n 's/^ready \([0-9]*\) .*/\1/p' "$T/gr.out")
	dpid=$(daemon "$T/gr.out")
	ok "$m: the command leaves a daemon behind" alive "$dpid"
	wait "$bg"
	st=$?
	ms=$(($(now_ms) - t0))
	is "$st" 0 "$m: pod1-init exits with the command's 0"
	ok "$m: the daemon got TERM and CONT" \
	    eval 'has_line "$T/gr.out" TERM && has_line "$T/gr.out" CONT'
	ok "$m: and KILL after the 1 s grace, not before ($ms ms)" \
	    eval '[ "$ms" -ge 1000 ] && [ "$ms" -lt 5000 ]'
	ok "$m: pod1-init said so" grep -q 'info: grace over' "$T/gr.err"
	ok "$m: and reaped the daemon before exiting" \
	    grep -q "info: reaped pid $nspid\$" "$T/gr.err" ||
	    diag_file "$T/gr.err"
	ok "$m: the daemon is gone" dead "$dpid"

	if [ "$m" = sub ]; then
		ok "sub: a process outside pod1-init's tree is untouched" \
		    untouched "$T/outside.out"
		ok "sub: and still runs" alive "$outside"
		nok "sub: control: the same watcher inside the tree is not" \
		    untouched "$T/gr.out"
		kill -KILL "$outside"
		wait "$outside" 2>/dev/null
	fi

	# a daemon that obeys TERM: no need to wait for the grace
	start pa "$m" "$INIT" -vv -t 10 -- "$PROBE" spawn pause
	wait_for 5 has_line "$T/pa.out" 'ready .*' || diag_file "$T/pa.err"
	nspid=$(sed -n 's/^ready \([0-9]*\) .*/\1/p' "$T/pa.out")
	dpid=$(daemon "$T/pa.out")
	ok "$m: with a daemon that obeys TERM it ends well within -t 10" \
	    ends_within 3
	wait "$bg"
	is "$?" 0 "$m: with the command's 0"
	ok "$m: after reaping the daemon" \
	    grep -q "info: reaped pid $nspid\$" "$T/pa.err"
	ok "$m: which is gone" dead "$dpid"

	# the same check against a daemon that ignores TERM, under -t 30
	start lg "$m" "$INIT" -t 30 -- "$PROBE" spawn ignore-term
	wait_for 5 has_line "$T/lg.out" 'ready .*' || diag_file "$T/lg.err"
	dpid=$(daemon "$T/lg.out")
	nok "$m: control: with one that ignores TERM and -t 30 it does not" \
	    ends_within 3
	ok "$m: control: the daemon outlives the short grace" alive "$dpid"
	stop_run
done

done_testing
