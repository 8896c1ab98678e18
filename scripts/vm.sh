#!/usr/bin/env bash
# Run one command as root inside a throwaway qemu VM (TCG) that sees the
# host's filesystem, in the style of virtme-ng's 'vng -- CMD':
#
#   vm.sh [--kernel debug|stock-6.1|stock-6.12] [--timeout SEC]
#         [--uart unix:PATH] [--usb unix:PATH] [--pci-uart unix:PATH]
#         [--monitor PATH]
#         [--rundir DIR] [--no-modules] [--modules-dir DIR]
#         [--append ARGS] -- CMD...
#
# The guest mounts the host root read-only, $ML_BUILD and the run directory
# writable at their host paths (the programs in $ML_BUILD's userspace*/
# and kselftest*/ read-only and page-cached), loads modemline.ko (and
# modemline_sim.ko if built) from $ML_BUILD/KERNEL/src/kmod or
# --modules-dir, and runs CMD in
# the current directory with stdin from /dev/null and an environment of
# PATH, HOME=/root, TERM=dumb, LANG, MODEMLINE_BUILD and MODEMLINE_VM_RUN
# (the run directory). CMD's stdout and stderr are streamed to ours; its
# exit status is ours. /tmp, /run and /dev/shm are empty tmpfs in the guest.
#
#   --kernel     kernel to boot (default debug)
#   --timeout    seconds for the whole run, boot included (default 600)
#   --uart       guest /dev/ttyS1 <-> unix socket PATH; qemu connects to it
#                (something on the host listens) and retries every second
#   --usb        USB serial adapter (FTDI, guest /dev/ttyUSB0) <-> unix
#                socket PATH, connected like --uart. qemu plugs the device
#                in only while the socket is connected.
#   --pci-uart   a PCI 16550 (guest: the ttyS whose device is on PCI) <->
#                unix socket PATH, on which qemu listens: one connection at
#                a time, the next accepted when it closes
#   --monitor    qemu's human monitor on unix socket PATH (qemu listens),
#                e.g. 'device_del usbserial0' unplugs the USB adapter
#   --rundir     where console.log, dmesg.log, stdout, stderr, status go
#                (default $ML_BUILD/vm/KERNEL-TIMESTAMP, and KERNEL-last
#                links to the newest)
#   --no-modules boot without loading our modules
#   --modules-dir load modemline.ko (and modemline_sim.ko) from DIR
#   --append     more kernel command-line arguments (no whitespace inside
#                one), e.g. tsc=reliable for a fine-grained clock (bench)
#
# Exit status: CMD's; 124 when the time limit expired; 125 when the VM
# failed (boot failure, panic, module load failure; see the message).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=vm
# Our own failures exit 125, to tell them from CMD's exit status.
fail() { ml_log "error: $*"; exit 125; }
trap 'exit 125' ERR

kernel=debug timeout=600 uart='' usb='' pci_uart='' monitor='' rundir='' load=1 moddir='' extra=''
# The usage text is the header comment above.
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 125; }
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel | --timeout | --uart | --usb | --pci-uart | --monitor | --rundir | --modules-dir | --append)
		[ $# -ge 2 ] || usage ;;&
	--kernel) kernel=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--uart) uart=${2#unix:}; [ "$2" != "$uart" ] || usage; shift 2 ;;
	--usb) usb=${2#unix:}; [ "$2" != "$usb" ] || usage; shift 2 ;;
	--pci-uart) pci_uart=${2#unix:}; [ "$2" != "$pci_uart" ] || usage; shift 2 ;;
	--monitor) monitor=$2; shift 2 ;;
	--rundir) rundir=$2; shift 2 ;;
	--no-modules) load=; shift ;;
	--modules-dir) moddir=$2; shift 2 ;;
	--append) extra+=" $2"; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
[[ $timeout =~ ^[0-9]+$ ]] || fail "--timeout wants whole seconds"
ML_STAGE=vm-$kernel

image=$("$ML_TOP/scripts/kernel-dir.sh" "$kernel" image)
initrd=$("$ML_TOP/scripts/mkinitramfs.sh" "$kernel" "$image" \
	"$("$ML_TOP/scripts/kernel-dir.sh" "$kernel" modules)")
moddir=${moddir:-$ML_BUILD/$kernel/src/kmod}
if [ -n "$load" ]; then
	moddir=$(cd "$moddir" 2>/dev/null && pwd) && [ -f "$moddir/modemline.ko" ] ||
		fail "no modemline.ko in $moddir (run scripts/build-modules.sh $kernel, or --no-modules)"
fi

if [ -z "$rundir" ]; then
	rundir=$ML_BUILD/vm/$kernel-$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$rundir"
	ln -sfn "$(basename "$rundir")" "$ML_BUILD/vm/$kernel-last"
	# Keep the ten newest runs of each kernel.
	find "$ML_BUILD/vm" -maxdepth 1 -type d -name "$kernel-2*" | sort | head -n -10 |
		xargs -r rm -rf
fi
mkdir -p "$rundir" "$ML_BUILD"
# The guest mounts these at the same paths: they must be absolute.
rundir=$(cd "$rundir" && pwd)
ML_BUILD=$(cd "$ML_BUILD" && pwd)
rm -f "$rundir"/{console.log,dmesg.log,stdout,stderr,status,error,booted,cmd}
touch "$rundir/stdout" "$rundir/stderr"
# Paths travel on the kernel command line, which splits at whitespace.
for p in "$ML_BUILD" "$rundir" "$moddir" "$PWD"; do
	[[ $p != *[[:space:]]* ]] || fail "path with whitespace not supported: $p"
