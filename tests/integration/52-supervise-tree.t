#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 52-supervise-tree: pod1-supervise stops the app's whole process tree,
# with its own cgroup v2 and, where there is none (a tmpfs over
# /sys/fs/cgroup in a mount namespace), by session and as a subreaper:
# a daemon that double-forked away from run is gone after sv down and
# before a restart, KILL follows TERM after timeout-kill, a start KILLs
# what a stopped (or once) run left, x waits for the KILL of a TERM-deaf
# daemon, SIGTERM to the supervisor is x. Then pod1-supervise is killed
# with -9 twenty times while its app runs: never two instances, the old
# one gone once the new supervisor has started. Controls: runit's runsv
# on the same services leaves the daemon alive, waits forever for a
# TERM-deaf app and, killed -9 and started again, runs a second instance;
# a daemon that left the cgroup escapes; timeout-kill 0 never KILLs.
. "${0%/*}/../lib.sh"

CG=/sys/fs/cgroup/unified
command -v sv >/dev/null && command -v runsv >/dev/null ||
    skip_all "needs runit's sv and runsv (apt-get install runit)"
[ -x "$SUP" ] || skip_all "$SUP is not built"

# with_cg / no_cg CMD...: exec CMD as is, or where no cgroup v2 can be
# found; the same pid either way
with_cg() {
	exec "$@"
}
no_cg() {
	exec unshare -m sh -c 'mount -t tmpfs nocgroup /sys/fs/cgroup &&
	    exec "$0" "$@"' "$@"
}

# supervise HOW NAME: pod1-supervise on $T/NAME, HOW with_cg or no_cg;
# its pid in $sup and $sup_NAME
supervise() {
	(cd "$T" && "$1" "$SUP" "$2") >>"$T/$2.sup" 2>&1 &
	sup=$!
	eval "sup_$2=\$sup"
	wait_for 5 test -p "$T/$2/supervise/ok"
}

# the cgroup pod1-supervise makes for a service dir
cgroup_of() {
	echo "$CG/pod1-$(stat -c %d "$T/$1")-$(stat -c %i "$T/$1")"
}

# in_cg PID NAME: the process is in the service's cgroup
in_cg() {
	grep -q "^0::.*/pod1-$(stat -c %d "$T/$2")-$(stat -c %i "$T/$2")\$" \
	    "/proc/$1/cgroup" 2>/dev/null
}

# daemon NAME: the pid the double-forked daemon reported, when it is up
daemon() {
	sed -n 's/^ready \([0-9]*\) .*/\1/p' "$T/$1/daemon.out" 2>/dev/null |
	    tail -n 1
}
daemon_up() {
	_dp=$(daemon "$1")
	[ -n "$_dp" ] && alive "$_dp"
}

# the first daemon reported, the first run's
first_daemon() {
	sed -n 's/^ready \([0-9]*\) .*/\1/p' "$T/$1/daemon.out" | head -n 1
}

# two daemons reported: the first run's and the second's
atleast2() {
	[ "$(grep -c '^ready ' "$T/$1/daemon.out" 2>/dev/null)" -ge 2 ]
}

app() {
	cat "$T/$1/supervise/pid" 2>/dev/null
}

# sid PID: the session of a process
sid() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f4
}

have_cg=
if [ -w "$CG/cgroup.procs" ]; then
	have_cg=1
fi

# The daemon: probe spawn double-forks and setsid()s it, and exits once
# it is up; run then becomes the app.
spawn='"'$PROBE'" spawn pause >>daemon.out
exec "'$PROBE'" pause'
spawn_deaf='"'$PROBE'" spawn ignore-term >>daemon.out
exec "'$PROBE'" pause'

