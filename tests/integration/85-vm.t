#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 85-vm: pod1-init as the init of a machine. First -m as the PID 1 of a
# PID namespace, where reboot(2) ends the namespace and says how (killed
# by INT: poweroff or halt; by HUP: reboot): busybox's signals USR2, USR1,
# TERM and INT, and systemd's RTMIN+3 to +5, each stop the services and
# end with the right command, and /run gets a tmpfs. Controls: -d alone
# mounts nothing, ignores USR2 and exits 0 on TERM; -m refuses to run
# when not PID 1. Then the real thing:
# Debian's kernel boots, under qemu's software emulation, an initramfs
# whose /init is pod1-init, which mounts /proc /sys /dev /run, runs the
# services (one logs through pod1-svlog) and, on busybox's own poweroff or
# reboot, or ctrl-alt-del pressed through qemu's monitor, stops them,
# syncs and powers off or restarts. Controls: an init that exits, which
# the console shows as a kernel panic; pod1-init as a container init,
# where ctrl-alt-del restarts the kernel at once.
. "${0%/*}/../lib.sh"

[ -x "$SUP" ] || skip_all "$SUP is not built"
SVLOG=$B/pod1-svlog

for a in a m; do
	ln -s "$PROBE" "$T/app-$a"
done

# a stops on TERM, saying so in $D/a.out; m notes what /run is
mksvcs() {
	mksvc "$1/a" 'exec "'$T'/app-a" signals -x TERM >>../a.out'
	mksvc "$1/m" 'awk '\''$2 == "/run" { print $3 }'\'' /proc/mounts \
	    >../mounts
exec "'$T'/app-m" pause'
}
ready() {
	grep -q '^ready ' "$D/a.out" 2>/dev/null && [ -e "$D/mounts" ]
}

# (were this guard broken, the host would power off: reboot(2) is only
# ever called as PID 1, which is checked again there)
run sub "$INIT" -m -d "$T" 2>"$T/notpid1.err"
is "$?" 100 "-m, not PID 1: refused"
ok "-m, not PID 1: and says why" grep -q 'is for the PID 1' "$T/notpid1.err"

