#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 83-kube: Kubernetes' own pod format under Debian's podman. `podman kube
# play` of a Pod YAML whose container runs pod1-init -d with three
# services (a logging through pod1-svlog into a hostPath volume): all
# run, kill -9 brings one back, `podman pod stop` stops them in order
# with exit code 0, and `podman kube down` removes the pod. Podman before
# 5.1 has kube down itself SIGKILL every container at once, whatever the
# stop signal and timeout (containers/podman#22397, fixed by #22398; the
# workaround given there is pod stop first): that check is a TODO there.
# Control: the same pod whose container is an app without pod1-init,
# which only the SIGKILL after the timeout ends (137).
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
tar -C "$R" -c . | podman_ import -q - "$IMG" >/dev/null 2>"$T/import.err"
ok "the image is imported" podman_ image exists "$IMG" ||
    diag_file "$T/import.err"

# podyaml NAME COMMAND-JSON: a Pod of one container, logs in $T/logs
podyaml() {
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  restartPolicy: Never
  containers:
  - name: svc
    image: $IMG
    command: $2
    volumeMounts:
    - name: logs
      mountPath: /var/log
  volumes:
  - name: logs
    hostPath:
      path: $T/logs
      type: Directory
EOF
}
cpid() {
	podman_ inspect --format '{{.State.Pid}}' "$1" 2>/dev/null
}
exitcode() {
	podman_ inspect --format '{{.State.ExitCode}}' "$1" 2>/dev/null
}
# play YAML: podman kube play, and $p, the host pid of its PID 1
play() {
	podman_ kube play --network none "$1" >"$T/play.out" 2>"$T/play.err"
	play_st=$?
	p=$(cpid "$P-svc")
}
# timed CMD...: CMD, its time shown as a diagnostic
timed() {
	_t0=$(now_ms)
	"$@" >"$T/cmd.out" 2>"$T/cmd.err"
	_st=$?
	diag "$*: $(($(now_ms) - _t0)) ms"
	return $_st
}
all_run() {
	for _a in a b c; do
		[ "$(nscount "$p" $_a)" -eq 1 ] || return 1
	done
}

mkdir -p "$T/logs"
L=$T/logs/a/current
P=pod1-kube-$$
podyaml "$P" '["/sbin/pod1-init", "-t", "5", "-d", "/etc/pod1/service"]' \
    >"$T/pod.yaml"
play "$T/pod.yaml"
is "$play_st" 0 "kube play: podman plays the Pod" ||
    { diag_file "$T/play.out"; diag_file "$T/play.err"; }
is "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" \
    "/sbin/pod1-init -t 5 -d /etc/pod1/service " \
    "kube play: pod1-init is the container's PID 1"
ok "kube play: services a, b and c run" wait_for 10 all_run
ok "kube play: a's lines land in the hostPath volume" \
    wait_for 10 grep -q '^ready ' "$L"
old=$(nspids "$p" c)
kill -KILL "$old"
ok "kube play: kill -9 of c brings c back" wait_for 10 eval \
    'n=$(nspids "$p" c) && [ -n "$n" ] && [ "$n" != "$old" ]'
ok "pod stop: succeeds" timed podman_ pod stop -t 10 "$P"
is "$(exitcode "$P-svc")" 0 "pod stop: pod1-init exits 0, so no SIGKILL"
is "$(tail -n 1 "$L")" TERM "pod stop: a got TERM, its logger its last line"
ok "kube down: succeeds" timed podman_ kube down "$T/pod.yaml"
nok "kube down: the pod is gone" podman_ pod exists "$P"

# kube down alone: graceful from podman 5.1 on
v=$(podman_ version --format '{{.Client.Version}}' 2>/dev/null)
case $v in
[0-4].* | 5.0.*)
	todo=" # TODO podman $v: kube down SIGKILLs at once (podman#22397)"
	;;
*)
	todo=
	;;
esac
: >"$L"
play "$T/pod.yaml"
ok "kube play again: the services run" wait_for 10 all_run
wait_for 10 grep -q '^ready ' "$L"
timed podman_ kube down "$T/pod.yaml"
last=$(tail -n 1 "$L")
if [ "$last" != TERM ] && [ -n "$todo" ]; then
	# a TODO failure: reported, not counted (lib.sh has no todo)
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - kube down alone: a got TERM$todo"
	diag "a's last line: $last"
else
	is "$last" TERM "kube down alone: a got TERM$todo"
fi
nok "kube down alone: the pod is gone" podman_ pod exists "$P"
ok "kube down alone: every service is gone" eval \
    '[ "$(nscount "$p" "[abc]")" -eq 0 ]'

# control: no pod1-init: TERM is lost on a PID 1 with no handler
P=pod1-bare-$$
podyaml "$P" '["/bin/app-b", "pause"]' >"$T/bare.yaml"
play "$T/bare.yaml"
ok "control: the bare app runs" wait_for 10 eval '[ "$(nscount "$p" b)" -eq 1 ]'
timed podman_ pod stop -t 1 "$P"
is "$(exitcode "$P-svc")" 137 "control: pod stop must SIGKILL it (137)"
podman_ kube down "$T/bare.yaml" >/dev/null 2>&1

done_testing
