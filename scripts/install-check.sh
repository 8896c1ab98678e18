#!/usr/bin/env bash
# 'make install' and 'make uninstall' into a staging root, on the host:
# every file lands where README and mlinectl(8) say, depmod indexes the
# module, the pkg-config file builds a program against the staged
# library (static and shared), and uninstall leaves no file behind.
# Then 'make -C userspace install' alone (README's DKMS path) with
# another PREFIX than the build's: the uapi header comes along, and
# modemline.pc follows PREFIX.
#
#   install-check.sh [KERNEL]     default stock-6.12 (its header tree is KDIR)
#
# Output: TAP on stdout. Exit status 1 if a case failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=install-check
kernel=${1:-stock-6.12}
kdir=$("$ML_TOP/scripts/kernel-dir.sh" "$kernel" kdir 2>/dev/null) || ml_die "no $kernel tree"
krel=$(cat "$kdir/include/config/kernel.release")
stage=$ML_BUILD/stage
prefix=/usr/local
log=$ML_BUILD/install-check.log
rm -rf "$stage"
: >"$log"

n=0 failed=0
ok() { # OK? NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
# The tree is built with the host's compiler against the staged kernel tree.
mk() { make -C "$ML_TOP" KDIR="$kdir" DESTDIR="$stage" PREFIX=$prefix "$@" >>"$log" 2>&1; }

echo "1..21"
mk install; ok $? "make install DESTDIR=$stage"
files=(
	"lib/modules/$krel/extra/kmod/modemline.ko"
	"lib/modules/$krel/extra/kmod/modemline_sim.ko"
	"etc/udev/rules.d/60-modemline.rules"
	"$prefix/include/linux/modemline.h"
	"$prefix/include/libmodemline.h"
	"$prefix/bin/mlinectl"
	"$prefix/bin/modemsim"
	"$prefix/lib/libmodemline.a"
	"$prefix/lib/libmodemline.so.0"
	"$prefix/lib/libmodemline.so"
	"$prefix/lib/pkgconfig/modemline.pc"
	"$prefix/share/man/man8/mlinectl.8"
	"$prefix/share/man/man4/modemline.4"
	"$prefix/share/man/man3/libmodemline.3"
	"$prefix/share/man/man1/modemsim.1"
	"$prefix/share/bash-completion/completions/mlinectl"
	"$prefix/lib/systemd/system/modemline-attach@.service"
	"etc/modemline/example.conf"
	"etc/udev/rules.d/70-modemline-attach.rules"
)
missing=
for f in "${files[@]}"; do
	# Modules are compressed as the kernel is configured (.ko.xz on Debian).
	compgen -G "$stage/${f#/}*" >/dev/null || missing+=" $f"
done
[ -z "$missing" ] || echo "# missing:$missing"
ok "$([ -z "$missing" ]; echo $?)" "every file is installed"
grep -q "^extra/kmod/modemline.ko[.a-z]*:" "$stage/lib/modules/$krel/modules.dep" 2>/dev/null
ok $? "depmod indexed extra/kmod/modemline.ko"
# No tty-ldisc alias: TIOCSETD 29 by any user must not load the module
# (the attach unit loads it with modprobe@modemline.service).
[ -f "$stage/lib/modules/$krel/modules.alias" ] &&
	! grep -q 'tty-ldisc-29' "$stage/lib/modules/$krel/modules.alias"
ok $? "modules.alias: no tty-ldisc-29, so TIOCSETD does not load modemline"
grep -q 'KERNEL=="modemline".*MODE="0660".*GROUP="dialout"' \
	"$stage/etc/udev/rules.d/60-modemline.rules" 2>/dev/null
ok $? "udev rule: /dev/modemline 0660 root:dialout"
[ "$(stat -c %a "$stage/$prefix/bin/mlinectl" 2>/dev/null)" = 755 ]
ok $? "mlinectl is executable (0755)"

# A program built only from the staged header and library, via pkg-config.
prog=$ML_BUILD/install-check-prog
cat >"$prog.c" <<'EOT'
#include <errno.h>
#include <stdio.h>
#include <libmodemline.h>
int main(void)
{
	/* No device in the check: the documented message for it. */
	int fd = ml_open(0);
	printf("%s|%s\n", ml_state_name(MODEMLINE_STATE_CONNECTED),
	       fd < 0 ? ml_strerror(ML_OP_OPEN, fd) : "opened");
	/* Symbols of version 0.2 resolve too. */
	printf("%s|%d\n", ml_version(), ml_speed(115200) == B115200);
	return 0;
}
EOT
# pkg-config as it would run against the root ROOT with PREFIX: pc ROOT PREFIX ARGS...
pcr() { PKG_CONFIG_SYSROOT_DIR=$1 PKG_CONFIG_LIBDIR=$1/$2/lib/pkgconfig pkg-config "${@:3}"; }
pc() { pcr "$stage" "$prefix" "$@"; }
version=$(sed -n 's/^VERSION := //p' "$ML_TOP/userspace/Makefile")
command -v pkg-config >/dev/null || echo "# pkg-config not found"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$prog-shared" "$prog.c" $(pc --cflags --libs modemline) >>"$log" 2>&1
ok $? "pkg-config --cflags --libs modemline builds against the shared library"
out=$(MODEMLINE_DEV=/nonexistent LD_LIBRARY_PATH=$stage/$prefix/lib "$prog-shared" 2>&1)
[ "$out" = "connected|the device file does not exist: is the modemline module loaded? (modprobe modemline)
$version|1" ]
ok $? "the shared build runs: ${out//$'\n'/; }"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -static -o "$prog-static" "$prog.c" $(pc --cflags --libs --static modemline) >>"$log" 2>&1
ok $? "pkg-config --static builds against libmodemline.a"
out=$(MODEMLINE_DEV=/nonexistent "$prog-static" 2>&1)
[[ $out == connected\|* ]]
ok $? "the static build runs"
MANPATH=$stage/$prefix/share/man man -w mlinectl >/dev/null 2>&1 ||
	man -l "$stage/$prefix/share/man/man8/mlinectl.8" >/dev/null 2>&1
ok $? "man mlinectl renders"
MANPATH=$stage/$prefix/share/man man -w 3 libmodemline >/dev/null 2>&1
ok $? "man 3 libmodemline finds the installed page"

mk uninstall; ok $? "make uninstall DESTDIR=$stage"
left=$(find "$stage" -type f -not -path "*/lib/modules/$krel/modules.*" | sed "s|^$stage||")
[ -z "$left" ] || printf '# left behind: %s\n' $left
ok "$([ -z "$left" ]; echo $?)" "uninstall leaves only depmod's index files"

# The userspace half alone, built for the default PREFIX (/usr/local)
# and installed for /usr, as 'make userspace; make -C userspace install
# PREFIX=/usr' does.
stage2=$ML_BUILD/stage-userspace
rm -rf "$stage2"
mku() { make -C "$ML_TOP/userspace" O="$ML_BUILD/userspace" DESTDIR="$stage2" PREFIX=/usr "$@" >>"$log" 2>&1; }
make -C "$ML_TOP" userspace >>"$log" 2>&1 && mku install
ok $? "make userspace; make -C userspace install PREFIX=/usr DESTDIR=$stage2"
[ -f "$stage2/usr/include/linux/modemline.h" ]
ok $? "make -C userspace install puts <linux/modemline.h> beside libmodemline.h"
grep -qx 'prefix=/usr' "$stage2/usr/lib/pkgconfig/modemline.pc" 2>/dev/null
ok $? "modemline.pc says prefix=/usr, not the build's /usr/local"
[ "$(pcr "$stage2" /usr --modversion modemline 2>/dev/null)" = "$version" ]
ok $? "pkg-config --modversion modemline is the library's version ($version)"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$prog-usr" "$prog.c" $(pcr "$stage2" /usr --cflags --libs modemline) >>"$log" 2>&1
ok $? "pkg-config --cflags --libs modemline builds a program against that install"
out=$(MODEMLINE_DEV=/nonexistent LD_LIBRARY_PATH=$stage2/usr/lib "$prog-usr" 2>&1 | tail -n 1)
[ "$out" = "$version|1" ]
ok $? "it runs against the installed libmodemline.so.0: ml_version() $out"
mku uninstall
left=$(find "$stage2" -type f | sed "s|^$stage2||")
[ -z "$left" ] || printf '# left behind: %s\n' $left
ok "$([ -z "$left" ]; echo $?)" "make -C userspace uninstall leaves no file behind"
[ "$failed" = 0 ]
