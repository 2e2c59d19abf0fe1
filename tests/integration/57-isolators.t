#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 57-isolators: appc isolators, from the pod manifest's JSON (through
# tests/helpers/isol, the stage1's own functions) to what the app sees
# from inside, each against a control without it: CapEff, CapBnd, CapAmb
# for root and non-root apps (no capability it was not given), the
# seccomp deny list and a remove set (the errno, or SIGSYS) and a retain
# set (everything else blocked), NoNewPrivs, rlimits, oom_score_adj; a
# memory hog OOM-killed and finish saying so, a fork bomb stopped at
# pod1/pids-max while pod1-init and the other service carry on, the cpu
# quota; /proc masked and read-only; namespaced sysctls only; every
# --disable-* flag lifting its default, strict mode refusing.
if [ "$(id -u)" -eq 0 ] && [ -z "${POD1_MNTNS:-}" ]; then
	POD1_MNTNS=1
	export POD1_MNTNS
	exec unshare -m --propagation private /bin/sh "$0" "$@"
fi
. "${0%/*}/../lib.sh"
need_root
. "${0%/*}/../rootfs.sh"
ISOL=$top/tests/helpers/isol
[ -x "$ISOL" ] || skip_all "$ISOL is not built"

R=$T/root
mkroot "$R"
mountproc "$R" || skip_all "cannot mount a proc"

NO_CAPS=1 NO_SECCOMP=2 NO_PATHS=4 STRICT=8
# appc's 14 capabilities as /proc shows them (Docker's default too)
DEFCAPS=00000000a80425fb

# isvc NAME FLAGS APPISO [PODISO [ANNOTATIONS]] -- ARGV...: a service dir
# in $T/NAME with the busybox root, its exec/ isolator files written by
# the stage1's isol_app; the verdict lines in $T/NAME.said
isvc() {
	_n=$1 _fl=$2 _ai=$3 _pi= _an=
	shift 3
	[ "$1" != -- ] && { _pi=$1; shift; }
	[ "$1" != -- ] && { _an=$1; shift; }
	shift
	rm -rf "${T:?}/$_n"
	mkexecsvc "$T/$_n"
	echo "$R" >"$T/$_n/exec/root"
	setl "$T/$_n" env PATH=/bin
	setl "$T/$_n" argv "$@"
	"$ISOL" app "$T/$_n/exec" "$_n" "$_fl" "$_ai" "$_pi" "$_an" \
	    2>"$T/$_n.said"
}

# runsvc NAME: its run, output in $T/out, $T/err, status in $rc
runsvc() {
	(cd "$T/$1" && exec timeout -k 2 "$TMO" ./run) >"$T/out" 2>"$T/err"
	rc=$?
}

# field NAME: a /proc/self/status field the app printed
field() {
	sed -n "s/^$1:[[:space:]]*//p" "$T/out"
}

caps() {
	echo "E=$(field CapEff) P=$(field CapPrm) B=$(field CapBnd)" \
	    "A=$(field CapAmb) I=$(field CapInh)"
}

STATUS='grep -E ^(Cap|NoNewPrivs|Seccomp:) /proc/self/status'

# -- capabilities
isvc c 0 '' -- $STATUS
runsvc c
is "$rc $(caps)" "0 E=$DEFCAPS P=$DEFCAPS B=$DEFCAPS A=0000000000000000 \
I=0000000000000000" "caps: a root app by default: appc's 14"
isvc c $NO_CAPS '' -- $STATUS
runsvc c
ok "caps: control: --disable-capabilities-restriction: CAP_SYS_ADMIN too" \
    has_bits "$(field CapEff)" 0x200000
nok "caps: control: ... and more than the 14" test "$(field CapBnd)" = \
    "$DEFCAPS"
isvc c 0 '' -- $STATUS
set1 "$T/c" uid 1000
runsvc c
is "$rc $(caps)" "0 E=0000000000000000 P=0000000000000000 B=$DEFCAPS \
A=0000000000000000 I=0000000000000000" \
    "caps: a non-root app by default: none, the 14 bound"