done

# The guest runs this with the host's bash, chrooted into the host root.
{
	printf 'cd %q || exit 125\n' "$PWD"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$rundir/cmd"

# acpi=off: under TCG the ACPI interpreter costs ~30 s (DESIGN.md 4); it
# also makes poweroff impossible, hence reboot -f plus -no-reboot. Without
# ACPI the CPUs come from the BIOS MP table, which lists one per socket:
# hence sockets=2, or the guest runs on one CPU. 1G of memory: a kmemleak
# scan walks all of it, 6 s per scan here against 9 s with 2G.
# panic=-1 turns a panic into an immediate exit of qemu instead of a hang.
# no_timer_check: a loaded host makes the IO-APIC timer probe fail under
# TCG ("IO-APIC + timer doesn't work" panic); the check is moot in a VM.
append="console=ttyS0 ignore_loglevel acpi=off no_timer_check panic=-1 rdinit=/init"
append+=" ml.top=$ML_TOP ml.build=$ML_BUILD ml.run=$rundir"
[ -z "$load" ] || append+=" ml.modules=$moddir"
[ -z "$usb" ] || append+=" ml.usb=1"
append+=$extra

# shellcheck disable=SC2054 # the commas separate qemu suboptions
qemu=(qemu-system-x86_64 -accel tcg -smp 2,sockets=2 -m 1G -nodefaults -display none -no-reboot
	-kernel "$image" -initrd "$initrd" -append "$append"
	-chardev "file,id=console,path=$rundir/console.log" -serial chardev:console
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,multidevs=remap,readonly=on
	-virtfs "local,path=$ML_TOP,mount_tag=top,security_model=none,multidevs=remap,readonly=on"
	-virtfs "local,path=$ML_BUILD,mount_tag=build,security_model=none,multidevs=remap"
	-virtfs "local,path=$ML_BUILD,mount_tag=buildro,security_model=none,multidevs=remap,readonly=on"
	-virtfs "local,path=$rundir,mount_tag=run,security_model=none,multidevs=remap")
if [ -n "$uart" ]; then
	qemu+=(-chardev "socket,id=uart1,path=$uart,reconnect=1" -serial chardev:uart1)
fi
if [ -n "$usb" ]; then
	# shellcheck disable=SC2054
	qemu+=(-device qemu-xhci,id=usb
		-chardev "socket,id=usbserial,path=$usb,reconnect=1"
		-device usb-serial,id=usbserial0,chardev=usbserial,bus=usb.0)
fi
if [ -n "$pci_uart" ]; then
	qemu+=(-chardev "socket,id=pciuart,path=$pci_uart,server=on,wait=off"
		-device pci-serial,chardev=pciuart)
fi
if [ -n "$monitor" ]; then
	qemu+=(-monitor "unix:$monitor,server=on,wait=off")
fi

start=$EPOCHREALTIME
"${qemu[@]}" </dev/null >"$rundir/qemu.log" 2>&1 &
qpid=$!
# The guest writes CMD's output to files in the run directory (9p writes
# reach the host file at once); follow them until qemu is gone.
tail -n +1 -s 0.2 --pid=$qpid -f "$rundir/stdout" &
tout=$!
tail -n +1 -s 0.2 --pid=$qpid -f "$rundir/stderr" >&2 &
terr=$!
trap 'kill $qpid $tout $terr 2>/dev/null || true' EXIT

since() { awk -v now="$EPOCHREALTIME" -v start="$start" 'BEGIN { printf "%.1f", now - start }'; }
booted='' expired=''
while kill -0 $qpid 2>/dev/null; do
	if [ -z "$booted" ] && [ -s "$rundir/booted" ]; then
		booted=1
		ml_log "guest userspace after $(since)s (guest uptime $(cat "$rundir/booted")s)"
	fi
	if [ $(( ${EPOCHREALTIME%.*} - ${start%.*} )) -ge "$timeout" ]; then
		expired=1
		# qemu acts on SIGTERM in its main loop, which a blocking
		# chardev write can hold forever (usb-serial writes whole
		# packets to a peer that may have stopped reading): 10 s, then
		# SIGKILL.
		kill $qpid
		for _ in {1..50}; do
			kill -0 $qpid 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL $qpid 2>/dev/null || true
		break
	fi
	sleep 0.2
done
wait $qpid || true
wait $tout $terr || true
# A short CMD can finish between two looks at the file.
[ -n "$booted" ] || [ ! -s "$rundir/booted" ] ||
	ml_log "guest userspace after $(cat "$rundir/booted")s of guest uptime"

if [ -n "$expired" ]; then
	tail -n 30 "$rundir/console.log" >&2
	ml_log "error: time limit of ${timeout}s expired, qemu killed (logs: $rundir)"
	exit 124
fi
if [ ! -f "$rundir/status" ]; then
	tail -n 40 "$rundir/console.log" >&2
	cat "$rundir/qemu.log" >&2
	fail "the guest stopped before CMD finished: panic or qemu error? (logs: $rundir)"
fi
[ ! -f "$rundir/error" ] || fail "in the guest: $(cat "$rundir/error") (logs: $rundir)"
status=$(cat "$rundir/status")
ml_log "finished in $(since)s, exit status $status (logs: $rundir)"
exit "$status"
