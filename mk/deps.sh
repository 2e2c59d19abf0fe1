#!/bin/sh
# Build the static musl libraries pod1 links against (zlib, liblzma, libzstd,
# libbz2, libarchive, libseccomp, libcap, jansson, libmd) from Debian's source
# packages into a private prefix.  Debian ships these only built against glibc.
#
# usage: sh mk/deps.sh PREFIX
#
# PREFIX gets include/, lib/ (with pkgconfig/), MANIFEST (source packages and
# versions used) and log/ (one build log per step).  Downloaded sources are
# kept in PREFIX/src and apt's private state in PREFIX/apt; a failed build
# leaves its tree in PREFIX/work.  A finished build leaves PREFIX/.done holding
# this script's checksum, so a re-run is a no-op until the script changes.

set -eu

[ $# -eq 1 ] || { echo "usage: sh mk/deps.sh PREFIX" >&2; exit 100; }
mkdir -p "$1"
PREFIX=$(cd "$1" && pwd -P)
SUM=$(cksum < "$0")
# touch: make compares the stamp's time with this script's
[ "$(cat "$PREFIX/.done" 2>/dev/null)" = "$SUM" ] &&
	{ touch "$PREFIX/.done"; exit 0; }

SRC=$PREFIX/src
APT=$PREFIX/apt
WORK=$PREFIX/work
LOG=$PREFIX/log

# Binary packages whose source packages are built, in dependency order.
# Asking by binary name makes apt pick the source of the binary candidate,
# security updates included.
DEBS="zlib1g-dev liblzma-dev libzstd-dev libbz2-dev libarchive-dev
libseccomp-dev libcap-dev libjansson-dev libmd-dev"

# libc6-dev: libcap's host helper _makenames is built with gcc;
# linux-libc-dev: the UAPI headers copied into the prefix.
TOOLS="musl-tools gcc libc6-dev linux-libc-dev make autoconf automake libtool
pkgconf gperf dpkg-dev file"

die() {
	echo "deps: $*" >&2
	exit 1
}

# step NAME CMD...: run CMD in a subshell, its output in $LOG/NAME.log.
# set -e is ignored inside a subshell that is part of an || list, so the
# status is taken with set +e around a plain statement instead.
step() {
	step_log=$LOG/$1.log
	step_name=$1
	shift
	set +e
	( set -e; "$@" ) > "$step_log" 2>&1
	step_rc=$?
	set -e
	if [ $step_rc -ne 0 ]; then
		# the tail too: on CI the log is gone once the run ends
		tail -n 30 "$step_log" >&2
		die "$step_name failed, see $step_log"
	fi
}

# The builds below must not inherit the caller's make or compiler settings:
# a parent make's MAKEFLAGS carries its command-line variables (CC=...) and
# jobserver into every sub-make.
unset MAKEFLAGS MFLAGS MAKELEVEL CPPFLAGS LDFLAGS CFLAGS CC
export LC_ALL=C

# A failed or outdated build may have left files behind: start from a clean
# prefix, keeping only the downloads and apt's lists.
(cd "$PREFIX" && rm -rf .done MANIFEST include lib share work log)
mkdir -p "$SRC" "$APT" "$WORK" "$LOG"

#
# Build tools
#

missing=
for p in $TOOLS; do
	case $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] ||
		die "missing build tools (run as root to install them):$missing"
	echo "deps: installing$missing"
	# shellcheck disable=SC2086
	step apt-install sh -c 'apt-get update &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends "$@"' sh $missing
fi

#
# Sources
#

# A private apt configuration: every binary entry of the system's sources
# plus a deb-src twin, with lists and cache under $APT.  /etc/apt and
# /var/lib/apt stay untouched.  The sandbox user stays root because _apt
# cannot write into the prefix.
mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache"
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	sed 's/^[Tt]ypes:.*/Types: deb deb-src/' "$f" \
		> "$APT/sources.list.d/${f##*/}"
done
cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	sed -n '/^[[:space:]]*deb[[:space:]]/{p;s/deb/deb-src/p;}' \
	> "$APT/sources.list"

