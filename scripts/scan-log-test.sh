#!/usr/bin/env bash
# TAP self-test of scan-log.sh's rules on made-up kernel logs: a KCSAN
# report in the core kernel alone is set aside, one with a frame of ours
# is judged, one cut off by the end of the log is judged, and other
# reports are judged wherever they are.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scan=$ML_TOP/scripts/scan-log.sh
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sep='[    1.000000] =================================================================='

# kcsan_report FRAME [CALLER]: a KCSAN report whose second access is made
# by FRAME, called from CALLER.
kcsan_report() {
	cat <<END
$sep
[    1.000000] BUG: KCSAN: data-race in do_nanosleep / hrtimer_wakeup
[    1.000000]
[    1.000000] write to 0xffffb161404efe60 of 8 bytes by interrupt on cpu 1:
[    1.000000]  hrtimer_wakeup+0x23/0x50
[    1.000000]
[    1.000000] read to 0xffffb161404efe60 of 8 bytes by task 2549 on cpu 1:
[    1.000000]  $1
[    1.000000]  ${2:-hrtimer_nanosleep+0xde/0x1a0}
[    1.000000]
[    1.000000] Reported by Kernel Concurrency Sanitizer on:
$sep
END
}

n=0 bad=0
# expect NAME STATUS [TEXT]: scan-log.sh on $dir/NAME.log must exit with
# STATUS and, given TEXT, print it.
expect() {
	local rc=0
	"$scan" "$dir/$1.log" >"$dir/$1.out" 2>&1 || rc=$?
	n=$((n + 1))
	if [ "$rc" = "$2" ] && { [ -z "${3:-}" ] || grep -qF "$3" "$dir/$1.out"; }; then
		echo "ok $n scan-log: $1"
	else
		echo "not ok $n scan-log: $1 (exit status $rc, expected $2${3:+ and '$3'})"
		sed 's/^/# /' "$dir/$1.out"
		bad=1
	fi
}

echo "1..5"
{ echo "[    0.500000] booting"; kcsan_report 'do_nanosleep+0x12d/0x2b0'; echo "[    2.000000] done"; } \
	>"$dir/kcsan_core_only_set_aside_and_named.log"
expect kcsan_core_only_set_aside_and_named 0 'not judged: data-race in do_nanosleep'
kcsan_report 'mlt_rx_work+0x12/0x40 [modemline]' >"$dir/kcsan_access_in_our_code_judged.log"
expect kcsan_access_in_our_code_judged 1 'BUG: KCSAN'
kcsan_report 'queue_work_on+0x32/0x80' 'nm_move+0x40d/0x420 [modemline_nullmodem]' \
	>"$dir/kcsan_core_access_called_from_us_set_aside.log"
expect kcsan_core_access_called_from_us_set_aside 0 'not judged: data-race in do_nanosleep'
kcsan_report 'do_nanosleep+0x12d/0x2b0' | head -n 6 >"$dir/kcsan_cut_off_judged.log"
expect kcsan_cut_off_judged 1 'BUG: KCSAN'
{ kcsan_report 'do_nanosleep+0x12d/0x2b0'
  echo "[    3.000000] WARNING: possible circular locking dependency detected"; } \
	>"$dir/lockdep_after_kcsan_judged.log"
expect lockdep_after_kcsan_judged 1 'possible circular locking'
exit "$bad"
