#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench/svlog.sh: log throughput, 200 MB of 100-byte lines through
# pod1-svlog, svlogd (runit), s6-log (s6) and `cat > file`, each with and
# without time stamps, each reading a pipe (`cat FILE | LOGGER`, as a
# logger reads an app's pipe in real life). Prints a markdown table:
# seconds (best of $BENCH_RUNS), the ratio to cat, and the lines found in
# the output files afterwards, so a lost line shows.
#
# No logger rotates (pod1-svlog and svlogd: s0; s6-log: one file of at
# most 256 MiB, which 2.5e8 bytes of stamped lines fit), and nothing is
# deleted. Output goes to $BENCH_OUT (default a tmpfs, /dev/shm, so the
# figures are the loggers' cost, not the disk's; every logger fsyncs at
# exit, cat does not).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
B=${POD1_BUILD:-$top/build}
SVLOG=$B/pod1-svlog
RUNS=${BENCH_RUNS:-3}
LINES=2000000
IN=${BENCH_IN:-$B/bench/lines-100b.txt}
if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT=/dev/shm
	[ -d /dev/shm ] && [ -w /dev/shm ] || BENCH_OUT=$B/bench
fi
OUT=$(mktemp -d "$BENCH_OUT/pod1-svlog-bench.XXXXXX") || exit 1
trap 'rm -rf "$OUT"' EXIT INT TERM

[ -x "$SVLOG" ] || { echo "bench/svlog.sh: $SVLOG is not built" >&2; exit 1; }

# 2 000 000 lines of exactly 100 bytes: a number, a space, 88 letters
mkdir -p "$(dirname "$IN")"
if [ "$({ wc -c <"$IN"; } 2>/dev/null)" != $((LINES * 100)) ]; then
	awk -v n=$LINES 'BEGIN {
		pad = "abcdefghijklmnopqrstuvwxyz0123456789" \
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop"
		for (i = 1; i <= n; i++)
			printf "%010d %s\n", i, pad
	}' >"$IN"
fi

ms() {
	date +%s%N | sed 's/......$//'
}

# run NAME CMD: time `cat IN | CMD` in a fresh $OUT/d, best of RUNS;
# sets $best (ms) and $lines (counted in every file under $OUT/d)
run() {
	best=
	_i=0
	while [ "$_i" -lt "$RUNS" ]; do
		rm -rf "$OUT/d"
		mkdir "$OUT/d"
		echo s0 >"$OUT/d/config"
		_t0=$(ms)
		cat "$IN" | sh -c "$1"
		_t1=$(ms)
		_t=$((_t1 - _t0))
		if [ -z "$best" ] || [ "$_t" -lt "$best" ]; then
			best=$_t
		fi
		_i=$((_i + 1))
	done
	lines=$(find "$OUT/d" -type f ! -name config ! -name lock \
	    ! -name state -exec cat {} + | wc -l)
}

row() {
	_x=$(awk -v a="$2" -v b="$cat_ms" 'BEGIN { printf "%.2f", a / b }')
	_s=$(awk -v a="$2" 'BEGIN { printf "%.3f", a / 1000 }')
	_ok=$3
	[ "$3" -eq $LINES ] || _ok="$3 (LOST $((LINES - $3)))"
	printf '| %s | %s | %s× | %s |\n' "$1" "$_s" "$_x" "$_ok"
}

run "cat > '$OUT/d/out'"
cat_ms=$best
cat_lines=$lines

echo "Log throughput: $LINES lines of 100 bytes" \
    "($(($(wc -c <"$IN") / 1000000)) MB)" \
    "through a pipe, best of $RUNS; output on" \
    "$(df -T "$OUT" | awk 'NR == 2 { print $2 }') ($BENCH_OUT)," \
    "$(nproc) CPUs."
echo
echo '| logger | seconds | vs cat | lines out |'
echo '| --- | --- | --- | --- |'
row 'cat > file' "$cat_ms" "$cat_lines"
run "exec '$SVLOG' '$OUT/d'"
row 'pod1-svlog' "$best" "$lines"
run "exec '$SVLOG' -t '$OUT/d'"
row 'pod1-svlog -t' "$best" "$lines"
if command -v svlogd >/dev/null; then
	run "exec svlogd '$OUT/d'"
	row 'svlogd' "$best" "$lines"
	run "exec svlogd -t '$OUT/d'"
	row 'svlogd -t' "$best" "$lines"
else
	echo '| svlogd | not installed (apt-get install runit) | | |'
fi
if command -v s6-log >/dev/null; then
	run "exec s6-log n100 s268435455 '$OUT/d'"
	row 's6-log' "$best" "$lines"
	run "exec s6-log n100 s268435455 t '$OUT/d'"
	row 's6-log t' "$best" "$lines"
else
	echo '| s6-log | not installed (apt-get install s6) | | |'
fi
