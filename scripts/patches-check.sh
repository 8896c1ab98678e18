#!/usr/bin/env bash
# 'make patches-check': the series of 'make patches' as a maintainer would
# take it, against a clean copy of Debian's linux-source-SERIES; TAP.
#
#   patches-check.sh [6.12|7.3]      (default 6.12)
#
# Cases: the series is generated; 'git am' applies it to a clean copy of
# the pristine tree; the driver builds in-tree with W=1 (CONFIG_MODEMLINE,
# _SIM and, where KUnit is on, _KUNIT_TEST =m on defconfig + KUnit) with
# no warning; 'scripts/checkpatch.pl --strict' is clean on each patch
# (one case per patch); 'scripts/kernel-doc -none -Wall' is clean on
# every .c and .h of the driver and the uapi header; the selftests build
# with the tree's lib.mk against its exported headers. Any warning fails
# its case; evidence follows as '# ' lines.
#
# The clean copy and its configured, modules_prepare'd build directory
# are cached (scripts/patches-kernel.sh SERIES check) and reset to the
# base at each run. Series for 6.12 go to $ML_BUILD/patches (as 'make
# patches'), others to $ML_BUILD/patches-SERIES; logs to
# $ML_BUILD/patches-check/SERIES/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
series=${1:-6.12}
ML_STAGE=patches-check-$series
out=$ML_BUILD/patches
[ "$series" = 6.12 ] || out=$ML_BUILD/patches-$series
logs=$ML_BUILD/patches-check/$series
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
rm -rf "$logs"
mkdir -p "$logs"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { # NAME [EVIDENCE FILE]
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
	[ -z "${2:-}" ] || sed -e 's/^/# /' "$2" | head -n "${EVIDENCE_LINES:-40}"
}
finish() { echo "1..$n"; exit $((failed > 0)); }
step_time() { echo "# $1 took $(ml_elapsed "$2")s"; }

t=$(date +%s)
if "$ML_TOP/scripts/patches.sh" "$series" "$out" >"$logs/generate.log" 2>&1; then
	ok "series generated ($(ls "$out" | wc -l) files in ${out#"$ML_TOP"/})"
else
	not_ok "series generated" "$logs/generate.log"
	finish
fi
step_time generation "$t"
mapfile -t patches < <(ml_patches_list "$out")

t=$(date +%s)
if ! dir=$("$ML_TOP/scripts/patches-kernel.sh" "$series" check 2>"$logs/tree.log"); then
	not_ok "clean copy of the $series tree" "$logs/tree.log"
	finish
fi
step_time "clean copy (cached after the first run)" "$t"
src=$dir/linux obj=$dir/obj
exec 9>"$dir/.lock"
flock 9

# 'git am' on the base, the copy reset first: a clean tree, nothing left.
t=$(date +%s)
rc=0
ml_patches_am "$src" "$logs/am.log" "${patches[@]}" || rc=$?
case $rc in
0) ok "git am applies the ${#patches[@]} patches on a clean copy of $(make -s -C "$src" kernelversion)" ;;
1) not_ok "git am applies on a clean copy: the copy is not clean" "$logs/am.log"
	finish ;;
*) not_ok "git am applies the ${#patches[@]} patches on a clean copy" "$logs/am.log"
	finish ;;
esac
step_time "git am" "$t"

# The in-tree build, W=1: every warning counts.
t=$(date +%s)
cp "$dir/config.prepared" "$obj/.config"
opts=(MODEMLINE MODEMLINE_SIM)
grep -qx 'CONFIG_KUNIT=y' "$obj/.config" && opts+=(MODEMLINE_KUNIT_TEST)
cfg=()
for o in "${opts[@]}"; do cfg+=(-m "$o"); done
"$src/scripts/config" --file "$obj/.config" "${cfg[@]}"
# survived: each option is still =m after olddefconfig.
survived() {
	local o
	for o in "${opts[@]}"; do
		grep -qx "CONFIG_$o=m" "$obj/.config" ||
			{ echo "CONFIG_$o=m did not survive olddefconfig"; return 1; }
	done
}
rm -rf "$obj/drivers/tty/modemline"
{
	nice -n 19 make -C "$src" O="$obj" olddefconfig && survived &&
	nice -n 19 make -C "$src" O="$obj" W=1 -j"$jobs" drivers/tty/modemline/
} >"$logs/build.log" 2>&1
rc=$?
objs=$(cd "$obj/drivers/tty/modemline" 2>/dev/null &&
	ls modemline.o modemline_sim.o tests/modemline_test.o 2>/dev/null | tr '\n' ' ')
