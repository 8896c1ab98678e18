#!/usr/bin/env bash
# In the bench VM (scripts/bench.sh): load the null-modem test module, then
# run the benchmark, under perf when PROFILE (a path prefix) is given.
#
#   bench-guest.sh NULLMODEM_KO PROFILE|'' BENCH [ARGS...]
#
# With PROFILE: PROFILE.kallsyms (the guest's symbols, the module's
# included, read once kptr_restrict allows it) and PROFILE.data (perf
# record, cpu-clock on every CPU: TCG has no PMU), for the host to report.
nullmodem=$1 profile=$2
shift 2
# If that fails, nm_cycle_vs_userspace reports that it could not measure.
insmod "$nullmodem" || echo "bench-guest.sh: insmod $nullmodem failed" >&2
[ -n "$profile" ] || exec "$@"
echo 0 >/proc/sys/kernel/kptr_restrict
cp /proc/kallsyms "$profile.kallsyms"
exec perf record -q -e cpu-clock -F 10000 -a -o "$profile.data" -- "$@"
