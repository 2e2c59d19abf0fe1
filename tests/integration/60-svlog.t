#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 60-svlog: pod1-svlog keeps svlogd's log directories. Debian's svlogd is
# the oracle: the same input and config through both give the same file
# names (by shape), counts and contents; -t labels read back through
# tai64nlocal, -tt/-ttt have svlogd's shapes. Then every config key, the
# modes of current, the unclean .u, the lock, HUP, ALRM, TERM, EOF, a
# processor, -o, and usage errors. Each check has a control that shows it
# can fail: a different config is told apart from svlogd's, the state
# before the signal differs from the state after, and so on.
. "${0%/*}/../lib.sh"

SVLOG=$B/pod1-svlog
[ -x "$SVLOG" ] || skip_all "$SVLOG is not built"

# Old files are svlogd's exact shape: @, 24 hex digits, ., s u or t.
OLDRE='@[0-9a-f]\{24\}\.[sut]'

# olds DIR [SUFFIX]: how many old files DIR holds
olds() {
	ls "$1" | grep -c -x "@[0-9a-f]\{24\}\.${2:-[sut]}"
}

nlines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

has_lines() {
	[ "$(nlines "$1")" -ge "$2" ]
}

# dump DIR: every old file in name order then current, each announced
# by its kind only (names carry times), for comparing two directories
dump() {
	for _f in "$1"/@*; do
		[ -e "$_f" ] || continue
		_k=${_f##*.}
		echo "== old .$_k $(stat -c %a "$_f")"
		cat "$_f"
	done
	echo "== current $(stat -c %a "$1/current")"
	cat "$1/current"
}

# same_as_svlogd NAME CONFIG INPUT [OPTIONS...]: INPUT through svlogd with
# CONFIG and through pod1-svlog with the same, dumps equal
same_as_svlogd() {
	_n=$1 _c=$2 _i=$3
	shift 3
	mkdir -p "$T/$_n.svlogd" "$T/$_n.pod1"
	printf '%b' "$_c" >"$T/$_n.svlogd/config"
	printf '%b' "$_c" >"$T/$_n.pod1/config"
	timeout "$TMO" svlogd "$@" "$T/$_n.svlogd" <"$_i" 2>/dev/null
	timeout "$TMO" "$SVLOG" "$@" "$T/$_n.pod1" <"$_i" 2>/dev/null
	dump "$T/$_n.svlogd" >"$T/$_n.svlogd.dump"
	dump "$T/$_n.pod1" >"$T/$_n.pod1.dump"
	cmp -s "$T/$_n.svlogd.dump" "$T/$_n.pod1.dump" ||
	    { diff "$T/$_n.svlogd.dump" "$T/$_n.pod1.dump" | head -5 |
	    sed 's/^/# /'; return 1; }
}

# a varied input: short, empty, long, control characters, repeats
awk 'BEGIN {
	for (i = 1; i <= 300; i++) {
		if (i % 37 == 0) print ""
		else if (i % 29 == 0) printf "skip me %d\n", i
		else if (i % 23 == 0) printf "long %d %0120d\n", i, i
		else if (i % 19 == 0) printf "ctl %d \001\002x\177 end\n", i
		else printf "line %d %s\n", i, substr("abcdefghijklmnop", 1,
		    i % 16)
	}
}' >"$T/in"

