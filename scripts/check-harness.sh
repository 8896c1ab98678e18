#!/usr/bin/env bash
# Prove that 'make check' can fail: boot the debug kernel once per canary
# (kmod/tests/canary: a leak, a use after free, a lock inversion), run the
# same guest steps and log scan as check.sh, and require each canary to be
# caught by the checker meant to catch it. One more boot without a canary
# must scan clean, or the scan would just be failing everything.
#
#   check-harness.sh          exits 0 only if all of that holds
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=harness

"$ML_TOP/scripts/build-modules.sh" debug MODEMLINE_CANARY=1 >/dev/null

# The evidence each canary must leave in scan-log.sh's output (kmemleak
# shows the leaked object's first bytes: the canary's string), and the
# line of it to show.
declare -A expect=(
	[leak]='modemline canary'
	[uaf]='BUG: KASAN: .*use-after-free'
	[lockorder]='possible circular locking'
)
declare -A headline=(
	[leak]='^unreferenced object 0x'
	[uaf]='BUG: KASAN'
	[lockorder]='possible circular locking'
)
mkdir -p "$ML_BUILD/harness"
bad=0
for mode in leak uaf lockorder none; do
	start=$(date +%s)
	rundir=$ML_BUILD/harness/$mode
	# Nothing of an earlier run may pass for this one's.
	rm -rf "$ML_BUILD/debug/results" "$rundir"
	rc=0
	"$ML_TOP/scripts/vm.sh" --kernel debug --no-modules --rundir "$rundir" --timeout 600 -- \
		"$ML_TOP/scripts/guest-check.sh" debug --canary "$mode" >"$rundir.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ] || [ ! -f "$ML_BUILD/debug/results/done" ]; then
		echo "[harness] $mode: ERROR, the VM run failed (exit status $rc)"
		tail -n 30 "$rundir.log" | sed 's/^/    | /'
		bad=1
		continue
	fi
	scan=0
	out=$("$ML_TOP/scripts/scan-log.sh" "$rundir/console.log" \
		"$ML_BUILD/debug/results/kmemleak.txt" 2>&1) || scan=$?
	took="($(ml_elapsed "$start")s)"
	if [ "$mode" = none ]; then
		if [ "$scan" = 0 ]; then
			echo "[harness] no canary: clean $took"
		else
			echo "[harness] no canary: NOT CLEAN, the scan fails without a bug $took"
			sed 's/^/    | /' <<<"$out"
			bad=1
		fi
	elif [ "$scan" = 1 ] && grep -qE "${expect[$mode]}" <<<"$out"; then
		echo "[harness] $mode: caught: $(grep -m1 -E "${headline[$mode]}" <<<"$out" | sed 's/^\[ *[0-9.]*\] //') $took"
	else
		echo "[harness] $mode: MISSED, no '${expect[$mode]}' in the scan (exit status $scan) $took"
		sed 's/^/    | /' <<<"$out"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "[harness] all canaries caught, clean run clean"
exit "$bad"
