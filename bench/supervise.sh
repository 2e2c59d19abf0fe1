#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/supervise.sh: pod1-supervise next to runit's runsv and s6's
# s6-supervise, in one run: (1) restart latency after a kill -9 of a
# long-running app, (2) memory per supervised service with its logger. The
# report (markdown) goes to stdout, progress to stderr, raw data to
# build/bench/supervise/.
# Knobs: BENCH_KILLS (50), BENCH_UP_MS (1100: how long each app has run
# when it is killed), BENCH_SERVICES (50), BENCH_NOINSTALL=1.
set -u
cd "$(dirname "$0")/.." || exit 111

KILLS=${BENCH_KILLS:-50}
UP_MS=${BENCH_UP_MS:-1100}
NSVC=${BENCH_SERVICES:-50}
OUT=build/bench/supervise
TOP=$(pwd)
W=$TOP/$OUT/work
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

. bench/lib.sh

[ -x build/pod1-supervise ] && [ -x build/pod1-init ] ||
    die "no build/pod1-supervise or build/pod1-init: run make first"
rm -rf "$W"
mkdir -p "$OUT/bin" "$W" || die "cannot create $OUT"

# --- the peers: install what is missing, when we may ---
install_peers runit s6

# --- the workload: one static binary, app, logger and clock (supbench.c)
if command -v musl-gcc >/dev/null 2>&1; then
	musl-gcc -static -O2 -Wall -Wextra -o "$OUT/supbench" bench/supbench.c
else
	cc -static -O2 -Wall -Wextra -o "$OUT/supbench" bench/supbench.c
fi || die "cannot build bench/supbench.c"
SB=$TOP/$OUT/supbench
# snapshots: the run measures the same bytes even if build/ changes
cp build/pod1-supervise build/pod1-init "$OUT/bin/" || die "cannot copy"
P1SUP=$TOP/$OUT/bin/pod1-supervise
P1INIT=$TOP/$OUT/bin/pod1-init

# sups: name, per-service supervisor, scanner; those not installed left out
: >"$OUT/sups"
echo "pod1 $P1SUP $P1INIT" >>"$OUT/sups"
command -v runsv >/dev/null && command -v runsvdir >/dev/null &&
    echo "runit $(command -v runsv) $(command -v runsvdir)" >>"$OUT/sups"
command -v s6-supervise >/dev/null && command -v s6-svscan >/dev/null &&
    echo "s6 $(command -v s6-supervise) $(command -v s6-svscan)" >>"$OUT/sups"
has() { grep -q "^$1 " "$OUT/sups"; }

# --- 1. restart latency after kill -9 ---
# Each supervisor runs one service whose run IS the static supbench (no
# shell), which notes CLOCK_MONOTONIC at the top of main() and writes it
# to ./fifo. supbench latency kills each app in turn once it has been up
# UP_MS and times kill -> the new app's main(). pod1's backoff-reset is set
# to 1000 ms so that a run up UP_MS counts as long-running, as runsv's and
# s6-supervise's own one-second rules count it.
say "bench: restart latency, $KILLS kills of each app, each up ${UP_MS} ms"
set --
pids=
while read -r name sup scan; do
	d=$W/lat-$name
	mkdir -p "$d"
	cp "$SB" "$d/run"
	mkfifo "$d/fifo"
	[ "$name" = pod1 ] && echo 1000 >"$d/backoff-reset"
	"$sup" "$d" >"$OUT/lat-$name.log" 2>&1 </dev/null &
	pids="$pids $!"
	set -- "$@" "$name:$d"
done <"$OUT/sups"
# the reference: signalfd, fork, exec and nothing else (supbench floor)
d=$W/lat-floor
mkdir -p "$d"
cp "$SB" "$d/run"
mkfifo "$d/fifo"
"$SB" floor "$d" >"$OUT/lat-floor.log" 2>&1 </dev/null &
floorpid=$!
pids="$pids $floorpid"
set -- "$@" "floor:$d"
"$SB" latency "$KILLS" "$UP_MS" "$@" >"$OUT/latency" 2>"$OUT/latency.err" ||
    say "bench: the latency run failed (see $OUT/latency.err)"
# down and out: sv x for runsv and pod1, s6-svc -dx for s6
for d in "$W"/lat-pod1 "$W"/lat-runit; do
	[ -d "$d" ] && sv x "$d" >/dev/null 2>&1
