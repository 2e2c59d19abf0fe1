#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/run.sh: pod1-init against Debian's tini, tini-static, dumb-init and
# catatonit, in one run: stripped size, PID 1 CPU time per reaped orphan,
# and start overhead over a bare `unshare -fp --mount-proc true`. The report
# (markdown) goes to stdout, progress to stderr, raw data to build/bench/.
# Knobs: BENCH_ZOMBIES (20000), BENCH_REPS (7), BENCH_ROUNDS (800),
# BENCH_CPU (the last CPU; the reap runs are pinned to it), BENCH_NOINSTALL=1.
set -u
cd "$(dirname "$0")/.." || exit 111

ZOMBIES=${BENCH_ZOMBIES:-20000}
REPS=${BENCH_REPS:-7}
ROUNDS=${BENCH_ROUNDS:-800}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
OUT=build/bench
TOP=$(pwd)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# busy CPU ticks of the whole machine, to tell how much was not ours
busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
# CPU ticks of the kernel's threads (children of kthreadd), some of which
# work for us: RCU callbacks, freeing the reaped tasks' memory
kthreads() {
	for d in /proc/[0-9]*; do
		read -r l <"$d/stat" 2>/dev/null && echo "${l##*) }"
	done | awk '$2 == 2 || $2 == 0 { s += $12 + $13 } END { print s + 0 }'
}
BUSY0=$(busy)
KT0=$(kthreads)

. bench/lib.sh

[ -x build/pod1-init ] || die "no build/pod1-init: run make first"
mkdir -p "$OUT/bin" "$OUT/stripped" || die "cannot create $OUT"

# --- the peers: install what is missing, when we may ---
install_peers tini dumb-init catatonit

# --- helpers: one set of static workload binaries for every init ---
command -v musl-gcc >/dev/null 2>&1 ||
    die "musl-gcc not found (apt-get install musl-tools)"
for h in zombies spawntime floor; do
	musl-gcc -static -O2 -Wall -Wextra -o "$OUT/$h" "bench/$h.c" ||
	    die "cannot build bench/$h.c"
done

# Snapshot every init into one directory: the whole run measures the same
# bytes even if build/pod1-init is rebuilt meanwhile, and every init is
# exec'd from the same file system. inits: name:source:separator.
printf '%s\n' "pod1-init:build/pod1-init:--" "tini:/usr/bin/tini:--" \
    "tini-static:/usr/bin/tini-static:--" "dumb-init:/usr/bin/dumb-init:" \
    "catatonit:/usr/bin/catatonit:--" | while IFS=: read -r name src sep; do
	[ -x "$src" ] || continue
	cp "$src" "$OUT/bin/$name" || die "cannot copy $src"
	echo "$name:$src:$sep"
done >"$OUT/inits"
cp "$OUT/floor" "$OUT/bin/floor" && echo "floor:bench/floor.c:" >>"$OUT/inits"

# --- PID namespaces: as root, or in a user namespace ---
UNSHARE="unshare -fp --mount-proc"
if ! $UNSHARE true 2>/dev/null; then
	UNSHARE="unshare -rfp --mount-proc"
	if ! $UNSHARE true 2>/dev/null; then
		UNSHARE=
		say "bench: cannot make a PID namespace (needs root or user" \
		    "namespaces): the reap and start measures are SKIPPED"
	fi
fi
PIN=
command -v taskset >/dev/null 2>&1 && PIN="taskset -c $CPU"

