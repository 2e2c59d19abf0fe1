#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 72-stage0-pods: pod1 run, prepare, run-prepared, list, status, enter,
# stop, gc and rm through a fake stage1 whose entrypoints record what
# pod1 hands them, to check rkt's stage1 ABI exactly: the run argv in
# rkt's order (flags gated by the interface version; control: version 1
# gets none of the newer ones), cwd the pod dir, the environment passed
# through plus RKT_LOCK_FD (a flocked fd on the pod dir) and the SELinux
# variables, no other fd, the exit status of the stage1 as pod1's. The
# pod dir has rkt's layout and a fully reified pod manifest. list and
# status show running and exited pods (table and JSON); rm refuses a
# running pod and removes an exited one with its mounts; gc moves exited
# pods to exited-garbage and calls the stage1's gc with its two-argument
# form. A prepare that fails leaves no pod dir.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"
. "${0%/*}/../stage0.sh"
need_root
need_tools umoci jq

D=$T/store
R=$T/rootfs
mkrootfs "$R"
mkaci "$T/bb.aci" "$R"
mkoci "$T/layout" "$R"
mkfake "$T/fake.aci"
mkfake "$T/fake1.aci" 1
POD1_TEST_GCLOG=$T/gc.log
export POD1_TEST_GCLOG
p1() {
	"$POD1" --dir="$D" "$@"
}
pods() {
	find "$D/pods/$1" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# run: one ACI app, one OCI app with args; the second fails with 3
p1 --insecure-options=all-run run --stage1-path="$T/fake.aci" --net=host \
    --hostname=h1 --dns=192.0.2.1 --ipc=private --uuid-file-save="$T/uuid" \
    --set-env=SET=1 --volume=data,kind=host,source="$T" \
    "$T/bb.aci" --mount=volume=data,target=/data --memory=64M --cpu=500m \
    --caps-retain=CAP_NET_BIND_SERVICE --restart=always \
    --- "$T/layout:bb" --name=oci --user=1 \
    --seccomp=mode=remove,errno=ENOSYS,reboot -- sh -c 'echo oci $SET; exit 3' \
    >"$T/out" 2>"$T/err"
is "$?" 3 "run: pod1's exit status is the stage1's"
diag_file "$T/err"
u=$(cat "$T/uuid")
ok "--uuid-file-save wrote a uuid" [ ${#u} -eq 36 ]
P=$D/pods/run/$u
f=$P/fake-run
is "$(sed -n 's/^argv0=//p' "$f")" "$P/stage1/rootfs/fake/run" \
    "argv[0]: the run entrypoint in the pod's stage1 rootfs"
is "$(sed -n 's/^arg=//p' "$f" | tr '\n' ' ')" "--net=host \
--local-config=/etc/rkt --hostname=h1 \
--dns-conf-mode=resolv=stage0,hosts=default \
--disable-capabilities-restriction --disable-paths --disable-seccomp \
--ipc=private $u " "argv: rkt's flags in rkt's order, the uuid last"
is "$(sed -n 's/^cwd=//p' "$f")" "$P" "cwd: the pod dir"
is "$(sed -n 's/^lockdir=//p' "$f")" "$P" "RKT_LOCK_FD is an fd on the pod dir"
ok "... holding its flock" grep -q '^locked=yes$' "$f"
is "$(sed -n 's/^selinux=//p;s/^selinuxmount=//p' "$f" | tr '\n' ,)" ",," \
    "RKT_SELINUX_CONTEXT and _MOUNT_CONTEXT are set and empty"
lfd=$(sed -n 's/^lockfd=//p' "$f")
# the shell's own fds: 0-2, the lock, and the one ls reads with
like "$(sed -n 's/^fds=//p' "$f")" "0 1 2 $lfd ? " "no fd but 0-2 and the lock"
is "$(tr '\n' '|' <"$T/out")" "hello from aci|oci 1|" "the apps ran"
for x in pod pod-created pod.lck stage1TreeStoreID stage1/manifest \
    stage1/rootfs/fake/run stage1/rootfs/opt/stage2/bb/manifest \
    stage1/rootfs/opt/stage2/bb/rootfs/bin/busybox \
    stage1/rootfs/opt/stage2/oci/rootfs/bin/busybox \
    appsinfo/bb/manifest appsinfo/bb/treeStoreID appsinfo/oci/treeStoreID \
    stage1/rootfs/etc/rkt-resolv.conf; do
	ok "pod dir has $x" [ -e "$P/$x" ]
done
is "$(cat "$P/stage1/rootfs/etc/rkt-resolv.conf")" "nameserver 192.0.2.1" \
    "--dns: stage0 wrote the pod's resolv.conf"
is "$(cat "$P/appsinfo/oci/treeStoreID")" \
    "deps-sha256-$(jq -r '.manifests[0].digest' "$T/layout/index.json" |
    cut -d: -f2)" "treeStoreID names the store tree"
is "$(jq -r .app.exec[0] "$P/stage1/rootfs/opt/stage2/oci/manifest")" \
    /bin/busybox "an OCI app's manifest is a generated appc one"
pm=$P/pod
is "$(jq -c '[.acKind, .annotations]' "$pm")" \
    '["PodManifest",[{"name":"coreos.com/rkt/stage1/mutable","value":"false"}]]' \
    "pod manifest: kind and the mutable annotation"
is "$(jq -c '.apps[0] | [.name, .image.name, .app.exec, .mounts,
    (.app.environment[] | select(.name == "SET") | .value),
    (.app.isolators | map(.name)), .annotations]' "$pm")" \
    '["bb","example.com/bb",["/bin/sh","-c","echo hello from aci"],[{"volume":"data","path":"/data"}],"1",["resource/memory","resource/cpu","os/linux/capabilities-retain-set"],[{"name":"pod1/restart","value":"always"}]]' \
    "pod manifest: the ACI app, reified with the flags"
is "$(jq -c '.apps[1] | [.name, .app.exec, .app.user,
    .app.workingDirectory, .app.isolators]' "$pm")" \
    '["oci",["/bin/busybox","sh","-c","echo oci $SET; exit 3"],"1","/etc",[{"name":"os/linux/seccomp-remove-set","value":{"errno":"ENOSYS","set":["reboot"]}}]]' \
    "pod manifest: OCI args replace Cmd, after the Entrypoint"