isvc c 0 '[{"name":"os/linux/capabilities-retain-set","value":{"set":
    ["CAP_NET_BIND_SERVICE"]}}]' -- $STATUS
set1 "$T/c" uid 1000
runsvc c
is "$rc $(caps)" "0 E=0000000000000400 P=0000000000000400 \
B=0000000000000400 A=0000000000000400 I=0000000000000400" \
    "caps: retain NET_BIND_SERVICE, uid 1000: held and ambient, all sets"
rm "$T/c/exec/uid"
runsvc c
is "$rc $(caps)" "0 E=0000000000000400 P=0000000000000400 \
B=0000000000000400 A=0000000000000400 I=0000000000000400" \
    "caps: retain NET_BIND_SERVICE, root: the same"
isvc c 0 '[{"name":"os/linux/capabilities-remove-set","value":{"set":
    ["CAP_NET_RAW","CAP_CHOWN"]}}]' -- $STATUS
runsvc c
is "$rc $(field CapBnd) $(field CapEff)" \
    "0 00000000a80405fa 00000000a80405fa" \
    "caps: remove NET_RAW and CHOWN: the 14 less those two"
set1 "$T/c" uid 1000
runsvc c
is "$rc $(field CapEff) $(field CapAmb)" \
    "0 0000000000000000 0000000000000000" \
    "caps: remove-set, uid 1000: nothing it was not given"
(cd / && timeout "$TMO" "$EXEC" -d "$T/c" -- $STATUS) >"$T/out" 2>"$T/err"
is "$? $(field CapEff) $(field CapBnd) $(field Seccomp)" \
    "0 0000000000000000 00000000a80405fa 2" \
    "caps: enter (pod1-exec -d SVDIR -- CMD) gets the app's isolators"
# the capability at work: chown with and without CAP_CHOWN
touch "$R/tmp/owned"
isvc c 0 '' -- chown 1000 /tmp/owned
runsvc c
is "$rc $(stat -c %u "$R/tmp/owned")" "0 1000" \
    "caps: control: by default root may chown"
isvc c 0 '[{"name":"os/linux/capabilities-remove-set","value":{"set":
    ["CAP_CHOWN"]}}]' -- chown 0 /tmp/owned
runsvc c
is "$rc $(stat -c %u "$R/tmp/owned")" "1 1000" \
    "caps: without CAP_CHOWN, root may not"

# -- no-new-privileges
isvc n 0 '' -- $STATUS
runsvc n
is "$rc $(field NoNewPrivs)" "0 0" "no-new-privileges: control: 0 without"
isvc n 0 '[{"name":"os/linux/no-new-privileges","value":true}]' -- $STATUS
runsvc n
is "$rc $(field NoNewPrivs)" "0 1" "no-new-privileges true: 1"
set1 "$T/n" uid 1000
runsvc n
is "$rc $(field NoNewPrivs) $(field Seccomp)" "0 1 2" \
    "no-new-privileges, uid 1000: 1, and the default filter"

# -- seccomp
isvc s $NO_CAPS '' -- probe syscall keyctl getpid
runsvc s
is "$rc $(tr '\n' ';' <"$T/out")" "0 keyctl 1;getpid 0;" \
    "seccomp: the default deny list: keyctl fails with EPERM"
isvc s $((NO_CAPS | NO_SECCOMP)) '' -- probe syscall keyctl getpid
runsvc s
is "$rc $(tr '\n' ';' <"$T/out")" "0 keyctl 95;getpid 0;" \
    "seccomp: control: --disable-seccomp: the kernel's own EOPNOTSUPP"
isvc s $((NO_CAPS | NO_SECCOMP)) '' -- $STATUS
runsvc s
is "$(field Seccomp)" 0 "seccomp: control: --disable-seccomp: no filter"
isvc s $NO_CAPS '[{"name":"os/linux/seccomp-remove-set","value":{"set":
    ["mount","umount2"],"errno":"ENOTSUP"}}]' -- \
    probe syscall mount umount2 unshare getpid
