#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 51-sv-compat: Debian's own sv(8) drives pod1-supervise exactly as it
# drives runit's runsv. Each step runs the same sv verb on two twin
# services at once, ./p under pod1-supervise and ./r under runsv, and
# checks sv's printed line and exit code against a pattern AND against what
# runsv made sv print, then the stat and pid files and the 20 status bytes
# against runsv's. The app (probe signals) prints each signal it gets, so
# every signalling verb is seen to arrive. Controls: runsv ignores 'e'
# where pod1 takes it as x, and sv sees no supervisor once one has exited.
. "${0%/*}/../lib.sh"

command -v sv >/dev/null && command -v runsv >/dev/null ||
    skip_all "needs runit's sv and runsv (apt-get install runit)"
[ -x "$SUP" ] || skip_all "$SUP is not built"

# svnorm: sv's lines with the pid, the seconds and the name made constant
svnorm() {
	sed -e 's/(pid [0-9]*)/(pid N)/g' -e 's/ [0-9]*s\([,;]\)/ Ns\1/g' \
	    -e 's/ [0-9]*s$/ Ns/' -e 's,\./[pr][0-9]*\([:;]\),./S\1,g'
}

# both SUFFIX ARG...: "sv ARG... ./pSUFFIX" and the same on ./rSUFFIX at
# once; their normalised output and exit code in $gp/$rp and $gr/$rr
both() {
	_sfx=$1
	shift
	(cd "$T" && sv "$@" "./r$_sfx" >"$T/r.sv" 2>&1
	echo $? >"$T/r.rc") &
	_bp=$!
	(cd "$T" && sv "$@" "./p$_sfx" >"$T/p.sv" 2>&1)
	rp=$?
	wait "$_bp"
	rr=$(cat "$T/r.rc")
	gp=$(svnorm <"$T/p.sv")
	gr=$(svnorm <"$T/r.sv")
}

# The 20 status bytes as decimals, and their parts.
bytes() {
	od -An -tu1 -v "$1/supervise/status" | tr -s ' \n' '  ' |
	    sed 's/^ //; s/ $//'
}
# flags: paused, want, TERM flag, state (bytes 16-19)
flags() {
	bytes "$1" | cut -d' ' -f17-20
}
# the little-endian pid of bytes 12-15
spid() {
	set -- $(bytes "$1" | cut -d' ' -f13-16)
	echo $(($1 + $2 * 256 + $3 * 65536 + $4 * 16777216))
}
# the TAI64 label of bytes 0-7 minus 2^62 + 10: unix seconds
sstamp() {
	set -- $(bytes "$1" | cut -d' ' -f1-8)
	[ "$1" = 64 ] || return 1
	echo $(((((((($2 * 256 + $3) * 256 + $4) * 256 + $5) * 256 + $6) \
	    * 256 + $7) * 256 + $8) - 10))
}

# shape DIR: status is 20 bytes, 0x40 first, a stamp near now, its pid
# that of the pid file, which is empty when nothing runs
shape() {
	[ "$(wc -c <"$1/supervise/status")" -eq 20 ] || return 1
	_s=$(sstamp "$1") || return 1
	_now=$(date +%s)
	[ "$_s" -le "$_now" ] && [ "$_s" -ge $((_now - 30)) ] || return 1
	_p=$(spid "$1")
	if [ "$_p" -eq 0 ]; then
		[ ! -s "$1/supervise/pid" ]
	else
		[ "$(cat "$1/supervise/pid")" = "$_p" ]
	fi
}

statis() {
	[ "$(cat "$T/p$1/supervise/stat" 2>/dev/null)" = "$2" ] &&
	    [ "$(cat "$T/r$1/supervise/stat" 2>/dev/null)" = "$2" ]
}

# app_ready DIR: the pid in DIR's pid file is the probe, handlers set
app_ready() {
	_p=$(cat "$1/supervise/pid" 2>/dev/null)
	[ -n "$_p" ] && grep -q "^ready $_p " "$1/sig.out" 2>/dev/null
}