if command -v svlogd >/dev/null; then
	ok "svlogd's files for s200 n3 (lines straddle files)" \
	    same_as_svlogd a 's200\nn3\n' "$T/in"
	ok "  and their names are svlogd's shape" \
	    [ "$(olds "$T/a.pod1" s)" -eq 3 ]
	cfg='# a comment\nzunknown\ns1k\nn5\npPRE: \n-*skip*\n+*skip me 58*\n'
	ok "svlogd's files for p, + and -, comments and unknown keys" \
	    same_as_svlogd b "$cfg" "$T/in"
	ok "svlogd's files for -l 20 (long lines go on verbatim)" \
	    same_as_svlogd c 's500\nn0\n' "$T/in" -l 20
	ok "svlogd's files for -r and -R (replacement within -l only)" \
	    same_as_svlogd d 's0\n' "$T/in" -r '#' -R 'aeiou' -l 30
	ok "svlogd's files for a size of k and n0" \
	    same_as_svlogd e 's2k\nn0\n' "$T/in"
	# control: the comparison sees a difference when there is one
	mkdir -p "$T/f.svlogd" "$T/f.pod1"
	echo s300 >"$T/f.svlogd/config"
	echo s200 >"$T/f.pod1/config"
	svlogd "$T/f.svlogd" <"$T/in"
	"$SVLOG" "$T/f.pod1" <"$T/in"
	dump "$T/f.svlogd" >"$T/f.1"
	dump "$T/f.pod1" >"$T/f.2"
	nok "control: s300 against s200 is told apart" cmp -s "$T/f.1" "$T/f.2"
else
	skip "svlogd (package runit) is not installed: no oracle"
fi

# -t: TAI64N labels that Debian's tai64nlocal reads back
mkdir "$T/t"
printf 'first\nsecond\n' | TZ=UTC "$SVLOG" -t "$T/t"
ok "-t: lines start with @ and 24 hex digits and a space" \
    eval '[ "$(grep -c "^@[0-9a-f]\{24\} " "$T/t/current")" -eq 2 ]'
if command -v tai64nlocal >/dev/null; then
	TZ=UTC tai64nlocal <"$T/t/current" >"$T/t.local"
	today=$(date -u +%Y-%m-%d)
	ok "tai64nlocal reads them back as today's date and the line" \
	    has_line "$T/t.local" "$today [0-9:]\{8\}\.[0-9]\{9\} first"
	then_s=$(sed -n '1s/^[^ ]* \([0-9:]*\)\..*/\1/p' "$T/t.local" |
	    awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }')
	now_s=$(date -u +%H:%M:%S |
	    awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }')
	ok "  and a time within a minute of now" \
	    [ $((now_s - then_s)) -ge 0 -a $((now_s - then_s)) -lt 60 ]
	# control: a label not of svlogd's shape is not converted
	sed '1s/^@4/@X/' "$T/t/current" | tai64nlocal >"$T/t.bad"
	nok "control: a damaged label is not read as a date" \
	    has_line "$T/t.bad" "$today .* first"
else
	skip "tai64nlocal (package daemontools) is not installed"
fi

# -tt and -ttt: UTC in svlogd's shapes, five decimals, whatever TZ says
D2='[0-9][0-9]'
TTRE="[0-9]\\{4\\}-$D2-${D2}_$D2:$D2:$D2\\.[0-9]\\{5\\} x"
mkdir "$T/tt" "$T/ttt"
echo x | TZ=Asia/Tokyo "$SVLOG" -tt "$T/tt"
echo x | TZ=Asia/Tokyo "$SVLOG" -ttt "$T/ttt"
ok "-tt: 2026-11-22_12:07:21.57926 shape" has_line "$T/tt/current" "$TTRE"
ok "-ttt: the same with a T" has_line "$T/ttt/current" \
    "$(echo "$TTRE" | sed 's/_/T/')"
nok "control: the -tt pattern does not match -ttt" \
    has_line "$T/ttt/current" "$TTRE"
ok "-tt is UTC, not TZ's local time" has_line "$T/tt/current" \
    "$(date -u +%Y-%m-%d_%H):.*"
if command -v svlogd >/dev/null; then
	mkdir "$T/tt.svlogd"
	echo x | TZ=Asia/Tokyo svlogd -tt "$T/tt.svlogd"
	ok "  as svlogd's -tt is" has_line "$T/tt.svlogd/current" "$TTRE"
fi

