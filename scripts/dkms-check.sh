#!/usr/bin/env bash
# DKMS against a kernel header tree, without touching the host's dkms
# state or /lib/modules: 'make dkms-source' into a staging root, then
# dkms add, build and install with private trees under build/dkms, and
# depmod over the staged /lib/modules (dkms's own depmod would index the
# host's, which need not have this kernel).
#
#   dkms-check.sh [KDIR]     default: the stock-6.12 header tree
#                            (Debian's linux-headers-6.12.*-amd64, unpacked)
#
# Output: TAP on stdout; dkms's own output in build/dkms/dkms.log.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=dkms-check
kdir=${1:-$("$ML_TOP/scripts/kernel-dir.sh" stock-6.12 kdir 2>/dev/null)}
[ -f "$kdir/include/config/kernel.release" ] || ml_die "no kernel header tree at '$kdir'"
command -v dkms >/dev/null || ml_die "dkms not found (apt-get install dkms)"
krel=$(cat "$kdir/include/config/kernel.release")
version=$(sed -n 's/^VERSION := //p' "$ML_TOP/Makefile")
top=$ML_BUILD/dkms
log=$top/dkms.log
rm -rf "$top"
# dkms installs only into a kernel that exists: its modules directory.
mkdir -p "$top/var" "$top/root/lib/modules/$krel"
: >"$log"
dk() { dkms --dkmstree "$top/var" --sourcetree "$top/root/usr/src" \
	--installtree "$top/root/lib/modules" --no-depmod "$@" -m modemline -v "$version" >>"$log" 2>&1; }

n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
echo "1..7"
make -C "$ML_TOP" DESTDIR="$top/root" dkms-source >>"$log" 2>&1
ok $? "make dkms-source: /usr/src/modemline-$version"
dk add; ok $? "dkms add modemline/$version"
dk build -k "$krel" --kernelsourcedir "$kdir"
ok $? "dkms build against $kdir ($krel)"
dk install -k "$krel" --kernelsourcedir "$kdir" --force
ok $? "dkms install -k $krel"
found=$(find "$top/root/lib/modules" -name 'modemline.ko*' | head -n 1)
ok "$([ -n "$found" ]; echo $?)" "modemline.ko installed: ${found#"$top"/}"
depmod -a -b "$top/root" "$krel" >>"$log" 2>&1 &&
	grep -q 'modemline.ko[.a-z]*:' "$top/root/lib/modules/$krel/modules.dep"
ok $? "depmod indexes it"
dk remove --all; ok $? "dkms remove --all"
[ "$failed" = 0 ] || tail -n 30 "$log" | sed 's/^/# /'
[ "$failed" = 0 ]
