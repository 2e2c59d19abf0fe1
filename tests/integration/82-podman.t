#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 82-podman: pod1 under Debian's podman, on an image imported locally (no
# registry): pod1-init -d as the image's entrypoint runs three services,
# a's lines land in its pod1-svlog dir (a volume), kill -9 brings an app
# back, and `podman stop` stops them in order, quickly, with exit code 0.
# `podman run --init --init-path=build/pod1-init` makes pod1-init the
# PID 1 at /run/podman-init: `podman kill` signals reach the command,
# `podman stop` ends it with its own status, an exit code passes through.
# An image whose entrypoint is /sbin/init, a link to pod1-init, gets
# machine mode: /etc/pod1/service, and podman stop's SIGRTMIN+3 (podman
# takes /sbin/init for systemd) as a halt, which without CAP_SYS_BOOT is
# a plain exit 0. Control: a PID 1 without
# pod1-init ignores podman stop's TERM and is killed after the timeout
# (137).
. "${0%/*}/../lib.sh"
. "${0%/*}/../oci.sh"

need_root
need_podman
[ -x "$SUP" ] || skip_all "$SUP is not built"
podman_setup

IMG=localhost/pod1-test:$$
R=$T/rootfs
mkrootfs "$R"
svc "$R" a 'exec app-a signals -x TERM'
svclog "$R" a
svc "$R" b 'exec app-b pause'
svc "$R" c 'exec app-c pause'
EP='["/sbin/pod1-init", "-t", "5", "-d", "/etc/pod1/service"]'
tar -C "$R" -c . | podman_ import -q --change "ENTRYPOINT $EP" - "$IMG" \
    >/dev/null 2>"$T/import.err"
ok "the image is imported" podman_ image exists "$IMG" ||
    diag_file "$T/import.err"

# cpid NAME: the host pid of container NAME's PID 1
cpid() {
	podman_ inspect --format '{{.State.Pid}}' "$1" 2>/dev/null
}
exitcode() {
	podman_ inspect --format '{{.State.ExitCode}}' "$1" 2>/dev/null
}
# stop NAME SECS: podman stop, its time in $ms and its stderr in $T/stop.err
stop() {
	_t0=$(now_ms)
	podman_ stop -t "$2" "$1" >/dev/null 2>"$T/stop.err"
	ms=$(($(now_ms) - _t0))
}

mkdir -p "$T/logs"
L=$T/logs/a/current
N=pod1-d-$$
podman_ run -d --name "$N" -v "$T/logs:/var/log" "$IMG" >/dev/null \
    2>"$T/run.err"
p=$(cpid "$N")
ok "-d: podman runs the container" [ -n "$p" ] && [ "$p" -gt 0 ] ||
    diag_file "$T/run.err"
is "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" \
    "/sbin/pod1-init -t 5 -d /etc/pod1/service " "-d: pod1-init is PID 1"
for a in a b c; do
	ok "-d: service $a runs" wait_for 10 eval '[ "$(nscount "$p" $a)" -eq 1 ]'
done
ok "-d: a's lines land in its pod1-svlog dir" wait_for 10 grep -q '^ready ' "$L"
old=$(nspids "$p" b)
kill -KILL "$old"
ok "-d: kill -9 of b brings b back" wait_for 10 eval \
    'n=$(nspids "$p" b) && [ -n "$n" ] && [ "$n" != "$old" ]'
stop "$N" 10
diag "podman stop took $ms ms"
ok "-d: podman stop is done well before its timeout" [ "$ms" -lt 5000 ]
nok "-d: and needed no SIGKILL" grep -q 'resorting to SIGKILL' "$T/stop.err"
is "$(exitcode "$N")" 0 "-d: the container exits 0"
is "$(tail -n 1 "$L")" TERM "-d: a got TERM, its logger its last line"

# --init --init-path: pod1-init in tini's place
N=pod1-init-$$
podman_ run -d --name "$N" --log-driver k8s-file --init \
    --init-path "$INIT" --entrypoint '["/bin/app-a"]' "$IMG" \
    signals -x TERM >/dev/null 2>"$T/run.err"
p=$(cpid "$N")
is "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" \
    "/run/podman-init -- /bin/app-a signals -x TERM " \
    "--init: pod1-init is PID 1 at /run/podman-init" || diag_file "$T/run.err"
logs() {
	podman_ logs "$N" 2>/dev/null
}
ok "--init: the command runs" wait_for 10 eval 'logs | grep -q "^ready "'
podman_ kill -s HUP "$N" >/dev/null
ok "--init: podman kill -s HUP reaches the command" \
    wait_for 10 eval 'logs | grep -q "^HUP$"'
stop "$N" 10
ok "--init: podman stop is done well before its timeout" [ "$ms" -lt 5000 ]
is "$(exitcode "$N")" 0 "--init: with the command's own status (0)"
ok "--init: the command got TERM" eval 'logs | grep -q "^TERM$"'
podman_ run --rm --init --init-path "$INIT" --entrypoint '["/bin/app-a"]' \
    "$IMG" exit 5 >/dev/null 2>&1
is "$?" 5 "--init: podman run exits with the command's code 5"

# /sbin/init -> pod1-init as PID 1: machine mode, in a container; the
# engine's mounts are kept. Podman takes an /sbin/init for systemd and
# stops it with SIGRTMIN+3, systemd's halt, which without CAP_SYS_BOOT
# ends in a plain exit 0
N=pod1-machine-$$
podman_ run -d --name "$N" -v "$T/logs:/var/log" --entrypoint \
    '["/sbin/init"]' "$IMG" >/dev/null 2>"$T/run.err"
p=$(cpid "$N")
is "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" "/sbin/init " \
    "init: PID 1 is /sbin/init, a link to pod1-init" || diag_file "$T/run.err"
ok "init: it runs /etc/pod1/service" wait_for 10 eval \
    '[ "$(nscount "$p" b)" -eq 1 ] && [ "$(nscount "$p" c)" -eq 1 ]'
ok "init: a logs" wait_for 10 eval '[ "$(grep -c "^ready " "$L")" -ge 2 ]'
stop "$N" 10
ok "init: podman stop is done well before its timeout" [ "$ms" -lt 5000 ]
is "$(exitcode "$N")" 0 "init: the container exits 0"
is "$(tail -n 1 "$L")" TERM "init: a got TERM, its logger its last line"
podman_ logs "$N" >"$T/logs.out" 2>&1
is "$(podman_ inspect --format '{{.Config.StopSignal}}' "$N")" 37 \
    "init: podman's stop signal for it is SIGRTMIN+3"
ok "init: pod1-init took it for a halt" \
    grep -q 'info: halt: stopping the services' "$T/logs.out"
nok "init: and did not complain of the missing CAP_SYS_BOOT" \
    grep -q 'unable to halt' "$T/logs.out"

# control: no pod1-init, a PID 1 with no TERM handler
N=pod1-bare-$$
podman_ run -d --name "$N" --entrypoint '["/bin/app-b"]' "$IMG" pause \
    >/dev/null 2>&1
ok "control: the bare app runs" wait_for 10 eval \
    '[ "$(nscount "$(cpid "$N")" b)" -eq 1 ]'
stop "$N" 1
ok "control: podman stop had to SIGKILL" \
    grep -q 'resorting to SIGKILL' "$T/stop.err"
is "$(exitcode "$N")" 137 "control: exit code 137"

done_testing
