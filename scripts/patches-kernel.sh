#!/usr/bin/env bash
# The kernel trees of 'make patches' and 'make patches-check', built once
# and cached under $ML_CACHE, keyed by the linux-source package version:
#
#   patches-kernel.sh SERIES src   a pristine git tree of Debian's
#                                  linux-source-SERIES: the tarball
#                                  extracted and committed as one base
#                                  commit (tag 'base'), never modified
#   patches-kernel.sh SERIES check a directory with linux/, a clone of
#                                  that tree, and obj/, its O= build
#                                  directory: 'make defconfig', the options
#                                  of scripts/patches/kernel.config, then
#                                  'make modules_prepare' (minutes; keyed
#                                  by the fragment too), and
#                                  config.prepared, that .config. The
#                                  user resets linux/ to 'base' and
#                                  obj/.config to config.prepared.
#   patches-kernel.sh SERIES kunit a directory with linux/, another clone
#                                  of that tree, for kunit.py (UML) to
#                                  build in build/ there, kept between
#                                  runs: the user resets linux/ to 'base'.
#
# SERIES is 6.12 (default) or 7.3. Prints the directory on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
series=${1:-6.12}
what=${2:-src}
ML_STAGE=patches-kernel-$series
pkg=$(ml_debug_src_pkg "$series")
tarball=/usr/src/$pkg.tar.xz
git=(git -c user.name=modemline -c user.email=modemline@localhost
	-c gc.auto=0 -c core.autocrlf=false)
# Compiles run beside the test VMs: lowest priority, two jobs at most.
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))

case "$series" in
6.12) [ -f "$tarball" ] || "$ML_TOP/scripts/deps.sh" "$pkg" ||
	ml_die "$tarball missing (run 'make deps')" ;;
7.3) ml_install_backports "$pkg" ;;
*) ml_die "unknown series '$series' (6.12, 7.3)" ;;
esac
ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	ml_die "$pkg is not installed (run 'make deps')"

src=$ML_CACHE/pristine-$series-$ver
# One preparer of a series' trees at a time: 'make check' runs its
# compile stages in two queues.
mkdir -p "$ML_CACHE"
exec 8>"$ML_CACHE/.patches-kernel-$series.lock"
flock 8
if [ ! -f "$src/.complete" ]; then
	start=$(date +%s)
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	ml_log "extracting $tarball"
	tar -C "$src.tmp" --strip-components=1 -xJf "$tarball"
	ml_log "committing it as the base of a git tree"
	(
		cd "$src.tmp"
		"${git[@]}" init -q -b master
		# -f: Debian's .gitignore ignores every top-level entry.
		"${git[@]}" add -A -f
		"${git[@]}" commit -q -m "Linux $series ($pkg $ver)"
		"${git[@]}" tag base
	)
	rm -rf "$src"
	mv "$src.tmp" "$src"
	touch "$src/.complete"
	# .complete is untracked, ignored by git: keep the tree 'clean'.
	echo .complete >>"$src/.git/info/exclude"
	ml_log "pristine tree in $(ml_elapsed "$start")s"
fi
[ "$what" = src ] && { echo "$src"; exit 0; }

# clone DIR: DIR/linux, a clone of the pristine tree sharing its objects,
# made in DIR.tmp then moved: the objects record the tree's path, so both
# are made where they stay.
clone() {
	rm -rf "$1.tmp"
	mkdir -p "$1.tmp"
	ml_log "cloning the pristine tree"
	git clone -q --shared "$src" "$1.tmp/linux"
	mv "$1.tmp" "$1"
}

if [ "$what" = kunit ]; then
	dir=$ML_CACHE/kunit-uml-$series-$ver
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		clone "$dir"
		touch "$dir/.complete"
	fi
	echo "$dir"
	exit 0
fi
[ "$what" = check ] || ml_die "unknown item '$what' (src, check, kunit)"

fragment=$ML_TOP/scripts/patches/kernel.config
key=$(cat <(echo "$ver") "$fragment" | sha256sum | cut -c1-12)
dir=$ML_CACHE/patches-check-$series-$key
if [ ! -f "$dir/.complete" ]; then
	start=$(date +%s)
	rm -rf "$dir"
	clone "$dir"
	ml_log "configuring (defconfig + $(basename "$fragment")) and modules_prepare"
	{
		nice -n 19 make -C "$dir/linux" O="$dir/obj" defconfig &&
		"$dir/linux/scripts/kconfig/merge_config.sh" -m -O "$dir/obj" \
			"$dir/obj/.config" "$fragment" &&
		nice -n 19 make -C "$dir/linux" O="$dir/obj" olddefconfig &&
		nice -n 19 make -C "$dir/linux" O="$dir/obj" -j"$jobs" modules_prepare
	} >"$dir/prepare.log" 2>&1 ||
		{ tail -n 30 "$dir/prepare.log" >&2; ml_die "modules_prepare failed"; }
	# Every option of the fragment must have survived olddefconfig.
	while read -r line; do
		case "$line" in CONFIG_*) grep -qx "$line" "$dir/obj/.config" ||
			ml_die "$line did not survive olddefconfig" ;; esac
	done <"$fragment"
	cp "$dir/obj/.config" "$dir/config.prepared"
	touch "$dir/.complete"
	ml_log "prepared in $(ml_elapsed "$start")s"
fi
echo "$dir"
