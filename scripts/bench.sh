#!/usr/bin/env bash
# make bench: the benchmarks of issue 7, in one VM boot of a stock Debian
# kernel (the debug kernel's sanitizers distort timing).
#
#   bench.sh [--kernel stock-6.12] [--only NAME,...] [--runs N] [--profile]
#
# Builds the modules for the kernel, boots it once with scripts/vm.sh and
# runs build/userspace/bench inside, which prints the table (name, value,
# target, unit, min, max) and writes build/bench/results.json. Every
# figure is a ratio of two costs measured side by side in that boot.
# With --runs N (make bench RUNS=N) it boots N times, keeps each run as
# build/bench/run-K.json and table-K.txt, and results.json gives each
# figure the median of the run medians and their spread
# (scripts/bench-combine.py), with every run kept whole. With --profile
# (make bench PROFILE=1) each boot runs the bench under perf (cpu-clock,
# every CPU: TCG has no PMU) and build/bench/profile-K.txt gives where
# the time went, by symbol, kernel and user; the guest's kallsyms are
# kept beside it so that the module's symbols resolve.
# Exit status: 0 when everything was measured, whether or not the targets
# were met; non-zero only when the benchmark could not measure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=bench
kernel=stock-6.12 only=() runs=1 profile=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift 2 ;;
	--only) only=(--only "${2:?}"); shift 2 ;;
	--runs) runs=${2:?}; shift 2 ;;
	--profile) profile=1; shift ;;
	*) ml_die "usage: bench.sh [--kernel KERNEL] [--only NAME,...] [--runs N] [--profile]" ;;
	esac
done
case "$runs" in
'' | *[!0-9]* | 0*) ml_die "--runs takes a whole number of boots, 1 or more (got '$runs')" ;;
esac
case "$kernel" in
stock-*) ;;
*) ml_log "warning: $kernel is not a stock kernel: timings are distorted" ;;
esac

if [ -n "$profile" ] && ! command -v perf >/dev/null; then
	ml_die "--profile needs perf on this machine, which the guest shares (apt-get install linux-perf)"
fi
start=$(date +%s)
bin=$ML_BUILD/userspace/bench
msim=$ML_BUILD/userspace/modemsim
[ -x "$bin" ] && [ -x "$msim" ] || ml_die "build/userspace/bench or modemsim missing (make userspace)"
kmod=$("$ML_TOP/scripts/build-modules.sh" "$kernel")
# The guest's init loads modemline and modemline_sim; the null-modem tty
# pairs of nm_cycle_vs_userspace (a test-only module, built by
# build-modules.sh) are loaded by bench-guest.sh, before the benchmark
# starts.
nullmodem=$kmod/tests/nullmodem/modemline_nullmodem.ko
[ -f "$nullmodem" ] || ml_die "no $nullmodem (scripts/build-modules.sh $kernel)"
out=$ML_BUILD/bench
mkdir -p "$out"
rm -f "$out"/results.json "$out"/table*.txt "$out"/run-*.json "$out"/profile-* "$out"/perf-*
ml_log "running the benchmarks in a $kernel VM, $runs boot(s) (TCG: absolute times are slow, ratios count)"
# The guest's clock. Under TCG the kernel distrusts the TSC (the two
# vCPUs' TSCs look unsynchronised; on a loaded host the PIT calibration
# fails) and falls back to refined-jiffies, where CLOCK_MONOTONIC advances
# in 4 ms steps. The guest's TSC is the host's: tell the guest its rate
# (tsc_early_khz, measured here) and that it is reliable.
append=tsc=reliable
if khz=$("$bin" --tsc-khz) && [ "$khz" -gt 0 ] 2>/dev/null; then
	append+=" tsc_early_khz=$khz"
fi
clock_args=()
for a in $append; do clock_args+=(--append "$a"); done

# One boot: build/bench/run-$1.json and table-$1.txt (and with --profile
# perf-$1.data, perf-$1.kallsyms and profile-$1.txt).
bench_boot() {
	local json=$out/run-$1.json table=$out/table-$1.txt status=0

	"$ML_TOP/scripts/vm.sh" --kernel "$kernel" --timeout 2400 "${clock_args[@]}" -- \
		bash "$ML_TOP/scripts/bench-guest.sh" "$nullmodem" "${profile:+$out/perf-$1}" \
		"$bin" --out "$json" --modemsim "$msim" "${only[@]}" >"$table" || status=$?
	if [ -n "$profile" ] && [ -s "$out/perf-$1.data" ]; then
		perf report -i "$out/perf-$1.data" --kallsyms="$out/perf-$1.kallsyms" --stdio \
			--no-children --sort sym --percent-limit 0.2 >"$out/profile-$1.txt" 2>"$out/profile-$1.err" ||
			ml_log "run $1: perf report failed, see $out/profile-$1.err"
	fi
	[ -s "$table" ] && cat "$table"
	if grep -q '"clocksource": "[a-z-]*jiffies"' "$json" 2>/dev/null; then
		ml_log "error: the guest ran on a jiffies clocksource: timings are in 4 ms steps"
		status=1
	fi
	if [ "$status" != 0 ] || [ ! -s "$json" ]; then
		ml_die "run $1: the benchmark could not measure (exit status $status; VM logs in $ML_BUILD/vm/$kernel-last)"
	fi
}

for ((k = 1; k <= runs; k++)); do
	[ "$runs" = 1 ] || ml_log "run $k of $runs"
	bench_boot "$k"
done
if [ "$runs" = 1 ]; then
	mv "$out/run-1.json" "$out/results.json"
	mv "$out/table-1.txt" "$out/table.txt"
else
	ml_log "$runs runs: the median of the run medians, and their spread"
	jsons=()
	for ((k = 1; k <= runs; k++)); do jsons+=("$out/run-$k.json"); done
	python3 "$ML_TOP/scripts/bench-combine.py" "$out/results.json" "${jsons[@]}" |
		tee "$out/table.txt"
fi
ml_log "results: $out/results.json (make bench took $(ml_elapsed "$start")s)"