# Options go on the command line: an APT_CONFIG file is read before
# /etc/apt/apt.conf.d, which could override it, while the site's settings
# there (proxy, validity checks) should still apply.
apt_private() {
	apt-get -q \
		-o Dir::Etc::SourceList="$APT/sources.list" \
		-o Dir::Etc::SourceParts="$APT/sources.list.d" \
		-o Dir::State::Lists="$APT/lists" \
		-o Dir::Cache="$APT/cache" \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root \
		"$@"
}

# apt skips files already present in $SRC with the right checksum, so only
# new versions are downloaded.  --print-uris lists the .dsc names in $DEBS
# order, but leaves out files present in the current directory, hence $WORK.
fetch() {
	apt_private update
	cd "$WORK"
	# shellcheck disable=SC2086
	apt_private source --print-uris $DEBS |
		sed -n "s/^'[^']*' \([^ ]*\.dsc\) .*/\1/p" > "$WORK/dscs"
	[ "$(wc -l < "$WORK/dscs")" -eq "$(echo "$DEBS" | wc -w)" ]
	cd "$SRC"
	# shellcheck disable=SC2086
	apt_private source --download-only $DEBS
}
echo "deps: fetching sources"
step fetch fetch

#
# Builds, one function per Debian source package (- becomes _)
#

CFLAGS="-Os -ffunction-sections -fdata-sections"
J=-j$(nproc)

# The libraries' configure scripts and Makefiles see only the prefix: musl-gcc
# passes -nostdinc, and pkg-config is kept away from glibc's .pc files.
export CC=musl-gcc CFLAGS CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib"
export PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" PKG_CONFIG_PATH=

build_zlib() {
	./configure --prefix="$PREFIX" --static
	make "$J" libz.a
	make install
}

build_xz_utils() {
	./configure --prefix="$PREFIX" --disable-shared --enable-static \
		--disable-xz --disable-xzdec --disable-lzmadec \
		--disable-lzmainfo --disable-lzma-links --disable-scripts \
		--disable-doc --disable-nls
	make "$J" -C src/liblzma
	make -C src/liblzma install
}

build_libzstd() {
	make "$J" -C lib libzstd.a CC="$CC" CFLAGS="$CFLAGS" \
		ZSTD_LEGACY_SUPPORT=0 ZSTD_LIB_DICTBUILDER=0
	make -C lib install-static install-includes install-pc \
		PREFIX="$PREFIX"
}

# No install target for the static library alone, and no .pc file:
# libarchive finds it through LDFLAGS.
build_bzip2() {
	make "$J" libbz2.a CC="$CC" CFLAGS="$CFLAGS"
	cp libbz2.a "$PREFIX/lib/"
	cp bzlib.h "$PREFIX/include/"
}

# Debian's patches touch configure.ac and Makefile.am.  configure silently
# drops a compressor it cannot find, so config.h is checked for each.
build_libarchive() {
	autoreconf -fi
	./configure --prefix="$PREFIX" --disable-shared --enable-static \
		--disable-bsdtar --disable-bsdcat --disable-bsdcpio \
		--disable-acl --disable-xattr --without-iconv \
		--without-openssl --without-nettle --without-mbedtls \
		--without-cng --without-xml2 --without-expat --without-lz4 \
		--without-lzo2 --without-libb2 \
		--with-zlib --with-lzma --with-zstd --with-bz2lib
	for h in ZLIB_H LIBZ LZMA_H LIBLZMA ZSTD_H LIBZSTD BZLIB_H LIBBZ2; do
		grep -q "^#define HAVE_$h 1" config.h ||
			{ echo "libarchive: HAVE_$h missing from config.h"; exit 1; }
	done
	make "$J" libarchive.la
	make install-libLTLIBRARIES install-includeHEADERS \
		install-pkgconfigDATA
}

# gperf regenerates the syscall table that Debian's patch changes.
build_libseccomp() {
	./configure --prefix="$PREFIX" --disable-shared --enable-static \
		--disable-python
	make "$J" -C src libseccomp.la
	make -C src install-libLTLIBRARIES
	make -C include install
	make install-pkgconfDATA
}

