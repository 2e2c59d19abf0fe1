#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 84-daemons: two real daemons from Debian, nginx and memcached, in one
# container run by crun under pod1-init -d, their binaries and libraries
# copied from the host (ldd) into a busybox rootfs. A request is served
# by each (from the container's own network namespace), each logs through
# pod1-svlog into its dir (nginx its access lines, memcached -vv its
# commands), kill -9 of either brings it back serving (nginx's orphaned
# workers, which hold its port, are cleaned away first), and crun kill
# TERM stops both cleanly (nginx says so, memcached "Exiting normally")
# with status 0. Controls: nothing answers on a port no daemon has; under
# container mode (pod1-init -- memcached) the same kill -9 ends the
# container instead.
. "${0%/*}/../lib.sh"
. "${0%/*}/../oci.sh"

need_root
need_crun
[ -x "$SUP" ] || skip_all "$SUP is not built"
command -v jq >/dev/null || skip_all "no jq (apt-get install jq)"
NGINX=$(command -v nginx) ||
    skip_all "no nginx (apt-get install nginx-light)"
MEMCACHED=$(command -v memcached) ||
    skip_all "no memcached (apt-get install memcached)"
command -v nsenter >/dev/null ||
    skip_all "no nsenter (apt-get install util-linux)"

# withlibs ROOT BIN...: BIN and every library ldd names, at their paths
withlibs() {
	_root=$1
	shift
	for _f in "$@" $(ldd "$@" |
	    sed -n 's,.*[[:space:]]\(/[^[:space:]]*\) (0x.*,\1,p' | sort -u)
	do
		mkdir -p "$_root${_f%/*}"
		cp -L "$_f" "$_root$_f"
	done
}

# bundle NAME ARG...: a bundle of busybox, pod1, nginx and memcached
bundle() {
	_b=$T/$1
	shift
	R=$_b/rootfs
	mkrootfs "$R"
	withlibs "$R" "$NGINX" "$MEMCACHED"
	mkdir -p "$R/etc/nginx" "$R/var/lib/nginx" "$R/srv/www"
	printf 'passwd: files\ngroup: files\n' >"$R/etc/nsswitch.conf"
	echo "pod1-daemons-$$" >"$R/srv/www/index.html"
	cat >"$R/etc/nginx/nginx.conf" <<-EOF
	daemon off;
	user root;
	worker_processes 2;
	pid /run/nginx.pid;
	error_log stderr info;
	events {
		worker_connections 64;
	}
	http {
		access_log /dev/stdout;
		server {
			listen 127.0.0.1:8080;
			root /srv/www;
		}
	}
	EOF
	(cd "$_b" && crun spec) || return 1
	_args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$_args" '.process.args = $a |
	    .process.terminal = false | .root.readonly = false' \
	    "$_b/config.json" >"$_b/config.new" &&
	    mv "$_b/config.new" "$_b/config.json"
}

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

# in the container's network namespace, with the host's busybox
get() {
	# (not wget -T: busybox 1.35's segfaults)
	timeout 5 nsenter -t "$cpid" -n "$BB" wget -q -O - \
	    "http://127.0.0.1:$1/" 2>/dev/null
}
mc() {
	printf '%s\r\n' "$@" quit |
	    timeout 5 nsenter -t "$cpid" -n "$BB" nc 127.0.0.1 11211 \
	    2>/dev/null |
	    tr -d '\r'
}
# dpids NAME: the host pids of daemon NAME (its comm) in the container
dpids() {
	_ns=$(readlink "/proc/$cpid/ns/pid") || return 0
	for _p in $(grep -l -x "$1" /proc/[0-9]*/comm 2>/dev/null |
	    sed 's,^/proc/\([0-9]*\)/comm$,\1,'); do
		[ "$(readlink "/proc/$_p/ns/pid" 2>/dev/null)" = "$_ns" ] &&
		    echo "$_p"
	done
	return 0
}
# the nginx master: the nginx whose parent is no nginx
master() {
	for _p in $(dpids nginx); do
		_pp=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$_p/status" \
		    2>/dev/null)
		[ "$(cat "/proc/$_pp/comm" 2>/dev/null)" = nginx ] || echo "$_p"
	done
}
serves() {
	[ "$(get 8080)" = "pod1-daemons-$$" ]
}
stores() {
	[ "$(mc "set k 0 0 5" "hello" "get k" | sed -n 2p)" = "VALUE k 0 5" ]
}

bundle pod /sbin/pod1-init -t 5 -d /etc/pod1/service
svc "$R" nginx 'exec 2>&1
exec nginx -e stderr -c /etc/nginx/nginx.conf'
svclog "$R" nginx
svc "$R" memcached 'exec 2>&1
exec memcached -u root -l 127.0.0.1 -p 11211 -vv'
svclog "$R" memcached
NL=$R/var/log/nginx/current
ML=$R/var/log/memcached/current

crun_start pod
ok "nginx serves a request" wait_for 10 serves ||
    { diag_file "$NL"; diag_file "$T/pod.err"; }
ok "memcached stores and returns a value" wait_for 10 stores
nok "control: nothing answers on port 8081" get 8081
ok "nginx's access line lands in its pod1-svlog dir" \
    wait_for 5 grep -q '"GET / HTTP' "$NL"
ok "memcached's commands land in its pod1-svlog dir" \
    wait_for 5 grep -q 'set k 0 0 5' "$ML"

m=$(master)
w=$(dpids nginx | grep -v -x "$m")
ok "nginx runs a master and its workers" [ -n "$m" ] && [ -n "$w" ]
kill -KILL "$m"
ok "kill -9 of nginx's master: a new master" wait_for 10 eval \
    'n=$(master) && [ -n "$n" ] && [ "$n" != "$m" ]'
all_dead() {
	for _p; do
		dead "$_p" || return 1
	done
}
ok "the old workers are gone" wait_for 10 all_dead $w
ok "and nginx serves again" wait_for 10 serves
old=$(dpids memcached)
kill -KILL "$old"
ok "kill -9 of memcached: memcached is back" wait_for 10 eval \
    'n=$(dpids memcached) && [ -n "$n" ] && [ "$n" != "$old" ]'
ok "and stores and returns a value again" wait_for 10 stores

crun_ kill "pod1-pod-$$" TERM
ok "crun kill TERM: the container stops" wait_for 15 dead "$bg"
wait "$bg"
is "$?" 0 "crun kill TERM: crun run exits 0"
ok "nginx got TERM, its log says so" \
    grep -q 'signal 15 (SIGTERM) received' "$NL"
ok "memcached got TERM and exited normally" has_line "$ML" 'Exiting normally'

# control: container mode has no restart
bundle one /sbin/pod1-init -- /usr/bin/memcached -u root -l 127.0.0.1 -p 11211
crun_start one
ok "one: memcached as pod1-init's command serves" wait_for 10 stores
kill -KILL "$(dpids memcached)"
ok "one: control: kill -9 ends the container" wait_for 10 dead "$bg"
wait "$bg"
is "$?" 137 "one: with 128+9"

done_testing
