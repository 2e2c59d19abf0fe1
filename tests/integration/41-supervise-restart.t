#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 41-supervise-restart: when pod1-supervise starts ./run again. Each run
# writes its start time (date +%s%N), so the backoff is measured from the
# outside: first restart at once, then backoff-min doubling to backoff-max;
# a run that stayed up backoff-reset forgets past failures; control is
# served during a backoff; give-up-count leaves the service down; restart
# always|on-failure|never; sv t restarts without counting a failure;
# ./finish gets runit's arguments and the status flags runsv shows while
# it runs, checked against runit's own runsv; and a supervisor started
# with SIGCHLD ignored still sees run die.
# Each behaviour has its control: the same service without the setting
# (or under runsv) does the other thing. The services run side by side.
. "${0%/*}/../lib.sh"

command -v sv >/dev/null && command -v runsv >/dev/null ||
    skip_all "needs runit's sv and runsv (apt-get install runit)"
[ -x "$SUP" ] || skip_all "$SUP is not built"

# supervise NAME: pod1-supervise on $T/NAME in the background
supervise() {
	(cd "$T" && exec "$SUP" "$1") >>"$T/$1.sup" 2>&1 &
	eval "sup_$1=\$!"
}

# the state line of pod1's own status file
pod1() {
	cat "$T/$1/supervise/pod1" 2>/dev/null
}

# pod1has NAME LINE: supervise/pod1 has that line (a basic regex)
pod1has() {
	has_line "$T/$1/supervise/pod1" "$2"
}

# lines NAME FILE: how many lines FILE of the service has
lines() {
	if [ -f "$T/$1/$2" ]; then
		wc -l <"$T/$1/$2"
	else
		echo 0
	fi
}

atleast() {
	[ "$(lines "$1" "$2")" -ge "$3" ]
}

# gaps FILE: the ms between consecutive time stamps of FILE, one line
gaps() {
	awk 'NR > 1 { printf "%s%d", sep, ($1 - p) / 1000000; sep = " " }
	    { p = $1 }' "$1"
}

