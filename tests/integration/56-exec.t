#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 56-exec: pod1-exec as a service dir's run and finish, and as enter's
# pod1-exec -- CMD, with apps chrooted into a busybox root. The app sees
# exactly the env file (nothing of ours: control, a plain chroot leaks it),
# the uid, gid and groups asked for (control: without the files, root and
# none), the working dir (missing: exit 100), argv[0] found in the PATH of
# its env inside the root (control: a program only the host's PATH has is
# not found). pre-start runs first, and its failure is ours with no app
# started; finish writes the status (0, N, 128+signal) atomically and runs
# post-stop with the same settings. Under pod1-supervise, sv sees the app.
if [ "$(id -u)" -eq 0 ] && [ -z "${POD1_MNTNS:-}" ]; then
	POD1_MNTNS=1
	export POD1_MNTNS
	exec unshare -m --propagation private /bin/sh "$0" "$@"
fi
. "${0%/*}/../lib.sh"
need_root
. "${0%/*}/../rootfs.sh"

R=$T/root
mkroot "$R"
mountproc "$R" || skip_all "cannot mount a proc"

# runsvc DIR: DIR's run, output in $T/out and $T/err, exit status in $rc
runsvc() {
	(cd "$1" && exec timeout -k 2 "$TMO" ./run) >"$T/out" 2>"$T/err"
	rc=$?
}

# finishsvc DIR CODE SIG
finishsvc() {
	(cd "$1" && exec timeout -k 2 "$TMO" ./finish "$2" "$3") \
	    >"$T/out" 2>"$T/err"
	rc=$?
}

# status fields of the app, as "Uid/Gid/Groups" lines: first field only
ids() {
	sed -n 's/^\(Uid\|Gid\):[[:space:]]*\([0-9]*\).*/\1 \2/p;
	    s/^Groups:[[:space:]]*/Groups /p' "$T/out" | sed 's/ *$//' |
	    tr '\n' ';'
}

# -- env: exactly the file, nothing of pod1-exec's own
S=$T/env
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
setl "$S" argv env
setl "$S" env PATH=/bin 'GREETING=hello world' 'EMPTY='
LEAKME=1 runsvc "$S"
is "$rc $(cat "$T/out" | tr '\n' ';')" \
    "0 PATH=/bin;GREETING=hello world;EMPTY=;" \
    "env: the app's environment is exactly the env file"
LEAKME=1 chroot "$R" /bin/env >"$T/out"
ok "env: control: a plain chroot leaks the caller's environment" \
    grep -q '^LEAKME=1$' "$T/out"
rm "$S/exec/env"
LEAKME=1 runsvc "$S"
is "$rc $(wc -c <"$T/out")" "0 0" "env: no env file: an empty environment"

# -- uid, gid, groups
S=$T/ids
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
setl "$S" argv /bin/grep -E '^(Uid|Gid|Groups):' /proc/self/status
runsvc "$S"
is "$rc $(ids)" "0 Uid 0;Gid 0;Groups;" \
    "ids: control: without uid, gid, groups: root and no groups"
set1 "$S" uid 1000
set1 "$S" gid 1001
printf '5 6\n7\n' >"$S/exec/groups"
runsvc "$S"
is "$rc $(ids)" "0 Uid 1000;Gid 1001;Groups 5 6 7;" \
    "ids: uid 1000, gid 1001, groups 5 6 7 (spaces and newlines)"
: >"$S/exec/groups"
runsvc "$S"
is "$rc $(ids)" "0 Uid 1000;Gid 1001;Groups;" "ids: an empty groups: none"
setl "$S" argv id -u
set1 "$S" uid x
runsvc "$S"
is "$rc" 100 "ids: a uid that is no number: exit 100"
like "$(cat "$T/err")" "*pod1-exec: fatal: bad */exec/uid*" \
    "ids: the message names the file"

# -- cwd
S=$T/cwd
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
setl "$S" argv pwd
setl "$S" env PATH=/bin
runsvc "$S"
is "$rc $(cat "$T/out")" "0 /" "cwd: control: no cwd file: /"
mkdir -p "$R/srv/data"
set1 "$S" cwd /srv/data
runsvc "$S"
is "$rc $(cat "$T/out")" "0 /srv/data" "cwd: /srv/data inside the root"
set1 "$S" cwd /nonexistent
runsvc "$S"
is "$rc" 100 "cwd: a missing working dir: exit 100"
like "$(cat "$T/err")" "*fatal:*working dir /nonexistent*" \
    "cwd: the message names it"
