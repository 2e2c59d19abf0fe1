#!/bin/sh
# SPDX-License-Identifier: ISC
#
# 80-install: `make install PREFIX=... DESTDIR=...` puts pod1 in bin,
# the programs images and service dirs call in sbin, pod1-stage1 in
# libexec/pod1, the stage1 image in lib/pod1, and every man page of the
# tree (each *.1 and *.8) in man1 or man8 with the version filled in;
# each file is the built one, with its mode; every page renders with
# man(1) without a single groff warning; nothing lands outside DESTDIR;
# the installed pod1-init finds the installed pod1-supervise; `make
# uninstall` takes it all away again. Control: a page with a mistake
# does draw a warning.
. "${0%/*}/../lib.sh"

command -v make >/dev/null || skip_all "no make (apt-get install make)"
command -v man >/dev/null || skip_all "no man (apt-get install man-db)"
command -v groff >/dev/null || skip_all "no groff (apt-get install groff-base)"

P=/opt/pod1-test-$$
D=$T/dest
VERSION=$(sed -n 's/^VERSION = //p' "$top/config.mk")
make -s -C "$top" install PREFIX="$P" DESTDIR="$D" >"$T/make.out" 2>&1
is "$?" 0 "make install succeeds" || diag_file "$T/make.out"
ok "nothing lands outside DESTDIR" [ ! -e "$P" ]

# inst FILE MODE BUILT: installed as BUILT, with MODE
inst() {
	[ "$(stat -c %a "$D$P/$1" 2>/dev/null)" = "$2" ] &&
	    cmp -s "$D$P/$1" "$3"
}
ok "bin/pod1" inst bin/pod1 755 "$B/pod1"
for b in pod1-init pod1-supervise pod1-svlog pod1-exec; do
	ok "sbin/$b" inst "sbin/$b" 755 "$B/$b"
done
ok "libexec/pod1/pod1-stage1" inst libexec/pod1/pod1-stage1 755 \
    "$B/pod1-stage1"
ok "lib/pod1/stage1.aci" inst lib/pod1/stage1.aci 644 "$B/stage1.aci"

# every page in the tree, installed and rendered
pages=$(cd "$top" && find . -path ./build -prune -o -path ./.git -prune \
    -o -type f \( -name '*.[18]' \) -print | sort)
[ -n "$pages" ] || skip_all "no man page in the tree"
for m in $pages; do
	n=${m##*/}
	f=$D$P/share/man/man${n##*.}/$n
	ok "$n: installed, mode 644" \
	    eval '[ "$(stat -c %a "$f" 2>/dev/null)" = 644 ]'
	is "$(sed -n 1p "$f" 2>/dev/null | grep -c "pod1\\\\-$VERSION")" 1 \
	    "$n: names version $VERSION"
	nok "$n: no VERSION left" grep -q VERSION "$f"
	MANWIDTH=80 man --warnings -l "$f" >"$T/man.out" 2>"$T/man.err"
	is "$?" 0 "$n: man -l renders it"
	ok "$n: with a NAME section" grep -q '^NAME' "$T/man.out"
	ok "$n: without a warning" eval '[ ! -s "$T/man.err" ]' ||
	    diag_file "$T/man.err"
	groff -man -ww -z "$f" >"$T/groff.err" 2>&1
	ok "$n: groff -ww has nothing to say" eval '[ ! -s "$T/groff.err" ]' ||
	    diag_file "$T/groff.err"
done

# control: the same checks see a mistake
sed '2i\.XY bogus\n\\fQoops\\fR' "$D$P/share/man/man8/pod1-init.8" \
    >"$T/bad.8"
MANWIDTH=80 man --warnings -l "$T/bad.8" >/dev/null 2>"$T/man.err"
ok "control: man warns about a page with a mistake" [ -s "$T/man.err" ]

# the installed programs work together
S=$T/svc
mksvc "$S/t" 'touch ../t.ran
exec sleep 100'
start inst sub "$D$P/sbin/pod1-init" -t 2 -d "$S"
ok "the installed pod1-init runs a service" wait_for 5 test -e "$S/t.ran"
is "$(for c in $(children "$pid1"); do readlink "/proc/$c/exe"; done)" \
    "$D$P/sbin/pod1-supervise" "through the installed pod1-supervise"
kill -TERM "$pid1"
wait "$bg"
is "$?" 0 "and stops on TERM"

make -s -C "$top" uninstall PREFIX="$P" DESTDIR="$D" >"$T/make.out" 2>&1
is "$?" 0 "make uninstall succeeds" || diag_file "$T/make.out"
is "$(find "$D" -type f | wc -l)" 0 "and leaves no file"

done_testing
