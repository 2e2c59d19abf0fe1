#!/bin/sh
# SPDX-License-Identifier: ISC
# appc's ACE validator, made again as tests/helpers/ace-validator, run as
# its two images are meant to run: ace-validator-main (pre-start, main,
# post-stop; env, cwd, PATH, a read-write volume) beside the sidekick
# sharing that volume. Control: the same checks fail outside a pod.
. "${0%/*}/../lib.sh"
. "${0%/*}/../pod.sh"
need_root

ACE=$top/tests/helpers/ace-validator
mkpod 00000000-0000-4000-8000-000000000201
addapp ace-validator-main '{"exec":["/ace-validator","main"],
 "eventHandlers":[{"name":"pre-start","exec":["/ace-validator","prestart"]},
  {"name":"post-stop","exec":["/ace-validator","poststop"]}],
 "user":"0","group":"0","workingDirectory":"/opt/acvalidator",
 "environment":[{"name":"IN_ACE_VALIDATOR","value":"correct"}],
 "mountPoints":[{"name":"database","path":"/db","readOnly":false}],
 "ports":[{"name":"www","protocol":"tcp","port":80}]}'
addapp ace-validator-sidekick '{"exec":["/ace-validator","sidekick"],
 "user":"0","group":"0",
 "mountPoints":[{"name":"database","path":"/db","readOnly":false}]}'
for a in main sidekick; do
	cp "$ACE" "$s1/opt/stage2/ace-validator-$a/rootfs/ace-validator"
done
mkdir -p "$s1/opt/stage2/ace-validator-main/rootfs/opt/acvalidator"
podjson '{"name":"database","kind":"empty"}'
runpod --net=none
is "$podst" 0 "the validator pod exits 0"
for m in prestart main poststop; do
	ok "ace-validator-main: $m OK" \
	    grep -qx "\[ace-validator-main\] $m OK" "$T/pod.out"
done
ok "ace-validator-sidekick: sidekick OK" \
    grep -qx '\[ace-validator-sidekick\] sidekick OK' "$T/pod.out"
nok "no check failed" grep -q '==>' "$T/pod.out"
ok "post-stop ran after main (its marker is in main's root)" \
    test -f "$s1/opt/stage2/ace-validator-main/rootfs/poststop"
ok "both apps wrote to the shared volume" \
    test -f "$pod/sharedVolumes/database/main" -a \
    -f "$pod/sharedVolumes/database/sidekick"

# control: the same validator, chrooted by hand with the host's env, fails
r=$T/bare
mkroot "$r"
cp "$ACE" "$r/ace-validator"
mkdir -p "$r/db" "$r/opt/acvalidator"
: > "$r/prestart"
chroot "$r" /ace-validator main > "$T/bare.out" 2>&1
is "$?" 1 "control: outside a pod the validator fails"
like "$(cat "$T/bare.out")" "*==> /db is not a mount point*" \
    "control: and says why (no volume, no env, wrong cwd)"
done_testing
