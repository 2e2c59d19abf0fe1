#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 81-crun: an OCI bundle run by Debian's crun (the runtime CRI-O and
# containerd run for Kubernetes) with pod1-init -d supervising three
# services in one container: all three run, a's lines land in its
# pod1-svlog dir, kill -9 of an app brings it back, `crun kill TERM`
# stops them in order and `crun run` exits 0; a `main` service's exit
# code becomes crun's; `crun kill KILL` gives 137. Container mode too:
# `pod1-init -- CMD` forwards crun's TERM to CMD and exits with its
# status. Control: without pod1-init, the same TERM does nothing to a
# PID 1 that has no handler.
. "${0%/*}/../lib.sh"
. "${0%/*}/../oci.sh"

need_root
need_crun
[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v jq >/dev/null || skip_all "no jq (apt-get install jq)"

# bundle NAME ARG...: a bundle in $T/NAME whose process is ARG...
bundle() {
	_b=$T/$1
	shift
	mkrootfs "$_b/rootfs"
	(cd "$_b" && crun spec) || return 1
	_args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$_args" '.process.args = $a |
	    .process.terminal = false | .root.readonly = false' \
	    "$_b/config.json" >"$_b/config.new" &&
	    mv "$_b/config.new" "$_b/config.json"
}

# crun_start NAME: crun run of bundle NAME in the background, as
# container pod1-NAME-$$; sets $bg and $cpid (its PID 1 on the host)
crun_start() {
	_id=pod1-$1-$$
	timeout -k 2 "$TMO" "$CRUN_WRAP" --root "$T/crun" \
	    --cgroup-manager=disabled run -b "$T/$1" "$_id" \
	    >"$T/$1.out" 2>"$T/$1.err" &
	bg=$!
	cpid=
	wait_for 10 eval 'cpid=$(crun_pid "$_id"); [ -n "$cpid" ]' || {
		diag "crun run $1 did not start"
		diag_file "$T/$1.err"
		return 1
	}
}

# the three services: a logs through pod1-svlog, b and c just run
R=$T/pod/rootfs
bundle pod /sbin/pod1-init -t 5 -d /etc/pod1/service
svc "$R" a 'exec app-a signals -x TERM'
svclog "$R" a
svc "$R" b 'exec app-b pause'
svc "$R" c 'exec app-c pause'
L=$R/var/log/a/current
crun_start pod
ok "pod: crun runs pod1-init" [ -n "$cpid" ]
is "$(tr '\0' ' ' <"/proc/$cpid/cmdline")" \
    "/sbin/pod1-init -t 5 -d /etc/pod1/service " "pod: it is the PID 1"
for a in a b c; do
	ok "pod: service $a runs" wait_for 10 eval '[ "$(nscount "$cpid" $a)" -eq 1 ]'
done
ok "pod: a's lines land in its pod1-svlog dir" \
    wait_for 10 grep -q '^ready ' "$L"
old=$(nspids "$cpid" b)
kill -KILL "$old"
ok "pod: kill -9 of b brings b back" wait_for 10 eval \
    'n=$(nspids "$cpid" b) && [ -n "$n" ] && [ "$n" != "$old" ]'
is "$(nscount "$cpid" b)" 1 "pod: one b"
crun_ kill "pod1-pod-$$" TERM
ok "pod: crun kill TERM stops the container" wait_for 15 dead "$bg"
wait "$bg"
is "$?" 0 "pod: crun run exits 0"
is "$(tail -n 1 "$L")" TERM "pod: a got TERM and its logger its last line"
nok "pod: nothing was left for the final TERM" \
    grep -q 'sent TERM to the remaining' "$T/pod.err"

# a main service: its exit code is the container's
R=$T/main/rootfs
bundle main /sbin/pod1-init -t 5 -d /etc/pod1/service
svc "$R" a 'exec app-a signals -x TERM >>/tmp/a.out'
svc "$R" m 'while [ ! -e /tmp/go ]; do sleep 0.01; done
exec app-m exit 3'
echo never >"$R/etc/pod1/service/m/restart"
: >"$R/etc/pod1/service/m/main"
crun_start main
ok "main: a runs" wait_for 10 grep -q '^ready ' "$R/tmp/a.out"
: >"$R/tmp/go"
ok "main: m ends, the container ends" wait_for 15 dead "$bg"
wait "$bg"
is "$?" 3 "main: crun run exits with m's code 3"
ok "main: a was stopped first" has_line "$R/tmp/a.out" TERM

# KILL: 137, as for any container
crun_start pod
ok "kill: a runs" wait_for 10 eval '[ "$(nscount "$cpid" a)" -eq 1 ]'
crun_ kill "pod1-pod-$$" KILL
wait "$bg"
is "$?" 137 "kill: crun kill KILL: crun run exits 137"

# container mode: crun's TERM reaches the command, its status is crun's
R=$T/one/rootfs
bundle one /sbin/pod1-init -- /bin/app-a signals -x TERM
crun_start one
ok "one: the command runs" wait_for 10 grep -q '^ready ' "$T/one.out"
crun_ kill "pod1-one-$$" TERM
wait "$bg"
is "$?" 0 "one: crun kill TERM: the command's own exit status (0)"
ok "one: the command got TERM" has_line "$T/one.out" TERM

# control: no pod1-init; a PID 1 with no handler ignores TERM
R=$T/bare/rootfs
bundle bare /bin/app-b pause
crun_start bare
ok "control: the bare app runs as PID 1" wait_for 10 eval \
    '[ "$(nscount "$cpid" b)" -eq 1 ]'
crun_ kill "pod1-bare-$$" TERM
nok "control: crun kill TERM does nothing to it" wait_for 2 dead "$bg"
crun_ kill "pod1-bare-$$" KILL
wait "$bg"
is "$?" 137 "control: only KILL ends it"

done_testing