runsvc s
is "$rc $(tr '\n' ';' <"$T/out")" "0 mount 95;umount2 95;unshare 0;getpid 0;" \
    "seccomp: remove mount, umount2 with ENOTSUP: those fail so, others work"
isvc s $((NO_CAPS | NO_SECCOMP)) '' -- probe syscall mount umount2
runsvc s
is "$rc $(tr '\n' ';' <"$T/out")" "0 mount 2;umount2 2;" \
    "seccomp: control: no filter: the kernel's ENOENT"
isvc s $NO_CAPS '[{"name":"os/linux/seccomp-remove-set","value":{"set":
    ["uname"]}}]' -- probe syscall getpid uname
runsvc s
is "$rc $(head -n 1 "$T/out")" "159 getpid 0" \
    "seccomp: remove uname, no errno: killed by SIGSYS at uname"
# the retain sets name what a static musl program needs; a SANITIZE=1
# probe is dynamic, and its loader and ASan need far more
if ldd "$PROBE" >/dev/null 2>&1; then
	skip "seccomp retain sets: the SANITIZE probe is dynamic"
	skip "seccomp retain sets: control"
else
	isvc s $NO_CAPS '[{"name":"os/linux/seccomp-retain-set","value":{"set":
	    ["arch_prctl","set_tid_address","writev","ioctl","getpid"],
	    "errno":"ENOSYS"}}]' -- probe syscall getpid uname chdir
	runsvc s
	is "$rc $(tr '\n' ';' <"$T/out")" "0 getpid 0;uname 38;chdir 38;" \
	    "seccomp: a retain set: what it names works, all else ENOSYS"
	isvc s $NO_CAPS '[{"name":"os/linux/seccomp-retain-set","value":{"set":
	    ["arch_prctl","set_tid_address","writev","ioctl","getpid","uname",
	    "chdir"],"errno":"ENOSYS"}}]' -- probe syscall getpid uname chdir
	runsvc s
	is "$rc $(tr '\n' ';' <"$T/out")" "0 getpid 0;uname 0;chdir 0;" \
	    "seccomp: control: uname and chdir retained: they work"
fi
isvc s 0 '[{"name":"os/linux/seccomp-retain-set","value":{"set":
    ["@appc.io/empty"]}}]' -- probe syscall getpid
runsvc s
is "$rc $(wc -c <"$T/out")" "159 0" \
    "seccomp: retain @appc.io/empty: SIGSYS at once"
isvc s 0 '[{"name":"os/linux/seccomp-retain-set","value":{"set":
    ["@appc.io/all"]}}]' -- $STATUS
runsvc s
is "$rc $(field Seccomp)" "0 0" "seccomp: retain @appc.io/all: no filter"

# -- rlimits, oom-score-adj
isvc r 0 '' -- grep 'open files' /proc/self/limits
runsvc r
nok "rlimit: control: the host's nofile is not 100 200" eval \
    'tr -s " " <"$T/out" | grep -q "files 100 200 files"'
isvc r 0 '' '' '[{"name":"pod1/rlimit-nofile","value":"100 200"}]' -- \
    grep 'open files' /proc/self/limits
runsvc r
is "$rc $(tr -s ' ' <"$T/out")" "0 Max open files 100 200 files " \
    "rlimit: pod1/rlimit-nofile 100 200"
isvc o 0 '' -- cat /proc/self/oom_score_adj
runsvc o
is "$rc $(cat "$T/out")" "0 0" "oom-score-adj: control: 0"
isvc o 0 '[{"name":"os/linux/oom-score-adj","value":500}]' -- \
    cat /proc/self/oom_score_adj
runsvc o
is "$rc $(cat "$T/out")" "0 500" "oom-score-adj 500"

