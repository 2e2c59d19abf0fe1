#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/scale.sh: a pod of 1000 apps, each with its logger, under pod1-init
# -d (pod1-supervise, pod1-svlog) and under runit's runsvdir (runsv,
# svlogd), on the same service dirs, each scanner as PID 1 of a PID
# namespace of its own: (1) the time from starting the scanner until every
# app has reached its main(), (2) the memory of the supervision tree once
# everything runs. The report (markdown) goes to stdout, progress to
# stderr, raw data to build/bench/scale/.
# Knobs: BENCH_APPS (1000), BENCH_RUNS (3: the median start is reported),
# BENCH_NOINSTALL=1, BENCH_FS=disk (service dirs on the build tree's file
# system instead of a tmpfs).
#
# The service dirs live on a tmpfs mounted for the run, as a scan dir's
# supervise state does on a real system (runit's /run/runit, s6's
# /run/service): both supervisors create some 8000 files there at start.
# On a disk file system the figure measures its inode allocator as much as
# the supervisors: ext4 without a journal (this machine's root) skips every
# inode freed in the last minute or more when it allocates one, and both
# supervisors free one per file per status update (runit's rename(2) of
# status.new, stat.new and pid.new, which pod1 keeps for sv), so runs
# slow down those right after them (BENCHMARKS.md has both figures). For
# the same reason the runs' service dirs are removed only at the end.
#
# Each app's run is the static bench/supbench itself (no shell), which
# notes CLOCK_MONOTONIC at the top of main() and writes it to its ./fifo,
# a link to one FIFO that supbench collect reads, then logs a line. Each log/run is
# "#!/bin/sh exec LOGGER ./main". Memory is the sum of Pss
# (/proc/PID/smaps_rollup) of the scanner, every per-service supervisor
# and every logger, with every app and logger up and settled; the apps,
# the same binary under both, are not counted. Pss shares each binary's
# pages out among its copies, so the sum is what the tree costs.
set -u
cd "$(dirname "$0")/.." || exit 111

N=${BENCH_APPS:-1000}
RUNS=${BENCH_RUNS:-3}
OUT=build/bench/scale
TOP=$(pwd)
W=$TOP/$OUT/work
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

. bench/lib.sh

[ -x build/pod1-init ] && [ -x build/pod1-supervise ] &&
    [ -x build/pod1-svlog ] || die "pod1 is not built: run make first"
unshare -fp --mount-proc true 2>/dev/null ||
    die "cannot make a PID namespace (needs root)"
umount "$W" 2>/dev/null
rm -rf "$W"
mkdir -p "$OUT/bin" "$W" || die "cannot create $OUT"
FS=tmpfs
if [ "${BENCH_FS:-}" = disk ]; then
	FS="$(findmnt -n -o FSTYPE -T "$W") (the build tree's)"
else
	mount -t tmpfs -o mode=0755 pod1-bench "$W" ||
	    die "cannot mount a tmpfs on $W"
	trap 'umount "$W" 2>/dev/null' EXIT
	trap 'exit 130' INT TERM
fi

install_peers runit

if command -v musl-gcc >/dev/null 2>&1; then
	musl-gcc -static -O2 -Wall -Wextra -o "$OUT/supbench" bench/supbench.c
else
	cc -static -O2 -Wall -Wextra -o "$OUT/supbench" bench/supbench.c
fi || die "cannot build bench/supbench.c"
# hard links to it are the apps' run files: on the service dirs' fs
cp "$OUT/supbench" "$W/supbench" || die "cannot copy supbench"
SB=$W/supbench
cp build/pod1-init build/pod1-supervise build/pod1-svlog "$OUT/bin/" ||
    die "cannot copy"

: >"$OUT/sups"
echo "pod1 $TOP/$OUT/bin/pod1-init $TOP/$OUT/bin/pod1-svlog" >>"$OUT/sups"
command -v runsvdir >/dev/null && command -v svlogd >/dev/null &&
    echo "runit $(command -v runsvdir) $(command -v svlogd)" >>"$OUT/sups"

# comms HOSTPID: "pid comm" of every process of that namespace
comms() {
	for _p in $(nspids "$1"); do
		echo "$_p $(cat "/proc/$_p/comm" 2>/dev/null)"
	done
}
# loggers HOSTPID NAME: N loggers called NAME run there
loggers() {
	[ "$(comms "$1" | awk -v c="$2" '$2 == c' | grep -c .)" -eq "$N" ]
}

: >"$OUT/up"
: >"$OUT/memory"
while read -r name scan logger; do
	r=1
	while [ "$r" -le "$RUNS" ]; do
		say "bench: $name, $N apps with loggers, run $r of $RUNS"
		d=$W/$name-$r
		mkdir -p "$d"
		mkfifo "$W/$name-$r.fifo"
		i=0
		while [ "$i" -lt "$N" ]; do
			mkdir -p "$d/s$i/log/main"
			ln "$SB" "$d/s$i/run"
			ln -s "$W/$name-$r.fifo" "$d/s$i/fifo"
			printf '#!/bin/sh\nexec %s ./main\n' "$logger" \
			    >"$d/s$i/log/run"
			chmod +x "$d/s$i/log/run"
			i=$((i + 1))
		done
		case $name in
		pod1) set -- "$scan" -d "$d" ;;
		*) set -- "$scan" "$d" ;;
		esac
		sync
		t0=$("$SB" now)
		"$SB" collect "$W/$name-$r.fifo" "$N" "$t0" 60 \
		    >"$OUT/collect-$name-$r" &
		col=$!
		unshare -fp --mount-proc "$@" >"$OUT/$name-$r.log" 2>&1 \
		    </dev/null &
		u=$!
		wait "$col" || say "bench: $name: not all $N apps came up"
		echo "$name $(cut -d' ' -f2- "$OUT/collect-$name-$r")" \
		    >>"$OUT/up"
		ns1=$(child_of "$u")
		wait_for 60 loggers "$ns1" "${logger##*/}" ||
		    say "bench: $name: not all $N loggers came up"
		if [ "$r" -eq 1 ]; then
			# settled: what a start touched once is counted
			sleep 2
			for p in $(nspids "$ns1"); do
				c=$(cat "/proc/$p/comm" 2>/dev/null)
				k=$(awk '$1 == "Pss:" { print $2 }' \
				    "/proc/$p/smaps_rollup" 2>/dev/null)
				echo "$name $c ${k:-0}"
			done >>"$OUT/memory"
		fi
		if [ "$name" = pod1 ]; then
			# its way down removes the services' cgroups
			kill -TERM "$ns1"
			wait_for 60 eval "! kill -0 $u 2>/dev/null" ||
			    kill -KILL "$ns1"
		else
			kill -KILL "$ns1"
		fi
		wait "$u" 2>/dev/null
		# kept until the end: a removal frees 20000 inodes, which
		# ext4 without a journal would make the next run skip over
		r=$((r + 1))
	done
