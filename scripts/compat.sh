#!/usr/bin/env bash
# 'make compat': build the modules (with the KUnit module where the kernel
# has KUnit) against every kernel we support, warning-free with W=1, and
# print one line per kernel: name, version, warnings, result.
#
#   compat.sh [KERNEL...]   default: stock-6.1 stock-6.12 compat-7.3
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- stock-6.1 stock-6.12 compat-7.3

failed=0
for kernel in "$@"; do
	start=$(date +%s)
	if ! kdir=$("$ML_TOP/scripts/kernel-dir.sh" "$kernel" kdir 2>"$ML_BUILD/compat-$kernel.err"); then
		echo "$kernel: could not prepare the tree: FAILED"
		sed 's/^/    | /' "$ML_BUILD/compat-$kernel.err"
		failed=1
		continue
	fi
	version=$(make -s -C "$kdir" kernelversion 2>/dev/null || echo unknown)
	if "$ML_TOP/scripts/build-modules.sh" "$kernel" >/dev/null 2>&1; then
		result=ok
	else
		result=FAILED
		failed=1
	fi
	log=$ML_BUILD/$kernel/modules.log
	warnings=$(grep -cE 'warning:|WARNING: modpost: (missing|.*section mismatch)' "$log")
	modules=$(grep -o '[a-z_]*\.ko$' "$log" | sort -u | tr '\n' ' ')
	printf '%-11s %-9s warnings=%-3s %-7s %s(%ss)\n' "$kernel" "$version" "$warnings" \
		"$result" "$modules" "$(ml_elapsed "$start")"
	[ "$result" = ok ] || grep -E 'warning:|error:|WARNING: modpost: missing' "$log" | head -n 20 |
		sed 's/^/    | /'
done
exit "$failed"
