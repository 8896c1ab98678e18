#!/usr/bin/env bash
# The kernel's kselftest framework, which the selftests are written
# against and run by, from Debian's linux-source-6.12 (installed if
# missing, as 'make deps' would): kselftest_harness.h and the one header
# it includes, kselftest.h; lib.mk, which selftests/Makefile includes;
# and the runner, run_kselftest.sh with kselftest/runner.sh and
# prefix.pl. Extracted once per package version, laid out as in
# tools/testing/selftests/; prints that directory (the selftests' -I).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=kselftest
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
members=(kselftest_harness.h kselftest.h lib.mk run_kselftest.sh
	kselftest/runner.sh kselftest/prefix.pl)

[ -f "$tarball" ] || "$ML_TOP/scripts/deps.sh" "$pkg" ||
	ml_die "$tarball missing (run 'make deps')"

ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	ml_die "$pkg is not installed (run 'make deps')"
# Keyed by the files taken too, so that taking another one re-extracts.
dir=$ML_CACHE/kselftest-$ver-$(printf '%s\n' "${members[@]}" | sha256sum | cut -c1-8)
ml_cache_lock "$dir"
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