rm "$S/exec/root"
mkdir -p "$T/hostcwd"
set1 "$S" cwd "$T/hostcwd"
setl "$S" argv /bin/pwd
runsvc "$S"
is "$rc $(cat "$T/out")" "0 $T/hostcwd" "cwd: without a root, a host dir"

# -- PATH lookup inside the root, with the env's PATH
S=$T/path
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
mkdir -p "$R/opt/app/bin" "$T/hostbin"
printf '#!/bin/sh\necho inside "$@"\n' >"$R/opt/app/bin/hello"
chmod +x "$R/opt/app/bin/hello"
printf '#!/bin/sh\necho host\n' >"$T/hostbin/onlyhost"
chmod +x "$T/hostbin/onlyhost"
setl "$S" argv hello a 'b c'
setl "$S" env PATH=/usr/bin:/opt/app/bin:/bin
runsvc "$S"
is "$rc $(cat "$T/out")" "0 inside a b c" \
    "PATH: hello found in /opt/app/bin of the root, args kept"
setl "$S" env PATH=/usr/bin:/bin
runsvc "$S"
is "$rc" 127 "PATH: control: not in the env's PATH: exit 127"
like "$(cat "$T/err")" "*unable to find hello*" "PATH: the message names it"
setl "$S" argv onlyhost
setl "$S" env PATH=/bin
PATH=$T/hostbin:$PATH runsvc "$S"
is "$rc" 127 "PATH: a program only on the host's PATH is not found"
ok "PATH: control: the host's PATH has it" \
    env PATH="$T/hostbin:$PATH" sh -c 'command -v onlyhost >/dev/null'
rm "$S/exec/env"
setl "$S" argv hello
runsvc "$S"
is "$rc" 127 "PATH: no env: appc's default PATH, without /opt/app/bin"
setl "$S" argv ls
runsvc "$S"
is "$rc" 0 "PATH: no env: appc's default PATH finds /bin/ls"
chmod -x "$R/opt/app/bin/hello"
setl "$S" argv /opt/app/bin/hello
runsvc "$S"
is "$rc" 126 "PATH: a file that is not executable: exit 126"
setl "$S" argv /opt/app/bin/nope
runsvc "$S"
is "$rc" 127 "PATH: a missing absolute path: exit 127"
rm "$S/exec/argv"
runsvc "$S"
is "$rc" 100 "no argv: exit 100"
like "$(cat "$T/err")" "*no command in */path/exec/argv*" "no argv: the message"

# -- pre-start runs first with the same settings; its failure is ours
S=$T/pre
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
set1 "$S" uid 1000
set1 "$S" gid 1000
setl "$S" env PATH=/bin
set1 "$S" cwd /tmp
rm -f "$R/tmp/marks"
setl "$S" argv sh -c 'echo "app $(id -u) $PWD" >>marks'
runsvc "$S"
is "$rc $(cat "$R/tmp/marks")" "0 app 1000 /tmp" \
    "pre-start: control: without it, the app alone"
rm -f "$R/tmp/marks"
setl "$S" pre-start sh -c 'echo "pre $(id -u) $PWD" >>marks'
runsvc "$S"
is "$rc $(cat "$R/tmp/marks" | tr '\n' ';')" \
    "0 pre 1000 /tmp;app 1000 /tmp;" \
    "pre-start: runs first, as the app's user in the app's cwd"
rm -f "$R/tmp/marks"
setl "$S" pre-start sh -c 'echo pre >>marks; exit 3'
runsvc "$S"
is "$rc $(cat "$R/tmp/marks" | tr '\n' ';')" "3 pre;" \
    "pre-start: exit 3: pod1-exec exits 3, the app is not started"
like "$(cat "$T/err")" "*pre-start of pre exited 3*" \
    "pre-start: the message says so"
rm -f "$R/tmp/marks"
setl "$S" pre-start sh -c 'echo pre >>marks; kill -TERM $$'
runsvc "$S"
is "$rc $(cat "$R/tmp/marks" | tr '\n' ';')" "143 pre;" \
    "pre-start: killed by TERM: 143, no app"

