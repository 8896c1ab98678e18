#!/usr/bin/env bash
# The guest half of 'make check': runs inside a VM booted with
#
#   vm.sh --kernel KERNEL --no-modules -- scripts/guest-check.sh KERNEL
#       [--shard I/N] [--canary MODE]
#
# and leaves raw results in $ML_BUILD/KERNEL/results/ for scripts/check.sh
# (or check-harness.sh) to judge; it judges nothing itself and exits 0 once
# every step has been tried. Runs on the host's root, read-only over 9p.
#
# With --shard I/N, N VMs of one kernel share the kselftests: each claims
# a test before running it (creates a file in $ML_BUILD/KERNEL/claims,
# which the caller empties, with O_EXCL: atomic on the host through 9p,
# and no process started), odd shards going through the list from its
# start, even ones from its end, so that two meet in the middle whatever
# each test costs. Shard 1 alone runs KUnit;
# every shard loads and unloads the modules and has its own kmemleak
# report. Shard I > 1 leaves its results in results-I/.
#
# Steps: clear the kmemleak report of boot-time objects, load modemline
# (and modemline_sim and modemline_nullmodem, the null-modem tty pairs),
# run the KUnit module, run each kselftest with the kernel's runner (then
# the 32-bit ones), unload modemline_sim
# while its debugfs files are read and load it again, unload everything,
# let kmemleak scan twice and save its report.
# With --canary MODE (check-harness.sh) the tests are replaced by loading
# tests/canary/modemline_canary.ko mode=MODE; MODE none loads nothing.
#
# results/
#   times                  "step seconds" lines
#   load.tap, unload.tap   one TAP line per insmod / rmmod
#   kunit.status           absent: no test module; "unavailable": kernel
#                          without KUnit; else the exit status of insmod
#   kunit.log, kunit/*.ktap  insmod's output, KTAP of each new suite
#   selftests/NAME.out, NAME.status  output (TAP) and exit status
#   selftests/NAME.seconds  how long it ran (where a VM's time goes)
#   selftests32/           the same for the 32-bit collection
#   kmemleak.txt           report after the final scans (kmemleak kernels)
#   done                   written last
set -euo pipefail
. "$(dirname "$0")/lib.sh"
usage="usage: guest-check.sh KERNEL [--shard I/N] [--canary MODE]"
kernel=${1:?$usage}
shift
canary='' shard=1 shards=1
while [ $# -gt 0 ]; do
	case "$1" in
	--canary) canary=${2:?$usage} ;;
	--shard)
		if ! [[ ${2:-} =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] ||
			[ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
			ml_die "$usage"
		fi
		shard=${BASH_REMATCH[1]} shards=${BASH_REMATCH[2]} ;;
	*) ml_die "$usage" ;;
	esac
	shift 2
done
ML_STAGE=guest-$kernel
[ "$shard" = 1 ] || ML_STAGE+=-$shard

kmod=$ML_BUILD/$kernel/src/kmod
nullmodem=$kmod/tests/nullmodem/modemline_nullmodem.ko
res=$ML_BUILD/$kernel/results
[ "$shard" = 1 ] || res+=-$shard
claims=$ML_BUILD/$kernel/claims
kmemleak=/sys/kernel/debug/kmemleak
rm -rf "$res"
mkdir -p "$res/kunit" "$res/selftests"

# Each process started costs about a second in the debug guest (exec over
# 9p, KASAN, TCG): bash builtins wherever they do.
shopt -s nullglob
step_start=
step() { step_start=$EPOCHSECONDS; }
step_done() { echo "$1 $((EPOCHSECONDS - step_start))" >>"$res/times"; }

# tap FILE OK? DESCRIPTION [DIAGNOSTIC]: append one TAP result line.
declare -A tap_count
tap() {
	local n=$(( ${tap_count[$1]:-0} + 1 ))
	tap_count[$1]=$n
	if [ "$2" = 0 ]; then
		echo "ok $n $3"
	else
		echo "not ok $n $3"
		[ -z "${4:-}" ] || echo "# ${4//$'\n'/$'\n'# }"
	fi >>"$1"
}

loaded() { [ -d "/sys/module/$1" ]; }

# load NAME PATH [ARGS]: insmod unless already loaded, as a load.tap case.
load() {
	local out rc=0
	! loaded "$1" || return 0
	out=$(insmod "$2" "${@:3}" 2>&1) || rc=$?
	tap "$res/load.tap" "$rc" "insmod $1" "$out"
}

unload() {
	local out rc=0
	loaded "$1" || return 0
	out=$(timeout 60 rmmod "$1" 2>&1) || rc=$?
	tap "$res/unload.tap" "$rc" "rmmod $1" "$out"
}

kunit() {
	local ko=$kmod/tests/modemline_test.ko before dir suite lines rc=0
	if [ ! -f "$ko" ]; then
		[ -d /sys/module/kunit ] || echo unavailable >"$res/kunit.status"
		return 0
	fi
	before=" $(echo /sys/kernel/debug/kunit/*/) "
	# The suites run inside insmod, each test in its own kthread.
	timeout 600 insmod "$ko" >"$res/kunit.log" 2>&1 || rc=$?
	echo "$rc" >"$res/kunit.status"
	for dir in /sys/kernel/debug/kunit/*/; do
		[[ $before != *" $dir "* ]] || continue
		suite=${dir%/}
		mapfile -t lines <"$dir/results"
		printf '%s\n' "${lines[@]}" >"$res/kunit/${suite##*/}.ktap"
	done
	unload modemline_test
}

