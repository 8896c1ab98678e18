#!/usr/bin/env bash
# Prepare (or reuse) a compile-only tree of the newest kernel Debian ships,
# linux-source-7.3 from trixie-backports: configured with our debug
# fragment, 'make modules_prepare' only. Modules built against it are
# never loaded, so there is no Module.symvers (KBUILD_MODPOST_WARN=1).
# Prints the tree's path on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=compat-7.3
pkg=linux-source-7.3
tarball=/usr/src/$pkg.tar.xz

ml_install_backports "$pkg"

ver=$(dpkg-query -W -f='${Version}' "$pkg")
key=$(cat <(echo "$ver") "$ML_TOP/scripts/debug-kernel.config" | sha256sum | cut -c1-12)
dir=$ML_CACHE/kernel/compat-7.3-$key
ml_cache_lock "$dir"
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
start=$(date +%s)
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
ml_log "extracting $tarball"
tar -C "$dir.tmp" --strip-components=1 -xJf "$tarball"
cp "$ML_TOP/scripts/debug-kernel.config" "$dir.tmp/.config"
make -C "$dir.tmp" -s olddefconfig >/dev/null
make -C "$dir.tmp" -s -j"$(nproc)" modules_prepare >"$dir.tmp/prepare.log" 2>&1 ||
	{ tail -n 30 "$dir.tmp/prepare.log" >&2; ml_die "modules_prepare failed"; }
mv "$dir.tmp" "$dir"
touch "$dir/.complete"
ml_log "prepared $(make -C "$dir" -s kernelversion) in $(ml_elapsed "$start")s"
echo "$dir"
