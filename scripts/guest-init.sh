#!/bin/sh
# /init of the initramfs built by scripts/mkinitramfs.sh (busybox sh, not
# bash: the initramfs holds nothing else). Mounts the host root read-only
# over 9p, the build and run directories writable at their host paths,
# loads our modules, runs the command scripts/vm.sh wrote to $run/cmd
# inside a chroot into the host root, stores its exit status and the
# kernel log in $run and reboots, which ends qemu (-no-reboot).
#
# Settings come from the kernel command line (ml.*, see vm.sh).
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

top='' build='' run='' modules='' usb=''
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	ml.top=*) top=${arg#ml.top=} ;;
	ml.build=*) build=${arg#ml.build=} ;;
	ml.run=*) run=${arg#ml.run=} ;;
	ml.modules=*) modules=${arg#ml.modules=} ;;
	ml.usb=1) usb=1 ;;
	esac
done
root=/newroot

# No way to report to vm.sh before the run directory is mounted: the
# console log is all there is, and vm.sh notices the missing status.
die() {
	echo "vm: $*" >&2
	[ -d "$root$run" ] && echo "$*" >"$root$run/error" && echo 125 >"$root$run/status"
	sync
	reboot -f
}

load_list() { # stock kernels only: the lists are empty or absent otherwise
	[ -f "/lib/modules/$1" ] || return 0
	for m in $(cat "/lib/modules/$1"); do
		insmod "/lib/modules/$m" || die "insmod $m failed"
	done
}

load_list 9p.list
# PPP over a call (selftests/ppp_test.sh); built in on debug kernels.
load_list ppp.list
p9="trans=virtio,version=9p2000.L,msize=262144"
# cache=loose for the read-only root only: nothing writes it during a run,
# and page-caching it makes starting host binaries several times faster
# in the debug kernel. The writable shares stay uncached (vm.sh follows
# the output files while the guest writes them).
mount -t 9p -o "$p9,ro,cache=loose" hostroot $root || die "cannot mount the host root"
mount -t proc proc $root/proc
mount -t sysfs sysfs $root/sys
mount -t debugfs debugfs $root/sys/kernel/debug
mount -t tracefs tracefs $root/sys/kernel/tracing
mount --move /dev $root/dev
mkdir -p $root/dev/pts $root/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $root/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $root/dev/shm
# What udev makes on any system; the kselftest runner writes to /dev/stdout.
for l in fd:fd stdin:fd/0 stdout:fd/1 stderr:fd/2; do
	[ -e "$root/dev/${l%%:*}" ] || ln -s "/proc/self/${l#*:}" "$root/dev/${l%%:*}"
done
mount -t tmpfs -o mode=1777 tmpfs $root/tmp
mount -t tmpfs -o mode=755 tmpfs $root/run
# After the tmpfs mounts, so that a checkout, build or run directory
# below /tmp or /run is not hidden by them (mkdir then creates its mount
# point). The checkout first: the build directory is usually inside it.
mkdir -p "$root$top"
mount -t 9p -o "$p9,ro,cache=loose" top "$root$top" || die "cannot mount $top"
for share in build:"$build" run:"$run"; do
	mkdir -p "$root${share#*:}"
	mount -t 9p -o "$p9" "${share%%:*}" "$root${share#*:}" || die "cannot mount ${share#*:}"
done
# The programs the tests start, from the build directory's second, cached
# share (a 9p channel serves one mount): nothing rebuilds them during a
# run, and every exec from the uncached share reads them again (a sixth of
# a second per mlinectl in the debug guest).
mkdir -p /buildro
mount -t 9p -o "$p9,ro,cache=loose" buildro /buildro || die "cannot mount $build read-only"
for d in userspace userspace32 kselftest kselftest32; do
	[ ! -d "/buildro/$d" ] || mount --bind "/buildro/$d" "$root$build/$d" ||
		die "cannot bind $build/$d"
done
cut -d' ' -f1 /proc/uptime >"$root$run/booted"

if [ -n "$modules" ]; then
	insmod "$root$modules/modemline.ko" || die "insmod $modules/modemline.ko failed"
	if [ -f "$root$modules/modemline_sim.ko" ]; then
		insmod "$root$modules/modemline_sim.ko" || die "insmod $modules/modemline_sim.ko failed"
	fi
fi

if [ -n "$usb" ]; then
	load_list usb.list
	# Enumeration is asynchronous; qemu only attaches the device while
	# its socket is connected, so a missing listener means no ttyUSB0.
	i=0
	while [ ! -e $root/dev/ttyUSB0 ] && [ $i -lt 150 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	[ -e $root/dev/ttyUSB0 ] || echo "vm: warning: no /dev/ttyUSB0 after 30 s" >>"$root$run/stderr"
fi

# LANG=C: a program that calls setlocale() under C.UTF-8 opens and maps
# the locale's files over 9p first, about half a second per process in the
# debug guest, where the tests start thousands (bash, grep, sleep).
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C MODEMLINE_BUILD="$build" MODEMLINE_VM_RUN="$run" \
	chroot $root /bin/bash "$run/cmd" <$root/dev/null >>"$root$run/stdout" 2>>"$root$run/stderr"
status=$?

dmesg >"$root$run/dmesg.log"
echo $status >"$root$run/status"
sync
reboot -f