# -- /proc paths: a proc of their own, protected by the stage1's isol_paths
for how in protect open; do
	P=$T/p_$how
	mkroot "$P"
	mountproc "$P"
	if [ "$how" = protect ]; then
		fl=0
	else
		fl=$NO_PATHS
	fi
	ok "paths: isol_paths flags $fl" "$ISOL" paths "$P/proc" "$fl"
	isvc pth $((NO_CAPS | NO_SECCOMP)) '' -- sh -c 'echo
wc -c </proc/timer_list
wc -c </proc/interrupts
echo x >/proc/sys/kernel/domainname && echo written
grep -c " /proc/sys " /proc/self/mountinfo'
	echo "$P" >"$T/pth/exec/root"
	# a UTS namespace of its own: the control does write domainname
	(cd "$T/pth" && exec unshare -u timeout "$TMO" ./run) >"$T/out" \
	    2>"$T/err_$how"
	eval "paths_$how=\$(tr '\n' ' ' <\"\$T/out\")"
done
is "$paths_protect" " 0 0 1 " \
    "paths: timer_list and interrupts read empty, /proc/sys is read-only"
like "$(cat "$T/err_protect")" "*Read-only file system*" "paths: EROFS"
like "$paths_open" " [1-9]* [1-9]* written 0 " \
    "paths: control: --disable-paths: both readable, /proc/sys writable"

# -- sysctl: namespaced keys in the pod's own namespace
host=$(cat /proc/sys/net/core/somaxconn)
v=$((host == 1234 ? 1235 : 1234))
out=$(unshare -n sh -c '"$1" sysctl "$2" /proc 1 &&
    cat /proc/sys/net/core/somaxconn' _ "$ISOL" \
    '[{"name":"os/unix/sysctl","value":{"net.core.somaxconn":"'$v'"}}]' 2>&1)
is "$out" "pod1-stage1: pod: os/unix/sysctl: enforced
$v" "sysctl: net.core.somaxconn set in the pod's netns"
is "$(cat /proc/sys/net/core/somaxconn)" "$host" \
    "sysctl: control: the host's is unchanged"
out=$(unshare -n "$ISOL" sysctl \
    '[{"name":"os/unix/sysctl","value":{"kernel.panic":"5"}}]' /proc 1 2>&1)
is "$? ${out##*: }" "100 kernel.panic" "sysctl: kernel.panic: refused"

# -- the verdicts, and strict mode
isvc v 0 '[{"name":"os/linux/apparmor-profile","value":{"name":"x"}},
    {"name":"os/linux/no-new-privileges","value":true}]' -- true
is "$(cat "$T/v.said")" "pod1-stage1: app v: os/linux/apparmor-profile: \
ignored (not supported by pod1)
pod1-stage1: app v: os/linux/no-new-privileges: enforced" \
    "verdicts: one line per isolator"
isvc v $STRICT '[{"name":"os/linux/apparmor-profile","value":{"name":"x"}},
    {"name":"os/linux/no-new-privileges","value":true}]' -- true
is "$? $(wc -l <"$T/v.said") $(ls "$T/v/exec" | grep -c no-new)" "100 1 0" \
    "strict: an ignored isolator is a refusal, one line, nothing written"

# -- cgroups: cpu quota, memory hog, fork bomb (v2 where the controller
# is, else v1: the app's own cgroup either way)
cgdir() {
	_p=$(sed -n "s/^[0-9]*:\(.*,\)\{0,1\}$2\(,.*\)\{0,1\}:\(.*\)/\3/p" \
	    "/proc/$1/cgroup")
	echo "/sys/fs/cgroup/$2$_p"
}
isvc q 0 '[{"name":"resource/cpu","value":{"limit":"100m"}}]' -- \
    probe pause
