#!/usr/bin/env bash
# make deb: the Debian packages (bookworm) of this tree, built by
# dpkg-buildpackage in a copy of it under build/deb/, then lintian.
#
#   deb.sh        packages and lintian.log in build/deb/; fails on a
#                 lintian error
#
# The packaging is scripts/debian/ (control, rules, the .install lists,
# copyright), a native package (version VERSION of userspace/Makefile, no
# Debian revision: the packaging is upstream's); this script adds what it derives from the tree: the
# changelog (the library's version, the commit) and libmodemline0's
# symbols file (from userspace/lib/libmodemline.sym, which the ABI check
# holds the library to).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=deb
version=$(sed -n 's/^VERSION := //p' "$ML_TOP/userspace/Makefile")
top=$ML_BUILD/deb
src=$top/modemline-$version
rm -rf "$top"
mkdir -p "$src"

# The tracked files, as they are in the working tree.
git -C "$ML_TOP" ls-files -z | tar -C "$ML_TOP" --null -T - -cf - | tar -C "$src" -xf -
cp -r "$ML_TOP/scripts/debian" "$src/debian"

commit=$(git -C "$ML_TOP" rev-parse --short HEAD)
cat >"$src/debian/changelog" <<EOT
modemline ($version) unstable; urgency=medium

  * Packaged by 'make deb' from commit $commit.

 -- modemline developers <modemline@modemline.invalid>  $(git -C "$ML_TOP" log -1 --format=%aD)
EOT

# MODEMLINE_0.N's symbols came with version 0.N.0 of the library.
{
	echo "libmodemline.so.0 libmodemline0 #MINVER#"
	echo "* Build-Depends-Package: libmodemline-dev"
	awk '/^#/ || NF < 2 { next }
	     { n = split($2, p, "@@"); sym = p[1]; node = (n > 1 ? p[2] : $2)
	       v = node; sub(/^MODEMLINE_/, "", v)
	       print " " sym "@" node " " v ".0" }' "$ML_TOP/userspace/lib/libmodemline.sym"
} >"$src/debian/libmodemline0.symbols"

ml_log "dpkg-buildpackage in $src (log: $top/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b --no-sign -j"$(nproc)") >"$top/build.log" 2>&1; then
	tail -n 40 "$top/build.log" >&2
	ml_die "dpkg-buildpackage failed"
fi
ls "$top"/*.deb >&2
changes=$(ls "$top"/modemline_"$version"_*.changes)
# Errors fail; warnings and the rest are in the log to read.
if ! lintian --fail-on error --display-info "$changes" >"$top/lintian.log" 2>&1; then
	cat "$top/lintian.log" >&2
	ml_die "lintian reports errors"
fi
ml_log "lintian: $(grep -c '^E:' "$top/lintian.log" || true) errors, $(grep -c '^W:' "$top/lintian.log" || true) warnings ($top/lintian.log)"