done
[ -d "$W/lat-s6" ] && s6-svc -dx "$W/lat-s6" 2>/dev/null
kill -TERM "$floorpid"
for p in $pids; do
	wait_for 10 eval "! kill -0 $p 2>/dev/null" || kill -KILL "$p"
done
wait

# --- 2. memory per service with its logger ---
# N services (run: supbench pause; log/run: supbench drain) under each
# scanner, as PID 1 of a PID namespace of its own, then again with none.
# Counted: the supervisor processes alone, their Private_Dirty from
# /proc/PID/smaps_rollup: the scanner (pod1-init -d, runsvdir, s6-svscan)
# and the per-service ones (pod1-supervise, runsv: one per service with
# its logger; s6-supervise: two, one for the service and one for its
# log). The apps and loggers are the same binaries under all three and
# are each user's choice: not counted. Marginal = (total with N - total
# with none) / N.
UNSHARE="unshare -fp --mount-proc"
$UNSHARE true 2>/dev/null || UNSHARE=
: >"$OUT/memory"
# running HOSTPID N: N apps and N loggers up in that namespace
running() {
	_a=0 _l=0
	for _p in $(nspids "$1"); do
		case $(tr '\0' ' ' 2>/dev/null <"/proc/$_p/cmdline") in
		"$SB pause ") _a=$((_a + 1)) ;;
		"$SB drain ") _l=$((_l + 1)) ;;
		esac
	done
	[ "$_a" -eq "$2" ] && [ "$_l" -eq "$2" ]
}
if [ -z "$UNSHARE" ]; then
	say "bench: cannot make a PID namespace (needs root): memory SKIPPED"
else
	while read -r name sup scan; do
		for n in 0 "$NSVC"; do
			say "bench: memory, $name, $n services"
			d=$W/mem-$name-$n
			mkdir -p "$d"
			i=0
			while [ "$i" -lt "$n" ]; do
				mkdir -p "$d/s$i/log"
				printf '#!/bin/sh\nexec %s pause\n' "$SB" \
				    >"$d/s$i/run"
				printf '#!/bin/sh\nexec %s drain\n' "$SB" \
				    >"$d/s$i/log/run"
				chmod +x "$d/s$i/run" "$d/s$i/log/run"
				i=$((i + 1))
			done
			case $name in
			pod1) set -- "$scan" -d "$d" ;;
			*) set -- "$scan" "$d" ;;
			esac
			$UNSHARE "$@" >"$OUT/mem-$name-$n.log" 2>&1 </dev/null &
			u=$!
			wait_for 5 eval \
			    'ns1=$(child_of "$u") && [ -n "$ns1" ]' ||
			    die "$name: no PID 1 in the namespace"
			wait_for 60 running "$ns1" "$n" ||
			    say "bench: $name: not all $n services came up"
			# settled: what a start touched once is counted
			sleep 1
			for p in $(nspids "$ns1"); do
				c=$(cat "/proc/$p/comm" 2>/dev/null)
				k=$(awk '$1 == "Private_Dirty:" { print $2 }' \
				    "/proc/$p/smaps_rollup" 2>/dev/null)
				echo "$name $n $c ${k:-0}"
			done >>"$OUT/memory"
			if [ "$name" = pod1 ]; then
				# its way down removes the services' cgroups
				kill -TERM "$ns1"
				wait_for 20 eval "! kill -0 $u 2>/dev/null" ||
				    kill -KILL "$ns1"
			else
				kill -KILL "$ns1"
			fi
			wait "$u" 2>/dev/null
		done
	done <"$OUT/sups"
fi

# --- report ---
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "Machine: $(uname -srm), ${cpu:-unknown CPU}, $(nproc) CPUs," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'), load before the run $LOAD0"
p1rev=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD -- supervise init lib 2>/dev/null ||
    p1rev="${p1rev:+$p1rev + }uncommitted changes"
echo "Versions: pod1-supervise ${p1rev:-?} (static, musl)," \
    "$(dpkg-query -W -f='${Package} ${Version}, ' runit s6 2>/dev/null |
    sed 's/, $//') (dynamic, glibc)"
echo "Settings: restart: median of $KILLS kills of an app up ${UP_MS} ms" \
    "(pod1: backoff-reset 1000); memory: $NSVC services with a logger," \
    "'${UNSHARE:-no PID namespace}'"
echo

