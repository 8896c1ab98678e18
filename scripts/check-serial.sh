#!/usr/bin/env bash
# The line discipline on (emulated) serial hardware: boots a VM whose
# /dev/ttyS1 (16550 UART) and /dev/ttyUSB0 (FTDI adapter on xHCI) are
# wired to two modemsim instances on this host, and runs
# selftests/serial/serial_test in it: dial/drop and 1 MiB of echoed data
# over the UART, dial/drop over USB, a USB unplug in the middle of a
# connected call, then N unplug/replug cycles with data flowing (each
# during a connected call);
# the unplugs and replugs are done here through qemu's monitor when the
# guest asks for them. Then selftests/ppp_test.sh in its FTDI mode: pppd
# over a call on the USB line, whose modem carries each call (--data
# exec: scripts/far-relay.py, which buffers without bound: see there why
# not socat) to a PCI UART of the VM where the far pppd runs.
#
#   check-serial.sh [--kernel debug|stock-6.1|stock-6.12] [--timeout SEC]
#                   (default 900 + 60 per USB cycle)
#                   [--usb-cycles N]      (default 3; make stress: more)
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
#   ppp-ftdi.tap, ppp-ftdi.err   ppp_test.sh's TAP and stderr
#   monitor.log   what qemu's monitor answered to the unplug
#   unload.txt    rmmod results in the guest
#   kmemleak.txt  kmemleak report after the test and the unload (debug)
# The last line on stderr names the console log: "console log: PATH".
#
# Guest <-> host protocol: the guest creates
# $ML_BUILD/serial-run/KERNEL/unplug.request or replug.request (the
# directory is passed to it as $ML_SERIAL_CTL); we send 'device_del
# usbserial0' or 'device_add usb-serial,...' to the monitor, check with
# 'info usb' that the adapter is gone or back, and write unplug.ack or
# replug.ack ("ok" or "error: ..."). After an unplug we also reset the
# USB modem through its control socket: a real modem sees DTR drop when
# its adapter loses power, and hangs up (&D2); qemu's socket chardev
# carries no DTR, so modemsim would stay online in the old call.
# modem.request holds one control command for the USB modem (ppp_test.sh
# asks for its data mode, status and a hang-up); its reply goes to
# modem.ack.
#
# The USB modem swallows call data (--data sink) instead of echoing it:
# qemu's usb-serial writes guest data with the blocking
# qemu_chr_fe_write_all() in its main loop, so an echoing modem that
# stops reading while the guest does not read its echo freezes the VM.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=serial

kernel=debug timeout= usb_cycles=3
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?--kernel wants a name}; shift 2 ;;
	--timeout) timeout=${2:?--timeout wants seconds}; shift 2 ;;
	--usb-cycles) usb_cycles=${2:?--usb-cycles wants a number}; shift 2 ;;
	*) ml_die "usage: check-serial.sh [--kernel KERNEL] [--timeout SEC] [--usb-cycles N]" ;;
	esac
done
ML_STAGE=serial-$kernel
[[ $usb_cycles =~ ^[0-9]+$ ]] || ml_die "--usb-cycles wants a number"
# A guard against a hung VM, not a target: in make check this VM shares two
# cores with the debug VM and the background builds, and once took 1089 s.
timeout=${timeout:-$((1500 + usb_cycles * 60))}

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
rm -f "$out"/{modemsim-uart.log,modemsim-usb.log,monitor.log,unload.txt,kmemleak.txt,ppp-ftdi.tap,ppp-ftdi.err}
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
"$modemsim" -v --unix "$run/uart.sock" --guard 100 \
	--control "$run/uart.ctl" 2>"$out/modemsim-uart.log" &
pids+=($!)
"$modemsim" -v --unix "$run/usb.sock" --guard 100 --data sink \
	--control "$run/usb.ctl" 2>"$out/modemsim-usb.log" &
pids+=($!)
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

# usb_listed: is the adapter on qemu's bus? (Fails if the monitor did not answer.)
usb_listed() {
	local info
	info=$(monitor "info usb" 2>&1) || true
	printf '== info usb\n%s\n' "$info" >>"$out/monitor.log"
	grep -q '(qemu)' <<<"$info" || return 2
	grep -q usbserial0 <<<"$info"
}