# current: 0644 while open, 0744 (u+x) after a clean stop
mkdir "$T/m"
mkfifo "$T/m.p"
exec 7<>"$T/m.p"
start m sub sh -c "exec '$SVLOG' '$T/m' <'$T/m.p'"
echo one >&7
ok "a line reaches current" wait_for 5 has_lines "$T/m/current" 1
is "$(stat -c %a "$T/m/current")" 644 "current is 0644 while open"
lp=$pid1
kill -TERM "$lp"
ok "TERM: it exits" wait_for 5 dead "$lp"
is "$(stat -c %a "$T/m/current")" 744 "current is 0744 after a clean stop"
ok "the lock is there, the journal is gone" \
    eval '[ -f "$T/m/lock" ] && [ ! -e "$T/m/journal" ]'
start m2 sub sh -c "exec '$SVLOG' '$T/m' <'$T/m.p'"
echo two >&7
ok "a clean current is appended to" wait_for 5 has_lines "$T/m/current" 2
is "$(olds "$T/m")" 0 "  with no .u made"
lp=$pid1
kill -KILL "$lp"
wait_for 5 dead "$lp"
is "$(stat -c %a "$T/m/current")" 644 "kill -9 leaves current 0644"
start m3 sub sh -c "exec '$SVLOG' '$T/m' <'$T/m.p'"
echo three >&7
ok "the next logger renames it @<now>.u" wait_for 5 eval \
    '[ "$(olds "$T/m" u)" -eq 1 ]'
ok "  with the old lines in it" eval 'cat "$T"/m/@*.u | grep -q -x two'
ok "  and starts a new current" wait_for 5 has_line "$T/m/current" three
ok "  of one line" eval '[ "$(nlines "$T/m/current")" -eq 1 ]'

# the lock: a second logger on the same directory gives up, exit 111
timeout "$TMO" "$SVLOG" "$T/m" </dev/null 2>"$T/lock.err"
is $? 111 "a locked directory: exit 111"
ok "  saying why" grep -q "unable to lock directory" "$T/lock.err"
kill -TERM "$pid1"
wait_for 5 dead "$pid1"
echo four | timeout "$TMO" "$SVLOG" "$T/m" 2>/dev/null
is $? 0 "control: once the first is gone, it opens"
exec 7>&-

# HUP re-reads config and reopens; ALRM rotates now
mkdir "$T/h"
echo 'pA:' >"$T/h/config"
mkfifo "$T/h.p"
exec 7<>"$T/h.p"
start h sub sh -c "exec '$SVLOG' '$T/h' <'$T/h.p'"
lp=$pid1
echo one >&7
ok "config p: lines get the prefix" wait_for 5 has_line "$T/h/current" 'A:one'
echo 'pB:' >"$T/h/config"
echo two >&7
ok "control: a changed config is not read without HUP" \
    wait_for 5 has_line "$T/h/current" 'A:two'
kill -HUP "$lp"
echo three >&7
ok "HUP: the new config is read" wait_for 5 has_line "$T/h/current" 'B:three'
is "$(olds "$T/h")" 0 "control: no rotation without ALRM"
kill -ALRM "$lp"
ok "ALRM: current is rotated now" wait_for 5 eval '[ "$(olds "$T/h" s)" -eq 1 ]'
ok "  into @<tai64n>.s with its lines" eval \
    'cat "$T"/h/@*.s | grep -q -x B:three'
ok "  and a new empty current" wait_for 5 eval '[ ! -s "$T/h/current" ]'
kill -ALRM "$lp"
echo four >&7
wait_for 5 has_line "$T/h/current" 'B:four'
is "$(olds "$T/h" s)" 1 "control: ALRM on an empty current makes no file"

# TERM finishes the last line: a half line keeps it running
printf 'half' >&7
# once the logger has taken it (from the pipe into its journal)
wait_for 5 grep -q -a half "$T/h/journal"
kill -TERM "$lp"
ok "TERM with half a line: still running for its end" \
    eval '! wait_for 1 dead "$lp"'
printf ' done\nnext\n' >&7
ok "  the end of the line comes: it exits" wait_for 5 dead "$lp"
wait "$bg"
is $? 0 "  with 0"
ok "  the line is whole in current" has_line "$T/h/current" 'B:half done'
ok "  the next line was left in the pipe" eval '! grep -q next "$T"/h/*'
start h2 sub sh -c "exec '$SVLOG' '$T/h' <'$T/h.p'"
ok "  for the next logger" wait_for 5 has_line "$T/h/current" 'B:next'
kill -TERM "$pid1"
wait_for 5 dead "$pid1"
exec 7>&-