is "$(jq -c '.volumes' "$pm")" "[{\"name\":\"data\",\"kind\":\"host\",\"source\":\"$T\"}]" \
    "pod manifest: --volume"
# what rkt's appc schema demands of a pod manifest it reads
is "$(jq -r '[.apps[].image.id | test("^sha512-[0-9a-f]{128}$")] | all' \
    "$pm")" true "image IDs are sha512, the only kind appc (and rkt) parse"
mhex=$(jq -r '.manifests[0].digest' "$T/layout/index.json" | cut -d: -f2)
is "$(jq -r '.apps[1].image.id' "$pm")" \
    "sha512-$(sha512sum "$T/layout/blobs/sha256/$mhex" | cut -d' ' -f1)" \
    "an OCI app's appc ID is the sha512 of its manifest blob"
is "$(jq -r '[.apps[].image.name, .apps[].annotations[].name,
    .annotations[].name] | map(test("^[a-z0-9]+([-._~/][a-z0-9]+)*$")) |
    all' "$pm")" true "names are AC Identifiers"
is "$(jq -r '[.apps[].name | test("^[a-z0-9]+(-[a-z0-9]+)*$")] | all' \
    "$pm")" true "app names are AC Names"
ok "the rootfs trees are overlays" [ "$(mounts_under "$P")" -ge 3 ]

# list and status of the exited pod
is "$(p1 list --format=json | jq -c --arg u "$u" '.[] | select(.uuid == $u) |
    [.state, (.apps | map([.name, .exit, .state]))]')" \
    '["exited",[["bb",0,"exited"],["oci",3,"exited"]]]' "list --format=json"
like "$(p1 list | tr '\n' '|')" \
    "UUID *STATE *PID *AGE *APP *IMAGE *STATUS *RESTARTS *LOG|${u%%-*} *exited *[0-9]* *[0-9]*s *bb *example.com/bb *exited 0 *0 *$P/stage1/rootfs/rkt/log/bb| * oci *bb *exited 3 *0 *$P/stage1/rootfs/rkt/log/oci|" \
    "list: a table, a line per app"
like "$(p1 status "${u%%-*}" | tr '\n' '|')" \
    "uuid=$u|state=exited|created=*|started=*|pid=*|exited=true|app-bb=0|app-oci=3||APP *IMAGE *STATUS*|bb *example.com/bb *exited 0 *0 *$P/*|oci *bb *exited 3 *0 *$P/*" \
    "status: rkt's lines, then the apps"

# interface version 1: only what rkt sends to version 1
p1 run --stage1-path="$T/fake1.aci" --hostname=h1 --dns=192.0.2.1 \
    --ipc=private --insecure-options=all-run --uuid-file-save="$T/uuid1" \
    "$T/bb.aci" >/dev/null 2>&1