# claim NAME: true if this VM is the first of the shards to claim NAME.
claim() {
	local rc=0
	set -C
	{ : >"$claims/$1"; } 2>/dev/null || rc=$?
	set +C
	return "$rc"
}

# The kselftest collection (build/kselftest, installed by 'make
# selftests') through the kernel's runner, run_kselftest.sh, one test at
# a time so that a test that stops the guest leaves the results of the
# ones before it. The runner's TAP line for the test gives its exit
# status (SKIP: 4, TIMEOUT: 124, else exit=N); its output is the test's
# own TAP, prefixed with "# ". The tests find modemsim and mlinectl
# through the environment, as an installed kselftest would.
# selftests [32]: the collection, or with 32 the 32-bit one (build/
# kselftest32, 'make selftests32') into results/selftests32/, with the
# 32-bit mlinectl. Sharded, only the tests this VM claims first.
selftests() {
	local bits=${1:-} entry entries=() rev=() i name out line rc start
	local ksft=$ML_BUILD/kselftest$bits dir=$res/selftests$bits
	export MODEMSIM=$ML_BUILD/userspace/modemsim MLINECTL=$ML_BUILD/userspace$bits/mlinectl
	export MLINECTL_MAN=$ML_TOP/userspace/man/mlinectl.8
	export MLINECTL_COMPLETION=$ML_TOP/userspace/completion/mlinectl
	[ -f "$ksft/kselftest-list.txt" ] || return 0
	mkdir -p "$dir"
	mapfile -t entries <"$ksft/kselftest-list.txt"
	if [ $((shard % 2)) = 0 ]; then
		for i in "${!entries[@]}"; do
			rev[${#entries[@]} - 1 - i]=${entries[i]}
		done
		entries=("${rev[@]}")
	fi
	for entry in "${entries[@]}"; do
		name=${entry#*:}
		[ "$shards" = 1 ] || claim "$name$bits" || continue
		start=$EPOCHSECONDS
		out=$("$ksft/run_kselftest.sh" -t "$entry" </dev/null 2>&1) || true
		echo $((EPOCHSECONDS - start)) >"$dir/$name.seconds"
		sed -n 's/^# //p' <<<"$out" |
			grep -v -e '^timeout set to ' -e "^selftests: modemline: $name\$" \
			>"$dir/$name.out" || true
		line=$(grep -E "^(not )?ok [0-9]+ selftests: modemline: $name( |\$)" <<<"$out" | tail -n 1) || true
		case "$line" in
		ok*"# SKIP"*) rc=4 ;;
		ok*) rc=0 ;;
		*"# TIMEOUT"*) rc=124 ;;
		*"# exit="*) rc=${line##*exit=} ;;
		*) rc=1; printf '%s\n' "run_kselftest.sh gave no result:" "$out" >>"$dir/$name.out" ;;
		esac
		echo "$rc" >"$dir/$name.status"
	done
}

# modemline_sim's teardown once freed its lines before their debugfs
# files (a use-after-free in debugfs_u32_get): unload it while readers
# loop over every id file. The checkers and the log scan judge it.
sim_unload_under_readers() {
	local dir=/sys/kernel/debug/modemline_sim f i out rc=0 pids=()
	loaded modemline_sim || return 0
	for i in 1 2 3 4; do echo "unload_rd$i" >"$dir/new_line"; done
	# A reader stops once its file is gone, so kill may find it exited.
	for f in "$dir"/lines/*/id; do
		(while read -r _ <"$f"; do :; done) 2>/dev/null &
		pids+=($!)
	done
	sleep 1
	out=$(timeout 60 rmmod modemline_sim 2>&1) || rc=$?
	kill "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	tap "$res/unload.tap" "$rc" "rmmod modemline_sim while its debugfs files are read" "$out"
	[ "$rc" != 0 ] || load modemline_sim "$kmod/modemline_sim.ko"
}

if [ -e "$kmemleak" ]; then
	step
	# Only what this run leaks is of interest, not the boot's leftovers.
	echo scan >"$kmemleak"
	echo clear >"$kmemleak"
	step_done kmemleak-clear
fi

step
if [ -n "$canary" ]; then
	[ "$canary" = none ] ||
		load modemline_canary "$kmod/tests/canary/modemline_canary.ko" "mode=$canary"
	unload modemline_canary
	step_done canary
else
	load modemline "$kmod/modemline.ko"
	[ ! -f "$kmod/modemline_sim.ko" ] || load modemline_sim "$kmod/modemline_sim.ko"
	# Null-modem tty pairs for the tests of real modem-control lines.
	[ ! -f "$nullmodem" ] || load modemline_nullmodem "$nullmodem"
	step_done load
	if [ "$shard" = 1 ]; then
		step
		kunit
		step_done kunit
	fi
	# The even shards take the list from its end: the 32-bit tests first.
	order=("" 32)
	[ $((shard % 2)) = 1 ] || order=(32 "")
	for bits in "${order[@]}"; do
		step
		selftests "$bits"
		step_done "selftests$bits"
	done
	step
	[ ! -f "$kmod/modemline_sim.ko" ] || sim_unload_under_readers
	unload modemline_sim
	unload modemline_nullmodem
	unload modemline
	step_done unload
fi

if [ -e "$kmemleak" ]; then
	step
	# kmemleak ignores objects younger than 5 s; a second scan drops
	# transient false positives (pointers only held in registers).
	sleep 6
	echo scan >"$kmemleak"
	echo scan >"$kmemleak"
	cat "$kmemleak" >"$res/kmemleak.txt"
	step_done kmemleak
fi
touch "$res/done"
