#!/usr/bin/env bash
# Fetch (or reuse) a stock Debian kernel and its header tree, unpacked into
# a private prefix: nothing is installed on the build machine.
#
#   stock-kernel.sh 6.1|6.12     prints the prefix on stdout
#
# The prefix holds boot/vmlinuz-*, lib/modules/<release>/ and
# usr/src/linux-headers-<release>/ (the KDIR for our modules), with the
# packages' absolute symlinks rewritten to point inside the prefix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
series=${1:?usage: stock-kernel.sh 6.1|6.12}
ML_STAGE=stock-$series

# The newest ABI Debian 12 ships for the series.
case "$series" in
6.1)  image=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6\.1\./ { print $2; exit }') ;;
6.12) image=$(apt-cache pkgnames linux-image-6.12. | grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		sort -V | tail -n 1) ;;
*) ml_die "unknown series $series (6.1 or 6.12)" ;;
esac
[ -n "$image" ] || ml_die "no linux-image package for $series (apt-get update?)"
release=${image#linux-image-}
headers=linux-headers-$release
common=$(apt-cache depends "$headers" | awk '/Depends: linux-headers-.*-common/ { print $2; exit }')
kbuild=$(apt-cache depends "$headers" | awk '/Depends: linux-kbuild-/ { print $2; exit }')
[ -n "$common" ] && [ -n "$kbuild" ] || ml_die "cannot resolve header dependencies of $headers"
version=$(apt-cache policy "$image" | awk '/Candidate:/ { print $2 }')

dir=$ML_CACHE/kernel/stock-$release-$version
ml_cache_lock "$dir"
if [ -f "$dir/.complete" ]; then
	ml_log "cached: $dir"
	echo "$dir"
	exit 0
fi

start=$(date +%s)
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/debs"
ml_log "downloading $image $headers $common $kbuild"
(cd "$dir.tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "$image" "$headers" "$common" "$kbuild" >/dev/null) ||
	ml_die "apt-get download failed"
for deb in "$dir.tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir.tmp"
done
rm -rf "$dir.tmp/debs"

# Debian's header packages link to each other with absolute paths
# (/usr/src/..., /usr/lib/linux-kbuild-*): point them into the prefix.
find "$dir.tmp" -type l | while IFS= read -r link; do
	target=$(readlink "$link")
	case "$target" in
	/*) ln -sfn "$dir${target}" "$link" ;;
	esac
done
# So does the header tree's Makefile, which includes the common tree's.
sed -i "s|^include /usr/src/|include $dir/usr/src/|" "$dir.tmp"/usr/src/linux-headers-*/Makefile
# The links and the include above name the final directory, not .tmp.
mv "$dir.tmp" "$dir"
[ -f "$dir/usr/src/linux-headers-$release/Makefile" ] || ml_die "header tree incomplete"
ls "$dir"/boot/vmlinuz-* >/dev/null || ml_die "no vmlinuz in $image"
touch "$dir/.complete"
ml_log "unpacked $release in $(ml_elapsed "$start")s"
echo "$dir"
