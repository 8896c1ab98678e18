# shellcheck shell=bash
# Shared helpers for the build and VM scripts. Sourced, never run.

ML_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ML_CACHE=${MODEMLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modemline}
ML_BUILD=${MODEMLINE_BUILD:-$ML_TOP/build}

# Source package of a debug kernel series: 6.12 (Debian 12's security
# suite, the default) or 7.3 (trixie-backports, see ml_install_backports).
ml_debug_src_pkg() { echo "linux-source-${1:-6.12}"; }

ml_log() { printf '[%s] %s\n' "${ML_STAGE:-modemline}" "$*" >&2; }
ml_die() { ml_log "error: $*"; exit 1; }

# ml_elapsed START: seconds since START (from date +%s).
ml_elapsed() { echo $(( $(date +%s) - $1 )); }

# ml_cache_lock DIR: hold DIR.lock (on fd 8) until the script exits, so
# that a second builder of the same cached tree (another 'make check',
# or 'make modules' beside one) waits, then finds it complete, instead of
# removing the tree being built. Taken before DIR/.complete is looked at.
ml_cache_lock() {
	mkdir -p "$(dirname "$1")"
	exec 8>"$1.lock"
	flock 8
}

# TAP for the host checks: ml_ok STATUS NAME [DIAGNOSTIC] prints the next
# result (after a failure, DIAGNOSTIC as "# " lines); ml_tap_failed counts
# the failures.
ml_tap_n=0 ml_tap_failed=0
ml_ok() {
	ml_tap_n=$((ml_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $ml_tap_n $2"
	else
		echo "not ok $ml_tap_n $2"
		ml_tap_failed=$((ml_tap_failed + 1))
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

# The config fragment of a debug kernel FLAVOUR (debug, or kcsan: KCSAN
# instead of KASAN): debug-kernel.config with the flavour's overlay, the
# overlay's line winning for an option both set. One line per option.
ml_debug_fragment() {
	local overlay=
	[ "${1:-debug}" = debug ] || overlay=$ML_TOP/scripts/$1-kernel.config
	[ -z "$overlay" ] || [ -f "$overlay" ] || ml_die "no fragment $overlay"
	awk '/^CONFIG_/ { split($0, kv, "="); if (!(kv[1] in v)) order[++n] = kv[1]
			  v[kv[1]] = $0 }
	     END { for (i = 1; i <= n; i++) print v[order[i]] }' \
		"$ML_TOP/scripts/debug-kernel.config" $overlay
}

# Key of a debug kernel build: source package version and config fragment.
ml_debug_kernel_key() {
	local pkg ver
	pkg=$(ml_debug_src_pkg "${1:-}")
	ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		ml_die "$pkg is not installed (run 'make deps')"
	{
		echo "$ver"
		cat "$ML_TOP/scripts/debug-kernel.config"
		[ "${2:-debug}" = debug ] || ml_debug_fragment "$2"
	} | sha256sum | cut -c1-12
}

# ml_debug_kernel_dir [SERIES [FLAVOUR]]
ml_debug_kernel_dir() {
	echo "$ML_CACHE/kernel/${2:-debug}-${1:-6.12}-$(ml_debug_kernel_key "${1:-}" "${2:-}")"
}

# Install a linux-source package from trixie-backports, the suite pinned
# at the lowest useful priority so that nothing else gets upgraded.
ml_install_backports() {
	local pkg=$1
	[ -f "/usr/src/$pkg.tar.xz" ] && return 0
	[ "$(id -u)" = 0 ] || ml_die "$pkg missing: run this as root once to install it"
	cat >/etc/apt/sources.list.d/modemline-trixie-backports.sources <<-SRC
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: trixie-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
	printf 'Package: *\nPin: release n=trixie-backports\nPin-Priority: 100\n' \
		>/etc/apt/preferences.d/modemline-trixie-backports
	ml_log "installing $pkg from trixie-backports"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "$pkg"; } >/tmp/modemline-backports.log 2>&1 ||
		{ tail -n 20 /tmp/modemline-backports.log >&2; ml_die "cannot install $pkg"; }
}

# The series of 'make patches' as the check scripts generate it
# (scripts/patches.sh SERIES DIR) and apply it to a clean copy of the
# pristine tree (scripts/patches-kernel.sh).
#
# ml_patches_list DIR: the patches in DIR, the cover letter apart, one a
# line, in order.
ml_patches_list() {
	local p
	for p in "$1"/*.patch; do
		[ -e "$p" ] || continue	# no patches at all
		[[ "$(basename "$p")" == 0000-* ]] || echo "$p"
	done
}
# ml_patches_am TREE LOG PATCH...: TREE, a clone of a pristine tree, reset
# to its tag 'base' and cleaned of anything a run left, then the PATCHes
# applied with 'git am'. Returns 1 if the reset left TREE unclean (its
# status in LOG), 2 if git am failed (its output in LOG; aborted).
ml_patches_am() {
	local tree=$1 log=$2
	shift 2
	local git=(git -C "$tree" -c user.name=modemline -c user.email=modemline@localhost)
	"${git[@]}" am --abort >/dev/null 2>&1 || true
	if ! { "${git[@]}" reset -q --hard base && "${git[@]}" clean -fdxq; } >"$log" 2>&1; then
		echo "reset to the tag 'base' failed" >>"$log"
		return 1
	fi
	if [ -n "$("${git[@]}" status --porcelain)" ]; then
		"${git[@]}" status --porcelain >"$log"
		return 1
	fi
	if ! "${git[@]}" am -q "$@" >"$log" 2>&1; then
		"${git[@]}" am --abort >/dev/null 2>&1 || true
		return 2
	fi
}