if have_unshare; then
	D=$T/ns
	mksvcs "$D"
	# SIG STATUS ACTION: reboot(2) in a PID namespace kills its PID 1 by
	# SIGINT for poweroff and halt, by SIGHUP for a restart
	# (37 to 39: systemd's SIGRTMIN+3 to +5, as podman sends them)
	for t in USR2:130:poweroff USR1:130:halt TERM:129:reboot \
	    INT:129:reboot 37:130:halt 38:130:poweroff 39:129:reboot; do
		sig=${t%%:*}
		st=${t#*:}
		st=${st%:*}
		act=${t##*:}
		rm -f "$D/a.out" "$D/mounts"
		start init ns "$INIT" -m -t 5 -d "$D"
		ok "ns -m $sig: the services run" wait_for 5 ready
		kill -"$sig" "$pid1"
		# (the shell would name the signal that ended it)
		wait "$bg" 2>/dev/null
		is "$?" "$st" "ns -m $sig: $act ends the namespace so"
		ok "ns -m $sig: pod1-init said $act" \
		    grep -q "info: $act: stopping the services" "$T/init.err"
		ok "ns -m $sig: a was stopped first" has_line "$D/a.out" TERM
		nok "ns -m $sig: nothing was left for the final TERM" \
		    grep -q 'sent TERM to the remaining' "$T/init.err"
	done
	is "$(cat "$D/mounts")" tmpfs "ns -m: /run is a tmpfs"

	rm -f "$D/a.out" "$D/mounts"
	start init ns "$INIT" -t 5 -d "$D"
	ok "ns -d: control: the services run" wait_for 5 ready
	is "$(cat "$D/mounts")" "" "ns -d: control: /run is no mount"
	kill -USR2 "$pid1"
	nok "ns -d: control: USR2 is no poweroff" wait_for 1 dead "$pid1"
	kill -TERM "$pid1"
	wait "$bg"
	is "$?" 0 "ns -d: control: TERM: exit 0"
else
	skip "-m in a PID namespace: $ns_why"
fi

# The machine: an initramfs of busybox, pod1 and a service dir.
K=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
QEMU=$(command -v qemu-system-x86_64)
BB=$(command -v busybox)
[ -n "$QEMU" ] ||
    skip_all "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
[ -r "$K" ] ||
    skip_all "no kernel in /boot (apt-get install linux-image-amd64)"
command -v cpio >/dev/null || skip_all "no cpio (apt-get install cpio)"
# ldd fails on a static binary
! ldd "$BB" >/dev/null 2>&1 ||
    skip_all "no static busybox (apt-get install busybox-static)"
# a SANITIZE=1 pod1-init is dynamic and ASan's: as a machine's PID 1 it
# would run before anything mounts /proc, which ASan reads at start
if ldd "$INIT" >/dev/null 2>&1; then
	skip "the VM boots the static build only ($INIT is dynamic)"
	done_testing
	exit 0
fi

# mkinitrd OUT KIND: KIND machine has /init -> pod1-init; exits has an
# /init that runs pod1-init as a container init, whose command exits 5;
# container the same, whose command waits
mkinitrd() {
	_r=$T/$1.root
	mkdir -p "$_r/bin" "$_r/sbin" "$_r/dev" "$_r/etc/pod1/service"
	cp "$BB" "$_r/bin/busybox"
	for _a in awk cat echo grep mkdir poweroff reboot sh sleep; do
		ln -s busybox "$_r/bin/$_a"
	done
	cp "$INIT" "$SUP" "$SVLOG" "$_r/sbin/"
	SVBASE=$_r/etc/pod1/service
	mksvc hello 'echo "POD1-VM-HELLO pid1=$(cat /proc/1/comm)"
for m in /proc /sys /dev /run; do
	echo "POD1-VM-MOUNT $m $(awk -v m=$m '\''$2 == m { print $3 }'\'' \
	    /proc/mounts)"
done
echo "POD1-VM-PATH $PATH"
: >/run/hello
exec sleep 100000'
	mksvc stopper 'trap "echo POD1-VM-TERM; exit 0" TERM
echo POD1-VM-READY
while :; do sleep 1 & wait; done'
	mksvc logged 'echo POD1-VM-LOGGED-LINE
exec sleep 100000'
	mksvc logged/log 'mkdir -p /run/log/logged &&
exec pod1-svlog /run/log/logged'
	# the guest's own bounded wait: its services start at once
	mksvc off 'n=0
until [ -e /run/hello ] &&
    grep -q POD1-VM-LOGGED-LINE /run/log/logged/current 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt 300 ] && break
	sleep 0.1
done
echo "POD1-VM-LOG $(cat /run/log/logged/current)"
echo "POD1-VM-ACTION $pod1test"
if [ "$pod1test" = cad ]; then
	echo POD1-VM-WAITING-FOR-CAD
else
	$pod1test
fi
exec sleep 100000'
	unset SVBASE
	case $2 in
	machine)
		ln -s sbin/pod1-init "$_r/init"
		;;
	exits)
		printf '%s\n' '#!/bin/sh' 'echo POD1-VM-HELLO' \
		    'exec /sbin/pod1-init -- /bin/sh -c "exit 5"' >"$_r/init"
		chmod +x "$_r/init"
		;;
	container)
		printf '%s\n' '#!/bin/sh' 'echo POD1-VM-HELLO' \
		    'exec /sbin/pod1-init -- /bin/sh -c \' \
		    '    "echo POD1-VM-WAITING-FOR-CAD; exec sleep 100000"' \
		    >"$_r/init"
		chmod +x "$_r/init"
		;;
	esac
	(cd "$_r" && find . | cpio -o -H newc --quiet | gzip -1) \
	    >"$T/$1.cpio.gz"
}