# -- finish: the status, then post-stop
S=$T/fin
mkexecsvc "$S"
echo "$R" >"$S/exec/root"
echo "$T/fin.status" >"$S/exec/status"
set1 "$S" uid 1000
setl "$S" env PATH=/bin X=post
finishsvc "$S" 0 0
is "$rc $(cat "$T/fin.status")" "0 0" "finish 0 0: status 0"
finishsvc "$S" 5 0
is "$rc $(cat "$T/fin.status")" "0 5" "finish 5 0: status 5"
finishsvc "$S" -1 9
is "$rc $(cat "$T/fin.status")" "0 137" "finish -1 9: status 128+9"
finishsvc "$S" -1 139
is "$rc $(cat "$T/fin.status")" "0 139" \
    "finish -1 139 (SEGV with a core): 128+11"
is "$(od -An -c "$T/fin.status" | tr -s ' ')" " 1 3 9 \n" \
    "status: decimal and a newline"
ok "status: no temp file left" eval '[ "$(ls "$T" | grep -c fin.status)" = 1 ]'
rm -f "$R/tmp/marks"
setl "$S" post-stop sh -c 'echo "post $(id -u) $X" >/tmp/marks'
finishsvc "$S" 2 0
is "$rc $(cat "$T/fin.status") $(cat "$R/tmp/marks")" "0 2 post 1000 post" \
    "finish: status written, then post-stop as the app's user, its env"
rm "$S/exec/status"
setl "$S" post-stop sh -c 'exit 4'
finishsvc "$S" 0 0
is "$rc" 4 "finish: post-stop's exit is finish's"
finishsvc "$S" x 0
is "$rc" 100 "finish x 0: exit 100"

# -- enter: pod1-exec -d SVDIR -- CMD, no pre-start
S=$T/pre
rm -f "$R/tmp/marks"
(cd / && timeout "$TMO" "$EXEC" -d "$S" -- sh -c 'echo "$(id -u) $PWD"') \
    >"$T/out" 2>"$T/err"
is "$? $(cat "$T/out")" "0 1000 /tmp" \
    "enter: -d SVDIR -- CMD: the app's root, user and cwd"
ok "enter: pre-start did not run" test ! -e "$R/tmp/marks"
(cd "$S" && timeout "$TMO" "$EXEC" -- id -u) >"$T/out" 2>"$T/err"
is "$? $(cat "$T/out")" "0 1000" "enter: the default SVDIR is ."
(cd "$S" && timeout "$TMO" "$EXEC") >"$T/out" 2>"$T/err"
is "$? $(cat "$R/tmp/marks")" "143 pre" \
    "pod1-exec without CMD: run, pre-start too"
(cd "$S" && timeout "$TMO" "$EXEC" -x) >"$T/out" 2>"$T/err"
is "$?" 100 "pod1-exec -x: usage, exit 100"

# -- a run under pod1-supervise: sv sees the app
if [ -x "$SUP" ] && command -v sv >/dev/null; then
	S=$T/svc
	mkexecsvc "$S"
	echo "$R" >"$S/exec/root"
	echo "$T/svc.status" >"$S/exec/status"
	set1 "$S" uid 1000
	setl "$S" argv probe pause
	(cd "$S" && exec "$SUP" .) >"$T/sup.out" 2>&1 &
	sup=$!
	ok "supervise: sv sees the app run" wait_for 5 eval \
	    '(cd "$T" && sv status ./svc) | grep -q "^run: ./svc: (pid [0-9]*)"'
	p=$(cat "$S/supervise/pid")
	wait_for 5 eval '[ "$(readlink "/proc/$p/root")" = "$R" ]'
	is "$(readlink "/proc/$p/root") $(stat -c %u "/proc/$p")" "$R 1000" \
	    "supervise: the pid sv reports is the app, chrooted, uid 1000"
	(cd "$T" && sv -w 5 down ./svc) >/dev/null
	is "$(cat "$T/svc.status" 2>/dev/null)" 143 \
	    "supervise: sv down: finish wrote 143 (TERM)"
	setl "$S" argv sh -c 'exit 7'
	echo never >"$S/restart"
	(cd "$T" && sv once ./svc) >/dev/null
	ok "supervise: once, exit 7: finish wrote 7" wait_for 5 eval \
	    '[ "$(cat "$T/svc.status")" = 7 ]'
	(cd "$T" && sv x ./svc)
	wait_for 5 dead "$sup"
else
	skip "needs pod1-supervise and runit's sv"
fi

done_testing