if [ $rc -eq 0 ] && ! grep -qE 'warning:|error:' "$logs/build.log"; then
	ok "in-tree build, W=1, ${opts[*]/%/=m}: no warnings ($objs)"
else
	grep -E 'warning:|error:|did not survive' "$logs/build.log" >"$logs/build.warnings"
	[ -s "$logs/build.warnings" ] || tail -n 30 "$logs/build.log" >"$logs/build.warnings"
	not_ok "in-tree build, W=1, ${opts[*]/%/=m}: no warnings" "$logs/build.warnings"
fi
step_time "in-tree build" "$t"

# checkpatch --strict, one case per patch. It checks SPDX lines with
# scripts/spdxcheck.py, which needs python3's ply and git modules
# (python3-ply, python3-git): a python3 first on PATH without them
# (pyenv's, say) gives way to Debian's.
t=$(date +%s)
python3 -c 'import ply, git' 2>/dev/null || PATH=/usr/bin:$PATH
for p in "${patches[@]}"; do
	name=$(basename "$p")
	# One run, its exit status and its findings: each costs minutes on
	# the core patch, beside the check VMs.
	rc=0
	(cd "$src" && ./scripts/checkpatch.pl --strict --no-summary "$p") \
		>"$logs/$name.checkpatch" 2>&1 || rc=$?
	if [ "$rc" != 0 ] || grep -qE '^(ERROR|WARNING|CHECK):|^Traceback' "$logs/$name.checkpatch"; then
		not_ok "checkpatch --strict $name" "$logs/$name.checkpatch"
	else
		ok "checkpatch --strict $name"
	fi
done
step_time checkpatch "$t"

# kernel-doc on every source and header of the driver and the uapi.
t=$(date +%s)
files=$(cd "$src" && ls drivers/tty/modemline/*.[ch] drivers/tty/modemline/tests/*.[ch] \
	include/uapi/linux/modemline.h)
(cd "$src" && ./scripts/kernel-doc -none -Wall $files) 2>&1 |
	grep -v '^Warning: Sphinx version' >"$logs/kernel-doc.log"
if [ -s "$logs/kernel-doc.log" ]; then
	not_ok "kernel-doc -none -Wall on $(echo "$files" | wc -l) files" "$logs/kernel-doc.log"
else
	ok "kernel-doc -none -Wall on $(echo "$files" | wc -l) files"
fi
step_time kernel-doc "$t"

# The selftests against the tree's own headers, with its lib.mk.
t=$(date +%s)
sft=$src/tools/testing/selftests/drivers/modemline
rm -rf "$obj/kselftest/modemline"
mkdir -p "$obj/kselftest/modemline"
{
	nice -n 19 make -C "$src" O="$obj" headers &&
	nice -n 19 make -C "$sft" -j"$jobs" OUTPUT="$obj/kselftest/modemline" \
		KHDR_INCLUDES="-isystem $obj/usr/include"
} >"$logs/selftests.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -qE 'warning:|error:' "$logs/selftests.log"; then
	ok "selftests build in-tree ($(ls "$obj/kselftest/modemline" | grep -c _test) tests)"
else
	grep -E 'warning:|error:' "$logs/selftests.log" >"$logs/selftests.warnings"
	[ -s "$logs/selftests.warnings" ] || tail -n 30 "$logs/selftests.log" >"$logs/selftests.warnings"
	not_ok "selftests build in-tree" "$logs/selftests.warnings"
fi
step_time "selftests build" "$t"
finish
