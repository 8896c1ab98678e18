#!/usr/bin/env bash
# Resolve a kernel name to its files, building or fetching it if needed.
#
#   kernel-dir.sh KERNEL kdir|image|release|modules
#
# KERNEL is debug (our debug build of 6.12), debug-7.3 (the same of the
# newest kernel), kcsan-6.12 (6.12 with KCSAN instead of KASAN),
# stock-6.1, stock-6.12, or compat-7.3 (a compile-only tree of the newest
# kernel: kdir only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel=${1:?usage: kernel-dir.sh KERNEL what}
what=${2:?usage: kernel-dir.sh KERNEL what}

case "$kernel" in
debug | debug-7.3 | kcsan-6.12)
	series=${kernel#*-}
	[ "$series" != debug ] || series=6.12
	tree=$("$ML_TOP/scripts/build-debug-kernel.sh" "$series" "${kernel%%-*}")
	case "$what" in
	kdir) echo "$tree" ;;
	image) echo "$tree/arch/x86/boot/bzImage" ;;
	release) cat "$tree/include/config/kernel.release" ;;
	# Built-in drivers only besides ours: no module tree to ship.
	modules) echo "" ;;
	*) ml_die "unknown item $what" ;;
	esac ;;
stock-*)
	prefix=$("$ML_TOP/scripts/stock-kernel.sh" "${kernel#stock-}")
	release=$(basename "$(ls -d "$prefix"/lib/modules/*)")
	case "$what" in
	kdir) echo "$prefix/usr/src/linux-headers-$release" ;;
	image) echo "$prefix/boot/vmlinuz-$release" ;;
	release) echo "$release" ;;
	modules) echo "$prefix/lib/modules/$release" ;;
	*) ml_die "unknown item $what" ;;
	esac ;;
compat-7.3)
	[ "$what" = kdir ] || ml_die "compat-7.3 is compile-only: no $what"
	"$ML_TOP/scripts/build-compat-tree.sh" ;;
*) ml_die "unknown kernel '$kernel' (debug, debug-7.3, kcsan-6.12, stock-6.1, stock-6.12, compat-7.3)" ;;
esac
