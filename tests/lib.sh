# SPDX-License-Identifier: ISC
#
# lib.sh: TAP helpers sourced by every tests/integration/*.t. The plan is
# printed at the end (done_testing), every wait is bounded (wait_for), each
# test gets its own temp dir ($T), and an exit trap kills everything the
# test started, even daemons that double-forked away from it.
#
# Assertions:  ok NAME CMD...       passes when CMD succeeds
#              nok NAME CMD...      passes when CMD fails (negative controls)
#              is GOT WANT NAME     string equality
#              like GOT GLOB NAME   shell pattern match
#              skip REASON          one "ok N # SKIP"
# Processes:   run MODE CMD...      CMD in the foreground, time-bounded; MODE
#                                   ns makes it PID 1 of a new PID namespace,
#                                   sub runs it plainly
#              start NAME MODE CMD...  the same in the background, output in
#                                   $T/NAME.out and $T/NAME.err; sets $bg
#                                   (for wait) and $pid1 (CMD's host pid)
#              stop_run             kill what the last start started
#              wait_for SECS CMD... poll CMD until it succeeds, or fail
#                                   after SECS (whole) seconds
# Modes:       modes, note_modes    "ns sub", or "sub" and a visible skip
#              need_unshare, need_root  skip the whole test without them
# Variables:   $B the build dir, $INIT, $PROBE, $T the temp dir, $TMO

top=$(cd "${0%/*}/../.." && pwd)
B=${POD1_BUILD:-$top/build}
INIT=$B/pod1-init
SUP=$B/pod1-supervise
PROBE=${POD1_PROBE:-$top/tests/helpers/probe}
# the bound on any one run: a hang fails a test rather than the suite
TMO=${POD1_TIMEOUT:-30}

for _f in "$INIT" "$PROBE"; do
	if [ ! -x "$_f" ]; then
		echo "Bail out! $_f is not built:" \
		    "make DEPS= all tests/helpers/probe"
		exit 1
	fi
done

# The test shell becomes a child subreaper (the setting survives exec), so
# whatever double-forks away stays below it, where cleanup finds it.
if [ "${POD1_TEST_SHELL:-}" != "$$" ]; then
	POD1_TEST_SHELL=$$
	export POD1_TEST_SHELL
	exec "$PROBE" subreaper /bin/sh "$0" "$@"
fi

# no test reads stdin; CI may run with it closed, and a closed fd 0 would
# be reused by the next open() of whatever runs
exec </dev/null
tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/pod1-test.XXXXXX") || exit 1

# The cgroups pod1-supervise made for service dirs under $T outlive a
# failed run's KILLed processes by moments; remove them too.
rm_cgroups() {
	_dev=$(stat -c %d "$T" 2>/dev/null) || return 0
	for _i in $(find "$T" -type d -printf '%i\n' 2>/dev/null); do
		for _c in /sys/fs/cgroup/unified/pod1-$_dev-$_i \
		    /sys/fs/cgroup/pod1-$_dev-$_i; do
			[ -d "$_c" ] || continue
			wait_for 2 rmdir "$_c" 2>/dev/null
		done
	done
}

cleanup() {
	"$PROBE" killtree $$
	wait 2>/dev/null
	rm_cgroups
	# what a test's own harness (tests/pod.sh) must clear too
	[ -z "${cleanup_hook:-}" ] || $cleanup_hook
	rm -rf "$T"
}
trap 'tap_st=$?; cleanup; exit $tap_st' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

diag() {
	printf '# %s\n' "$*"
}

# show a file to the TAP reader, indented as diagnostics
diag_file() {
	[ -s "$1" ] && sed 's/^/#   /' "$1"
	return 0
}

tap_result() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
		return 0
	fi
	echo "not ok $tap_n - $2"
	tap_failed=$((tap_failed + 1))
	return 1
}

ok() {
	_ok_name=$1
	shift
	"$@"
	tap_result $? "$_ok_name"
}

nok() {
	_ok_name=$1
	shift
	if "$@"; then
		tap_result 1 "$_ok_name"
	else
		tap_result 0 "$_ok_name"
	fi
}

is() {
	[ "$1" = "$2" ]
	tap_result $? "$3" && return 0
	diag "         got: '$1'"
	diag "    expected: '$2'"
	return 1
}

like() {
	# shellcheck disable=SC2254 # a glob on purpose
	case $1 in
	$2)
		tap_result 0 "$3"
		return
		;;
	esac
	tap_result 1 "$3"
	diag "         got: '$1'"
	diag "  to match: '$2'"
	return 1
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] && exit 0
	diag "failed $tap_failed of $tap_n"
	exit 1
}

skip_all() {
	skip "$1"
	done_testing
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

# Whether PID 1 tests can run here; the reason why not in $ns_why.
have_unshare() {
	if [ -z "${ns_ok:-}" ]; then
		ns_why=$(unshare --pid --fork --mount-proc true 2>&1)
		ns_ok=$?
		ns_why="no PID namespace: ${ns_why:-unshare failed}"
	fi
	return "$ns_ok"
}

need_unshare() {
	have_unshare || skip_all "$ns_why"
}

# The modes to run a test in: ns (a real PID 1) when possible, and sub (a
# subreaper that is not PID 1) always. Reports the skip of ns itself.
modes() {
	if have_unshare; then
		echo ns sub
	else
		echo sub
	fi
}

# Call once before a mode loop: turns a missing ns into a visible skip.
note_modes() {
	have_unshare || skip "PID 1 mode of $1: $ns_why"
}

now_ms() {
	date +%s%3N
}

wait_for() {
	_wf_end=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$_wf_end" ] || return 1
		sleep 0.02
	done
}

# The state letter of a process, empty once it is gone.
pstate() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" \
	    2>/dev/null
}

