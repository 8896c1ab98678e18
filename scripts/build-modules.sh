#!/usr/bin/env bash
# Build our kernel modules against one kernel's tree, in a private copy of
# the sources so that builds for several kernels never share objects.
#
#   build-modules.sh debug|stock-6.1|stock-6.12 [extra make args]
#
# Prints the directory holding the .ko files on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel=${1:?usage: build-modules.sh KERNEL}
shift
ML_STAGE=modules-$kernel

kdir=$("$ML_TOP/scripts/kernel-dir.sh" "$kernel" kdir)
out=$ML_BUILD/$kernel/src
mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
	"$ML_TOP/Kbuild" "$ML_TOP/kmod" "$ML_TOP/uapi" "$out/" >/dev/null
# rsync --delete above only cleans inside the copied trees; leftovers of a
# removed module would otherwise be loaded by the VM runner.
find "$out" \( -name '*.ko' -o -name '*.o' \) -delete

log=$ML_BUILD/$kernel/modules.log
# A compile-only tree has no Module.symvers: unresolved symbols are fine.
case "$kernel" in compat-*) set -- KBUILD_MODPOST_WARN=1 "$@" ;; esac
# MODEMLINE_TESTS=1: also the test-only modules (kmod/tests/nullmodem/),
# which make install and DKMS leave out.
if ! make -C "$kdir" M="$out" W=1 MODEMLINE_TESTS=1 "$@" modules >"$log" 2>&1; then
	cat "$log" >&2
	ml_die "module build failed against $kdir"
fi
# W=1 must stay clean: any compiler or sparse warning fails the build, and
# so does a modpost complaint other than the expected unresolved symbols.
if grep -E 'warning:|error:|WARNING: modpost: (missing|.*section mismatch)' "$log" >&2; then
	ml_die "module build against $kdir has warnings"
fi
ml_log "built $(cd "$out" && find . -name '*.ko' | sort | tr '\n' ' ')"
echo "$out/kmod"