# plug unplug|replug: do it and wait until 'info usb' shows it; the answer.
plug() {
	local what=$1 cmd=(device_del usbserial0) want=1 rc
	[ "$what" = unplug ] ||
		{ cmd=(device_add usb-serial,id=usbserial0,chardev=usbserial,bus=usb.0); want=0; }
	{
		echo "== ${cmd[*]}"
		monitor "${cmd[*]}"
	} >>"$out/monitor.log" 2>&1 || true
	for _ in $(seq 50); do
		rc=0
		usb_listed || rc=$?
		if [ "$rc" = "$want" ]; then
			# The modem notices its DTE is gone (see the header).
			[ "$what" = replug ] || printf 'reset\n' |
				socat -t 2 - "UNIX-CONNECT:$run/usb.ctl" >>"$out/monitor.log" 2>&1
			echo ok
			return
		fi
		sleep 0.2
	done
	echo "error: 'info usb' does not show the $what"
}

# Serve the guest's requests while the VM runs.
serve_plug() {
	local what answer
	while :; do
		if [ -e "$ctl/modem.request" ]; then
			answer=$(socat -t 5 - "UNIX-CONNECT:$run/usb.ctl" <"$ctl/modem.request" 2>&1) ||
				answer="error: no answer from the USB modem's control socket: $answer"
			printf '%s\n' "$answer" >"$ctl/modem.ack.tmp"
			echo "modem: $(cat "$ctl/modem.request") -> $answer" >>"$out/monitor.log"
			rm -f "$ctl/modem.request"
			mv "$ctl/modem.ack.tmp" "$ctl/modem.ack"
		fi
		for what in unplug replug; do
			[ -e "$ctl/$what.request" ] || continue
			rm -f "$ctl/$what.request"
			answer=$(plug "$what")
			echo "$answer" >"$ctl/$what.ack.tmp"
			mv "$ctl/$what.ack.tmp" "$ctl/$what.ack"
			echo "$what: $answer" >>"$out/monitor.log"
		done
		sleep 0.2
	done
}
serve_plug &
pids+=($!)

# In the guest: kmemleak baseline, the test, unload, kmemleak report.
# The test's TAP goes to stdout; everything else to stderr or files.
guest='
test=$1 out=$2 kml=/sys/kernel/debug/kmemleak
if [ -e $kml ]; then echo scan >$kml; echo clear >$kml; fi
ML_SERIAL_CTL=$3 ML_USB_CYCLES=$4 "$test"
rc=$?
ML_PPP_FTDI_CTL=$3 ML_PPP_FTDI_EXEC="python3 $8 $6" MLINECTL=$7/mlinectl MODEMSIM=$7/modemsim \
	"$5" >"$out/ppp-ftdi.tap" 2>"$out/ppp-ftdi.err"
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
	--pci-uart "unix:$run/far.sock" \
	-- bash -c "$guest" serial-guest "$test_bin" "$out" "$ctl" "$usb_cycles" \
	"$ML_TOP/selftests/ppp_test.sh" "$run/far.sock" "$ML_BUILD/userspace" \
	"$ML_TOP/scripts/far-relay.py" || rc=$?

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
# The PPP part's verdict is its TAP (check.sh counts it with the serial
# test's): here, only whether it ran to its end and passed.
if ! grep -q '^1\.\.' "$out/ppp-ftdi.tap" 2>/dev/null || grep -q '^not ok' "$out/ppp-ftdi.tap" ||
	[ "$(grep -c '^ok' "$out/ppp-ftdi.tap")" != "$(sed -n 's/^1\.\.//p' "$out/ppp-ftdi.tap")" ]; then
	ml_log "error: PPP over the FTDI adapter failed or did not finish ($out/ppp-ftdi.tap):"
	tail -n 20 "$out/ppp-ftdi.tap" "$out/ppp-ftdi.err" >&2 2>/dev/null || true
	extra=1
fi
ml_log "console log: $out/console.log"
if [ "$rc" = 0 ] && [ "$extra" != 0 ]; then
	rc=1
fi
exit "$rc"