for how in with_cg no_cg; do
	if [ "$how" = with_cg ] && [ -z "$have_cg" ]; then
		skip "no writable cgroup v2 at $CG"
		continue
	fi
	s=d_$how
	mksvc "$s" "$spawn"
	supervise "$how" "$s"
	ok "$how: the app and its daemon run" wait_for 5 daemon_up "$s"
	d=$(daemon "$s")
	if [ "$how" = with_cg ]; then
		ok "$how: the daemon is in the service's cgroup" in_cg "$d" "$s"
	else
		nok "$how: the daemon is in no cgroup of ours" in_cg "$d" "$s"
	fi
	nok "$how: the daemon left run's session" eval \
	    '[ "$(sid "$d")" -eq "$(app "$s")" ]'
	(cd "$T" && sv -w 5 down "./$s") >/dev/null
	ok "$how: sv down: the double-forked daemon is gone" \
	    wait_for 5 dead "$d"

	# a run that dies while wanted up: its leftovers go before a restart
	s=r_$how
	mksvc "$s" '"'$PROBE'" spawn pause >>daemon.out
[ -e once ] && exec "'$PROBE'" pause
: >once
exit 1'
	supervise "$how" "$s"
	ok "$how: the first run left a daemon and died" eval \
	    'wait_for 5 test -e "$T/$s/once" && wait_for 5 atleast2 "$s"'
	d1=$(first_daemon "$s")
	ok "$how: its daemon was killed before the restart" \
	    wait_for 5 dead "$d1"
	ok "$how: the second run's daemon lives" daemon_up "$s"

	# KILL after timeout-kill, for the daemon deaf to TERM
	s=k_$how
	mksvc "$s" "$spawn_deaf" timeout-kill=300
	supervise "$how" "$s"
	wait_for 5 daemon_up "$s"
	d=$(daemon "$s")
	(cd "$T" && sv d "./$s")
	ok "$how: a TERM-deaf daemon is KILLed after timeout-kill" \
	    wait_for 5 dead "$d"
	s=k0_$how
	mksvc "$s" "$spawn_deaf" timeout-kill=0
	supervise "$how" "$s"
	wait_for 5 daemon_up "$s"
	d=$(daemon "$s")
	(cd "$T" && sv -w 5 d "./$s") >/dev/null
	nok "$how: control: timeout-kill 0: it never is" wait_for 1 dead "$d"
	# but a start begins with an empty tree
	(cd "$T" && sv -w 5 u "./$s") >/dev/null
	ok "$how: until the next start KILLs it" wait_for 5 dead "$d"
	ok "$how: and the new run's daemon lives" wait_for 5 eval \
	    '[ "$(daemon "$s")" != "$d" ] && daemon_up "$s"'
	# (which x would leave behind, never KILLed)
	kill -KILL "$(daemon "$s")"

	# d then u before the KILL deadline: no second instance either
	s=du_$how
	mksvc "$s" "$spawn_deaf" timeout-kill=2000
	supervise "$how" "$s"
	wait_for 5 daemon_up "$s"
	d=$(daemon "$s")
	(cd "$T" && sv -w 5 d "./$s" && sv -w 5 u "./$s") >/dev/null
	t0=$(now_ms)
	wait_for 5 dead "$d"
	g=$(($(now_ms) - t0))
	ok "$how: d, u within timeout-kill: the old daemon dies at the start \
(${g} ms)" test "$g" -lt 1000
	ok "$how: one daemon, the new one" wait_for 5 eval \
	    '[ "$(daemon "$s")" != "$d" ] && daemon_up "$s"'
	# x waits for the KILL of a deaf daemon before leaving
	d=$(daemon "$s")
	eval "p=\$sup_$s"
	(cd "$T" && sv x "./$s")
	ok "$how: x: pod1-supervise exits" wait_for 5 dead "$p"
	ok "$how: x: only once the deaf daemon is dead" dead "$d"
	if [ "$how" = with_cg ]; then
		ok "$how: x: its cgroup removed" eval \
		    '[ ! -d "$(cgroup_of "$s")" ]'
	fi

	# once, then up: what the once left goes at the start
	s=o_$how
	mksvc "$s" '"'$PROBE'" spawn pause >>daemon.out