# latstat NAME: "median p90 min max timeouts n", in ms
latstat() {
	awk -v n="$1" '$1 == n && $2 != "timeout" { print $2 / 1e6 }' \
	    "$OUT/latency" | sort -n | awk -v t="$(grep -c "^$1 timeout" \
	    "$OUT/latency")" '{ v[NR] = $1 } END { if (!NR) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p = v[int(NR * 0.9 + 0.999)]
		printf "%.3f %.3f %.3f %.3f %d %d\n", m, p, v[1], v[NR], t,
		    NR }'
}
# memstat NAME: "marginal_kib persvc_kib_avg persvc_per_service scanner_kib"
memstat() {
	awk -v n="$1" -v N="$NSVC" '
	    function scan(c) { return c == "pod1-init" || c == "runsvdir" ||
		c == "s6-svscan" }
	    function per(c) { return c == "pod1-supervise" || c == "runsv" ||
		c == "s6-supervise" }
	    $1 == n && (scan($3) || per($3)) { tot[$2] += $4 }
	    $1 == n && $2 == N && per($3) { ps += $4; pc++ }
	    $1 == n && $2 == N && scan($3) { sc += $4 }
	    END { if (!pc) exit
		printf "%.1f %.1f %.1f %d\n", (tot[N] - tot[0]) / N, ps / pc,
		    pc / N, sc }' "$OUT/memory"
}
p1lat=$(latstat pod1 | cut -d' ' -f1)
p1mem=$(memstat pod1 | cut -d' ' -f1)
echo "| supervisor | restart after kill -9, median | × pod1 | p90 |" \
    "min..max | timeouts | memory per service, marginal | × pod1 |" \
    "per-service supervisor | processes per service | scanner |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" \
    "---: | ---: |"
for name in pod1 runit s6; do
	case $name in
	pod1) label="pod1 (pod1-supervise, pod1-init -d)" ;;
	runit) label="runit (runsv, runsvdir)" ;;
	s6) label="s6 (s6-supervise, s6-svscan)" ;;
	esac
	if ! has "$name"; then
		echo "| $label | not installed | | | | | | | | | |"
		continue
	fi
	awk -v label="$label" -v l="$(latstat "$name")" \
	    -v m="$(memstat "$name")" \
	    -v pl="${p1lat:-}" -v pm="${p1mem:-}" 'BEGIN {
		printf "| %s |", label
		if (split(l, a, " ") == 6)
			printf " %.3f ms | %s | %.3f ms | %.3f..%.3f ms |" \
			    " %d of %d |",
			    a[1], (pl > 0 ? sprintf("%.1f", a[1] / pl) : ""),
			    a[2], a[3], a[4], a[5], a[5] + a[6]
		else
			printf " not measured | | | | |"
		if (split(m, b, " ") == 4)
			printf " %.1f KiB | %s | %.1f KiB | %g | %d KiB |\n",
			    b[1], (pm > 0 ? sprintf("%.1f", b[1] / pm) : ""),
			    b[2], b[3], b[4]
		else
			printf " not measured | | | | |\n"
	}'
done
awk -v l="$(latstat floor)" -v pl="${p1lat:-}" 'BEGIN {
	if (split(l, a, " ") == 6)
		printf "| reference: floor (bench/supbench.c: signalfd, fork," \
		    " exec, nothing else) | %.3f ms | %s | %.3f ms |" \
		    " %.3f..%.3f ms | %d of %d | | | | | |\n", a[1],
		    (pl > 0 ? sprintf("%.1f", a[1] / pl) : ""), a[2], a[3],
		    a[4], a[5], a[5] + a[6]
}'
echo
awk -v l="${p1lat:-}" -v m="${p1mem:-}" 'BEGIN {
	if (l == "")
		printf "pod1 against its targets: restart not measured; "
	else
		printf "pod1 against its targets: restart %.3f ms" \
		    " <= 1 ms: %s; ",
		    l, l <= 1 ? "met" : "NOT MET"
	if (m == "")
		printf "memory not measured\n"
	else
		printf "memory %.1f KiB per service <= 32 KiB: %s\n", m,
		    m <= 32 ? "met" : "NOT MET"
}'
echo
echo "Memory counts the supervisor processes only (Private_Dirty of" \
    "/proc/PID/smaps_rollup): the scanner and the per-service" \
    "supervisors; apps and loggers, the same binaries under all three," \
    "are not counted. Restart latency runs from the kill(2) to the top of" \
    "the new app's main(), on CLOCK_MONOTONIC."