# heard DIR SIG: the app printed SIG after its last "ready" line
heard() {
	sed -n '/^ready /h; /^ready /!H; ${x;p;}' "$1/sig.out" |
	    grep -q -x "$2"
}

# nheard DIR: how many HUP, USR1 and USR2 the app printed since "ready"
nheard() {
	sed -n '/^ready /h; /^ready /!H; ${x;p;}' "$1/sig.out" |
	    grep -c -x -e HUP -e USR1 -e USR2
}

# step SUFFIX "VERB" PATTERN RC STAT: sv VERB on both twins; sv's line
# matches PATTERN (normalised) and equals runsv's, both exit RC, then
# both stat files say STAT and the status bytes agree
step() {
	_sfx=$1 _verb=$2 _pat=$3 _rc=$4 _stat=$5
	both "$_sfx" $_verb
	like "$gp" "$_pat" "sv $_verb: pod1 prints '$_pat'"
	is "$gp" "$gr" "sv $_verb: the same as under runsv"
	is "$rp $rr" "$_rc $_rc" "sv $_verb: exit code $_rc under both"
	wait_for 5 statis "$_sfx" "$_stat"
	is "$(cat "$T/p$_sfx/supervise/stat")" "$_stat" \
	    "sv $_verb: stat says '$_stat'"
	wait_for 5 eval '[ "$(flags "$T/p$_sfx")" = "$(flags "$T/r$_sfx")" ]'
	is "$(flags "$T/p$_sfx")" "$(flags "$T/r$_sfx")" \
	    "sv $_verb: status bytes 16-19 as runsv's"
	ok "sv $_verb: 20 bytes, TAI64 stamp, pid as the pid file" \
	    shape "$T/p$_sfx"
}

start_twins() {
	_sfx=$1
	(cd "$T" && exec "$SUP" "p$_sfx") >"$T/sup$_sfx.out" \
	    2>"$T/sup$_sfx.err" &
	eval "psup$_sfx=\$!"
	(cd "$T" && exec runsv "r$_sfx") >"$T/runsv$_sfx.out" \
	    2>"$T/runsv$_sfx.err" &
	eval "rsup$_sfx=\$!"
	wait_for 5 test -p "$T/p$_sfx/supervise/ok" &&
	    wait_for 5 test -p "$T/r$_sfx/supervise/ok"
}

app='exec "'$PROBE'" signals -x TERM >>sig.out'
for d in p r; do
	mksvc "$T/$d" "$app"
	mksvc "$T/${d}2" "$app"
	: >"$T/${d}2/down"
	mksvc "$T/${d}3" 'exec "'$PROBE'" ignore-term >>sig.out'
	# pod1's own KILL must not come before sv's timeout
	echo 60000 >"$T/${d}3/timeout-kill"
done

ok "pod1-supervise and runsv start" start_twins ""
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"
ok "both apps run" statis "" run

step "" status 'run: ./S: (pid N) Ns' 0 run
ok "status: the pid sv prints is the app's" \
    grep -q "(pid $(cat "$T/p/supervise/pid")) " "$T/p.sv"
step "" down '' 0 down
ok "down: the app got TERM" heard "$T/p" TERM
is "$(wc -c <"$T/p/supervise/pid")" 0 "down: the pid file is empty"
step "" status 'down: ./S: Ns, normally up' 0 down
step "" up '' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"
step "" once '' 0 'run, want down'
step "" status 'run: ./S: (pid N) Ns, want down' 0 'run, want down'
step "" pause '' 0 'run, paused, want down'
ok "pause: the app is stopped" stopped "$(cat "$T/p/supervise/pid")"
step "" status 'run: ./S: (pid N) Ns, paused, want down' 0 \
    'run, paused, want down'
step "" cont '' 0 'run, want down'
ok "cont: the app runs again" wait_for 5 eval \
    '! stopped "$(cat "$T/p/supervise/pid")"'