[ -e stay ] && exec "'$PROBE'" pause
exit 0' down=
	supervise "$how" "$s"
	(cd "$T" && sv once "./$s")
	ok "$how: once: the run left a daemon and ended" wait_for 5 eval \
	    'daemon_up "$s" && [ "$(cat "$T/$s/supervise/stat")" = down ]'
	d=$(daemon "$s")
	: >"$T/$s/stay"
	(cd "$T" && sv -w 5 u "./$s") >/dev/null
	ok "$how: then up: the new run's daemon alone" wait_for 5 eval \
	    '[ "$(daemon "$s")" != "$d" ] && daemon_up "$s" && dead "$d"'

	# SIGTERM to the supervisor is x
	s=d_$how
	(cd "$T" && sv -w 5 u "./$s") >/dev/null
	wait_for 5 eval '[ "$(daemon "$s")" != "$d" ] && daemon_up "$s"'
	d=$(daemon "$s") a=$(app "$s")
	eval "p=\$sup_$s"
	kill -TERM "$p"
	ok "$how: SIGTERM: pod1-supervise exits" wait_for 5 dead "$p"
	ok "$how: having stopped the app and its daemon" eval \
	    'dead "$a" && dead "$d"'
	if [ "$how" = with_cg ]; then
		ok "$how: and removed its cgroup" eval \
		    '[ ! -d "$(cgroup_of "$s")" ]'
	fi
	for s in r_$how k_$how k0_$how o_$how; do
		(cd "$T" && sv x "./$s")
	done
done

# Controls under runit's runsv: the same services, no tree tracking.
s=d_runsv
mksvc "$s" "$spawn"
(cd "$T" && exec runsv "$s") >"$T/$s.sup" 2>&1 &
rsup=$!
ok "runsv: the app and its daemon run" wait_for 5 daemon_up "$s"
d=$(daemon "$s")
(cd "$T" && sv -w 5 down "./$s") >/dev/null
nok "runsv: control: sv down leaves the daemon alive" wait_for 1 dead "$d"
kill -KILL "$d"
s=r_runsv
mksvc "$s" '"'$PROBE'" spawn pause >>daemon.out
[ -e once ] && exec "'$PROBE'" pause
: >once
exit 1'
(cd "$T" && exec runsv "$s") >"$T/$s.sup" 2>&1 &
ok "runsv: the first run left a daemon and died" eval \
    'wait_for 5 test -e "$T/$s/once" && wait_for 5 atleast2 "$s"'
d1=$(first_daemon "$s")
nok "runsv: control: its daemon outlives the restart" wait_for 1 dead "$d1"
kill -KILL "$d1" "$(daemon "$s")"
(cd "$T" && sv x "./$s")
s=t_runsv
mksvc "$s" 'exec "'$PROBE'" ignore-term'
mksvc t_pod1 'exec "'$PROBE'" ignore-term' timeout-kill=300
(cd "$T" && exec runsv "$s") >"$T/$s.sup" 2>&1 &
tsup=$!
supervise with_cg t_pod1
wait_for 5 eval '[ -n "$(app t_runsv)" ] && [ -n "$(app t_pod1)" ]'
out=$(cd "$T" && sv -w 4 stop ./t_pod1 2>&1)
is "$? ${out%%:*}" "0 ok" "timeout-kill 300: sv -w 4 stop of a TERM-deaf app"
out=$(cd "$T" && sv -w 1 stop ./t_runsv 2>&1)
is "$? ${out%%:*}" "1 timeout" "runsv: control: sv -w 1 stop times out"
(cd "$T" && sv k ./t_runsv && sv x ./t_runsv ./d_runsv ./t_pod1)

# Control for the cgroup: a daemon that moves itself out of it escapes.
if [ -n "$have_cg" ]; then
	s=e_cg
	mksvc "$s" '"'$PROBE'" spawn pause >>daemon.out
d=$(sed -n "s/^ready \([0-9]*\) .*/\1/p" daemon.out | tail -n 1)
echo "$d" >"'$CG'/cgroup.procs"
: >escaped
exec "'$PROBE'" pause'
	supervise with_cg "$s"
	wait_for 5 eval 'daemon_up "$s" && [ -e "$T/$s/escaped" ]'
	d=$(daemon "$s")
	nok "cgroup: control: the escaped daemon is out of it" in_cg "$d" "$s"
	(cd "$T" && sv -w 5 down "./$s") >/dev/null
	nok "cgroup: control: and survives sv down" wait_for 1 dead "$d"
	kill -KILL "$d"
	(cd "$T" && sv x "./$s")
