#!/usr/bin/env bash
# Attach at plug-in, on the host: the systemd unit modemline-attach@.service
# as 'make -C userspace install PREFIX=/usr' installs it, checked by
# 'systemd-analyze verify'; the udev rules by 'udevadm test' on a tty of
# this machine, in a mount namespace where the rules are only ours and the
# local rule that marks the device (the system's own, 99-systemd.rules
# among them, hidden); and attach --config's
# files. TAP on stdout. (READY=1 from a real attach is tested in the VM,
# selftests/mlinectl_test.sh.)
#
#   plugin-check.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ml=$ML_BUILD/userspace/mlinectl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..13"
[ -x "$ml" ] || { echo "Bail out! no $ml (make userspace)"; exit 1; }

# ---- the unit
stage=$tmp/stage
make -s -C "$ML_TOP/userspace" install O="$tmp/userspace" DESTDIR="$stage" PREFIX=/usr \
	>"$tmp/install.log" 2>&1
unit=$stage/usr/lib/systemd/system/modemline-attach@.service
exec_line=$(grep '^ExecStart=' "$unit" 2>&1)
[ "$exec_line" = "ExecStart=/usr/bin/mlinectl attach /dev/%I --config /etc/modemline" ]
ml_ok $? "the installed unit runs /usr/bin/mlinectl attach /dev/%I --config /etc/modemline" \
	"$exec_line; install log: $(tail -n 5 "$tmp/install.log")"
[ -f "$stage/etc/modemline/example.conf" ]
ml_ok $? "/etc/modemline/example.conf is installed"

# verify wants the programs and man pages the unit names: this build's
# mlinectl stands in for /usr/bin's, the staged man page for man's.
mkdir -p "$tmp/units"
sed "s|/usr/bin/mlinectl|$ml|" "$unit" >"$tmp/units/modemline-attach@.service"
out=$(cd "$tmp/units" && MANPATH=$stage/usr/share/man SYSTEMD_UNIT_PATH=$tmp/units: \
	systemd-analyze verify modemline-attach@ttyUSB0.service 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$out" ]
ml_ok $? "systemd-analyze verify modemline-attach@ttyUSB0.service: no error, no warning" \
	"exit status $rc: $out"
grep -qx 'Type=notify' "$unit" && grep -qx 'BindsTo=dev-%i.device' "$unit" &&
	grep -qx 'Restart=on-failure' "$unit"
ml_ok $? "the unit waits for READY=1, stops with its device, restarts on failure"
grep -qx 'Wants=modprobe@modemline.service' "$unit" &&
	grep -qx 'After=modprobe@modemline.service' "$unit"
ml_ok $? "the unit loads the module first (modprobe@modemline.service)"

# ---- the udev rules: a tty of this machine as the modem
dev=ttyS0
[ -e "/sys/class/tty/$dev" ] || dev=tty
mkdir -p "$tmp/rules" "$tmp/empty"
cp "$ML_TOP"/udev/*.rules "$tmp/rules/"
# udevadm_test: 'udevadm test' of the add event with $tmp/rules as the
# rules (root: a private mount namespace), its output in $out. It writes
# the device's udev database, whose tags stay: a private /run keeps the
# host's /run/udev as it was (or absent, where udevd never ran), and each
# run starts from none.
udevadm_test() {
	out=$(unshare -m sh -c 'mount -t tmpfs none /run && mkdir /run/udev &&
		mount --bind "$1" /etc/udev/rules.d &&
		{ [ ! -d /usr/lib/udev/rules.d ] || mount --bind "$3" /usr/lib/udev/rules.d; } &&
		udevadm test --action=add "/sys/class/tty/$2"' _ "$tmp/rules" "$dev" "$tmp/empty" 2>&1)
	rc=$?
}
# The example local rule of 70-modemline-attach.rules (a VID:PID), which
# must parse, and one that marks this device.
sed -n 's/^#   \(SUBSYSTEM==.*\)/\1/p' "$ML_TOP/udev/70-modemline-attach.rules" \
	>"$tmp/rules/69-modemline-local.rules"
echo "SUBSYSTEM==\"tty\", KERNEL==\"$dev\", ENV{MODEMLINE_ATTACH}=\"1\"" \
	>>"$tmp/rules/69-modemline-local.rules"
udevadm_test
bad=$(grep -E 'rules\.d/[0-9]+-modemline[a-z-]*\.rules:[0-9]+ ' <<<"$out")
[ "$rc" = 0 ] && [ -z "$bad" ] && [ "$(wc -l <"$tmp/rules/69-modemline-local.rules")" = 2 ]
ml_ok $? "udevadm test: our rules and the documented example local rule parse" \
	"exit status $rc; $bad"
grep -qx 'ID_MM_DEVICE_IGNORE=1' <<<"$out"
ml_ok $? "a marked tty ($dev): ID_MM_DEVICE_IGNORE=1, so ModemManager leaves it alone" "$out"
grep -qx "SYSTEMD_WANTS=modemline-attach@$dev.service" <<<"$out" &&
	grep -Eq '^TAGS=.*:systemd:' <<<"$out"
ml_ok $? "a marked tty: tagged for systemd, which wants modemline-attach@$dev.service" "$out"
rm "$tmp/rules/69-modemline-local.rules"
udevadm_test
! grep -Eq '^(ID_MM_DEVICE_IGNORE|SYSTEMD_WANTS)=' <<<"$out" && [ "$rc" = 0 ]
ml_ok $? "an unmarked tty: neither" "exit status $rc; $out"

# ---- attach --config: checked before anything is attached
printf '%s\n' '# a comment' 'speed = 9600' 'colour = blue' >"$tmp/bad.conf"
out=$("$ml" attach /dev/null --config "$tmp/bad.conf" 2>&1)
rc=$?
[ "$rc" = 22 ] && [ "$out" = "mlinectl: $tmp/bad.conf:3: unknown setting 'colour' (speed, init, guard, dialect, clcc)" ]
ml_ok $? "--config: an unknown setting is refused with its file and line (EINVAL)" "exit status $rc: $out"
mkdir "$tmp/etc"
printf 'init = AT&F E0\nguard = 20s\n' >"$tmp/etc/ttyUSB7.conf"
out=$("$ml" attach /dev/ttyUSB7 --config "$tmp/etc" 2>&1)
rc=$?
[ "$rc" = 22 ] && [ "$out" = "mlinectl: $tmp/etc/ttyUSB7.conf:2: guard: '20s' is not 1ms to 10s" ]
ml_ok $? "--config DIR: DIR/TTYNAME.conf is read, a bad value named with file and line" \
	"exit status $rc: $out"
# With the option given the file's guard is not used: the tty is opened
# (and is not there: ENOENT, not EINVAL).
out=$("$ml" attach /dev/ttyUSB7 --config "$tmp/etc" --guard 1s 2>&1)
rc=$?
[ "$rc" = 2 ] && [[ $out == *"open /dev/ttyUSB7: no such tty"* ]]
ml_ok $? "--config: an option given on the command line wins over the file" "exit status $rc: $out"
out=$("$ml" attach /dev/null --config "$tmp/etc" 2>&1)
rc=$?
[ "$rc" = 25 ] && [[ $out == *"not a tty"* ]]
ml_ok $? "--config DIR without TTYNAME.conf: no settings, attach goes on" "exit status $rc: $out"