ok "cont: the app got CONT" wait_for 5 heard "$T/p" CONT
step "" up '' 0 run
for v in hup:HUP alarm:ALRM interrupt:INT quit:QUIT 1:USR1 2:USR2; do
	step "" "${v%:*}" '' 0 run
	ok "${v%:*}: the app got ${v#*:}" wait_for 5 heard "$T/p" "${v#*:}"
	ok "${v%:*}: and so did runsv's" wait_for 5 heard "$T/r" "${v#*:}"
done
# pod1 takes several bytes in one write, in order, as runsv does
n_p=$(nheard "$T/p") n_r=$(nheard "$T/r")
printf 'h12' >"$T/p/supervise/control"
printf 'h12' >"$T/r/supervise/control"
ok "'h12' in one write: HUP, USR1 and USR2 arrive" wait_for 5 eval \
    '[ "$(nheard "$T/p")" -eq $((n_p + 3)) ]'
ok "'h12' in one write: as they do under runsv" wait_for 5 eval \
    '[ "$(nheard "$T/r")" -eq $((n_r + 3)) ]'

old=$(cat "$T/p/supervise/pid")
step "" term '' 0 run
ok "term: the app got TERM and a new one runs" wait_for 5 eval \
    '[ "$(cat "$T/p/supervise/pid")" != "$old" ] && app_ready "$T/p"'
wait_for 5 app_ready "$T/r"
old=$(cat "$T/p/supervise/pid")
step "" kill '' 0 run
ok "kill: a new app runs" wait_for 5 eval \
    '[ "$(cat "$T/p/supervise/pid")" != "$old" ] && app_ready "$T/p"'
wait_for 5 app_ready "$T/r"

# the paused flag lasts until the next start, as in runsv
step "" pause '' 0 'run, paused'
old=$(cat "$T/p/supervise/pid")
step "" kill '' 0 run
ok "kill while paused: a new app, not paused" wait_for 5 eval \
    '[ "$(cat "$T/p/supervise/pid")" != "$old" ] && app_ready "$T/p"'
wait_for 5 app_ready "$T/r"
step "" pause '' 0 'run, paused'
step "" down '' 0 'down, paused'
step "" status 'down: ./S: Ns, normally up' 0 'down, paused'
step "" up '' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"

old=$(cat "$T/p/supervise/pid")
printf 'tcu' >"$T/p/supervise/control"
printf 'tcu' >"$T/r/supervise/control"
ok "'tcu' in one write: restarted, a new pid" wait_for 5 eval \
    '[ "$(cat "$T/p/supervise/pid")" != "$old" ] && app_ready "$T/p"'
wait_for 5 app_ready "$T/r"
ok "'tcu' in one write: and wanted up" statis "" run

step "" '-w 10 restart' 'ok: run: ./S: (pid N) Ns' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"
step "" '-w 10 check' 'ok: run: ./S: (pid N) Ns' 0 run
step "" '-w 10 stop' 'ok: down: ./S: Ns, normally up' 0 down
step "" '-w 10 check' 'ok: down: ./S: Ns, normally up' 0 down
step "" '-w 10 start' 'ok: run: ./S: (pid N) Ns' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"
step "" '-w 10 force-stop' 'ok: down: ./S: Ns, normally up' 0 down
step "" '-w 10 force-restart' 'ok: run: ./S: (pid N) Ns' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"

# LSB mode, sv under the service's own name: status is 0 up, 3 down
mkdir "$T/lsb"
ln -s "$(command -v sv)" "$T/lsb/p"
ln -s "$(command -v sv)" "$T/lsb/r"
lsb() {
	SVDIR=$T "$T/lsb/p" "$@" >/dev/null
	_lp=$?
	SVDIR=$T "$T/lsb/r" "$@" >/dev/null
	echo "$_lp $?"
}
is "$(lsb status)" "0 0" "LSB status of a running service: 0, as runsv"
is "$(lsb stop)" "0 0" "LSB stop: 0, as runsv"
is "$(lsb status)" "3 3" "LSB status of a down service: 3, as runsv"
step "" '-w 10 start' 'ok: run: ./S: (pid N) Ns' 0 run
wait_for 5 app_ready "$T/p" && wait_for 5 app_ready "$T/r"

