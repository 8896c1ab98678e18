#!/usr/bin/env bash
# The Debian packages as a user gets them: 'make deb' (scripts/deb.sh:
# dpkg-buildpackage, lintian), the packages unpacked by dpkg into a clean
# root (--root: their maintainer scripts would run dkms and systemctl on
# this host, so they are not configured), every file where it belongs,
# the module built by DKMS from the installed /usr/src/modemline-VERSION
# against Debian's stock 6.12 headers in private trees, then loaded from
# where DKMS installed it in a stock 6.12 VM, where the packaged mlinectl
# and modemsim make a call. TAP on stdout; logs in build/deb-check/.
#
#   deb-check.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=deb-check
top=$ML_BUILD/deb-check
debs=$ML_BUILD/deb
root=$top/root
version=$(sed -n 's/^VERSION := //p' "$ML_TOP/userspace/Makefile")
rm -rf "$top"
mkdir -p "$top"

echo "1..10"

"$ML_TOP/scripts/deb.sh" >"$top/deb.log" 2>&1
ml_ok $? "make deb: dpkg-buildpackage and lintian without errors" "$(tail -n 20 "$top/deb.log")"
pkgs=(modemline-dkms modemline-utils libmodemline0 libmodemline-dev)
files=()
for p in "${pkgs[@]}"; do
	f=$(ls "$debs/${p}_${version}"_*.deb 2>/dev/null) && files+=("$f")