is "$(sed -n 's/^arg=//p' "$D/pods/run/$(cat "$T/uuid1")/fake-run" |
    tr '\n' ' ')" "--net=default --local-config=/etc/rkt $(cat "$T/uuid1") " \
    "control: version 1 gets no --hostname, --dns-conf-mode, --disable-*, --ipc"

# the environment passes through to the stage1
POD1_TEST_HOSTENV=from-host p1 run --stage1-path="$T/fake.aci" \
    --uuid-file-save="$T/uuid2" "$T/bb.aci" >/dev/null 2>&1
u2=$(cat "$T/uuid2")
is "$(sed -n 's/^hostenv=//p' "$D/pods/run/$u2/fake-run")" from-host \
    "stage0's environment reaches the stage1"
is "$(jq -r '.apps[0].app.environment | map(.name) | join(",")' \
    "$D/pods/run/$u2/pod")" FROM_IMAGE \
    "control: without --inherit-env it does not reach the app"
POD1_TEST_HOSTENV=from-host p1 prepare --stage1-path="$T/fake.aci" \
    --inherit-env "$T/bb.aci" >"$T/uuid3" 2>/dev/null
ok "--inherit-env puts it in the app's environment" quiet jq -e \
    '.apps[0].app.environment[] | select(.name == "POD1_TEST_HOSTENV")' \
    "$D/pods/prepared/$(cat "$T/uuid3")/pod"

# prepare, run-prepared; a running pod in list, status, enter, stop
u4=$(p1 prepare --stage1-path="$T/fake.aci" "$T/bb.aci" --- "$T/layout:bb" \
    --name=waiter -- sh -c 'while [ ! -e /tmp/go ]; do sleep 0.02; done; echo woke' \
    2>"$T/err")
is "$?" 0 "prepare prints the uuid"
ok "prepare: the pod is in prepared/" [ -d "$D/pods/prepared/$u4" ]
is "$(p1 status --format=json "$u4" | jq -r .state)" prepared \
    "status of a prepared pod"
start rp sub "$POD1" --dir="$D" run-prepared "$u4"
P4=$D/pods/run/$u4
running() {
	[ "$(p1 status --format=json "$u4" | jq -r .state)" = running ]
}
ok "run-prepared: the pod runs" wait_for 10 running
ok "its pid file is there" wait_for 10 test -s "$P4/pid"
is "$(p1 status --format=json "$u4" | jq -r .pid)" "$(cat "$P4/pid")" \
    "status shows the pid"
"$POD1" --dir="$D" rm "$u4" >/dev/null 2>"$T/err"
nok "rm refuses a running pod" [ $? -eq 0 ]
ok "... and keeps it" [ -d "$P4" ]
is "$(p1 enter --app=waiter "$u4" echo entered)" entered "enter runs a command"
is "$(sed -n 's/^arg=//p;s/^cwd=//p' "$P4/fake-enter" | tr '\n' ' ')" \
    "$P4 --pid=$(cat "$P4/pid") --appname=waiter -- echo entered " \
    "enter: argv and cwd as rkt's"
p1 enter "$u4" true 2>"$T/err"
like "$(err1)" "*has several apps: give --app=|" \
    "control: enter of a two-app pod wants --app"
is "$(p1 stop "$u4")" "$u4" "stop runs the stage1's stop"
is "$(sed -n 's/^arg=//p;s/^cwd=//p' "$P4/fake-stop" | tr '\n' ' ')" \
    "$P4 $u4 " "stop: argv and cwd as rkt's"
wait "$bg"
is "$?" 0 "the pod ends after stop"
ok "it is exited" wait_for 5 sh -c "[ \"\$('$POD1' --dir='$D' status \
    --format=json $u4 | jq -r .state)\" = exited ]"
like "$(tr '\n' '|' <"$T/rp.out")" "hello from aci|woke|" "both apps ran"

# rm of an exited pod: the stage1's gc, mounts gone, dir gone
: >"$T/gc.log"
is "$(p1 rm "$u")" "$u" "rm prints the uuid"
is "$(tr '\n' ' ' <"$T/gc.log")" \
    "cwd=$D/pods/exited-garbage/$u arg=--local-config arg=/etc/rkt arg=$u " \
    "rm: stage1 gc with cwd and rkt's two-argument --local-config"
