#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 10-reap: pod1-init reaps every orphan that lands on it, as PID 1 of a PID
# namespace and as a subreaper, while its command still runs. Controls: an
# init that waits for its command alone leaves the zombies, and without a
# subreaper an orphan is adopted elsewhere.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"

N=20000

# reaped OUT: the probe saw every zombie it orphaned reaped by its parent
reaped() {
	has_line "$1" "zombies made $N" && has_line "$1" 'zombies left 0'
}

# adopted OUT: the orphan's new parent is the probe's own parent
adopted() {
	_parent=$(sed -n 's/^parent \([0-9]*\)$/\1/p' "$1")
	_got=$(sed -n 's/^orphan [0-9]* ppid \([0-9]*\)$/\1/p' "$1")
	[ -n "$_parent" ] && [ "$_got" = "$_parent" ]
}

note_modes "the reap test"
for m in $(modes); do
	run "$m" "$INIT" -v -- "$PROBE" zombies "$N" 5 \
	    >"$T/z.out" 2>"$T/z.err"
	st=$?
	ok "$m: $N orphaned zombies reaped while the command runs" \
	    reaped "$T/z.out" || { diag_file "$T/z.out"; diag_file "$T/z.err"; }
	is "$st" 0 "$m: pod1-init exits with the command's status"
	ok "$m: -v counts them" grep -q "info: reaped $N orphans" "$T/z.err" ||
	    diag_file "$T/z.err"

	run "$m" "$PROBE" noreap "$PROBE" zombies "$N" 2 \
	    >"$T/nz.out" 2>"$T/nz.err"
	ok "$m: control ran: $N zombies made and counted under noreap" \
	    has_line "$T/nz.out" "zombies left [0-9]*" || diag_file "$T/nz.err"
	nok "$m: control: noreap, waiting for its command alone, leaves them" \
	    reaped "$T/nz.out" || diag_file "$T/nz.out"
done

# As PID 1 the kernel itself hands orphans to us; as a subreaper only the
# prctl does, so check the parent the orphan actually gets.
run sub "$INIT" -- "$PROBE" orphan >"$T/o.out" 2>"$T/o.err"
ok "sub: an orphan of the command is reparented to pod1-init" \
    adopted "$T/o.out" || diag_file "$T/o.out"
run sub sh -c '"$0" orphan; exit $?' "$PROBE" >"$T/no.out" 2>"$T/no.err"
ok "sub: control ran: the orphan reported its parent" \
    grep -q '^orphan [0-9]* ppid [0-9]*$' "$T/no.out"
nok "sub: control: under a plain shell the orphan goes elsewhere" \
    adopted "$T/no.out"

done_testing
