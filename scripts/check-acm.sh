#!/usr/bin/env bash
# The line discipline on a real USB CDC-ACM tty (issue 14.4): boots a debug
# VM, builds a configfs ACM gadget there (g1 with functions/acm.usb0, one
# config, UDC dummy_udc.0: dummy_hcd loops it back to its own host side,
# where the cdc-acm driver makes /dev/ttyACM0 and u_serial /dev/ttyGS0),
# and runs selftests/acm/acm_test in it: modemsim --tty /dev/ttyGS0
# --no-lines is the modem, our line /dev/ttyACM0. The debug kernel has
# dummy_hcd, libcomposite, the ACM function and cdc-acm built in
# (scripts/debug-kernel.config); no other kernel does.
#
#   check-acm.sh [--kernel debug|debug-7.3] [--timeout SEC]  (default 900)
#
# Needs: scripts/build-modules.sh KERNEL, 'make userspace selftests'.
#
# Output: acm_test's TAP on stdout; progress on stderr. Exit status:
# acm_test's (1 if the gadget could not be built); 1 if the tests passed
# but unloading our modules failed or kmemleak reported something;
# 124/125 as vm.sh.
#
# Files, all in $ML_BUILD/KERNEL/acm/ (the rundir of vm.sh): console.log
# (the log to scan), dmesg.log, stdout, stderr, status, gadget.txt (the
# gadget's setup), unload.txt, kmemleak.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=acm

kernel=debug timeout=900
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?--kernel wants a name}; shift 2 ;;
	--timeout) timeout=${2:?--timeout wants seconds}; shift 2 ;;
	*) ml_die "usage: check-acm.sh [--kernel KERNEL] [--timeout SEC]" ;;
	esac
done
ML_STAGE=acm-$kernel
[[ $kernel == debug* ]] || ml_die "only debug kernels have the USB gadget loop"

modemsim=$ML_BUILD/userspace/modemsim
test_bin=$ML_BUILD/selftests/acm/acm_test
[ -x "$modemsim" ] || ml_die "no $modemsim (make userspace)"
[ -x "$test_bin" ] || ml_die "no $test_bin (make selftests)"

out=$ML_BUILD/$kernel/acm
mkdir -p "$out"
rm -f "$out"/{gadget.txt,unload.txt,kmemleak.txt}

# In the guest: the gadget, kmemleak baseline, the test, unload, kmemleak.
# The test's TAP goes to stdout; everything else to stderr or files.
guest='
set -u
test=$1 out=$2 kml=/sys/kernel/debug/kmemleak cfg=/sys/kernel/config
exec 3>"$out/gadget.txt"
gadget() {
	grep -q " $cfg configfs " /proc/mounts || mount -t configfs none $cfg || return 1
	g=$cfg/usb_gadget/g1
	mkdir $g && echo 0x1d6b >$g/idVendor && echo 0x0104 >$g/idProduct &&
	mkdir $g/strings/0x409 && echo modemline >$g/strings/0x409/manufacturer &&
	echo acm-loop >$g/strings/0x409/product &&
	mkdir $g/functions/acm.usb0 && mkdir $g/configs/c.1 &&
	mkdir $g/configs/c.1/strings/0x409 &&
	echo acm >$g/configs/c.1/strings/0x409/configuration &&
	ln -s $g/functions/acm.usb0 $g/configs/c.1/ &&
	ls /sys/class/udc && echo dummy_udc.0 >$g/UDC || return 1
	for i in $(seq 600); do
		[ -e /dev/ttyACM0 ] && [ -e /dev/ttyGS0 ] && return 0
		sleep 0.1
	done
	echo "no /dev/ttyACM0 or /dev/ttyGS0 after 60 s"; ls -l /dev/ttyACM* /dev/ttyGS*
	return 1
}
if ! gadget >&3 2>&1; then
	echo "gadget setup failed:" >&2; cat "$out/gadget.txt" >&2
	echo "not ok 1 acm gadget loop # gadget setup failed (see gadget.txt)"
	exit 1
fi
ls -l /dev/ttyACM0 /dev/ttyGS0 >&3 2>&1
if [ -e $kml ]; then echo scan >$kml; echo clear >$kml; fi
ML_ACM_UDC=$cfg/usb_gadget/g1/UDC MODEMSIM=$3 "$test"
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

ml_log "booting the $kernel VM with a CDC-ACM gadget loop (dummy_hcd)"
rc=0
"$ML_TOP/scripts/vm.sh" --kernel "$kernel" --timeout "$timeout" --rundir "$out" \
	-- bash -c "$guest" acm-guest "$test_bin" "$out" "$modemsim" || rc=$?

extra=0
if [ -f "$out/unload.txt" ] && grep -q FAILED "$out/unload.txt"; then
	ml_log "error: module unload failed after the CDC-ACM test:"
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
