#!/usr/bin/env bash
# The kernel's kselftest framework, which the selftests are written
# against: kselftest_harness.h and the one header it includes,
# kselftest.h, from Debian's linux-source-6.12 (installed if missing, as
# 'make deps' would). Extracted once per package version; prints the
# directory holding them (the selftests' -I).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=kselftest
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
members=(kselftest_harness.h kselftest.h)

[ -f "$tarball" ] || "$ML_TOP/scripts/deps.sh" "$pkg" ||
	ml_die "$tarball missing (run 'make deps')"

ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	ml_die "$pkg is not installed (run 'make deps')"
dir=$ML_CACHE/kselftest-$ver
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
ml_log "extracting ${members[*]} from $tarball"
# --touch: dated now, so that tests built against another version rebuild.
tar -C "$dir.tmp" --strip-components=4 --touch -xJf "$tarball" \
	"${members[@]/#/$pkg/tools/testing/selftests/}"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
touch "$dir/.complete"
echo "$dir"