# Running, stopped or sleeping; a zombie counts as dead.
alive() {
	case $(pstate "$1") in
	'' | Z | X)
		return 1
		;;
	esac
	return 0
}

dead() {
	! alive "$1"
}

stopped() {
	[ "$(pstate "$1")" = T ]
}

# The pids whose parent is $1, one a line.
children() {
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null |
	    sed 's,^/proc/\([0-9]*\)/status$,\1,'
}

# Sets $_child to the first child of $1; fails when it has none.
first_child() {
	_child=$(children "$1" | head -n 1)
	[ -n "$_child" ]
}

# The host pid of the process whose pid is $2 in the namespace of $1.
ns_hostpid() {
	_ns=$(readlink "/proc/$1/ns/pid") || return 1
	for _st in $(grep -l "^NSpid:.*[[:space:]]$2\$" \
	    /proc/[0-9]*/status 2>/dev/null); do
		_p=${_st#/proc/}
		_p=${_p%/status}
		if [ "$(readlink "/proc/$_p/ns/pid" 2>/dev/null)" = "$_ns" ]
		then
			echo "$_p"
			return 0
		fi
	done
	return 1
}

# has_bits HEX MASK: the low 32 bits of the /proc mask HEX (signals 1 to
# 32; the whole would overflow $(( ))) hold every bit of MASK.
has_bits() {
	case $1 in
	'' | *[!0-9a-f]*)
		return 1
		;;
	esac
	[ $((0x${1#????????} & $2)) -eq $(($2)) ]
}

# Whether the first SigIgn line in file $1 has every bit of mask $2 set.
# Exact values would not do: make (posix_spawn) leaves the signals the
# libc reserves (32, 33) ignored in everything it starts.
sigign_has() {
	_ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$1" | head -n 1)
	[ -n "$_ign" ] && [ $((0x$_ign & $2)) -eq $(($2)) ]
}

# app_links X...: probe linked as $T/app-X for each name X, so that each
# app, run under a name of its own, can be counted from the host
app_links() {
	for _a; do
		ln -s "$PROBE" "$T/app-$_a"
	done
}
# app_pids X: the host pids of app X, one a line
app_pids() {
	# [x]: grep's own command line must not match
	grep -l -a "$T/app-[$1]" /proc/[0-9]*/cmdline 2>/dev/null |
	    sed 's,^/proc/\([0-9]*\)/cmdline$,\1,'
}
app_count() {
	app_pids "$1" | grep -c .
}

# mksvc DIR BODY [SETTING=VALUE...]: a service dir (a relative DIR is
# under $SVBASE, by default $T) whose run is "#!/bin/sh" and BODY, and a
# file per setting: restart=never puts "never" in DIR/restart.
mksvc() {
	case $1 in
	/*) _d=$1 ;;
	*) _d=${SVBASE:-$T}/$1 ;;
	esac
	mkdir -p "$_d"
	printf '#!/bin/sh\n%s\n' "$2" >"$_d/run"
	chmod +x "$_d/run"
	shift 2
	for _kv; do
		echo "${_kv#*=}" >"$_d/${_kv%%=*}"
	done
}

# Whether file $1 has a line matching the basic regex $2.
# supervisor NAME: the pid of pod1-init -d's ($pid1's) supervisor of NAME
supervisor() {
	for _c in $(children "$pid1"); do
		if [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$_c/cmdline")" = \
		    "pod1-supervise $1 " ]; then
			echo "$_c"
			return 0
		fi
	done
	return 1
}

# libsof ROOT BIN...: the shared libraries BIN loads (a SANITIZE=1 build is
# dynamic), copied into ROOT at their own paths; nothing for static BINs.
# withlibs ROOT BIN...: BIN too, at its own path.
libsof() {
	_root=$1
	shift
	for _f in $(ldd "$@" 2>/dev/null |
	    sed -n 's,.*[[:space:]]\(/[^[:space:]]*\) (0x.*,\1,p' | sort -u)
	do
		mkdir -p "$_root${_f%/*}"
		cp -L "$_f" "$_root$_f"
	done
}

withlibs() {
	_root=$1
	shift
	for _f; do
		mkdir -p "$_root${_f%/*}"
		cp -L "$_f" "$_root$_f"
	done
	libsof "$_root" "$@"
}

has_line() {
	grep -q -x -e "$2" "$1" 2>/dev/null
}

run() {
	_run_mode=$1
	shift
	case $_run_mode in
	ns)
		timeout -k 2 "$TMO" unshare --pid --fork --mount-proc \
		    --kill-child "$@"
		;;
	sub)
		timeout -k 2 "$TMO" "$@"
		;;
	*)
		echo "Bail out! unknown mode $_run_mode"
		exit 1
		;;
	esac
}

start() {
	_start_name=$1
	_start_mode=$2
	shift 2
	case $_start_mode in
	ns)
		set -- unshare --pid --fork --mount-proc --kill-child "$@"
		;;
	esac
	# a simple command: the background shell execs timeout, so $! is it
	timeout -k 2 "$TMO" "$@" >"$T/$_start_name.out" \
	    2>"$T/$_start_name.err" &
	bg=$!
	pid1=
	if ! wait_for 5 first_child "$bg" || { [ "$_start_mode" = ns ] &&
	    ! wait_for 5 first_child "$_child"; }; then
		diag "start $_start_name: $* did not start"
		return 1
	fi
	pid1=$_child
}

stop_run() {
	"$PROBE" killtree "$bg"
	kill -KILL "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	return 0
}
