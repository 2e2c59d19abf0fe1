#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 73-stage0-e2e: `pod1 run` end to end through our own stage1 (the
# stage1.aci beside pod1): multi-app pods of an ACI, an OCI layout and a
# docker-archive print each app's output and exit with the first failing
# app's status (control: all apps ending 0 give 0); a host volume and
# --set-env reach the app; list and status (table and JSON) show a
# running pod with its pid, app states, restarts and log dirs, and an
# exited one with exit statuses; --restart=always restarts an app
# (control: the pod's other app, under never, is not restarted); enter
# runs a command inside the pod; stop ends it; rm and gc remove exited
# pods with their mounts, and rm refuses a running one.
# shellcheck source=tests/lib.sh
. "${0%/*}/../lib.sh"
. "${0%/*}/../stage0.sh"
need_root
need_tools umoci skopeo jq
[ -f "$B/stage1.aci" ] || skip_all "$B/stage1.aci is not built"
# the stage1 runs its programs inside the pod, where no shared library is
grep -q -- -static "$B/.flags" 2>/dev/null ||
    skip_all "a SANITIZE=1 stage1 is dynamic and cannot run in a pod"

D=$T/store
R=$T/rootfs
mkrootfs "$R"
mkaci "$T/bb.aci" "$R"
mkoci "$T/layout" "$R"
skopeo copy -q "oci:$T/layout:bb" "docker-archive:$T/bb-docker.tar:localhost/bb-docker:1"
mkdir -m 777 "$T/out"
p1() {
	"$POD1" --dir="$D" "$@"
}
st() {
	p1 status --format=json "$1" | jq -r "$2"
}

# three apps of the three kinds; the OCI one fails with 3
run sub "$POD1" --dir="$D" run --net=host --uuid-file-save="$T/u1" \
    --volume=out,kind=host,source="$T/out" --set-env=GREETING=hi \
    "$T/bb.aci" \
    --- "$T/layout:bb" --name=oci --mount=volume=out,target=/out -- \
    sh -c 'echo "oci $GREETING $FROM_IMAGE $(pwd)" >/out/oci; echo oci says; exit 3' \
    --- "$T/bb-docker.tar" --name=dock -- sh -c 'echo dock says' \
    >"$T/out1" 2>"$T/err1"
is "$?" 3 "run: the first failing app's status is pod1's"
diag_file "$T/err1"
u1=$(cat "$T/u1")
for l in "[bb] hello from aci" "[oci] oci says" "[dock] dock says"; do
	ok "run: output '$l'" grep -qxF "$l" "$T/out1"
done
is "$(cat "$T/out/oci" 2>/dev/null)" "oci hi oci /etc" \
    "the volume, --set-env, the image's Env and WorkingDir reach the app"
is "$(st "$u1" '[.state, (.apps[] | "\(.name)=\(.exit)")] | join(" ")')" \
    "exited bb=0 oci=3 dock=0" "status --format=json: exit statuses"
like "$(p1 status "$u1" | tr '\n' '|')" \
    "*state=exited|*app-bb=0|app-oci=3|app-dock=0||APP*|bb *example.com/bb *exited 0 *0 *$D/pods/run/$u1/stage1/rootfs/rkt/log/bb|oci *bb *exited 3 *0 *|dock *localhost/bb-docker *exited 0 *0 *|" \
    "status: rkt's lines and the app table"
ok "the log dir is svlogd's" grep -q "oci says" \
    "$D/pods/run/$u1/stage1/rootfs/rkt/log/oci/current"

run sub "$POD1" --dir="$D" run --net=host "$T/bb.aci" --- "$T/layout:bb" \
    --name=oci -- true >/dev/null 2>&1
is "$?" 0 "control: apps that all end 0 make pod1 exit 0"

# an image with a VOLUME and no --volume: the empty volume pod1 adds
# is mounted there by our stage1, and the app can write to it
cp -a "$T/layout" "$T/vlayout"
umoci config --image "$T/vlayout:bb" --config.volume /data
run sub "$POD1" --dir="$D" run --net=host "$T/vlayout:bb" -- \
    sh -c 'echo in > /data/f && cat /data/f && grep " /data " /proc/mounts' \
    >"$T/out2" 2>"$T/err2"
is "$?" 0 "an OCI VOLUME gets an empty volume the app can use"
diag_file "$T/err2"
ok "... which it wrote and read" grep -q '^\[bb\] in$' "$T/out2"
ok "... mounted on its path" grep -q '^\[bb\] .* /data ' "$T/out2"

# a running pod: web flaps under --restart=always, db sleeps
start pod sub "$POD1" --dir="$D" run --net=host --uuid-file-save="$T/u2" \
    "$T/layout:bb" --name=web --restart=always -- \
    sh -c 'echo tick; sleep 0.2; exit 1' \
    --- "$T/bb-docker.tar" --name=db -- sh -c 'echo db up; exec sleep 300'
ok "the pod writes its uuid" wait_for 10 test -s "$T/u2"
u2=$(cat "$T/u2")
running() {
	[ "$(st "$u2" .state)" = running ] && [ "$(st "$u2" .pid)" != null ]
}
ok "status: running, with a pid" wait_for 20 running
restarted() {
	[ "$(st "$u2" '.apps[] | select(.name == "web") | .restarts')" -ge 2 ]
}
ok "--restart=always: web is restarted" wait_for 20 restarted
is "$(st "$u2" '.apps[] | select(.name == "db") | .restarts')" 0 \
    "control: db, under never, is not"
like "$(p1 list | tr '\n' '|')" \
    "*${u2%%-*} *running *[0-9]* *[0-9]*s *web *bb *[a-z]* *[0-9]* *$D/pods/run/$u2/stage1/rootfs/rkt/log/web| *db *localhost/bb-docker *run* *0 *$D/pods/run/$u2/stage1/rootfs/rkt/log/db|*" \
    "list: the running pod, a line per app"
is "$(p1 list --format=json | jq -r --arg u "$u2" \
    '.[] | select(.uuid == $u) | .apps | map(.name) | join(",")')" web,db \
    "list --format=json"
is "$(p1 enter --app=db "$u2" /bin/sh -c 'hostname; cat /proc/1/comm' |
    tr '\n' '|')" "rkt-$u2|pod1-init|" "enter: a command inside the pod"
p1 enter "$u2" true 2>"$T/err"
like "$(err1)" "*has several apps: give --app=|" \
    "control: enter of a two-app pod without --app is refused"
p1 rm "$u2" >/dev/null 2>&1
nok "rm refuses a running pod" [ $? -eq 0 ]
is "$(p1 stop "$u2")" "$u2" "stop"
wait "$bg"
ok "the pod ends after stop" [ $? -ne 124 ]
is "$(st "$u2" .state)" exited "status: exited after stop"

# rm and gc: dirs and mounts gone, the store kept
is "$(p1 rm "$u1")" "$u1" "rm an exited pod"
ok "rm: its dir is gone" [ ! -e "$D/pods/run/$u1" ]
is "$(mounts_under "$D/pods/run/$u1")" 0 "rm: its mounts are gone"
is "$(mounts_under "$D/pods/exited-garbage")" 0 "nothing left in garbage"
quiet p1 gc --grace-period=0s
is "$(find "$D/pods/run" "$D/pods/exited-garbage" -mindepth 1 -maxdepth 1 |
    wc -l)" 0 \
    "gc: every exited pod is gone"
is "$(mounts_under "$D/pods")" 0 "gc: no mount left under pods/"
ok "the store still has the images" \
    [ "$(ls "$D/cas/tree" | wc -l)" -eq 5 ]
done_testing