start q sub sh -c 'cd "$1" && exec ./run' _ "$T/q"
qp=$pid1
wait_for 5 grep -q ready "$T/q.out"
is "$(cat "$(cgdir $qp cpu)/cpu.cfs_quota_us" 2>&1) ${qp}" \
    "10000 $(cat "$(cgdir $qp cpu)/cgroup.procs" 2>&1)" \
    "cpu 100m: the app alone in a cgroup with a 10 ms per 100 ms quota"
stop_run
(cd "$T/q" && ./finish -1 15)
ok "cpu: finish removed the v1 cgroup" \
    test ! -d "$(cgdir $$ cpu)/pod1-$(stat -c %d-%i "$T/q")"
isvc q 0 '' -- probe pause
start q sub sh -c 'cd "$1" && exec ./run' _ "$T/q"
qp=$pid1
wait_for 5 grep -q ready "$T/q.out"
is "$(cgdir $qp cpu)" "$(cgdir $$ cpu)" \
    "cpu: control: without the isolator, the app stays where it was"
stop_run

# The memory hog and the fork bomb run in a pod under pod1-init -d.
POD=$T/pod
mkdir -p "$POD"
for svc in hog bomb calm; do
	case $svc in
	hog)
		a='[{"name":"resource/memory","value":{"limit":"32Mi"}}]' n=
		set -- probe hog 256
		;;
	bomb)
		a= n='[{"name":"pod1/pids-max","value":"16"}]'
		set -- probe forkbomb 100
		;;
	calm)
		a= n=
		set -- probe pause
		;;
	esac
	isvc "$svc" 0 "$a" '' "$n" -- "$@"
	mv "$T/$svc" "$POD/$svc"
	echo "$T/$svc.status" >"$POD/$svc/exec/status"
	echo never >"$POD/$svc/restart"
done
start pod sub "$INIT" -d "$POD"
ok "memory: the hog is killed: status 137" \
    wait_for 10 eval '[ "$(cat "$T/hog.status" 2>/dev/null)" = 137 ]'
ok "memory: finish says it was the OOM killer" wait_for 5 \
    grep -q '^pod1-exec: warning: app hog: killed by the OOM killer$' \
    "$T/pod.err"
ok "memory: the supervisor's status has its SIGKILL" \
    has_line "$POD/hog/supervise/pod1" 'last-signal 9'
ok "pids: the bomb stops at the limit with EAGAIN" \
    wait_for 10 grep -q '^forked 1[0-5] 11$' "$T/pod.out"
c=$(cat "$POD/calm/supervise/pid")
(cd "$POD" && sv -w 5 restart ./calm) >/dev/null
ok "pids: meanwhile the other service restarts" wait_for 5 eval \
    '[ "$(cat "$POD/calm/supervise/pid")" != "$c" ] &&
    alive "$(cat "$POD/calm/supervise/pid")"'
kill -TERM "$pid1"
ok "pids: and pod1-init shuts the pod down on TERM" wait_for 10 dead "$bg"
stop_run

# controls: a KILL that is not the OOM killer's; the same hog and bomb
# without the limits
isvc m 0 '[{"name":"resource/memory","value":{"limit":"32Mi"}}]' -- \
    probe pause
start m sub sh -c 'cd "$1" && exec ./run' _ "$T/m"
wait_for 5 grep -q ready "$T/m.out"
kill -KILL "$pid1"
stop_run
(cd "$T/m" && ./finish -1 9) >"$T/out" 2>"$T/err"
is "$? $(cat "$T/err")" "0 " \
    "memory: control: kill -9 under a limit: finish says nothing of OOM"

isvc hog 0 '' -- probe hog 256
runsvc hog
is "$rc $(cat "$T/out")" "0 hogged 256 MB" \
    "memory: control: without the limit the hog gets its 256 MB"
isvc bomb 0 '' -- probe forkbomb 100
start b sub sh -c 'cd "$1" && exec ./run' _ "$T/bomb"
ok "pids: control: without the limit the bomb forks its 100" \
    wait_for 10 grep -q '^forked 100 0$' "$T/b.out"
stop_run

done_testing
