#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 90-supervise-kill: pod1-init -d over ten services (five with a logger,
# one whose run leaves its dir before it execs the app, as pod1-exec's
# apps do), and their pod1-supervise killed -9 a hundred times, at moments
# that vary from "just started" to "long up": never two instances of an
# app.
# Each app's run takes an exclusive flock on a file of its own before it
# execs the app, which keeps the lock: a run that finds it taken logs a
# double. Then one app and one logger each, and TERM ends all in order.
# With and without a cgroup (a tmpfs over /sys/fs/cgroup). POD1_STRESS=1
# kills a thousand times. Control: runit's runsvdir, whose runsv is killed
# the same way, does start doubles, and the lock catches them.
. "${0%/*}/../lib.sh"

[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v flock >/dev/null || skip_all "needs flock (util-linux)"

NSVC=10
KILLS=100
[ -n "${POD1_STRESS:-}" ] && KILLS=1000
ln -s "$PROBE" "$T/app"

# mkpod DIR: the services s0..s9, s0..s4 with a logger
mkpod() {
	mkdir -p "$1.locks"
	i=0
	while [ "$i" -lt "$NSVC" ]; do
		# s9 leaves its service dir, as pod1-exec's apps do
		cd=
		[ "$i" -eq 9 ] && cd='cd .. && '
		mksvc "$1/s$i" 'exec 9>>"'$1'.locks/s'$i'"
flock -n 9 || echo "double s'$i'" >>"'$1'.doubles"
'"$cd"'exec "'$T'/app" pause'
		if [ "$i" -lt 5 ]; then
			mksvc "$1/s$i/log" 'exec "'$T'/app" splice out'
			echo 100 >"$1/s$i/log/backoff-max"
		fi
		i=$((i + 1))
	done
}

# sups PID: "NAME:PID" of each supervisor PID started, one a line
sups() {
	for _c in $(children "$1"); do
		_cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$_c/cmdline") || continue
		case $_cl in
		"pod1-supervise "* | "runsv "*)
			_n=${_cl#* }
			echo "${_n% }:$_c"
			;;
		esac
	done
}

# allsups PID: every service has a supervisor; sets $list
allsups() {
	list=$(sups "$1")
	[ "$(echo "$list" | grep -c :)" -eq "$NSVC" ]
}

# replaced PID OLDLIST: every supervisor differs from those of OLDLIST
replaced() {
	allsups "$1" || return 1
	for _e in $list; do
		case " $2 " in
		*" $_e "*) return 1 ;;
		esac
	done
}

# apps DIR: how many apps and loggers run from DIR, "A L"
apps() {
	_a=0 _l=0
	# [a]: grep's own command line must not match
	for _f in $(grep -l -a "$T/[a]pp" /proc/[0-9]*/cmdline 2>/dev/null); do
		_p=${_f%/cmdline}
		case $(readlink "$_p/cwd" 2>/dev/null) in
		"$1" | "$1"/*) ;;
		*) continue ;;
		esac
		case $(tr '\0' ' ' 2>/dev/null <"$_f") in
		"$T/app pause ") _a=$((_a + 1)) ;;
		"$T/app splice out ") _l=$((_l + 1)) ;;
		esac
	done
	echo "$_a $_l"
}

# storm PID KILLS: kill every supervisor at once, wait for the new ones,
# give them 0 to 50 ms, again, until KILLS kills; sets $killed
storm() {
	killed=0
	_r=0
	wait_for 10 allsups "$1" || return 1
	while [ "$killed" -lt "$2" ]; do
		_old=$list
		for _e in $_old; do
			kill -KILL "${_e#*:}" && killed=$((killed + 1))
		done
		wait_for 10 replaced "$1" "$_old" || return 1
		_r=$((_r + 1))
		case $((_r % 5)) in
		0) ;;
		1) sleep 0.001 ;;
		2) sleep 0.005 ;;
		3) sleep 0.02 ;;
		*) sleep 0.05 ;;
		esac
	done
}

nocg='mount -t tmpfs nocgroup /sys/fs/cgroup && exec "$0" "$@"'
m=sub
have_unshare && m=ns
for cg in ${CGS:-cg nocg}; do
	D=$T/$cg
	mkpod "$D"
	if [ "$cg" = cg ]; then
		start init "$m" "$INIT" -t 5 -d "$D"
	elif [ "$m" = ns ]; then
		start init "$m" sh -c "$nocg" "$INIT" -t 5 -d "$D"
	else
		start init "$m" unshare -m sh -c "$nocg" "$INIT" -t 5 -d "$D"
	fi
	ok "$m/$cg: ten services, five loggers" wait_for 10 eval \
	    '[ "$(apps "$D")" = "10 5" ]'
	t0=$(now_ms)
	ok "$m/$cg: $KILLS kill -9s of pod1-supervise, each replaced" \
	    storm "$pid1" "$KILLS"
	diag "$killed kills in $(($(now_ms) - t0)) ms"
	ok "$m/$cg: then ten apps and five loggers again" wait_for 10 eval \
	    '[ "$(apps "$D")" = "10 5" ]'
	is "$(cat "$D.doubles" 2>/dev/null)" "" "$m/$cg: never two instances"
	ok "$m/$cg: pod1-init lives" alive "$pid1"
	kill -TERM "$pid1"
	wait "$bg"
	is "$?" 0 "$m/$cg: TERM: exit 0"
	is "$(apps "$D")" "0 0" "$m/$cg: nothing left"
done

# control: runsv killed -9 leaves its app, and runsvdir's new runsv starts
# another one
if command -v runsvdir >/dev/null; then
	D=$T/runit
	mkpod "$D"
	start rsd sub runsvdir "$D"
	wait_for 10 eval '[ "$(apps "$D")" = "10 5" ]'
	storm "$pid1" 10
	ok "control: runsv killed, runsvdir starts doubles, the lock sees it" \
	    wait_for 10 grep -q double "$D.doubles"
	stop_run
else
	skip "control: runit's runsvdir is not installed"
fi

done_testing