done <"$OUT/sups"
rm -rf "${W:?}"/*

# --- report ---
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "Machine: $(uname -srm), ${cpu:-unknown CPU}, $(nproc) CPUs," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'), load before the run $LOAD0"
p1rev=$(git rev-parse --short HEAD 2>/dev/null)
git diff --quiet HEAD -- init supervise svlog lib 2>/dev/null ||
    p1rev="${p1rev:+$p1rev + }uncommitted changes"
echo "Versions: pod1 ${p1rev:-?} (static, musl)," \
    "$(dpkg-query -W -f='${Package} ${Version}' runit 2>/dev/null)" \
    "(dynamic, glibc)"
echo "Settings: $N services, each with log/; start: median of $RUNS runs;" \
    "memory: Pss of the first run, 2 s after every logger was up" \
    "(every app has logged a line);" \
    "each scanner PID 1 of its own 'unshare -fp --mount-proc';" \
    "service dirs on $FS"
echo
# upstat NAME: "median_ms min_ms max_ms apps_up"
upstat() {
	awk -v n="$1" '$1 == n { print $3, $2 }' "$OUT/up" | sort -n |
	    awk '{ v[NR] = $1; if ($2 < up || NR == 1) up = $2 }
	    END { if (!NR) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f %d\n", m, v[1], v[NR], up }'
}
# memstat NAME: "total_kib scanner_kib supervisors_kib loggers_kib nsup nlog"
memstat() {
	awk -v n="$1" '
	    function scan(c) { return c == "pod1-init" || c == "runsvdir" }
	    function sup(c) { return c == "pod1-supervise" || c == "runsv" }
	    function log_(c) { return c == "pod1-svlog" || c == "svlogd" }
	    $1 != n { next }
	    scan($2) { sc += $3 }
	    sup($2) { su += $3; ns++ }
	    log_($2) { lo += $3; nl++ }
	    END { if (!ns) exit
		printf "%d %d %d %d %d %d\n", sc + su + lo, sc, su, lo, ns, nl }
	' "$OUT/memory"
}
p1up=$(upstat pod1 | cut -d' ' -f1)
p1mem=$(memstat pod1 | cut -d' ' -f1)
echo "| system | every app up, median | × pod1 | min..max | apps up |" \
    "memory of the tree | × pod1 | scanner | supervisors | loggers |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in pod1 runit; do
	case $name in
	pod1) label="pod1 (pod1-init -d, pod1-supervise, pod1-svlog)" ;;
	runit) label="runit (runsvdir, runsv, svlogd)" ;;
	esac
	if ! grep -q "^$name " "$OUT/sups"; then
		echo "| $label | not installed | | | | | | | | |"
		continue
	fi
	awk -v label="$label" -v u="$(upstat "$name")" \
	    -v m="$(memstat "$name")" -v pu="${p1up:-}" -v pm="${p1mem:-}" \
	    -v n="$N" 'BEGIN {
		printf "| %s |", label
		if (split(u, a, " ") == 4)
			printf " %.0f ms | %s | %.0f..%.0f ms | %d of %d |",
			    a[1], (pu > 0 ? sprintf("%.1f", a[1] / pu) : ""),
			    a[2], a[3], a[4], n
		else
			printf " not measured | | | |"
		if (split(m, b, " ") == 6)
			printf " %.1f MiB | %s | %d KiB | %.1f MiB (%d) |" \
			    " %.1f MiB (%d) |\n", b[1] / 1024,
			    (pm > 0 ? sprintf("%.1f", b[1] / pm) : ""), b[2],
			    b[3] / 1024, b[5], b[4] / 1024, b[6]
		else
			printf " not measured | | | | |\n"
	}'
done
echo
awk -v u="${p1up:-}" -v m="${p1mem:-}" -v n="$N" 'BEGIN {
	printf "pod1 against its targets (%d apps): ", n
	if (u == "")
		printf "start not measured; "
	else
		printf "every app up in %.0f ms <= 1000 ms: %s; ", u,
		    u <= 1000 ? "met" : "NOT MET"
	if (m == "")
		printf "memory not measured\n"
	else
		printf "memory %.1f MiB <= 40 MiB: %s\n", m / 1024,
		    m / 1024 <= 40 ? "met" : "NOT MET"
}'
echo
echo "Every app up: from just before the scanner starts to the latest" \
    "app's main() (CLOCK_MONOTONIC), apps being the static supbench as" \
    "run. Memory: Pss of the scanner, the $N supervisors and the $N" \
    "loggers; the apps are not counted."