done
[ ${#files[@]} = 4 ]
ml_ok $? "the four packages: ${pkgs[*]}" "$(ls "$debs" 2>&1)"
[ -f "$debs/lintian.log" ] && ! grep -q '^E:' "$debs/lintian.log"
ml_ok $? "lintian: $(grep -c '^W:' "$debs/lintian.log" 2>/dev/null) warnings, no error" \
	"$(cat "$debs/lintian.log" 2>&1)"

# ---- into a clean root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --no-triggers --unpack "${files[@]}" >"$top/dpkg.log" 2>&1
ml_ok $? "dpkg --root --unpack of the four packages" "$(tail -n 20 "$top/dpkg.log")"
status=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Status}\n' 2>&1 | sort)
[ "$status" = "libmodemline-dev install ok unpacked
libmodemline0 install ok unpacked
modemline-dkms install ok unpacked
modemline-utils install ok unpacked" ]
ml_ok $? "dpkg's database has them" "$status"

# want PACKAGE PATH...: dpkg lists each PATH as PACKAGE's, and it is there.
missing=
want() {
	local p=$1 f list
	shift
	list=$(dpkg-query --admindir="$root/var/lib/dpkg" -L "$p" 2>/dev/null)
	for f in "$@"; do
		grep -qx "$f" <<<"$list" && [ -e "$root$f" ] || missing+=" $p:$f"
	done
}
want modemline-dkms /usr/src/modemline-$version/dkms.conf /usr/src/modemline-$version/Kbuild \
	/usr/src/modemline-$version/kmod/core.c /usr/src/modemline-$version/uapi/linux/modemline.h \
	/lib/udev/rules.d/60-modemline.rules
want modemline-utils /usr/bin/mlinectl /usr/bin/modemsim /usr/share/man/man8/mlinectl.8.gz \
	/usr/share/man/man1/modemsim.1.gz /lib/systemd/system/modemline-attach@.service \
	/usr/share/bash-completion/completions/mlinectl /lib/udev/rules.d/70-modemline-attach.rules
want libmodemline0 /usr/lib/x86_64-linux-gnu/libmodemline.so.0
want libmodemline-dev /usr/include/libmodemline.h /usr/include/linux/modemline.h \
	/usr/lib/x86_64-linux-gnu/libmodemline.a /usr/lib/x86_64-linux-gnu/libmodemline.so \
	/usr/lib/x86_64-linux-gnu/pkgconfig/modemline.pc /usr/share/man/man3/libmodemline.3.gz
[ -z "$missing" ]
ml_ok $? "every file in its package, where it belongs" "missing:$missing"
# A conffile waits as .dpkg-new until the package is configured.
conf=$(cat "$root/var/lib/dpkg/info/modemline-utils.conffiles" 2>&1)
[ "$conf" = /etc/modemline/example.conf ] && [ -f "$root/etc/modemline/example.conf.dpkg-new" ]
ml_ok $? "/etc/modemline/example.conf is a conffile (unpacked as .dpkg-new)" "$conf"

# ---- DKMS from the installed sources, against the stock 6.12 headers
kdir=$("$ML_TOP/scripts/kernel-dir.sh" stock-6.12 kdir 2>>"$top/dkms.log")
krel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
mkdir -p "$top/dkms" "$root/lib/modules/$krel"
dk() { dkms --dkmstree "$top/dkms" --sourcetree "$root/usr/src" \
	--installtree "$root/lib/modules" --no-depmod "$@" -m modemline -v "$version" >>"$top/dkms.log" 2>&1; }
dk add && dk build -k "$krel" --kernelsourcedir "$kdir" && dk install -k "$krel" --kernelsourcedir "$kdir" --force
ml_ok $? "dkms add, build, install modemline/$version from /usr/src against $krel" \
	"$(tail -n 20 "$top/dkms.log")"
ko=$(find "$root/lib/modules/$krel" -name 'modemline.ko*' | head -n 1)
sim=$(find "$root/lib/modules/$krel" -name 'modemline_sim.ko*' | head -n 1)
[ -n "$ko" ] && [ -n "$sim" ]
ml_ok $? "DKMS installed modemline and modemline_sim: ${ko#"$root"}" "$(find "$root/lib/modules" 2>&1)"

# ---- the stock 6.12 VM: the module from where DKMS put it, the packaged
# programs making a call on a modemsim pty.
cat >"$top/guest.sh" <<EOF
#!/bin/bash
out=$top/guest.tap
n=0
t() { n=\$((n + 1)); if [ "\$1" = 0 ]; then echo "ok \$n \$2"; else echo "not ok \$n \$2"; fi >>"\$out"; }
: >"\$out"
insmod "$ko" && insmod "$sim" && [ -c /dev/modemline ]
t \$? "insmod of DKMS's modemline.ko and modemline_sim.ko: /dev/modemline"
ml=$root/usr/bin/mlinectl
"$root/usr/bin/modemsim" --pty >$top/sim.out 2>&1 &
simpid=\$!
for _ in \$(seq 50); do grep -q '^PTY ' $top/sim.out && break; sleep 0.1; done
pty=\$(awk '/^PTY/ { print \$2 }' $top/sim.out)
"\$ml" attach "\$pty" --daemon --pidfile $top/attach.pid >$top/call.log 2>&1
line=\$("\$ml" --json lines | sed -n 's/.*"line":\([0-9]*\),"name":"pts.*/\1/p' | head -n 1)
printf 'dial %s 5551234 --wait\ndrop --wait\ninfo\n' "\$line" | "\$ml" batch - >>$top/call.log 2>&1 &&
	grep -Eq 'ended +by local, reason normal' $top/call.log
t \$? "the packaged mlinectl dials and drops on a modemsim pty line (line \$line)"
# The attach daemon is no child of this shell: wait for it to let the
# line go before the module is unloaded.
apid=\$(cat "$top/attach.pid" 2>/dev/null)
kill "\$apid" "\$simpid" 2>/dev/null
for _ in \$(seq 100); do kill -0 "\$apid" 2>/dev/null || break; sleep 0.1; done
wait
rmmod modemline_sim && rmmod modemline
t \$? "rmmod"
EOF
"$ML_TOP/scripts/vm.sh" --kernel stock-6.12 --no-modules --timeout 600 --rundir "$top/vm" \
	-- bash "$top/guest.sh" >"$top/vm.log" 2>&1
rc=$?
g=$(cat "$top/guest.tap" 2>/dev/null)
[ "$rc" = 0 ] && [ "$(grep -c '^ok' <<<"$g")" = 3 ]
ml_ok $? "stock 6.12 VM: the DKMS-built module loads, the packaged mlinectl makes a call, unloads" \
	"vm exit status $rc; guest:"$'\n'"$g"$'\n'"$(tail -n 10 "$top/call.log" 2>&1)"
[ "$ml_tap_failed" = 0 ]