# within GAPS WANT...: each gap is within [want - 10, want + 180] ms
within() {
	_g=$1
	shift
	for _w; do
		_x=${_g%% *}
		_g=${_g#* }
		[ "$_x" -ge $((_w - 10)) ] && [ "$_x" -le $((_w + 180)) ] ||
		    return 1
	done
}

svn() {
	(cd "$T" && sv "$@") 2>&1 | sed -e 's/(pid [0-9]*)/(pid N)/' \
	    -e 's/ [0-9]*s\([,;]\)/ Ns\1/g' -e 's/ [0-9]*s$/ Ns/'
}

stamp='date +%s%N >>starts'
fail="$stamp; exit 1"
mksvc bo "$fail" backoff-min=200 backoff-max=800
# the 4th run stays up 600 ms, more than backoff-reset (400)
counted='n=$(($(cat n 2>/dev/null || echo 0) + 1)); echo $n >n
'$stamp'
[ $n -eq 4 ] && sleep 0.6
date +%s%N >>ends
exit 1'
mksvc rs "$counted" backoff-min=200 backoff-max=800 backoff-reset=400
mksvc nr "$counted" backoff-min=200 backoff-max=800 backoff-reset=5000
mksvc cb "$fail" backoff-min=2000
mksvc st "$stamp; exec \"$PROBE\" pause" backoff-min=2000
mksvc gu "$fail" backoff-min=50 give-up-count=3
mksvc ng "$fail" backoff-min=50 backoff-max=50
mksvc of0 "$stamp; exit 0" restart=on-failure
mksvc of1 "$stamp; exit 1" restart=on-failure backoff-min=50
mksvc nv "$stamp; exit 1" restart=never
mksvc al0 "$stamp; exit 0" backoff-min=50 backoff-max=50
mksvc nvt "$stamp; exec \"$PROBE\" pause" restart=never
# cb and st are timed from their own start, further down
for s in bo rs nr gu ng of0 of1 nv al0 nvt; do
	supervise "$s"
done

# backoff: ~0, 200, 400, 800, 800 ms between starts
ok "bo: six starts" wait_for 10 atleast bo starts 6
(cd "$T" && sv d ./bo)
g=$(gaps "$T/bo/starts" | cut -d' ' -f1-5)
ok "bo: gaps of ~0 200 400 800 800 ms (got $g)" within "$g" 0 200 400 800 800
ok "bo: supervise/pod1 counts the restarts" pod1has bo 'restarts [5-9]'
ok "bo: and the last exit" pod1has bo 'last-exit 1'

# backoff-reset: after the long 4th run, the 5th starts at once
ok "rs: five starts" wait_for 10 atleast rs starts 5
ok "nr: five starts" wait_for 10 atleast nr starts 5
(cd "$T" && sv d ./rs ./nr)
gap_after4() {
	echo $((($(sed -n 5p "$T/$1/starts") - $(sed -n 4p "$T/$1/ends")) \
	    / 1000000))
}
g=$(gap_after4 rs)
ok "rs: up longer than backoff-reset, restarted at once (${g} ms)" \
    test "$g" -lt 300
g=$(gap_after4 nr)
ok "nr: control: up less than backoff-reset, waits 800 ms (${g} ms)" \
    test "$g" -ge 790

# control during a backoff: status says down, want up; d takes effect
supervise cb
ok "cb: two quick starts, then a 2 s backoff" eval \
    'wait_for 5 atleast cb starts 2 && wait_for 5 pod1has cb "backoff-ms .*"'
like "$(svn status ./cb)" 'down: ./cb: Ns, normally up, want up' \
    "cb: sv status during the backoff: down, want up"
like "$(pod1 cb)" '*state down*backoff-ms [12][0-9][0-9][0-9]*' \
    "cb: supervise/pod1 shows the backoff left"
like "$(svn -w 1 down ./cb; echo "rc $?")" \
    'ok: down: ./cb: Ns, normally up*rc 0' "cb: sv -w 1 down during it: ok"
nok "cb: down holds: no start when the backoff is over" \
    wait_for 3 atleast cb starts 3
ok "cb: pod1 shows no backoff once down" eval '! pod1has cb "backoff-ms .*"'
t0=$(date +%s%N)
svn u ./cb >/dev/null
ok "cb: sv up starts it again" wait_for 5 atleast cb starts 3
g=$((($(sed -n 3p "$T/cb/starts") - t0) / 1000000))
ok "cb: at once, whatever the backoff (${g} ms)" test "$g" -lt 500
(cd "$T" && sv d ./cb)

# sv t: a restart asked for is no failure and waits for nothing
supervise st
ok "st: runs" wait_for 5 atleast st starts 1
for i in 2 3 4; do
	t0=$(date +%s%N)
	svn t ./st >/dev/null
	wait_for 5 atleast st starts "$i"
	g=$((($(sed -n "${i}p" "$T/st/starts") - t0) / 1000000))
	ok "st: sv t number $((i - 1)) restarts at once (${g} ms)" \
	    test "$g" -lt 500
done
ok "st: and counts the restarts" pod1has st 'restarts 3'
# control: TERM from elsewhere is a failure; the second one backs off
kill -TERM "$(cat "$T/st/supervise/pid")"
ok "st: control: a crash restarts at once" wait_for 5 atleast st starts 5
wait_for 5 eval 'pid=$(cat "$T/st/supervise/pid") && [ -n "$pid" ]'
kill -TERM "$(cat "$T/st/supervise/pid")"
ok "st: control: a second crash waits backoff-min" \
    wait_for 5 pod1has st 'backoff-ms [12][0-9][0-9][0-9]'
ok "st: control: the TERM is on record" pod1has st 'last-signal 15'
(cd "$T" && sv d ./st)

# give-up-count 3: three runs, then left down
ok "gu: three starts" wait_for 5 atleast gu starts 3
ok "gu: supervise/pod1 says it gave up" \
    wait_for 5 pod1has gu 'gave-up 3 failures within 60000 ms'
like "$(svn status ./gu)" 'down: ./gu: Ns, normally up' \
    "gu: sv status: down, no longer wanted up"
nok "gu: no fourth start" wait_for 1 atleast gu starts 4
ok "ng: control: without give-up-count it goes on" atleast ng starts 6
svn u ./gu >/dev/null
ok "gu: sv up tries again" wait_for 5 atleast gu starts 4
(cd "$T" && sv d ./ng ./gu)

# restart policies
ok "of0: on-failure, exit 0: started once" atleast of0 starts 1
ok "of1: on-failure, exit 1: restarted" atleast of1 starts 3
ok "nv: never, exit 1: started once" atleast nv starts 1
ok "al0: control: always, exit 0: restarted" atleast al0 starts 3
is "$(lines of0 starts) $(lines nv starts)" "1 1" \
    "of0, nv: still once each"
like "$(svn status ./of0 ./nv)" \
    'down: ./of0: Ns, normally up
down: ./nv: Ns, normally up' "of0, nv: sv says down, not wanted up"
ok "of0: last-exit 0 on record" pod1has of0 'last-exit 0'
ok "nv: last-exit 1 on record" pod1has nv 'last-exit 1'
like "$(svn -w 10 restart ./nvt)" 'ok: run: ./nvt: (pid N) Ns' \
    "nvt: never, but sv restart restarts"
is "$(lines nvt starts)" 2 "nvt: a second start"
(cd "$T" && sv d ./of1 ./al0 ./nvt)

# finish: runit's arguments, next to runsv's on a twin service
fin='echo "$1 $2" >>fin
while [ -e hold ]; do sleep 0.01; done'
runbody='if [ -e code ]; then c=$(cat code); rm code; exit $c; fi
exec "'$PROBE'" pause >>app.out'
for d in fp fr; do
	mksvc "$d" "$runbody"
	printf '#!/bin/sh\n%s\n' "$fin" >"$T/$d/finish"
	chmod +x "$T/$d/finish"
done
supervise fp
(cd "$T" && exec runsv fr) >"$T/fr.sup" 2>&1 &
rsup=$!
# app_ready DIR: the pid file names a probe that is up
app_ready() {
	_p=$(cat "$T/$1/supervise/pid" 2>/dev/null)
	[ -n "$_p" ] && grep -q "^ready $_p " "$T/$1/app.out" 2>/dev/null
}
both_ready() {
	wait_for 5 app_ready fp && wait_for 5 app_ready fr
}
both_fin() {
	wait_for 5 atleast fp fin "$1" && wait_for 5 atleast fr fin "$1"
}
ok "finish: both apps run" both_ready
echo 0 >"$T/fp/code" && echo 0 >"$T/fr/code"
(cd "$T" && sv k ./fp ./fr)
ok "finish: after kill, and after exit 0" both_fin 2
both_ready
echo 3 >"$T/fp/code" && echo 3 >"$T/fr/code"
(cd "$T" && sv t ./fp ./fr)
ok "finish: after TERM, and after exit 3" both_fin 4
both_ready
is "$(cat "$T/fp/fin" | tr '\n' ,)" "-1 9,0 0,-1 15,3 0," \
    "finish: pod1 passes -1 9, 0 0, -1 15, 3 0"
is "$(cat "$T/fp/fin")" "$(cat "$T/fr/fin")" "finish: as runsv does"
# while finish runs: state finish, its pid, no flag of the run's (runsv
# clears paused and got TERM at every start, finish's too)
: >"$T/fp/hold" && : >"$T/fr/hold"
statis() {
	[ "$(cat "$T/fp/supervise/stat")" = "$1" ] &&
	    [ "$(cat "$T/fr/supervise/stat")" = "$1" ]
}
flags() {
	od -An -tu1 -j16 "$T/$1/supervise/status" | tr -s ' '
}
# fstep VERB STAT: sv VERB on both, then both stat files say STAT and
# sv status and the flag bytes are the same
fstep() {
	(cd "$T" && sv "$1" ./fp ./fr)
	ok "finish: sv $1: stat says '$2'" wait_for 5 statis "$2"
	is "$(svn status ./fp | sed 's/fp/S/')" \
	    "$(svn status ./fr | sed 's/fr/S/')" "finish: sv $1: as runsv"
	is "$(flags fp)" "$(flags fr)" "finish: sv $1: flag bytes as runsv's"
}
fstep term finish
like "$(svn status ./fp)" 'finish: ./fp: (pid N) Ns' \
    "finish: sv status says finish"
ok "finish: supervise/pod1 says state finish" pod1has fp 'state finish'
fpid=$(cat "$T/fp/supervise/pid")
ok "finish: the pid is finish's" \
    grep -q finish "/proc/$fpid/cmdline"
fstep pause 'finish, paused'
fstep cont finish
fstep down 'finish, want down'
rm -f "$T/fp/hold" "$T/fr/hold"
ok "finish: then down" wait_for 5 statis down
is "$(tail -n 1 "$T/fp/fin")" "-1 15" "finish: after TERM: -1 15"
fstep up run
ok "finish: and up again" both_ready
(cd "$T" && sv x ./fr)

# Started with SIGCHLD (and HUP) ignored, as some parents leave it: the
# kernel would then reap run unseen and the service look up forever.
mksvc ig "$stamp"'
"'$PROBE'" sigmask >>mask.out
exec "'$PROBE'" pause'
"$PROBE" sigsetup -i CHLD -i HUP -- "$PROBE" sigmask >"$T/igmask"
ok "ig: control: sigsetup -i CHLD -i HUP leaves both ignored" \
    sigign_has "$T/igmask" 0x10001
(cd "$T" && exec "$PROBE" sigsetup -i CHLD -i HUP -- "$SUP" ig) \
    >>"$T/ig.sup" 2>&1 &
sup_ig=$!
ok "ig: runs" wait_for 5 eval 'atleast ig starts 1 && [ -n "$(cat \
    "$T/ig/supervise/pid")" ] && atleast ig mask.out 4'
kill -KILL "$(cat "$T/ig/supervise/pid")"
ok "ig: a crash is seen, and run restarted" wait_for 5 atleast ig starts 2
ok "ig: which starts with nothing ignored" eval \
    '! grep "SigIgn" "$T/ig/mask.out" | grep -v -q "[[:space:]]0*$"'

# everything down and gone
for s in bo rs nr cb st gu ng of0 of1 nv al0 nvt fp ig; do
	(cd "$T" && sv x "./$s")
done
for s in bo rs nr cb st gu ng of0 of1 nv al0 nvt fp ig; do
	eval "p=\$sup_$s"
	wait_for 5 dead "$p" || diag "pod1-supervise of $s still runs"
done
all_dead() {
	for _s in bo rs nr cb st gu ng of0 of1 nv al0 nvt fp ig; do
		eval "_p=\$sup_$_s"
		dead "$_p" || return 1
	done
}
ok "every supervisor exited on sv x" all_dead
wait_for 5 dead "$rsup"

done_testing
