#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 61-svlog-kill: 1 000 000 numbered lines of 100 bytes, with pod1-svlog -t
# as log/run under pod1-supervise (which holds the pipe) killed with
# SIGKILL 100 times while they flow: every line must come out exactly
# once, whole and in order, across the rotated, .u and current files.
# Controls: the checker catches one line dropped, doubled or split; and
# svlogd, killed the same way, does lose or split lines.
. "${0%/*}/../lib.sh"

SVLOG=$B/pod1-svlog
[ -x "$SVLOG" ] || skip_all "$SVLOG is not built"
[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"

PAD=$(printf '%090d' 0)

# whole FILE N: "@<24 hex> i PAD" for i = 1..N in order, then "@... end"
whole() {
	awk -v n="$2" -v pad="$PAD" '
	    substr($1, 1, 1) != "@" || length($1) != 25 { bad++; next }
	    $2 == "end" && NF == 2 { end++; next }
	    end || NF != 3 || $3 != pad || $2 != i + 1 { bad++ }
	    { i = $2 }
	    END {
		printf "# %d lines to %d, %d bad, end %d\n", NR, i, bad, end
		exit !(end == 1 && !bad && i == n)
	    }' "$1"
}

# ended DIR: the last line written so far is the writer's "end"
ended() {
	_last=$(ls "$1" | grep '^@' | tail -n 1)
	for _f in ${_last:+"$1/$_last"} "$1/current"; do
		[ -f "$_f" ] && tail -n 1 "$_f" | grep -q ' end$' && return 0
	done
	return 1
}

# storm NAME N KILLS LOGGER...: a service writing N lines (then idle) and
# LOGGER as its log/run; KILLS kill -9s of the logger, a few ms apart;
# then stop both and put every file, in name order, in $T/NAME.all
storm() {
	_n=$1 _lines=$2 _kills=$3
	shift 3
	_s=$T/$_n
	mkdir -p "$_s/log/main"
	printf 's1000000\nn0\n' >"$_s/log/main/config"
	cat >"$_s/run" <<-EOF
	#!/bin/sh
	awk -v pad=$PAD 'BEGIN { for (i = 1; i <= $_lines; i++)
	    printf "%d %s\\n", i, pad; print "end" }'
	exec sleep 3600
	EOF
	printf '#!/bin/sh\nexec %s ./main\n' "$*" >"$_s/log/run"
	chmod +x "$_s/run" "$_s/log/run"
	# a logger killed a hundred times is a hundred failures: no backoff
	echo 1 >"$_s/log/backoff-min"
	echo 2 >"$_s/log/backoff-max"
	(cd "$T" && exec "$SUP" "$_n") >"$T/$_n.sup" 2>&1 &
	_sup=$!
	wait_for 5 eval "[ -s '$_s/log/supervise/pid' ]" || return 1
	_i=0
	killed=0
	while [ "$_i" -lt "$_kills" ]; do
		read -r _lp <"$_s/log/supervise/pid"
		kill -KILL "$_lp" 2>/dev/null && killed=$((killed + 1))
		# the next logger, up to two seconds
		_w=0
		while read -r _np <"$_s/log/supervise/pid"
		    [ "$_np" = "$_lp" ] || [ -z "$_np" ]; do
			_w=$((_w + 1))
			[ "$_w" -lt 2000 ] || break
			sleep 0.001
		done
		sleep "0.00$((_i * 7 % 9 + 1))"
		_i=$((_i + 1))
	done
	wait_for 90 ended "$_s/log/main" || diag "$_n: no end line"
	(cd "$T" && sv -w 10 down "./$_n" && sv x "./$_n") >/dev/null 2>&1
	wait_for 10 dead "$_sup" || kill -TERM "$_sup"
	wait "$_sup" 2>/dev/null
	cat "$_s/log/main"/@* "$_s/log/main/current" >"$T/$_n.all"
}

N=1000000
start_ms=$(now_ms)
storm p1 $N 100 "$SVLOG -t"
is "$killed" 100 "100 kill -9s of pod1-svlog under pod1-supervise"
diag "the whole run took $(($(now_ms) - start_ms)) ms"
diag "restarts that found a batch to redo or input to log:" \
    "$(grep -c 'redoing' "$T/p1.sup")," \
    "$(grep -c 'logging input' "$T/p1.sup")"
ok "$N lines: none lost, none doubled, none split, in order" \
    whole "$T/p1.all" $N
nu=$(ls "$T/p1/log/main" | grep -c '\.u$')
ns=$(ls "$T/p1/log/main" | grep -c '\.s$')
ok "  over $ns rotated and $nu unclean (.u) files and current" \
    [ "$nu" -ge 1 -a "$ns" -ge 1 ]

# controls: the checker sees one line dropped, doubled or split
sed '500000d' "$T/p1.all" >"$T/bad"
nok "control: one line dropped is caught" whole "$T/bad" $N
sed '500000p' "$T/p1.all" >"$T/bad"
nok "control: one line doubled is caught" whole "$T/bad" $N
sed '500000s/ 0/\n0/' "$T/p1.all" >"$T/bad"
nok "control: one line split is caught" whole "$T/bad" $N
rm -f "$T/bad"

if command -v svlogd >/dev/null; then
	storm s1 200000 100 svlogd -t
	nok "control: svlogd killed the same way loses or splits lines" \
	    whole "$T/s1.all" 200000
else
	skip "svlogd (package runit) is not installed"
fi

done_testing
