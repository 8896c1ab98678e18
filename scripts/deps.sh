#!/usr/bin/env bash
# Install the Debian packages the project needs, or, when not root, print
# the command that would. Cheap when everything is already there.
#   deps.sh [PACKAGE...]   only these (default: all the project needs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=deps

packages=(
	build-essential flex bison bc libelf-dev libssl-dev dwarves cpio kmod
	xz-utils rsync python3
	linux-source-6.12	# the debug kernel's source
	qemu-system-x86 busybox-static	# the test VM
	sparse				# make sparse
	util-linux socat		# ldattach, wiring modems to the VM
	dkms man-db pkg-config		# the install and DKMS checks
	python3-ply python3-git		# checkpatch's spdxcheck.py (make patches-check)
	ppp iproute2 iputils-ping	# dial-up networking (selftests/ppp_test.sh)
	gcc-multilib			# the -m32 builds (32-bit users)
	debhelper dh-dkms lintian	# make deb
	udev bash-completion		# udevadm test, the completion test
)
[ $# -eq 0 ] || packages=("$@")

missing=()
for pkg in "${packages[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	ml_log "missing packages; run as root:"
	ml_log "  apt-get update && $cmd"
	exit 1
fi
ml_log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package lists may be missing or stale on a fresh machine: update once.
if ! $cmd >/tmp/modemline-deps.log 2>&1; then
	apt-get update -q >>/tmp/modemline-deps.log 2>&1
	$cmd >>/tmp/modemline-deps.log 2>&1 || {
		tail -n 20 /tmp/modemline-deps.log >&2
		ml_die "apt-get install failed (log: /tmp/modemline-deps.log)"
	}
fi
ml_log "installed ${#missing[@]} packages"
