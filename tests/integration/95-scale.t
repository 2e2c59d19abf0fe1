#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 95-scale: a pod of 1000 apps, each with a logger: pod1-init -d as PID 1
# over 1000 service dirs (100 under ASan; POD1_SCALE=N for another N),
# each app a probe whose ready line goes through the pipe pod1-supervise
# holds to a pod1-svlog of its own. All come up (every log's current has its app's ready line),
# runit's sv sees every one running, the supervision tree stays small,
# and TERM takes it all down in order: exit 0, nothing left, nothing that
# needed the final TERM. Control: one more service, marked down, is not
# counted up: the counter sees a missing app.
. "${0%/*}/../lib.sh"

SVLOG=$B/pod1-svlog
[ -x "$SUP" ] || skip_all "$SUP is not built"
[ -x "$SVLOG" ] || skip_all "$SVLOG is not built"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"
N=${POD1_SCALE:-1000}
# the sanitizer build (make check SANITIZE=1) takes megabytes a process
asan=
if grep -q -a __asan_init "$SUP"; then
	asan=1
	N=${POD1_SCALE:-100}
fi
TMO=300

D=$T/pod
i=0
while [ "$i" -lt "$N" ]; do
	s=$D/s$i
	mkdir -p "$s/log/main"
	printf '#!/bin/sh\nexec "%s" pause\n' "$PROBE" >"$s/run"
	printf '#!/bin/sh\nexec "%s" ./main\n' "$SVLOG" >"$s/log/run"
	chmod +x "$s/run" "$s/log/run"
	i=$((i + 1))
done
mksvc "$D/x" 'exec "'$PROBE'" pause' down=
mkdir -p "$D/x/log/main"
printf '#!/bin/sh\nexec "%s" ./main\n' "$SVLOG" >"$D/x/log/run"
chmod +x "$D/x/log/run"

# up: how many logs have their app's ready line
up() {
	grep -l '^ready ' "$D"/*/log/main/current 2>/dev/null | grep -c .
}
# below PID [COMM...]: PID and every process below it, "pid comm" a line;
# one ps, the tree walked in awk (a /proc scan per process would be slow)
below() {
	ps -e -o pid=,ppid=,comm= | awk -v top="$1" '
	    { parent[$1] = $2; comm[$1] = $3 }
	    END {
		for (p in parent) {
			q = p
			while (q != top && q in parent && q > 1)
				q = parent[q]
			if (q == top)
				print p, comm[p]
		}
	    }'
}
# tree PID: the processes under PID by name, "init supervise svlog app"
tree() {
	below "$1" | awk '{ n[$2]++ } END { printf "%d %d %d %d\n",
	    n["pod1-init"], n["pod1-supervise"], n["pod1-svlog"], n["probe"] }'
}
# pss PID...: their Pss in KiB, summed
pss() {
	for _p; do
		cat "/proc/$_p/smaps_rollup" 2>/dev/null
	done | awk '$1 == "Pss:" { s += $2 } END { print s + 0 }'
}

m=sub
have_unshare && m=ns
t0=$(now_ms)
start init "$m" "$INIT" -t 20 -d "$D"
ok "$m: $N apps up, each ready line in its own log" wait_for 120 eval \
    '[ "$(up)" -eq "$N" ]'
diag "all $N up in $(($(now_ms) - t0)) ms, from the start of pod1-init"
is "$(tree "$pid1")" "1 $((N + 1)) $((N + 1)) $N" \
    "$m: one init, a supervisor and a logger each, $N apps"
nok "control: x, marked down, has no ready line" \
    grep -q '^ready ' "$D/x/log/main/current"
st=$(cd "$D" && sv status ./s* | grep -c '^run: .*; run: log: ')
is "$st" "$N" "sv status: every app and its logger run"
sups=$(below "$pid1" | awk '$2 ~ /^pod1-/ { print $1 }')
kib=$(pss $sups)
diag "supervision tree (init, supervisors, loggers): Pss $kib KiB," \
    "$((kib / (N + 1))) KiB a service"
# make bench (bench/scale.sh) holds 1000 to the 40 MiB target
if [ -n "$asan" ]; then
	skip "small: not under ASan"
else
	ok "  small: under 64 KiB a service" [ "$kib" -le $(((N + 1) * 64)) ]
fi
t0=$(now_ms)
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "TERM: pod1-init exits 0"
diag "down in $(($(now_ms) - t0)) ms"
nok "nothing was left for the final TERM" \
    grep -q 'sent TERM to the remaining' "$T/init.err"
is "$(grep -l -a "$PROBE" /proc/[0-9]*/cmdline 2>/dev/null |
    xargs -r grep -l -a pause 2>/dev/null | grep -c .)" 0 "no app is left"

done_testing
