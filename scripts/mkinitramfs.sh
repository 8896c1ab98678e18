#!/usr/bin/env bash
# Build the initramfs that scripts/vm.sh boots: static busybox, the /init
# from scripts/guest-init.sh and, for stock kernels, the modules that are
# needed before the host root is mounted (9p) or that --usb wants (USB host
# controller, FTDI usb-serial). The debug kernel has all of these built in.
#
#   mkinitramfs.sh KERNEL IMAGE [MODULES]
#
# IMAGE and MODULES are what 'kernel-dir.sh KERNEL image|modules' print
# (the caller has them already; each lookup costs seconds). Prints the
# path of the image, which is cached until one of its inputs changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel=${1:?usage: mkinitramfs.sh KERNEL IMAGE [MODULES]}
image=${2:?usage: mkinitramfs.sh KERNEL IMAGE [MODULES]}
modules=${3:-}
ML_STAGE=initramfs-$kernel
out=$ML_BUILD/vm/initramfs-$kernel.cpio.gz
busybox=$(command -v busybox) || ml_die "busybox not found (apt-get install busybox-static)"

# Reuse the image while nothing it is made of has changed.
if [ -f "$out" ] && [ -z "$(find "$image" "$busybox" "$ML_TOP/scripts/mkinitramfs.sh" \
	"$ML_TOP/scripts/guest-init.sh" -newer "$out" 2>/dev/null)" ]; then
	echo "$out"
	exit 0
fi
# The initramfs has no libc: a dynamically linked busybox cannot run.
if ldd "$busybox" >/dev/null 2>&1; then
	ml_die "$busybox is not static (apt-get install busybox-static)"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage" "$out.$$"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
cp "$ML_TOP/scripts/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"

# Stock kernels: resolve module dependencies with the host's modprobe
# against a depmod'ed view of Debian's module tree (the package ships no
# modules.dep), and store each module uncompressed, in load order, in one
# list per purpose. Builtins show up as "builtin NAME" and are skipped.
add_modules() { # LIST MODULE...
	local list=$1 line path name
	shift
	: >"$stage/lib/modules/$list"
	modprobe -d "$tree" -S "$release" --show-depends -a "$@" >"$stage/deps" ||
		ml_die "cannot resolve $* for $release"
	while read -r line; do
		case "$line" in
		insmod\ *) path=${line#insmod }; path=${path%% *} ;;
		builtin\ *) continue ;;
		*) ml_die "unexpected modprobe output: $line" ;;
		esac
		name=$(basename "$path"); name=${name%.xz}; name=${name%.zst}
		if [ ! -f "$stage/lib/modules/$name" ]; then
			case "$path" in
			*.xz) xz -dc "$path" >"$stage/lib/modules/$name" ;;
			*.zst) zstd -qdc "$path" >"$stage/lib/modules/$name" ;;
			*) cp "$path" "$stage/lib/modules/$name" ;;
			esac
		fi
		# modprobe -a repeats shared dependencies.
		grep -qx "$name" "$stage/lib/modules/$list" || echo "$name" >>"$stage/lib/modules/$list"
	done <"$stage/deps"
	rm "$stage/deps"
}

if [ -n "$modules" ]; then
	release=$(basename "$modules")
	# Kept per unpacked stock kernel, which never changes: depmod takes
	# ~10 s. The tree links to Debian's modules and adds the index files.
	tree=$ML_CACHE/vm/modtree-$(basename "$(dirname "$(dirname "$(dirname "$modules")")")")
	if [ ! -f "$tree/.complete" ]; then
		rm -rf "$tree"
		mkdir -p "$tree/lib/modules/$release"
		ln -s "$modules/kernel" "$tree/lib/modules/$release/kernel"
		cp "$modules"/modules.order "$modules"/modules.builtin* "$tree/lib/modules/$release/"
		depmod -b "$tree" "$release" || ml_die "depmod failed for $release"
		touch "$tree/.complete"
	fi
	add_modules 9p.list virtio_pci 9pnet_virtio 9p
	add_modules usb.list xhci_pci ftdi_sio
	add_modules ppp.list ppp_async
fi

mkdir -p "$(dirname "$out")"
# Two VMs may start at once: build aside, then rename into place.
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$out.$$"
mv "$out.$$" "$out"
ml_log "built $out ($(du -h "$out" | cut -f1))"
echo "$out"
