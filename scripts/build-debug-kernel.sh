#!/usr/bin/env bash
# Build (or reuse) a debug kernel: Debian's linux-source-SERIES with
# scripts/debug-kernel.config merged by 'make olddefconfig'; FLAVOUR kcsan
# applies scripts/kcsan-kernel.config over it (KCSAN instead of KASAN).
#
#   build-debug-kernel.sh [6.12|7.3] [debug|kcsan]     default 6.12 debug
#
# The tree is cached under ~/.cache/modemline/kernel/, keyed by the source
# package version and the fragment, and doubles as KDIR for our modules.
# Prints the tree's path on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
series=${1:-6.12}
flavour=${2:-debug}
ML_STAGE=kernel-$series${flavour#debug}
pkg=$(ml_debug_src_pkg "$series")
tarball=/usr/src/$pkg.tar.xz
case "$series" in
6.12) ;;
7.3) ml_install_backports "$pkg" ;;
*) ml_die "unknown series $series (6.12 or 7.3)" ;;
esac

dir=$(ml_debug_kernel_dir "$series" "$flavour")
fragment=$(ml_debug_fragment "$flavour")
ml_cache_lock "$dir"
if [ -f "$dir/.complete" ]; then
	ml_log "debug kernel cached: $dir"
	echo "$dir"
	exit 0
fi

[ -f "$tarball" ] || ml_die "$tarball missing (run 'make deps')"
start=$(date +%s)
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
ml_log "extracting $tarball"
tar -C "$dir.tmp" --strip-components=1 -xJf "$tarball"

cd "$dir.tmp"
printf '%s\n' "$fragment" >.config
make -s olddefconfig >/dev/null

# A fragment line that olddefconfig silently dropped (bad dependency, typo)
# would leave a checker out of the kernel without anyone noticing.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%=n}
		if grep -q "^$opt=" .config; then
			ml_log "fragment wants $line, .config has $(grep "^$opt=" .config)"
			missing=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" .config; then
			ml_log "fragment wants $line, .config has: $(grep "^${line%%=*}=" .config || echo unset)"
			missing=1
		fi ;;
	esac
done <<<"$fragment"
[ "$missing" = 0 ] || ml_die "config fragment not fully applied"

jobs=$(nproc)
ml_log "building $(make -s kernelversion) with -j$jobs (log: $dir/build.log)"
# Progress, not 10,000 lines of compiler output: one line per 1000 objects.
if ! make -j"$jobs" all 2>&1 | tee build.log |
	awk -v start="$start" '/^  CC/ { n++; if (n % 1000 == 0) {
		printf "[kernel] %d objects compiled, %ds\n", n, systime() - start
		fflush() } }' >&2; then
	tail -n 40 build.log >&2
	ml_die "kernel build failed"
fi
[ -f arch/x86/boot/bzImage ] || ml_die "no bzImage after the build"
cd /
mv "$dir.tmp" "$dir"
touch "$dir/.complete"
ml_log "debug kernel built in $(ml_elapsed "$start")s: $dir"
echo "$dir"
