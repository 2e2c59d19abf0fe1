#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 62-svlog-full: a log directory on a 256 KiB tmpfs (in a private mount
# namespace) that fills up while lines flow. With N >= n (the default)
# pod1-svlog pauses and retries, the writer is held back by the full pipe,
# and once space is freed every line arrives, exactly once. With N < n it
# deletes the oldest files down to N instead, as svlogd does. Each is the
# other's control: the pause deletes nothing, the deletion never pauses.
if [ -z "${SVLOG_MNTNS:-}" ] && [ "$(id -u)" -eq 0 ] &&
    unshare -m --propagation private true 2>/dev/null; then
	SVLOG_MNTNS=1 exec unshare -m --propagation private /bin/sh "$0" "$@"
fi
. "${0%/*}/../lib.sh"

SVLOG=$B/pod1-svlog
[ -x "$SVLOG" ] || skip_all "$SVLOG is not built"
need_root
[ -n "${SVLOG_MNTNS:-}" ] || skip_all "needs a private mount namespace"

F=$T/full
mkdir "$F"
mount -t tmpfs -o size=256k tmpfs "$F" || skip_all "cannot mount a tmpfs"
trap 'tap_st=$?; "$PROBE" killtree $$; umount -l "$F"; cleanup;
    exit $tap_st' EXIT

nlines() {
	cat "$1"/@* "$1/current" 2>/dev/null | wc -l
}

# exact DIR N: the numbers 1..N, once each, in order, over DIR's files
exact() {
	seq 1 "$2" >"$T/seq"
	cat "$1"/@* "$1/current" 2>/dev/null | cmp -s - "$T/seq"
}

# blocked PID: asleep (in its write to the full pipe), not spinning
blocked() {
	[ "$(pstate "$1")" = S ]
}

# --- pause and retry: N >= n ---
mkdir "$F/p"
mkfifo "$T/p.fifo"
exec 7<>"$T/p.fifo"
start lp sub sh -c "exec '$SVLOG' '$F/p' <'$T/p.fifo'"
lp=$pid1
# leave about 60 KiB: with the pipe's 64 KiB that is well short of the
# 168 KiB the 30000 lines need (a 100 KiB gap left a margin of one page)
head -c 196000 /dev/zero >"$F/filler"
seq 1 30000 >"$T/p.fifo" &
wr=$!
ok "the disk fills: pod1-svlog pauses" wait_for 10 grep -q \
    'pausing:' "$T/lp.err"
n1=$(nlines "$F/p")
ok "  the writer is held back by the full pipe" eval \
    '! wait_for 1 dead "$wr"'
ok "  it is blocked, not busy" blocked "$wr"
is "$(nlines "$F/p")" "$n1" "  and nothing more reaches the disk"
ok "  pod1-svlog itself is still there" alive "$lp"
is "$(ls "$F/p" | grep -c '^@')" 0 "control: with N >= n nothing is deleted"
rm "$F/filler"
ok "space freed: the writer finishes" wait_for 10 dead "$wr"
ok "  every line arrives" wait_for 10 eval '[ "$(nlines "$F/p")" -eq 30000 ]'
ok "  once each, in order" exact "$F/p" 30000
ok "  and it says it resumed" grep -q 'resumed' "$T/lp.err"
kill -TERM "$lp"
ok "TERM: it exits" wait_for 5 dead "$lp"
exec 7>&-
rm -rf "$F/p"

# --- delete the oldest down to N: N < n ---
mkdir "$F/d"
printf 's20000\nn20\nN3\n' >"$F/d/config"
for i in 10 11 12 13 14 15 16 17 18 19; do
	head -c 16000 /dev/zero >"$F/d/@4000000000000000000000$i.s"
done
seq 1 20000 | timeout "$TMO" "$SVLOG" "$F/d" 2>"$T/d.err"
is $? 0 "N < n: the logger finishes"
ok "  deleting old files to make room" grep -q \
    'out of disk space, delete: .*/@4000000000000000000000' "$T/d.err"
nok "  never pausing" grep -q pausing "$T/d.err" || diag_file "$T/d.err"
left=$(ls "$F/d" | grep -c '^@4000000000000000000000')
ok "  the oldest went first ($left of 10 fakes left)" [ "$left" -lt 10 ]
ok "  and at least N old files are left" eval \
    '[ "$(ls "$F/d" | grep -c "^@")" -ge 3 ]'
ls "$F/d" | grep '^@4000000000000000000000' | sed 's/^/# kept /'
mv "$F/d"/@4000000000000000000000* "$T/" 2>/dev/null
ok "  every line is there once, in order" exact "$F/d" 20000

done_testing
