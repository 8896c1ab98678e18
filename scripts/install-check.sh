#!/usr/bin/env bash
# 'make install' and 'make uninstall' into a staging root, on the host:
# every file lands where README and mlinectl(8) say, depmod indexes the
# module, the pkg-config file builds a program against the staged
# library (static and shared), and uninstall leaves no file behind.
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

echo "1..12"
mk install; ok $? "make install DESTDIR=$stage"
files=(
	"lib/modules/$krel/extra/kmod/modemline.ko"
	"lib/modules/$krel/extra/kmod/modemline_sim.ko"
	"etc/udev/rules.d/60-modemline.rules"
	"$prefix/include/linux/modemline.h"
	"$prefix/include/libmodemline.h"
	"$prefix/bin/mlinectl"
	"$prefix/lib/libmodemline.a"
	"$prefix/lib/libmodemline.so.0"
	"$prefix/lib/libmodemline.so"
	"$prefix/lib/pkgconfig/modemline.pc"
	"$prefix/share/man/man8/mlinectl.8"
	"$prefix/share/man/man4/modemline.4"
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
	return 0;
}
EOT
pc() { PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$stage/$prefix/lib/pkgconfig pkg-config "$@"; }
command -v pkg-config >/dev/null || echo "# pkg-config not found"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$prog-shared" "$prog.c" $(pc --cflags --libs modemline) >>"$log" 2>&1
ok $? "pkg-config --cflags --libs modemline builds against the shared library"
out=$(MODEMLINE_DEV=/nonexistent LD_LIBRARY_PATH=$stage/$prefix/lib "$prog-shared" 2>&1)
[ "$out" = "connected|the device file does not exist: is the modemline module loaded? (modprobe modemline)" ]
ok $? "the shared build runs: ${out:-no output}"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -static -o "$prog-static" "$prog.c" $(pc --cflags --libs --static modemline) >>"$log" 2>&1
ok $? "pkg-config --static builds against libmodemline.a"
out=$(MODEMLINE_DEV=/nonexistent "$prog-static" 2>&1)
[[ $out == connected\|* ]]
ok $? "the static build runs"
MANPATH=$stage/$prefix/share/man man -w mlinectl >/dev/null 2>&1 ||
	man -l "$stage/$prefix/share/man/man8/mlinectl.8" >/dev/null 2>&1
ok $? "man mlinectl renders"

mk uninstall; ok $? "make uninstall DESTDIR=$stage"
left=$(find "$stage" -type f -not -path "*/lib/modules/$krel/modules.*" | sed "s|^$stage||")
[ -z "$left" ] || printf '# left behind: %s\n' $left
ok "$([ -z "$left" ]; echo $?)" "uninstall leaves only depmod's index files"
[ "$failed" = 0 ]