# --- 1. stripped size, of copies ---
say "bench: sizes"
: >"$OUT/size"
while IFS=: read -r name src sep; do
	[ "$name" = floor ] && continue
	cp "$OUT/bin/$name" "$OUT/stripped/$name" ||
	    die "cannot copy $name"
	strip "$OUT/stripped/$name" || die "cannot strip a copy of $src"
	bytes=$(wc -c <"$OUT/stripped/$name")
	if readelf -lW "$src" | grep -q INTERP; then
		# the shared libraries it needs, with their size on disk
		link=dynamic
		for lib in $(readelf -dW "$src" |
		    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			f=$(ldd "$src" 2>/dev/null |
			    awk -v l="$lib" '$1 == l && $3 ~ /^\// { print $3 }')
			k=$( [ -n "$f" ] && wc -c <"$f")
			link="$link, + $lib${k:+ $((k / 1024)) KiB}"
		done
	elif grep -aq glibc "$src"; then
		link="static, glibc"
	elif [ "$name" = pod1-init ]; then
		link="static, musl"
	else
		link="static"
	fi
	printf '%s\t%s\t%s\n' "$name" "$bytes" "$link" >>"$OUT/size"
done <"$OUT/inits"

# --- 2. PID 1 CPU time per reaped orphan ---
# Each run is a fresh PID namespace: the init is PID 1, its command is
# build/bench/zombies, which orphans N zombies onto PID 1 and prints PID 1's
# on-CPU ns (/proc/1/schedstat) once PID 1 has no child but itself. Every
# run is pinned to one CPU: the spread between runs is much smaller than
# when reaping and the workload hop between cores.
: >"$OUT/reap"
: >"$OUT/reap.err"
reap_once() { # name sep n
	# a workload that could not fork all N (the host ran short of pids
	# for a moment) says nothing about the init: run it again, twice
	for try in 1 2 3; do
		# shellcheck disable=SC2086
		line=$($PIN $UNSHARE "$TOP/$OUT/bin/$1" $2 \
		    "$TOP/$OUT/zombies" "$3" 10000 </dev/null 2>>"$OUT/reap.err")
		case $line in
		*" forked $3 "*) break ;;
		esac
		echo "bench: $1, try $try: $line" >>"$OUT/reap.err"
	done
	# shellcheck disable=SC2086
	set -- "$1" "$3" $line
	if [ "${3:-}" != cpu_ns ]; then
		echo "$1 $2 fail" >>"$OUT/reap"
		return
	fi
	# name n cpu_ns runs forked left zombies
	echo "$1 $2 $4 $6 ${10} ${12} ${14}" >>"$OUT/reap"
}
if [ -n "$UNSHARE" ]; then
	say "bench: reap $ZOMBIES orphans, $REPS runs of each init," \
	    "${PIN:-not pinned}"
	# untimed: warm the page cache and the kernel's slabs
	while IFS=: read -r name src sep; do
		# shellcheck disable=SC2086
		$PIN $UNSHARE "$TOP/$OUT/bin/$name" $sep "$TOP/$OUT/zombies" \
		    2000 </dev/null >/dev/null 2>&1
	done <"$OUT/inits"
	n=$(wc -l <"$OUT/inits")
	rep=0
	while [ $rep -lt "$REPS" ]; do
		# a different init goes first each round
		k=$((rep % n + 1))
		{ tail -n +$k "$OUT/inits"; head -n $((k - 1)) "$OUT/inits"; } |
		    while IFS=: read -r name src sep; do
			reap_once "$name" "$sep" 0
			reap_once "$name" "$sep" "$ZOMBIES"
		done
		rep=$((rep + 1))
		say "bench:   round $rep/$REPS"
	done
fi

# --- 3. start overhead over a bare unshare ---
# All commands interleaved round by round (bench/spawntime.c); line i of
# $OUT/start is command i: 0 is bare unshare, then the inits in order.
: >"$OUT/start"
if [ -n "$UNSHARE" ]; then
	say "bench: start, $ROUNDS interleaved rounds"
	set -- "$UNSHARE true"
	while IFS=: read -r name src sep; do
		set -- "$@" "$UNSHARE $TOP/$OUT/bin/$name${sep:+ $sep} true"
	done <"$OUT/inits"
	"$OUT/spawntime" -n "$ROUNDS" -w 20 "$@" </dev/null >"$OUT/start" ||
	    say "bench: spawntime failed"
fi

# --- report ---
# our own CPU: every process we started is reaped by now, so it is all in
# the children's times; the rest of the machine's busy time was someone else
busy1=$(busy)
kt1=$(kthreads)
times >"$OUT/times"	# in this shell, not in a subshell
ours=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) {
	split($i, t, "m"); s += t[1] * 60 + t[2] } print s }' "$OUT/times")
