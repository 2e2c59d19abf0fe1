# SPDX-License-Identifier: ISC
# bench/lib.sh: what the bench scripts share, sourced from the top of the
# tree after each has set OUT (its raw data dir). BENCH_NOINSTALL=1 keeps
# install_peers from apt-get.

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 111; }

# median of the numbers on stdin (the mean of the middle two for an even
# count)
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]
	    else if (NR) print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wait_for SECS CMD...: bounded polling, as the tests do
wait_for() {
	_end=$(($(date +%s%3N) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(date +%s%3N)" -lt "$_end" ] || return 1
		sleep 0.02
	done
}

# install_peers PKG...: install the packages not installed yet, when we
# may (root, and not BENCH_NOINSTALL=1); a peer still missing afterwards
# has a row that says so. The log goes to $OUT/apt.log.
install_peers() {
	_missing=
	for _p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$_p" 2>/dev/null |
		    grep -q 'ok installed' || _missing="$_missing $_p"
	done
	[ -n "$_missing" ] || return 0
	if [ "$(id -u)" != 0 ] || [ "${BENCH_NOINSTALL:-}" = 1 ]; then
		say "bench: NOT installing$_missing (not root, or" \
		    "BENCH_NOINSTALL=1): their rows will say 'not installed'"
		return 0
	fi
	say "bench: apt-get install -y$_missing (log: $OUT/apt.log)"
	# shellcheck disable=SC2086
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y $_missing ||
	    { apt-get update &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y $_missing; }
	} >"$OUT/apt.log" 2>&1 ||
	    say "bench: apt-get FAILED (see $OUT/apt.log): missing peers" \
	    "will say 'not installed'"
}

# nspids HOSTPID: every pid in the PID namespace of HOSTPID
nspids() {
	_ns=$(readlink "/proc/$1/ns/pid") || return
	for _d in /proc/[0-9]*; do
		[ "$(readlink "$_d/ns/pid" 2>/dev/null)" = "$_ns" ] &&
		    echo "${_d#/proc/}"
	done
}

# child_of PID: a child of PID (the first /proc lists)
child_of() {
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null |
	    sed -n '1s,^/proc/\([0-9]*\)/status$,\1,p'
}
