#!/bin/sh
# SPDX-License-Identifier: ISC
# usage: sh tests/fuzz/run.sh SECONDS tests/fuzz/NAME...
# Run each libFuzzer target build/fuzz/NAME for SECONDS on its seed corpus
# tests/fuzz/NAME/ and its work corpus build/fuzz/NAME.corpus/ (kept, so
# runs build on each other); SECONDS 0 replays the seeds alone, once each,
# as a regression test. A crash leaves its input in build/fuzz/NAME-crash-*
# (add it to the seeds with the fix) and fails the run.
set -u
secs=$1
shift
failed=
for t in "$@"; do
	name=${t##*/}
	bin=build/fuzz/$name
	log=build/fuzz/$name.log
	if [ "$secs" -eq 0 ]; then
		set -- "$t"/*
		[ -e "$1" ] || set --
		"$bin" "$@" >"$log" 2>&1
		rc=$?
		echo "fuzz $name: replayed $# seeds: rc $rc"
	else
		mkdir -p "build/fuzz/$name.corpus"
		# -close_fd_mask=2: the code's warnings would drown the log
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		    -max_len=65536 -artifact_prefix="build/fuzz/$name-" \
		    -close_fd_mask=2 -print_final_stats=1 \
		    "build/fuzz/$name.corpus" "$t" >"$log" 2>&1
		rc=$?
		echo "fuzz $name: ${secs}s: rc $rc:" \
		    "$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$log" |
		    sed 's/.*: *//') runs," \
		    "$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)," \
		    "corpus $(ls "build/fuzz/$name.corpus" | wc -l)"
	fi
	if [ "$rc" -ne 0 ]; then
		failed="$failed $name"
		tail -n 30 "$log" | sed 's/^/#   /'
		ls build/fuzz/"$name"-* 2>/dev/null | sed 's/^/#   input: /'
	fi
done
[ -z "$failed" ] && exit 0
echo "fuzz: FAILED:$failed (logs in build/fuzz/NAME.log)"
exit 1