# ./check decides 'up' for sv: failing, sv -w times out
printf '#!/bin/sh\ntest -e healthy\n' >"$T/p/check"
cp "$T/p/check" "$T/r/check"
chmod +x "$T/p/check" "$T/r/check"
step "" '-w 1 start' 'timeout: run: ./S: (pid N) Ns' 1 run
: >"$T/p/healthy" && : >"$T/r/healthy"
step "" '-w 10 check' 'ok: run: ./S: (pid N) Ns' 0 run
rm -f "$T/p/check" "$T/r/check"

# a service that ignores TERM: sv's timeouts, then force-stop's KILL
ok "twins of a TERM-ignoring app start" start_twins 3
wait_for 5 app_ready "$T/p3" && wait_for 5 app_ready "$T/r3"
step 3 '-w 1 stop' 'timeout: run: ./S: (pid N) Ns, want down, got TERM' 1 \
    'run, got TERM, want down'
step 3 '-w 1 force-stop' 'kill: run: ./S: (pid N) Ns, want down, got TERM' \
    1 down
step 3 status 'down: ./S: Ns, normally up' 0 down
# the exit code counts the services that failed; a second supervisor
# of a dir is locked out
(cd "$T" && sv u ./p3 ./r3)
wait_for 5 app_ready "$T/p3" && wait_for 5 app_ready "$T/r3"
(cd "$T" && sv -w 1 stop ./p3 ./r3 ./p3 >/dev/null)
is "$?" 3 "sv -w 1 stop of three stuck services exits 3"
(cd "$T" && exec "$SUP" p3) >/dev/null 2>"$T/second.err"
is "$?" 111 "a second pod1-supervise on a locked dir exits 111"
like "$(cat "$T/second.err")" '*unable to lock*' "and says why"
(cd "$T" && sv k ./p3 ./r3 && sv x ./p3 ./r3)
ok "both supervisors of the stuck app exit" eval \
    'wait_for 5 dead "$psup3" && wait_for 5 dead "$rsup3"'

# a service that is normally down
ok "twins of a service with a down file start" start_twins 2
step 2 status 'down: ./S: Ns' 0 down
# sv -w once may print before or after the start (its own race): no -w
step 2 once '' 0 'run, want down'
wait_for 5 app_ready "$T/p2" && wait_for 5 app_ready "$T/r2"
step 2 status 'run: ./S: (pid N) Ns, normally down, want down' 0 \
    'run, want down'
step 2 up '' 0 run
step 2 status 'run: ./S: (pid N) Ns, normally down' 0 run

# exit: the supervisor takes the app down and leaves; sv then says so
step "" exit '' 0 down
ok "exit: pod1-supervise has exited" wait_for 5 dead "$psup"
ok "exit: runsv too" wait_for 5 dead "$rsup"
wait "$psup"
is "$?" 0 "exit: pod1-supervise exits 0"
step "" status 'fail: ./S: runsv not running' 1 down
step "" exit 'ok: ./S: runsv not running' 0 down
rm -rf "$T/p/supervise" "$T/r/supervise"
both "" status
like "$gp" 'warning: ./S: unable to open supervise/ok: file does not exist' \
    "no supervise dir: sv warns"
is "$gp $rp" "$gr $rr" "no supervise dir: as under runsv"

# 'e' is pod1's alias of x; runsv ignores it
printf e >"$T/p2/supervise/control"
printf e >"$T/r2/supervise/control"
ok "e: pod1-supervise exits" wait_for 5 dead "$psup2"
wait "$psup2"
is "$?" 0 "e: with status 0"
nok "control: runsv ignores e" wait_for 1 dead "$rsup2"

(cd "$T" && sv x ./r2)
wait_for 5 dead "$rsup2"

done_testing
