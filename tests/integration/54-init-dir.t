#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 54-init-dir: pod1-init -d DIR as a real PID 1 (and as a subreaper): a
# pod1-supervise per service dir; a supervisor killed -9 is replaced and
# its service keeps one instance; HUP starts the dirs added and stops the
# ones removed; TERM stops everything in order (the app first, so its
# logger gets the app's last line), leaves no process and no cgroup, and
# exits 0. A service with a `main` file that ends under restart=never
# makes pod1-init stop the others and exit with its code. Each with and
# without a cgroup (a tmpfs over /sys/fs/cgroup), and once more with
# SIGCHLD ignored by whoever started pod1-init. Control: the same service
# without `main` ends and pod1-init goes on running.
. "${0%/*}/../lib.sh"

CG=/sys/fs/cgroup/unified
[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v sv >/dev/null || skip_all "needs runit's sv (apt-get install runit)"

# Each app is probe under a name of its own, to be counted from the host.
app_links a b c d l m o
is1() {
	[ "$(app_count "$1")" -eq 1 ]
}
is0() {
	[ "$(app_count "$1")" -eq 0 ]
}

all_dead() {
	for _p; do
		dead "$_p" || return 1
	done
}

# in_pod1_cg NAME: app NAME runs in a cgroup of pod1-supervise's
in_pod1_cg() {
	grep -q '^0::.*/pod1-[0-9]*-[0-9]*$' "/proc/$(app_pids "$1")/cgroup"
}

cgroup_of() {
	echo "$CG/pod1-$(stat -c %d "$1")-$(stat -c %i "$1")"
}
# no_cgroups DIR...: none of these service dirs has its cgroup left
no_cgroups() {
	for _d; do
		[ ! -d "$(cgroup_of "$_d")" ] || return 1
	done
}

# nocg: pod1-init in a mount namespace with a tmpfs over /sys/fs/cgroup,
# so the supervisors find no cgroup and track sessions
nocg='mount -t tmpfs nocgroup /sys/fs/cgroup && exec "$0" "$@"'
note_modes "pod1-init -d"
for m in $(modes); do
for cg in cg nocg; do
	D=$T/$m-$cg
	L=$T/a-$m-$cg.log
	R=$T/removed-$m-$cg
	mksvc "$D/a" 'exec "'$T'/app-a" signals -x TERM'
	mksvc "$D/a/log" 'exec "'$T'/app-l" splice "'$L'"'
	mksvc "$D/b" 'exec "'$T'/app-b" pause'
	mksvc "$D/c" 'exec "'$T'/app-c" pause'
	if [ "$cg" = cg ]; then
		start init "$m" "$INIT" -v -t 5 -d "$D"
	elif [ "$m" = ns ]; then
		# --mount-proc has made a mount namespace already
		start init "$m" sh -c "$nocg" "$INIT" -v -t 5 -d "$D"
	else
		start init "$m" unshare -m sh -c "$nocg" "$INIT" -v -t 5 -d "$D"
	fi
	m=$m/$cg
	ok "$m: a, b and c run" wait_for 5 eval 'is1 a && is1 b && is1 c'
	if [ "$cg" = cg ] && [ -w "$CG/cgroup.procs" ]; then
		ok "$m: each in its own cgroup" in_pod1_cg b
	else
		nok "$m: in no cgroup of pod1's" in_pod1_cg b
	fi
	ok "$m: a's logger has a's ready line" wait_for 5 \
	    grep -q '^ready ' "$L"

	# kill -9 of a supervisor: another, and still one b
	s=$(supervisor b)
	old=$(app_pids b)
	kill -KILL "$s"
	ok "$m: a killed supervisor is replaced" wait_for 5 eval \
	    'n=$(supervisor b) && [ "$n" != "$s" ]'
	ok "$m: its app is started again, one instance" wait_for 5 eval \
	    'is1 b && [ "$(app_pids b)" != "$old" ]'
	ok "$m: the old instance is gone" dead "$old"
	ok "$m: sv sees the new supervisor" \
	    wait_for 5 eval '(cd "$D" && sv status ./b) | grep -q "^run: "'
	# the same for a service with a logger: one app, one logger
	s=$(supervisor a)
	old="$(app_pids a) $(app_pids l)"
	kill -KILL "$s"
	ok "$m: a's supervisor, killed, is replaced" wait_for 5 eval \
	    'n=$(supervisor a) && [ "$n" != "$s" ]'
	ok "$m: one a and one logger, both new" wait_for 5 eval \
	    'is1 a && is1 l && [ "$(app_pids a) $(app_pids l)" != "$old" ]'
	ok "$m: the old ones are gone" all_dead $old
	ok "$m: a's new logger has a's new ready line" wait_for 5 eval \
	    '[ "$(grep -c "^ready " "$L")" -ge 2 ]'

	# HUP: an added dir is started, a removed one stopped
	mksvc "$D/d" 'exec "'$T'/app-d" pause'
	kill -HUP "$pid1"
	ok "$m: HUP starts a new dir's service" wait_for 5 is1 d
	sc=$(supervisor c)
	mv "$D/c" "$R"
	kill -HUP "$pid1"
	ok "$m: HUP stops a removed dir's service" wait_for 5 is0 c
	ok "$m: and its supervisor" wait_for 5 dead "$sc"
	if [ "$cg" = cg ] && [ -w "$CG/cgroup.procs" ]; then
		ok "$m: and removes its cgroup" no_cgroups "$R"
	fi
	ok "$m: the others run on" eval 'is1 a && is1 b && is1 d'

	# TERM: every service down, the logger last, exit 0, nothing left
	kill -TERM "$pid1"
	wait "$bg"
	is "$?" 0 "$m: TERM: pod1-init exits 0"
	is "$(tail -n 1 "$L")" TERM \
	    "$m: a's logger got a's last line"
	ok "$m: no app is left" eval 'is0 a && is0 b && is0 d'
	nok "$m: nothing was left for the final TERM" \
	    grep -q 'sent TERM to the remaining' "$T/init.err"
	if [ "$cg" = cg ] && [ -w "$CG/cgroup.procs" ]; then
		ok "$m: no cgroup is left" no_cgroups "$D/a" "$D/b" "$D/d"
	fi
	m=${m%/*}
done

	# main: a service that ends for good ends pod1-init with its code
	for main in main nomain; do
		D=$T/$m-$main
		mksvc "$D/m" 'while [ ! -e ../go ]; do sleep 0.01; done
exec "'$T'/app-m" exit 3' restart=never
		[ "$main" = main ] && : >"$D/m/main"
		mksvc "$D/o" 'exec "'$T'/app-o" signals -x TERM >>../o.out'
		start init "$m" "$INIT" -v -t 5 -d "$D"
		ok "$m $main: the services run" wait_for 5 eval \
		    'is1 o && grep -q "^ready " "$D/o.out"'
		: >"$D/go"
		if [ "$main" = main ]; then
			ok "$m $main: m ended: pod1-init exits" \
			    wait_for 10 dead "$pid1"
			wait "$bg"
			is "$?" 3 "$m $main: with m's exit code 3"
			ok "$m $main: having stopped o in order" \
			    has_line "$D/o.out" TERM
			ok "$m $main: m's supervisor said so" \
			    has_line "$D/m/supervise/pod1" 'ended 3'
		else
			ok "$m $main: m ended" wait_for 5 eval \
			    '(cd "$D" && sv status ./m) | grep -q "^down: "'
			nok "$m $main: control: pod1-init goes on" \
			    wait_for 1 dead "$pid1"
			ok "$m $main: control: and so does o" is1 o
			kill -TERM "$pid1"
			wait "$bg"
			is "$?" 0 "$m $main: control: TERM: exit 0"
		fi
		ok "$m $main: nothing is left" is0 o
	done
done

# Started with SIGCHLD ignored, as some parents leave it: the kernel
# would reap a dead supervisor unseen and it would never be replaced.
for m in $(modes); do
	D=$T/$m-ign
	mksvc "$D/b" 'exec "'$T'/app-b" pause'
	start init "$m" "$PROBE" sigsetup -i CHLD -- "$INIT" -v -t 5 -d "$D"
	wait_for 5 is1 b
	"$PROBE" sigsetup -i CHLD -- "$PROBE" sigmask >"$T/chld.out"
	ok "$m, SIGCHLD ignored: control: what sigsetup starts has it so" \
	    sigign_has "$T/chld.out" 0x10000
	s=$(supervisor b)
	kill -KILL "$s"
	ok "$m, SIGCHLD ignored: a killed supervisor is still replaced" \
	    wait_for 5 eval 'n=$(supervisor b) && [ "$n" != "$s" ]'
	kill -TERM "$pid1"
	wait "$bg"
	is "$?" 0 "$m, SIGCHLD ignored: TERM: exit 0"
done

done_testing