# libcap's Makefile appends its own -I flags after CPPFLAGS, so an exported
# -I$PREFIX/include would let installed headers shadow its bundled ones.
# lib=lib stops it from guessing the directory with ldd; PTHREADS=no skips
# libpsx and its pthread_create wrapping.
build_libcap2() {
	set -- CC="$CC" BUILD_CC=gcc COPTS="$CFLAGS" SHARED=no PTHREADS=no \
		GOLANG=no prefix="$PREFIX" lib=lib
	unset CPPFLAGS LDFLAGS CFLAGS
	make "$J" -C libcap libcap.a "$@"
	make -C libcap install-static-cap "$@"
}

# The upstream tarball ships no configure script.
build_jansson() {
	autoreconf -fi
	./configure --prefix="$PREFIX" --disable-shared --enable-static
	make "$J" -C src
	make -C src install
	make install-pkgconfigDATA
}

# SHA-256 and SHA-512 for the image digests (sha2.h).
build_libmd() {
	./configure --prefix="$PREFIX" --disable-shared --enable-static
	make "$J" -C src
	make -C src install
	make -C include install
}

build() {
	dpkg-source --no-copy -x "$SRC/$2" "$WORK/$1"
	cd "$WORK/$1"
	"build_$(echo "$1" | tr - _)"
}

# The kernel's UAPI headers are libc-agnostic; libseccomp, libarchive and
# programs including seccomp.h need them, and musl-gcc does not search
# /usr/include.
mkdir -p "$PREFIX/include" "$PREFIX/lib"
cp -R /usr/include/linux /usr/include/asm-generic "$PREFIX/include/"
cp -R "/usr/include/$(gcc -print-multiarch)/asm" "$PREFIX/include/"

: > "$WORK/MANIFEST"
while read -r dsc; do
	name=${dsc%%_*}
	version=$(sed -n 's/^Version: //p' "$SRC/$dsc")
	echo "deps: building $name $version"
	step "$name" build "$name" "$dsc"
	rm -rf "${WORK:?}/$name"
	echo "$name $version" >> "$WORK/MANIFEST"
done < "$WORK/dscs"
find "$PREFIX/lib" -name '*.la' -exec rm -f {} +

#
# Self-test: link every library into one static program and run it.
#

selftest() {
	cat > "$WORK/selftest.c" <<-'EOF'
	#include <stdio.h>

	#include <archive.h>
	#include <jansson.h>
	#include <seccomp.h>
	#include <sha2.h>
	#include <string.h>
	#include <sys/capability.h>

	int
	main(void)
	{
		struct archive *a;
		scmp_filter_ctx ctx;
		cap_t caps;
		json_t *j;
		json_error_t jerr;
		char digest[SHA256_DIGEST_STRING_LENGTH];

		if ((a = archive_read_new()) == NULL ||
		    archive_read_support_filter_all(a) != ARCHIVE_OK ||
		    archive_read_support_format_all(a) != ARCHIVE_OK)
			return 1;
		archive_read_free(a);
		if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
			return 2;
		seccomp_release(ctx);
		if ((caps = cap_get_proc()) == NULL)
			return 3;
		cap_free(caps);
		j = json_loads("{\"a\": [1, 2, 3]}", 0, &jerr);
		if (j == NULL || json_array_size(json_object_get(j, "a")) != 3)
			return 4;
		json_decref(j);
		if (strcmp(SHA256Data((const unsigned char *)"abc", 3,
		    digest), "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad") != 0)
			return 5;
		puts(archive_version_details());
		return 0;
	}
	EOF
	# shellcheck disable=SC2046
	musl-gcc -static -Os -o "$WORK/selftest" "$WORK/selftest.c" \
		$(pkg-config --static --cflags --libs \
			libarchive libseccomp libcap jansson libmd) \
		-Wl,--gc-sections
	details=$("$WORK/selftest")
	echo "$details"
	for lib in zlib liblzma bz2lib libzstd; do
		case $details in
		*" $lib/"*) ;;
		*) echo "libarchive lacks $lib"; exit 1 ;;
		esac
	done
	info=$(file "$WORK/selftest")
	echo "$info"
	case $info in
	*"statically linked"*) ;;
	*) echo "not statically linked"; exit 1 ;;
	esac
}
echo "deps: self-test"
step selftest selftest

mv "$WORK/MANIFEST" "$PREFIX/MANIFEST"
echo "$SUM" > "$PREFIX/.done"
echo "deps: done, $PREFIX"
