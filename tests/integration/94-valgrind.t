#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 94-valgrind: memcheck over pod1-init -d, every pod1-supervise it starts
# (--trace-children) and a pod1-svlog, all built with glibc for it
# (build/valgrind/: valgrind does not run static musl binaries well),
# under a workload: an app logging through pod1-svlog with rotations, an
# app crashing and restarting, sv commands (t, d, u, p, c, restart), a
# supervisor killed and replaced, a HUP adding a service, then TERM. Every
# process valgrind watched must report 0 errors and no definite leak.
# Control: valgrind, run the same way, does report a program that reads
# uninitialised memory.
. "${0%/*}/../lib.sh"

VG=$top/build/valgrind
command -v valgrind >/dev/null || skip_all "needs valgrind"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"
for _b in pod1-init pod1-supervise pod1-svlog; do
	[ -x "$VG/$_b" ] || skip_all "$VG/$_b is not built (make $VG/$_b)"
done
TMO=120
# a log per process; its last line is the ERROR SUMMARY
vg="valgrind --error-exitcode=99 --leak-check=full"
vg="$vg --errors-for-leak-kinds=definite --log-file=$T/vg.%p"

D=$T/pod
mksvc "$D/a" 'exec "'$PROBE'" count -d 1'
mkdir -p "$D/a/log/main"
echo s3000 >"$D/a/log/main/config"
mksvc "$D/a/log" "exec $vg \"$VG/pod1-svlog\" -tt ./main"
mksvc "$D/b" 'date +%s%N >>"'$T'/b.starts"; exit 1' backoff-min=50 \
    backoff-max=100
mksvc "$D/c" 'exec "'$PROBE'" pause'
starts() {
	wc -l <"$T/b.starts" 2>/dev/null || echo 0
}
olds() {
	ls "$D/a/log/main" | grep -c '^@'
}
svd() {
	(cd "$D" && sv "$@") >/dev/null 2>&1
}
# supervisor NAME: pod1-init's pod1-supervise of NAME (under valgrind)
supervisor() {
	for _c in $(children "$pid1"); do
		case $(tr '\0' ' ' 2>/dev/null <"/proc/$_c/cmdline") in
		*"/pod1-supervise $1 ")
			echo "$_c"
			return 0
			;;
		esac
	done
	return 1
}

# run scripts and the probe are not ours to check
start init sub $vg --trace-children=yes \
    --trace-children-skip='*/run,*/finish,*/sh,*probe*' \
    "$VG/pod1-init" -t 10 -d "$D"
ok "under valgrind: a logs and rotates, b restarts, c runs" \
    wait_for 30 eval '[ "$(olds)" -ge 3 ] && [ "$(starts)" -ge 3 ] &&
    (cd "$D" && sv status ./c) | grep -q "^run: "'
for cmd in t d u p c restart; do
	svd -w 10 "$cmd" ./c
done
svd -w 10 d ./b
# sv -w d is content with "down", which b in its backoff was already:
# wait for the d itself, or sv u would see want up and send nothing
wait_for 10 eval '! (cd "$D" && sv status ./b) | grep -q "want up"'
svd u ./b
n=$(starts)
ok "sv commands served; b restarts again" wait_for 20 eval \
    '[ "$(starts)" -gt "$n" ]' || diag_file "$D/b/supervise/pod1"
sc=$(supervisor c)
kill -KILL "$sc"
ok "a killed supervisor is replaced" wait_for 30 eval \
    'n=$(supervisor c) && [ "$n" != "$sc" ] &&
    (cd "$D" && sv status ./c) | grep -q "^run: "'
mksvc "$D/d" 'exec "'$PROBE'" pause'
kill -HUP "$pid1"
ok "HUP starts an added service" wait_for 30 eval \
    '(cd "$D" && sv status ./d) | grep -q "^run: "'
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "TERM: pod1-init exits 0 under valgrind"

# every report: one per process valgrind watched to its end
n=0 bad=0
for f in "$T"/vg.*; do
	grep -q 'ERROR SUMMARY' "$f" || continue
	n=$((n + 1))
	grep -q 'ERROR SUMMARY: 0 errors' "$f" || {
		bad=$((bad + 1))
		diag_file "$f"
	}
done
# init, the four first supervisors, their successors, d's, the logger
ok "$n reports from init, supervisors and svlog" [ "$n" -ge 6 ]
for p in pod1-init pod1-supervise pod1-svlog; do
	ok "  $p among them" grep -l -q "Command: .*/$p " "$T"/vg.*
done
is "$bad" 0 "memcheck: 0 errors, no definite leak, in every one"

# control: an uninitialised read is reported, exit code 99
printf 'int main(void) { int x; volatile int *p = &x; return *p ? 1 : 0; }\n' \
    >"$T/bad.c"
if cc -O0 -o "$T/bad" "$T/bad.c" 2>/dev/null; then
	valgrind -q --error-exitcode=99 --log-file="$T/bad.vg" "$T/bad"
	is "$?" 99 "control: valgrind reports an uninitialised read"
else
	skip "control: no C compiler"
fi

done_testing
