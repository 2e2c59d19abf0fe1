#!/bin/sh
# SPDX-License-Identifier: ISC
# The run entrypoint's flags (rkt stage1 interface 6) in both forms, an
# unknown flag warned about and ignored; what each one changes, seen from
# inside the app: network, IPC, DNS and hosts files, the read-only root,
# and --debug's verbose init.
. "${0%/*}/../lib.sh"
. "${0%/*}/../pod.sh"
need_root

n=0
# one app running SCRIPT (sh -c), its output on the pod's stdout
pod_of() {
	n=$((n + 1))
	mkpod "00000000-0000-4000-8000-0000000003$(printf %02d $n)"
	_s=$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')
	addapp app '{"exec":["/bin/sh","-c","'"$_s"'"],"user":"0","group":"0"}'
	podjson
}
out() { sed -n 's/^\[app\] //p' "$T/pod.out"; }

pod_of 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "; cat /sys/class/net/lo/operstate; readlink /proc/self/ns/ipc; hostname'
runpod --debug --net none --interactive=false --local-config /etc/rkt \
    --hostname box --ipc private --mds-token=abc --future-flag=1 \
    --disable-paths=false
is "$podst" 0 "every flag in the --flag value form is taken"
is "$(out | sed -n 1p)" lo "--net none: the pod has loopback only"
like "$(out | sed -n 2p)" "unknown" "and loopback is up (operstate of lo)"
nok "--ipc private: an IPC namespace of its own" \
    test "$(out | sed -n 3p)" = "$(readlink /proc/self/ns/ipc)"
is "$(out | sed -n 4p)" box "--hostname box"
ok "an unknown flag is warned about" \
    grep -q 'ignoring unknown flag --future-flag=1' "$T/pod.err"
ok "--debug makes pod1-init say what it does" grep -q 'pod1-init:' "$T/pod.err"

pod_of 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/net; cat /sys/class/net/lo/operstate >/dev/null; ls /sys/class/net | wc -l'
runpod --net=host --ipc=parent --hostname=
is "$podst" 0 "the --flag=value form is taken"
is "$(out | sed -n 1p)" "$(readlink /proc/self/ns/ipc)" \
    "--ipc=parent shares the host's IPC namespace"
is "$(out | sed -n 2p)" "$(readlink /proc/self/ns/net)" \
    "--net=host shares the host's network namespace"
is "$(out | sed -n 3p)" "$(ls /sys/class/net | wc -l)" \
    "and sees the host's interfaces"

pod_of 'hostname; cat /etc/hosts'
runpod --net=none
like "$(out | sed -n 1p)" "rkt-00000000-0000-4000-8000-0000000003*" \
    "no --hostname: rkt-UUID"
ok "an image without /etc/hosts gets localhost and the hostname" \
    grep -q '127.0.1.1.rkt-' "$T/pod.out"

pod_of 'cat /etc/hosts'
echo '10.0.0.1 mine' > "$s1/opt/stage2/app/rootfs/etc/hosts"
runpod --net=none
is "$(out)" "10.0.0.1 mine" "the image's own /etc/hosts is left alone"

pod_of 'cat /etc/resolv.conf /etc/hosts'
echo 'nameserver 10.9.9.9' > "$s1/etc/rkt-resolv.conf"
echo '10.8.8.8 staged' > "$s1/etc/rkt-hosts"
runpod --net=none --dns-conf-mode=resolv=stage0,hosts=stage0
is "$(out | tr '\n' ' ')" "nameserver 10.9.9.9 10.8.8.8 staged " \
    "--dns-conf-mode=resolv=stage0,hosts=stage0 binds stage0's files"

pod_of 'test -e /etc/resolv.conf && echo present || echo absent'
runpod --net=none --dns-conf-mode=resolv=none,hosts=default
is "$(out)" absent "resolv=none gives no resolv.conf"

pod_of 'touch /x 2>/dev/null && echo wrote || echo refused; touch /tmp/y 2>/dev/null && echo tmp-wrote || echo tmp-refused'
sed -i 's/"name":"app",/"name":"app","readOnlyRootFS":true,/' "$pod/pod"
runpod --net=none
is "$(out | tr '\n' ' ')" "refused tmp-refused " "readOnlyRootFS: the app's root is read-only"
pod_of 'touch /x 2>/dev/null && echo wrote || echo refused'
runpod --net=none
is "$(out)" wrote "control: without it the root takes writes"
done_testing