others=$(awk -v b0="$BUSY0" -v b1="$busy1" -v o="$ours" -v k0="$KT0" \
    -v k1="$kt1" -v hz="$(getconf CLK_TCK)" 'BEGIN { k = (k1 - k0) / hz
	x = (b1 - b0) / hz - o - k
	printf "%.1f s busy: %.1f s ours, %.1f s kernel threads, %.1f s " \
	    "other processes%s", (b1 - b0) / hz, o, k, (x < 0 ? 0 : x),
	    (x > 3 ? " (NOISY: rerun on a quiet machine)" : "") }')
# reapstat NAME: "median lo hi base_ms loaded_ms runs", or why not
reapstat() {
	if grep -q "^$1 [0-9]* fail" "$OUT/reap"; then
		echo "failed to run (see $OUT/reap.err)"
		return
	fi
	awk -v n="$1" -v z="$ZOMBIES" '$1 == n && $2 == z {
		if ($6 > 0) { left = 1; l = $6; zz = $7 }
		else if ($5 != z) { short = 1; f = $5 } }
	    END { if (left) printf "NOT REAPED: %d left, %d of them " \
		"zombies\n", l, zz
		else if (short) printf "workload forked only %d of %d " \
		"(see %s)\n", f, z, "'"$OUT"'/reap.err" }' "$OUT/reap" >"$OUT/bad"
	if [ -s "$OUT/bad" ]; then
		cat "$OUT/bad"
		return
	fi
	b=$(awk -v n="$1" '$1 == n && $2 == 0 { print $3 }' "$OUT/reap" |
	    median)
	l=$(awk -v n="$1" -v z="$ZOMBIES" '$1 == n && $2 == z { print $3 }' \
	    "$OUT/reap" | median)
	if [ -z "$b" ] || [ -z "$l" ]; then
		echo "not measured"
		return
	fi
	r=$(awk -v n="$1" -v z="$ZOMBIES" '$1 == n && $2 == z { print $4 }' \
	    "$OUT/reap" | median)
	awk -v n="$1" -v z="$ZOMBIES" -v b="$b" '$1 == n && $2 == z {
		print ($3 - b) / z / 1000 }' "$OUT/reap" | sort -n |
	    awk -v b="$b" -v l="$l" -v z="$ZOMBIES" -v r="$r" '
		NR == 1 { lo = $1 } { hi = $1 }
		END { printf "%.2f %.2f %.2f %.2f %.1f %d\n",
		    (l - b) / z / 1000, lo, hi, b / 1e6, l / 1e6, r }'
}
startidx() { # name: its line in $OUT/start
	awk -F: -v n="$1" '$1 == n { print NR }' "$OUT/inits"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "Machine: $(uname -srm), ${cpu:-unknown CPU}, $(nproc) CPUs," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'), load before the run $LOAD0"
p1ver=$(sed -n 's/^VERSION = //p' config.mk)
p1rev=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD -- init lib config.mk Makefile 2>/dev/null ||
    p1rev="${p1rev:+$p1rev + }uncommitted changes"
p1sum=$(sha256sum "$OUT/bin/pod1-init" | cut -c1-12)
echo "Versions: pod1-init $p1ver (${p1rev:+$p1rev, }sha256 $p1sum...)," \
    "$(dpkg-query -W \
    -f='${Package} ${Version}, ' tini dumb-init catatonit util-linux \
    2>/dev/null | sed 's/, $//')"
echo "Settings: reap $ZOMBIES orphans, median of $REPS runs, pinned to" \
    "CPU $CPU; start: median of $ROUNDS interleaved runs;" \
    "'${UNSHARE:-no PID namespace}'"
echo "Machine CPU during the run: $others"
echo

p1size=$(awk '$1 == "pod1-init" { print $2 }' "$OUT/size")
p1reap=$(reapstat pod1-init | awk 'NF == 6 && $1 ~ /^[0-9.]+$/ { print $1 }')
bare=$(awk '$1 == 0 && $5 == 0 { print $2 }' "$OUT/start")

# row NAME LABEL: one line of the main table
row() {
	if [ "$1" != floor ] && ! grep -q "^$1:" "$OUT/inits"; then
		echo "| $2 | not installed | | | | | | |"
		return
	fi
	size=$(awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$OUT/size")
	link=$(awk -F'\t' -v n="$1" '$1 == n { print $3 }' "$OUT/size")
	[ "$1" = floor ] && link="static, musl"
	i=$(startidx "$1")
	st=$(awk -v i="${i:-x}" '$1 == i { print $2, $5 }' "$OUT/start")
	awk -v label="$2" -v link="$link" -v size="$size" -v p1s="$p1size" \
	    -v rs="$(reapstat "$1")" -v p1r="${p1reap:-}" -v st="$st" \
	    -v bare="${bare:-}" -v rounds="$ROUNDS" 'BEGIN {
		printf "| %s | %s |", label, link
		if (size != "" && p1s != "")
			printf " %.1f KiB | %.2f |", size / 1024, size / p1s
		else
			printf " | |"
		n = split(rs, r, " ")
		if (n == 6 && r[1] ~ /^-?[0-9.]+$/) {
			printf " %.2f µs |", r[1]
			if (p1r != "" && p1r > 0)
				printf " %.2f |", r[1] / p1r
			else
				printf " |"
		} else if (rs == "")
			printf " not measured | |"
		else
			printf " %s | |", rs
		split(st, s, " ")
		if (st == "" || bare == "")
			printf " not measured | |\n"
		else if (s[2] > 0)
			printf " %d of %d runs failed | |\n", s[2], rounds
		else
			printf " %.2f ms | %.3f |\n", s[1] / 1000, s[1] / bare
	}'
}

echo "| init | binary | stripped size | size × pod1-init |" \
    "PID 1 CPU per orphan | × pod1-init | start (median) | × bare unshare |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in pod1-init tini tini-static dumb-init catatonit; do
	row "$name" "$name"
done
[ -n "$bare" ] && awk -v b="$bare" 'BEGIN { printf "| reference: bare " \
    "`unshare -fp --mount-proc true` | | | | | | %.2f ms | 1.000 |\n",
    b / 1000 }'