# EOF: the last line ends even without its newline (svlogd drops it)
mkdir "$T/eof"
printf 'a\nno newline' | "$SVLOG" "$T/eof"
ok "EOF: a last line without newline is kept, ended" \
    has_line "$T/eof/current" 'no newline'
if command -v svlogd >/dev/null; then
	mkdir "$T/eof.svlogd"
	printf 'a\nno newline' | svlogd "$T/eof.svlogd"
	nok "  where svlogd drops it" has_line "$T/eof.svlogd/current" \
	    'no newline'
fi

# t: rotation by age
mkdir "$T/age" "$T/noage"
echo t1 >"$T/age/config"
mkfifo "$T/age.p" "$T/noage.p"
exec 7<>"$T/age.p" 8<>"$T/noage.p"
start age sub sh -c "exec '$SVLOG' '$T/age' <'$T/age.p'"
agep=$pid1
start noage sub sh -c "exec '$SVLOG' '$T/noage' <'$T/noage.p'"
noagep=$pid1
echo old >&7
echo old >&8
ok "t1: current is rotated within two seconds" \
    wait_for 3 eval '[ "$(olds "$T/age" s)" -ge 1 ]'
is "$(olds "$T/noage")" 0 "control: without t, not"
n=$(olds "$T/age")
ok "t1: an empty current is not rotated" eval '! wait_for 2 eval \
    "[ \$(olds \"$T/age\") -gt $n ]"'
kill -TERM "$agep" "$noagep"
exec 7>&- 8>&-

# ! a processor: .u in, .t out becomes .s, state to newstate to state
mkdir "$T/pr"
printf '!tr a-z A-Z; cat <&4 >&5; echo ran >&5\ns20\n' >"$T/pr/config"
printf 'hello there\nsecond line\n' | "$SVLOG" "$T/pr" 2>"$T/pr.err"
ok "processor: its output became the .s files" \
    eval 'cat "$T"/pr/@*.s | grep -q "HELLO THERE"'
is "$(olds "$T/pr" u)$(olds "$T/pr" t)" 00 "  no .u or .t is left"
is "$(grep -c -x ran "$T/pr/state")" "$(olds "$T/pr" s)" \
    "  state grew by one line a run: fd 4 in, fd 5 out"
ok "  the old files are 0744" eval \
    '[ -z "$(find "$T/pr" -name "@*" ! -perm 744)" ]'
mkdir "$T/prf"
printf '!exit 1\ns20\n' >"$T/prf/config"
printf 'hello there\nsecond line\n' | "$SVLOG" "$T/prf" 2>"$T/prf.err"
ok "control: a failing processor leaves the .u" \
    eval '[ "$(olds "$T/prf" u)" -ge 1 ] && [ "$(olds "$T/prf" s)" -eq 0 ]'
ok "  and says so" grep -q "processor failed" "$T/prf.err"

# e and E: a copy on stderr, svlogd's shape; u is out of scope
mkdir "$T/e"
printf 'e*err*\nE*rr n*\nu127.0.0.1:514\n' >"$T/e/config"
printf 'ok\nan err here\nan err not\n' | "$SVLOG" -l 8 "$T/e" 2>"$T/e.err"
ok "e: a matching line is copied to stderr, cut at -l with ..." \
    has_line "$T/e.err" 'an err h\.\.\.'
nok "E: a later E pattern takes it back" grep -q 'an err n' "$T/e.err"
nok "control: a line without a match is not copied" grep -q -x ok "$T/e.err"
is "$(nlines "$T/e/current")" 3 "  the file has every line"
ok "u: not supported, one warning" eval \
    '[ "$(grep -c "UDP" "$T/e.err")" -eq 1 ]'

