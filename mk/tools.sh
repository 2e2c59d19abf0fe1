#!/bin/sh
# SPDX-License-Identifier: ISC
# usage: sh mk/tools.sh COMMAND:PACKAGE... (or /PATH:PACKAGE)
# Make sure each COMMAND is on PATH, installing the Debian PACKAGEs that are
# missing when run as root; otherwise name them and fail. The test suite
# uses the real tools (runit's sv, daemontools' tai64nlocal, util-linux's
# unshare and script) as oracles, so it brings them itself.
set -eu
missing=
for pair in "$@"; do
	cmd=${pair%%:*}
	pkg=${pair#*:}
	case $cmd in
	/*) [ -e "$cmd" ] && continue ;;	# a file the package brings
	*) command -v "$cmd" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in
	*" $pkg "*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "tools: missing packages (run as root to install them):$missing" >&2
	exit 1
fi
echo "tools: installing$missing"
# daemons the tests run themselves (nginx, memcached) must not be started
# on the host by their packages: a policy-rc.d for the install's length
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing >/dev/null
fi