# boot INITRD ACTION: the console in $T/INITRD-ACTION.console, qemu's
# status in $vm_st. TCG: KVM hangs guests on this kind of machine.
# panic=-1 and -no-reboot make a panic and a restart end qemu too. ACTION
# cad: the guest waits, and the test presses ctrl-alt-del through qemu's
# monitor, read from a FIFO.
boot() {
	_c=$T/$1-$2.console
	_in=/dev/null
	_mon=none
	if [ "$2" = cad ]; then
		_in=$T/monitor
		_mon=stdio
		rm -f "$_in"
		mkfifo "$_in"
	fi
	_t0=$(now_ms)
	timeout -k 5 120 "$QEMU" -accel tcg -m 256 -nodefaults \
	    -no-user-config -display none -monitor "$_mon" -no-reboot \
	    -serial "file:$_c.raw" -kernel "$K" -initrd "$T/$1.cpio.gz" \
	    -append "console=ttyS0 panic=-1 pod1test=$2" <"$_in" \
	    >"$T/qemu.out" 2>"$T/qemu.err" &
	_q=$!
	if [ "$2" = cad ]; then
		# (the open meets qemu's: neither blocks for long)
		exec 7>"$_in"
		# (qemu creates the file once it runs; a qemu that ended
		# early must not SIGPIPE the test)
		wait_for 100 grep -q '^POD1-VM-WAITING-FOR-CAD' "$_c.raw" \
		    2>/dev/null &&
		    (trap '' PIPE; echo 'sendkey ctrl-alt-delete' >&7)
	fi
	wait "$_q"
	vm_st=$?
	[ "$2" = cad ] && exec 7>&-
	tr -d '\r' <"$_c.raw" >"$_c"
	diag "boot $1 $2: qemu exited $vm_st after $(($(now_ms) - _t0)) ms"
	diag_file "$T/qemu.err"
}

# ended_clean CONSOLE ACTION: pod1-init stopped the services, synced
# and asked the kernel for ACTION, which did it, and nothing panicked
ended_clean() {
	grep -q "^pod1-init: info: $2: stopping the services" "$1" &&
	    grep -q '^POD1-VM-TERM' "$1" &&
	    grep -q "^pod1-init: info: $2: syncing the disks" "$1" &&
	    grep -q "reboot: $3\$" "$1" && ! grep -q 'Kernel panic' "$1"
}

# line CONSOLE TEXT: the first console line starting with TEXT
line() {
	grep -m 1 "^$2" "$1"
}

mkinitrd machine machine
for t in poweroff:'Power down' reboot:'Restarting system' \
    cad:'Restarting system'; do
	act=${t%%:*}
	boot machine "$act"
	c=$T/machine-$act.console
	is "$vm_st" 0 "vm $act: qemu ended by itself"
	is "$(line "$c" POD1-VM-HELLO)" "POD1-VM-HELLO pid1=init" \
	    "vm $act: pod1-init is PID 1 and ran the services"
	# the kernel gives init no PATH: pod1-init -m gives its services one
	is "$(line "$c" POD1-VM-PATH)" "POD1-VM-PATH /usr/local/sbin:$(:
	    )/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	    "vm $act: the services have a PATH"
	for m in /proc:proc /sys:sysfs /dev:devtmpfs /run:tmpfs; do
		is "$(line "$c" "POD1-VM-MOUNT ${m%:*} ")" \
		    "POD1-VM-MOUNT ${m%:*} ${m#*:}" "vm $act: ${m%:*} mounted"
	done
	like "$(line "$c" POD1-VM-LOG)" "POD1-VM-LOG *POD1-VM-LOGGED-LINE" \
	    "vm $act: a service's lines land in its pod1-svlog dir"
	if [ "$act" = cad ]; then
		# had the kernel not given it to pod1-init, it would have
		# restarted at once, without a word from pod1-init
		ok "vm cad: ctrl-alt-del comes to pod1-init as SIGINT: a reboot" \
		    ended_clean "$c" reboot "${t#*:}"
	else
		ok "vm $act: busybox's $act: services stopped, sync, $act" \
		    ended_clean "$c" "$act" "${t#*:}"
	fi
	grep -v '^\[' "$c" | sed 's/^/#   /'
done

mkinitrd exits exits
boot exits poweroff
c=$T/exits-poweroff.console
ok "vm control: the init that exits ran" grep -q '^POD1-VM-HELLO' "$c"
ok "vm control: the kernel panics" \
    grep -q 'Kernel panic - not syncing: Attempted to kill init' "$c"
nok "vm control: which is no clean poweroff" \
    ended_clean "$c" poweroff 'Power down'

# control: pod1-init as a container init leaves ctrl-alt-del to the kernel
mkinitrd container container
boot container cad
c=$T/container-cad.console
ok "vm cad control: the kernel restarts at once" \
    grep -q 'reboot: Restarting system$' "$c"
nok "vm cad control: which is no clean reboot by pod1-init" \
    ended_clean "$c" reboot 'Restarting system'

done_testing
