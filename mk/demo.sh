#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: pod1-init as PID 1 of a fresh PID namespace over a small
# workload that leaves orphans, takes forwarded signals and leaves behind a
# daemon that ignores TERM; -vv makes pod1-init say what it reaps and sends.
set -eu
B=${POD1_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
	echo "demo: needs root (unshare --pid --fork --mount-proc failed)" >&2
	exit 1
fi

cat > "$tmp/workload" <<'W'
#!/bin/sh
# three orphans: each subshell exits at once, its sleep is left to PID 1
for i in 1 2 3; do (sleep 0.$i &); done
# a daemon that ignores TERM, so the shutdown has to KILL it
setsid sh -c 'trap "" TERM; exec sleep 600' </dev/null &
trap 'echo "workload: got SIGUSR1"' USR1
trap 'echo "workload: got SIGHUP"' HUP
trap 'echo "workload: got SIGTERM, exiting 3"; exit 3' TERM
echo "workload: pid $$ in the pod's PID namespace, ready"
: > "$1"
while :; do sleep 0.05; done
W
chmod +x "$tmp/workload"

echo "demo: starting $B/pod1-init -vv -t 2 as PID 1 of a new PID namespace"
unshare --pid --fork --mount-proc "$B/pod1-init" -vv -t 2 -- \
    "$tmp/workload" "$tmp/ready" &
ns=$!
i=0
while [ ! -e "$tmp/ready" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || { echo "demo: workload never got ready" >&2; exit 1; }
	sleep 0.05
done
init=$(pgrep -P $ns)
for sig in USR1 HUP TERM; do
	echo "demo: kill -$sig pod1-init (host pid $init)"
	kill -$sig $init
	sleep 0.3
done
set +e
wait $ns
rc=$?
set -e
echo "demo: pod1-init exited with status $rc (the workload's 3)"