fi

# kill -9 of the supervisor, twenty times, with and without a cgroup.
# The app is probe under a name of its own, so it can be counted; each
# run counts it too, before it execs, and notes any other instance.
ln -s "$PROBE" "$T/k9-app"
count() {
	grep -l -a "$T/k9-[a]pp" /proc/[0-9]*/cmdline 2>/dev/null | wc -l
}
k9run='n=$(grep -l -a "'$T'/k9-[a]pp" /proc/[0-9]*/cmdline 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || echo "$n at start $$" >>"../${PWD##*/}.dups"
echo $$ >>starts
exec "'$T'/k9-app" pause'
for how in with_cg no_cg; do
	if [ "$how" = with_cg ] && [ -z "$have_cg" ]; then
		skip "no writable cgroup v2 at $CG"
		continue
	fi
	s=k9_$how
	mksvc "$s" "$k9run"
	supervise "$how" "$s"
	wait_for 5 eval '[ -n "$(app "$s")" ] && [ "$(count)" -eq 1 ]'
	bad=
	for i in $(seq 20); do
		a=$(app "$s")
		kill -KILL "$sup"
		wait "$sup" 2>/dev/null
		if ! alive "$a" || [ "$(count)" -ne 1 ]; then
			bad="$bad $i:orphan"
		fi
		supervise "$how" "$s"
		if ! wait_for 5 eval '[ "$(app "$s")" != "$a" ] &&
		    [ -n "$(app "$s")" ]'; then
			bad="$bad $i:nostart"
			break
		fi
		dead "$a" || bad="$bad $i:old-alive"
		wait_for 5 eval '[ "$(count)" -eq 1 ]' ||
		    bad="$bad $i:count=$(count)"
	done
	is "$bad" "" "$how: 20 kill -9s: the old app outlives its supervisor, \
is gone once a new one has started; one app each time"
	is "$(cat "$T/$s.dups" 2>/dev/null)" "" \
	    "$how: no run ever saw another instance at its start"
	is "$(wc -l <"$T/$s/starts")" 21 "$how: 21 starts"
	if [ "$how" = with_cg ]; then
		ok "$how: the last app runs in the service's cgroup" \
		    in_cg "$(app "$s")" "$s"
	fi
	(cd "$T" && sv -w 5 x "./$s") >/dev/null
	ok "$how: after sv x, no instance" \
	    wait_for 5 eval '[ "$(count)" -eq 0 ]'
done
# control: runit's runsv, killed with -9, and a new one: two instances
s=k9_runsv
mksvc "$s" "$k9run"
(cd "$T" && exec runsv "$s") >"$T/$s.sup" 2>&1 &
rsup=$!
wait_for 5 eval '[ "$(count)" -eq 1 ]'
kill -KILL "$rsup"
wait "$rsup" 2>/dev/null
(cd "$T" && exec runsv "$s") >>"$T/$s.sup" 2>&1 &
rsup=$!
ok "runsv: control: after a kill -9 of runsv, a new one starts a second" \
    wait_for 5 eval '[ "$(count)" -eq 2 ]'
like "$(cat "$T/$s.dups" 2>/dev/null)" "1 at start *" \
    "runsv: control: which saw the first at its start"
(cd "$T" && sv x "./$s")
wait_for 5 dead "$rsup"
kill -KILL $(grep -l -a "$T/k9-[a]pp" /proc/[0-9]*/cmdline 2>/dev/null |
    sed 's,/proc/\([0-9]*\)/cmdline,\1,')

no_cgroup_left() {
	_left=
	for _d in "$T"/*/; do
		_d=${_d%/}
		[ ! -d "$(cgroup_of "${_d##*/}")" ] || _left="$_left ${_d##*/}"
	done
	[ -z "$_left" ] && return 0
	diag "cgroups left:$_left"
	return 1
}
if [ -n "$have_cg" ]; then
	ok "no cgroup of these services is left" no_cgroup_left
fi

done_testing
