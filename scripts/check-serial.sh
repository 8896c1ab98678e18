#!/usr/bin/env bash
# The line discipline on (emulated) serial hardware: boots a VM whose
# /dev/ttyS1 (16550 UART) and /dev/ttyUSB0 (FTDI adapter on xHCI) are
# wired to two modemsim instances on this host, and runs
# selftests/serial/serial_test in it: dial/drop over the UART, dial/drop
# over USB, and a USB unplug in the middle of a connected call, done
# here through qemu's monitor when the guest asks for it.
#
#   check-serial.sh [--kernel debug|stock-6.1|stock-6.12] [--timeout SEC]
#
# Needs: scripts/build-modules.sh KERNEL, 'make userspace selftests', socat.
#
# Output: serial_test's TAP on stdout (streamed by vm.sh); progress on
# stderr. Exit status: serial_test's; 1 if the tests passed but unloading
# the modules failed or kmemleak reported something; 124/125 as vm.sh.
#
# Files, all in $ML_BUILD/KERNEL/serial/ (the rundir of vm.sh):
#   console.log   the guest's whole kernel log (the one to scan)
#   dmesg.log     dmesg after the guest command
#   stdout, stderr, status   the guest command's output and exit status
#   modemsim-uart.log, modemsim-usb.log   the two modems' byte logs (-v)
#   monitor.log   what qemu's monitor answered to the unplug
#   unload.txt    rmmod results in the guest
#   kmemleak.txt  kmemleak report after the test and the unload (debug)
# The last line on stderr names the console log: "console log: PATH".
#
# Guest <-> host protocol for the unplug: the guest creates
# $ML_BUILD/serial-run/KERNEL/unplug.request (passed to it as
# $ML_SERIAL_CTL); we send 'device_del usbserial0' to the monitor, check
# with 'info usb' that the adapter is gone, and write unplug.ack ("ok" or
# "error: ...").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=serial

kernel=debug timeout=900
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?--kernel wants a name}; shift 2 ;;
	--timeout) timeout=${2:?--timeout wants seconds}; shift 2 ;;
	*) ml_die "usage: check-serial.sh [--kernel KERNEL] [--timeout SEC]" ;;
	esac
done
ML_STAGE=serial-$kernel

modemsim=$ML_BUILD/userspace/modemsim
test_bin=$ML_BUILD/selftests/serial/serial_test
[ -x "$modemsim" ] || ml_die "no $modemsim (make userspace)"
[ -x "$test_bin" ] || ml_die "no $test_bin (make selftests)"
command -v socat >/dev/null || ml_die "socat not found (apt-get install socat)"

out=$ML_BUILD/$kernel/serial
ctl=$ML_BUILD/serial-run/$kernel
mkdir -p "$out"
rm -rf "$ctl"
mkdir -p "$ctl"
rm -f "$out"/{modemsim-uart.log,modemsim-usb.log,monitor.log,unload.txt,kmemleak.txt}
# Unix socket paths must stay short (108 bytes): not under $ML_BUILD.
run=$(mktemp -d /tmp/ml-serial.XXXXXX)

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$run"
}
trap cleanup EXIT

# The modems. qemu connects to their sockets (and retries every second).
for m in uart usb; do
	"$modemsim" -v --unix "$run/$m.sock" --guard 100 \
		--control "$run/$m.ctl" 2>"$out/modemsim-$m.log" &
	pids+=($!)
done
for m in uart usb; do
	for _ in $(seq 100); do
		[ -S "$run/$m.sock" ] && break
		sleep 0.1
	done
	[ -S "$run/$m.sock" ] || ml_die "modemsim did not create $run/$m.sock (see $out/modemsim-$m.log)"
done

# monitor CMD: one human-monitor command; its output on stdout.
monitor() {
	printf '%s\n' "$1" | socat -t 2 - "UNIX-CONNECT:$run/mon.sock" 2>&1 |
		tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

# Serve the guest's unplug request while the VM runs.
serve_unplug() {
	local answer info
	while :; do
		if [ -e "$ctl/unplug.request" ]; then
			rm -f "$ctl/unplug.request"
			ml_log "guest asks for the USB unplug"
			{
				echo "== device_del usbserial0"
				monitor "device_del usbserial0"
			} >>"$out/monitor.log" 2>&1 || true
			answer="error: usbserial0 still listed by 'info usb'"
			for _ in $(seq 50); do
				info=$(monitor "info usb" 2>&1) || true
				printf '== info usb\n%s\n' "$info" >>"$out/monitor.log"
				if grep -q '(qemu)' <<<"$info" && ! grep -q usbserial0 <<<"$info"; then
					answer=ok
					break
				fi
				sleep 0.2
			done
			echo "$answer" >"$ctl/unplug.ack.tmp"
			mv "$ctl/unplug.ack.tmp" "$ctl/unplug.ack"
			ml_log "unplug: $answer"
		fi
		sleep 0.2
	done
}
serve_unplug &
pids+=($!)

# In the guest: kmemleak baseline, the test, unload, kmemleak report.
# The test's TAP goes to stdout; everything else to stderr or files.
guest='
test=$1 out=$2 kml=/sys/kernel/debug/kmemleak
if [ -e $kml ]; then echo scan >$kml; echo clear >$kml; fi
ML_SERIAL_CTL=$3 "$test"
rc=$?
: >"$out/unload.txt"
for m in modemline_sim modemline; do
	[ -d /sys/module/$m ] || continue
	if timeout 60 rmmod $m >>"$out/unload.txt" 2>&1; then
		echo "rmmod $m: ok" >>"$out/unload.txt"
	else
		echo "rmmod $m: FAILED" >>"$out/unload.txt"
	fi
done
if [ -e $kml ]; then
	sleep 6
	echo scan >$kml
	echo scan >$kml
	cat $kml >"$out/kmemleak.txt"
fi
exit $rc
'

ml_log "booting the $kernel VM with UART and USB modems (USB VMs boot slowly)"
rc=0
"$ML_TOP/scripts/vm.sh" --kernel "$kernel" --timeout "$timeout" --rundir "$out" \
	--uart "unix:$run/uart.sock" --usb "unix:$run/usb.sock" --monitor "$run/mon.sock" \
	-- bash -c "$guest" serial-guest "$test_bin" "$out" "$ctl" || rc=$?

extra=0
if [ -f "$out/unload.txt" ] && grep -q FAILED "$out/unload.txt"; then
	ml_log "error: module unload failed after the serial test:"
	cat "$out/unload.txt" >&2
	extra=1
fi
if [ -s "$out/kmemleak.txt" ]; then
	ml_log "error: kmemleak reports leaks ($out/kmemleak.txt):"
	head -n 40 "$out/kmemleak.txt" >&2
	extra=1
fi
ml_log "console log: $out/console.log"
if [ "$rc" = 0 ] && [ "$extra" != 0 ]; then
	rc=1
fi
exit "$rc"
