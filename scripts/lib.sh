# shellcheck shell=bash
# Shared helpers for the build and VM scripts. Sourced, never run.

ML_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ML_CACHE=${MODEMLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modemline}
ML_BUILD=${MODEMLINE_BUILD:-$ML_TOP/build}

# Source package of the debug kernel (Debian 12 security suite).
ML_DEBUG_SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
ML_DEBUG_SRC_PKG=linux-source-6.12

ml_log() { printf '[%s] %s\n' "${ML_STAGE:-modemline}" "$*" >&2; }
ml_die() { ml_log "error: $*"; exit 1; }

# ml_elapsed START: seconds since START (from date +%s).
ml_elapsed() { echo $(( $(date +%s) - $1 )); }

# Key of the debug kernel build: source package version and config fragment.
ml_debug_kernel_key() {
	local ver
	ver=$(dpkg-query -W -f='${Version}' "$ML_DEBUG_SRC_PKG" 2>/dev/null) ||
		ml_die "$ML_DEBUG_SRC_PKG is not installed (run 'make deps')"
	{
		echo "$ver"
		cat "$ML_TOP/scripts/debug-kernel.config"
	} | sha256sum | cut -c1-12
}

ml_debug_kernel_dir() {
	echo "$ML_CACHE/kernel/debug-6.12-$(ml_debug_kernel_key)"
}