ok "rm: the pod dir is gone" [ ! -e "$P" ]
is "$(mounts_under "$P")" 0 "rm: its overlays are unmounted"
ok "rm: the store is untouched" [ -x "$(ls -d "$D"/cas/tree/deps-sha512-*/rootfs/bin/busybox | head -n 1)" ]

# gc: exited pods to exited-garbage, then (grace 0) deleted; prepared
# pods stay until they expire
n=$(pods prepared)
p1 gc --grace-period=0s >/dev/null
is "$(pods run)" 0 "gc: no exited pod left in run/"
is "$(pods exited-garbage)" 0 "gc: collected with grace 0"
is "$(pods prepared)" "$n" "control: prepared pods stay"
p1 gc --grace-period=0s --expire-prepared=0s >/dev/null
is "$(pods prepared)" 0 "gc: expired prepared pods go too"
is "$(mounts_under "$D/pods")" 0 "gc: nothing left mounted"

# a prepare that fails leaves nothing
p1 run --stage1-path="$T/fake.aci" "$T/bb.aci" --- "$T/nosuch.aci" \
    >/dev/null 2>"$T/err"
is "$?" 100 "a missing image fails the run"
is "$(pods prepare)$(pods run)" 00 "... and leaves no pod dir"
p1 run --stage1-path="$T/fake.aci" "$T/bb.aci" --- "$T/bb.aci" \
    >/dev/null 2>"$T/err"
like "$(err1)" "pod1: fatal: two apps named bb: give one --name=|" \
    "two apps of one name are refused"
is "$(pods prepare)$(pods run)" 00 "... and leave no pod dir"

# a relative --dir works: pod1 makes every path absolute
(cd "$T" && "$POD1" --dir=rel run --stage1-path=fake.aci \
    --uuid-file-save=urel bb.aci >/dev/null 2>&1)
is "$?" 0 "a relative --dir"
is "$(sed -n 's/^argv0=//p' "$T/rel/pods/run/$(cat "$T/urel")/fake-run")" \
    "$T/rel/pods/run/$(cat "$T/urel")/stage1/rootfs/fake/run" \
    "... and the stage1 gets an absolute argv[0]"

# without overlay: copies
p1 run --stage1-path="$T/fake.aci" --no-overlay --uuid-file-save="$T/u5" \
    "$T/bb.aci" >/dev/null 2>&1
P5=$D/pods/run/$(cat "$T/u5")
is "$(mounts_under "$P5")" 0 "--no-overlay: no mounts"
ok "--no-overlay: the rootfs is a copy" \
    [ -x "$P5/stage1/rootfs/opt/stage2/bb/rootfs/bin/busybox" ]
# an OCI VOLUME becomes a mount point; a pod with no volume for it gets
# an empty one of its name (rkt's rule), and a --volume of that name
# is used as it is (control)
cp -a "$T/layout" "$T/vlayout"
umoci config --image "$T/vlayout:bb" --config.volume /data/x
u7=$(p1 prepare --stage1-path="$T/fake.aci" "$T/vlayout:bb" 2>"$T/err")
pm7=$D/pods/prepared/$u7/pod
is "$(jq -c '.apps[0].app.mountPoints' "$pm7")" \
    '[{"name":"volume-data-x","path":"/data/x"}]' \
    "a VOLUME is an appc mount point"
is "$(jq -c '.volumes' "$pm7")" '[{"name":"volume-data-x","kind":"empty"}]' \
    "an empty volume serves it"
like "$(err1)" "pod1: info: no volume for mount point volume-data-x: *" \
    "... and pod1 says so"
u8=$(p1 prepare --stage1-path="$T/fake.aci" \
    --volume=volume-data-x,kind=host,source="$T" "$T/vlayout:bb" 2>/dev/null)
is "$(jq -c '[.volumes[].kind]' "$D/pods/prepared/$u8/pod")" '["host"]' \
    "control: a --volume of its name is used instead"

# where overlay cannot be had (here: a comma in the path, which the
# overlay options cannot carry), pod1 falls back to copies by itself
"$POD1" --dir="$T/a,b" run --stage1-path="$T/fake.aci" \
    --uuid-file-save="$T/u6" "$T/bb.aci" >/dev/null 2>&1
is "$?" 0 "no overlay possible: the run still works"
P6=$T/a,b/pods/run/$(cat "$T/u6")
is "$(mounts_under "$P6")" 0 "... with no mounts"
ok "... and copies" [ -x "$P6/stage1/rootfs/opt/stage2/bb/rootfs/bin/busybox" ]
done_testing
