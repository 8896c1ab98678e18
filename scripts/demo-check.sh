#!/usr/bin/env bash
# The test of 'make demo': runs scripts/demo.sh (stock 6.12 in qemu,
# modemsim on the UART) and turns each step check the guest narrates
# ("  ok: WHAT") into one TAP case; a check that is missing from the
# output, because the demo stopped before it, is a failed case.
#
#   demo-check.sh        TAP on stdout; the demo's output in build/demo.log
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=demo-check
log=$ML_BUILD/demo.log
rc=0
"$ML_TOP/scripts/demo.sh" >"$log" 2>&1 || rc=$?
checks=(
	"a line id" "line [0-9]+, idle" "the monitor running" "the monitor in mlinectl ps"
	"dialed" "connected" "bytes sent" "bytes received"
	"the remote hang-up" "the record: origin remote" "the record: bytes both ways"
	"the release" "the documented error after the release" "a call detail record"
	"the record: the number dialed" "the record: ended by the remote side" "detached" "no lines"
)
echo "1..$((${#checks[@]} + 1))"
n=0
for c in "${checks[@]}"; do
	n=$((n + 1))
	if grep -Eq "^  ok: $c\$" "$log"; then
		echo "ok $n demo: $c"
	else
		echo "not ok $n demo: $c"
	fi
done
n=$((n + 1))
if [ "$rc" = 0 ] && grep -q '^The demo went through all' "$log"; then
	echo "ok $n make demo exits 0"
else
	echo "not ok $n make demo exits 0 (exit status $rc)"
	tail -n 25 "$log" | sed 's/^/# /'
fi