row floor "reference: floor (bench/floor.c: fork, exec, blocking wait)"

echo
p1i=$(startidx pod1-init)
p1start=$(awk -v i="$p1i" '$1 == i && $5 == 0 { print $2 }' "$OUT/start")
awk -v s="$p1size" -v r="${p1reap:-}" -v st="${p1start:-}" \
    -v b="${bare:-}" 'BEGIN {
	printf "pod1-init against its targets: stripped size %.1f KiB " \
	    "(%d bytes) <= 20 KiB: %s; ", s / 1024, s,
	    s <= 20480 ? "met" : "NOT MET"
	if (r == "")
		printf "reap: not measured; "
	else
		printf "reap %.2f µs per orphan <= 5 µs: %s; ", r,
		    r <= 5 ? "met" : "NOT MET"
	if (st == "" || b == "")
		printf "start: not measured\n"
	else
		printf "start %.3f× bare unshare <= 1.10×: %s (+%.0f µs)\n",
		    st / b, st / b <= 1.10 ? "met" : "NOT MET", st - b
}'

# the raw figures behind the ratios
echo
echo "| init | PID 1 CPU, 0 orphans | with $ZOMBIES | per orphan," \
    "min..max of runs | times PID 1 ran | start mean | start min |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
while IFS=: read -r name src sep; do
	i=$(startidx "$name")
	awk -v name="$name" -v rs="$(reapstat "$name")" \
	    -v st="$(awk -v i="$i" '$1 == i { print $3, $4 }' "$OUT/start")" \
	    'BEGIN {
		n = split(rs, r, " ")
		split(st, s, " ")
		if (n == 6 && r[1] ~ /^-?[0-9.]+$/)
			printf "| %s | %.2f ms | %.1f ms | %.2f..%.2f µs | %d |",
			    name, r[4], r[5], r[2], r[3], r[6]
		else
			printf "| %s | | | | |", name
		if (st != "")
			printf " %.2f ms | %.2f ms |\n", s[1] / 1000, s[2] / 1000
		else
			printf " | |\n"
	}'
done <"$OUT/inits"
awk '$1 == 0 { printf "| bare unshare | | | | | %.2f ms | %.2f ms |\n",
    $3 / 1000, $4 / 1000 }' "$OUT/start"