# -o: every line on stdout too, with the prefix; the file is unchanged
mkdir "$T/o" "$T/o2"
printf 'alpha\nbeta\n' | "$SVLOG" -o '[web] ' "$T/o" >"$T/o.out"
is "$(cat "$T/o.out")" "[web] alpha
[web] beta" "-o: each line on stdout with the prefix"
ok "  and unprefixed in the file" has_line "$T/o/current" alpha
printf 'alpha\n' | "$SVLOG" "$T/o2" >"$T/o2.out"
ok "control: without -o stdout stays empty" eval '[ ! -s "$T/o2.out" ]'
# a stdout nobody reads must not hold the file up: drop, count, warn
mkdir "$T/ob"
mkfifo "$T/ob.p"
exec 8<>"$T/ob.p"
seq 1 100000 | timeout "$TMO" "$SVLOG" -o '> ' "$T/ob" >"$T/ob.p" \
    2>"$T/ob.err"
is $? 0 "-o to a full pipe: the logger still finishes"
is "$(nlines "$T/ob/current")" 100000 "  every line is in the file"
ok "  the dropped copies are counted in a warning" \
    grep -q 'dropping lines of the stdout copy' "$T/ob.err"
exec 8>&-

# An idle logger gives its pages back (a pod runs one per app): a second
# without input and its journal is cut back to the header, and neither
# its mapping of the journal nor that of its buffers (the one anonymous
# mapping of 388 KiB for the default -b and -l and one dir) holds a page.
# Control: with a line every 0.1 s they stay. The buffers are not told
# apart under ASan, whose own mappings may merge with them.
# maprss PID journal|bufs: Rss in KiB of that mapping of PID
maprss() {
	awk -v w="$2" '
	    /^[0-9a-f]+-[0-9a-f]+ / { name = $6; next }
	    /^Size:/ { size = $2; next }
	    /^Rss:/ && ((w == "journal" && name ~ /\/journal$/) ||
		(w == "bufs" && name == "" && size == 388)) { r += $2 }
	    END { print r + 0 }' "/proc/$1/smaps"
}
asan=
grep -q -a __asan_init "$SVLOG" && asan=1
mkdir "$T/idle"
mkfifo "$T/idle.p"
exec 6<>"$T/idle.p"
start idle sub sh -c "exec '$SVLOG' '$T/idle' <'$T/idle.p'"
lp=$pid1
(for i in $(seq 1 20); do echo "busy $i"; sleep 0.1; done) >&6 &
w=$!
sleep 1.5
ok "control: on a busy stream the journal's pages are mapped" \
    [ "$(maprss "$lp" journal)" -gt 0 ]
[ -n "$asan" ] || ok "control:   and the buffers' pages" \
    [ "$(maprss "$lp" bufs)" -gt 0 ]
wait "$w"
ok "every line of the stream is logged" \
    wait_for 5 has_line "$T/idle/current" "busy 20"
ok "idle a second: the journal's mapping holds no page" \
    wait_for 5 eval '[ "$(maprss "$lp" journal)" -eq 0 ]'
[ -n "$asan" ] || ok "  nor do its buffers" \
    wait_for 5 eval '[ "$(maprss "$lp" bufs)" -eq 0 ]'
is "$(stat -c %s "$T/idle/journal")" 4096 "  and the journal is its header"
echo after >&6
ok "a line after that is logged" wait_for 5 has_line "$T/idle/current" after
is "$(seq 1 20 | sed 's/^/busy /'; echo after)" "$(cat "$T/idle/current")" \
    "  and the file holds every line once, in order"
kill -TERM "$lp"
ok "  TERM: the idle logger exits" wait_for 5 dead "$lp"
exec 6>&-

# usage: exit 100
"$SVLOG" 2>/dev/null
is $? 100 "no directory: usage, exit 100"
"$SVLOG" -b 100 -l 100 "$T/m" 2>/dev/null </dev/null
is $? 100 "-b not above -l: usage, exit 100"
"$SVLOG" -r ab "$T/m" 2>/dev/null </dev/null
is $? 100 "-r with two characters: usage, exit 100"
"$SVLOG" "$T/nonexistent" 2>/dev/null </dev/null
is $? 111 "no usable directory: exit 111"

done_testing
