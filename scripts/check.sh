#!/usr/bin/env bash
# The verdict of 'make check': for each kernel, build our modules, boot a
# VM that runs scripts/guest-check.sh, and judge what it left behind.
#
#   check.sh [KERNEL...]      default: debug stock-6.1 stock-6.12
#
# Counted cases: each case of the host stages (TAP: log scan rules, bench RUNS combining,
# modemsim, install, ABI, DKMS, demo, the patch series on 6.12 and 7.3,
# KUnit by kunit.py), each KUnit test case (a parameterised case counts
# once, however many parameters it runs), each kselftest case, each insmod
# and rmmod of our modules, and one kernel log scan per VM. A stage that
# cannot run (build, VM, missing results) counts as one failed case.
# Prints one line per stage, the evidence of every failure, and last
# "N passed, M failed, K skipped". Exits 1 if anything failed.
#
# The selftests are expected installed as a kselftest tree in
# $ML_BUILD/kselftest ('make selftests' does it first).
# MODEMLINE_VM_TIMEOUT bounds each VM (default 3600 s: on a fresh machine
# the debug VM runs beside the background compile stages, and took more
# than 1800 s there, still in its PPP test, on 2026-12-05; with the 32-bit
# collection it took 2616 s on 2026-12-06, before two VMs shared its
# tests). MODEMLINE_DEBUG_VMS sets how many VMs share a debug kernel's
# kselftests (default 2, see vm_count).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- debug stock-6.1 stock-6.12

passed=0 failed=0 skipped=0

# say STAGE TEXT [SECONDS]: the one line a stage prints.
say() { echo "[$kernel] $1: $2${3:+ (${3}s)}"; }
# Evidence is indented under the stage line it belongs to.
evidence() { sed 's/^/    | /'; }
count() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }
not_run() { # STAGE REASON
	say "$1" "FAILED, could not run: $2"
	count 0 1 0
}
# The result directories of this kernel's VMs (results, results-2, ...;
# see vm_count): the guest time of a step is their sum, and a step is
# finished once every VM got through it.
ress=()
# guest_time STEP...: seconds the guests spent in these steps (results/times).
guest_time() {
	awk -v s=" $* " 'index(s, " " $1 " ") { t += $2; f = 1 } END { if (f) print t }' \
		"${ress[@]/%//times}" 2>/dev/null || true
}
# in_results PATTERN...: the files these glob patterns match in each
# result directory, one per line.
in_results() {
	local d p
	for d in "${ress[@]}"; do
		for p in "$@"; do
			compgen -G "$d/$p" || true
		done
	done
}
# finished STEP: guest-check.sh got through STEP (it logs each in times).
finished() {
	local d
	for d in "${ress[@]}"; do
		grep -q "^$1 " "$d/times" 2>/dev/null || return 1
	done
}
# stopped STAGE: the guest went down or timed out during STAGE; whatever
# results it left have been counted, and the stage counts as one failure.
stopped() {
	say "$1" "FAILED, did not finish: the guest stopped (see vm and log scan)"
	count 0 1 0
}

# tap INDENT FILE...: count the TAP/KTAP results found at INDENT (KUnit
# cases sit one level, four spaces, inside their suite). Prints the lines
# leading to each failed result, then "counts PASS FAIL SKIP" last. A plan
# ("1..N") that does not match the results seen is one more failure.
tap() {
	local indent=$1
	shift
	awk -v ind="$indent" '
		function finish() {
			if (plan != "" && seen != plan) {
				print "---- " file ": plan says " plan " results, saw " seen
				fail++
			}
			plan = ""; seen = 0; n = 0
		}
		FNR == 1 { if (NR > 1) finish(); file = FILENAME }
		{ buf[++n] = $0 }
		substr($0, 1, length(ind)) != ind { next }
		{ rest = substr($0, length(ind) + 1) }
		rest ~ /^1\.\.[0-9]+/ { split(substr(rest, 4), p, /[^0-9]/); plan = p[1] + 0 }
		rest !~ /^(not )?ok [0-9]+/ { next }
		{ seen++ }
		rest ~ /^not ok/ {
			fail++
			print "---- " file ":"
			for (i = (n > 40 ? n - 39 : 1); i <= n; i++)
				print buf[i]
		}
		rest ~ /^ok/ && rest ~ /# *[Ss][Kk][Ii][Pp]/ { skip++ }
		rest ~ /^ok/ && rest !~ /# *[Ss][Kk][Ii][Pp]/ { pass++ }
		{ n = 0 }
		END { if (NR > 0) finish(); print "counts", pass + 0, fail + 0, skip + 0 }
	' "$@"
}

# judge STAGE SECONDS OUTPUT: report the output of tap() and count it.
judge() {
	local counts p f s
	counts=$(tail -n 1 <<<"$3")
	read -r _ p f s <<<"$counts"
	count "$p" "$f" "$s"
	if [ "$f" -gt 0 ]; then
		say "$1" "$p passed, $f FAILED, $s skipped" "$2"
		sed '$d' <<<"$3" | evidence
	else
		say "$1" "$p passed, $f failed, $s skipped" "$2"
	fi
}

check_kunit() {
	local status ress=("$res")	# the first VM's alone (guest-check.sh --shard)
	if ! finished kunit; then
		! compgen -G "$res/kunit/*.ktap" >/dev/null ||
			judge kunit "" "$(tap '    ' "$res"/kunit/*.ktap)"
		stopped kunit
		return
	fi
	status=$(cat "$res/kunit.status" 2>/dev/null || echo missing)
	case "$status" in
	unavailable) say kunit "skipped, kernel without KUnit"; count 0 0 1 ;;
	missing) not_run kunit "modemline_test.ko was not built for a KUnit kernel" ;;
	0)
		if compgen -G "$res/kunit/*.ktap" >/dev/null; then
			judge kunit "$(guest_time kunit)" "$(tap '    ' "$res"/kunit/*.ktap)"
		else
			not_run kunit "loading modemline_test.ko produced no KUnit suites"
		fi ;;
	*) not_run kunit "insmod modemline_test.ko exited $status"
		evidence <"$res/kunit.log" ;;
	esac
}

# The null-modem tests (the tty pair itself, and the line discipline on it
# with real modem-control lines) get a stage line of their own.
NULLMODEM_STAGE="null-modem (DTR, DCD, RTS/CTS)"
is_nullmodem_test() { [[ $1 == */nullmodem_test.out || $1 == */nmline_test.out ]]; }
# So do the cellular ones: a 3GPP modemsim line, voice calls in the core,
# and the first header's programs against this module.
GSM_STAGE="3GPP (voice calls, +CLCC, +CEER; old-header ABI)"
is_gsm_test() {
	[[ $1 == */cellular_test.out || $1 == */voice_test.out || $1 == */abi_v1_test.out ]]
}
# And dial-up networking: pppd over a call, to a far pppd modemsim runs.
PPP_STAGE="PPP (pppd over a call: ping, TCP, the record's bytes)"
is_ppp_test() { [[ $1 == */ppp_test.sh.out ]]; }

# And the 32-bit collection (make selftests32): the ABI tests and mlinectl
# built with -m32.
M32_STAGE="32-bit (ABI selftests and mlinectl, -m32)"

# check_selftests STAGE OUT...: judge these selftest binaries' output;
# the guest's step was $step (selftests, or selftests32).
check_selftests() {
	local stage=$1 out name status results f=0 all= step=${step:-selftests}
	shift
	for out in "$@"; do
		name=$(basename "$out" .out)
		# No status: the binary the guest stopped in (see stopped below).
		status=$(cat "${out%.out}.status" 2>/dev/null) || continue
		results=$(grep -cE '^(not )?ok [0-9]+' "$out" || true)
		# A binary that crashed, timed out or printed no results has
		# failed even when none of its TAP lines says so.
		if [ "$status" = 4 ] && [ "$results" = 0 ]; then
			all+="counts 0 0 1"$'\n'
		elif [ "$results" = 0 ] || { [ "$status" != 0 ] && [ "$status" != 4 ] &&
			! grep -q '^not ok' "$out"; }; then
			case "$status" in
			124 | 137) status="$status (timed out)" ;;
			esac
			all+="---- $name: exit status $status, $results results"$'\n'
			all+=$(tail -n 30 "$out")$'\n'
			f=$((f + 1))
		fi
	done
	if [ $# -gt 0 ]; then
		all+=$(tap '' "$@")
		# Fold the extra failures into the counts line tap() printed.
		judge "$stage" "$(guest_time "$step")" "$(awk -v f="$f" '
			/^counts / { p += $2; x += $3; s += $4; next } { print }
			END { print "counts", p, x + f, s }' <<<"$all")"
	elif finished "$step"; then
		not_run "$stage" "no tests in $ML_BUILD/kselftest${step#selftests}/kselftest-list.txt"
	fi
	finished "$step" || stopped "$stage"
}

# The selftests of this kernel, the null-modem and 3GPP ones apart.
check_all_selftests() {
	local out outs general=() nullmodem=() gsm=() ppp=() m32=()
	mapfile -t outs < <(in_results 'selftests/*.out')
	for out in "${outs[@]}"; do
		if is_nullmodem_test "$out"; then
			nullmodem+=("$out")
		elif is_gsm_test "$out"; then
			gsm+=("$out")
		elif is_ppp_test "$out"; then
			ppp+=("$out")
		else
			general+=("$out")
		fi
	done
	check_selftests selftests "${general[@]}"
	check_selftests "$NULLMODEM_STAGE" "${nullmodem[@]}"
	check_selftests "$GSM_STAGE" "${gsm[@]}"
	check_selftests "$PPP_STAGE" "${ppp[@]}"
	slowest
	mapfile -t m32 < <(in_results 'selftests32/*.out')
	step=selftests32 check_selftests "$M32_STAGE" "${m32[@]}"
}

# Where the VM's time went: its five slowest kselftests.
slowest() {
	local f files list=
	mapfile -t files < <(in_results 'selftests/*.seconds')
	for f in "${files[@]}"; do
		list+="$(cat "$f") $(basename "$f" .seconds)"$'\n'
	done
	[ -n "$list" ] || return 0
	echo "[$kernel] slowest kselftests: $(printf %s "$list" | sort -rn | head -n 5 |
		awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1 }')"
}

check_modules() {
	local f found files=()
	mapfile -t found < <(in_results load.tap unload.tap)
	for f in "${found[@]}"; do
		[ ! -s "$f" ] || files+=("$f")
	done
	if [ ${#files[@]} -gt 0 ]; then
		judge "insmod/rmmod" "$(guest_time load unload)" "$(tap '' "${files[@]}")"
	elif finished unload; then
		not_run "insmod/rmmod" "guest-check.sh recorded none"
	fi
	finished unload || stopped "insmod/rmmod"
}

# check_log [WHICH]: the log scan of the VM in $rundir, $res; WHICH names
# it where a kernel has more than one.
check_log() {
	local out rc=0 start stage="log scan${1:+ ($1)}"
	start=$(date +%s)
	out=$("$ML_TOP/scripts/scan-log.sh" "$rundir/console.log" "$res/kmemleak.txt" 2>&1) || rc=$?
	case "$rc" in
	0) say "$stage" "clean$([ -f "$res/kmemleak.txt" ] && echo ", kmemleak clean")" \
		"$(ml_elapsed "$start")"; count 1 0 0 ;;
	1) say "$stage" "FAILED" "$(ml_elapsed "$start")"; count 0 1 0
		evidence <<<"$out" ;;
	*) not_run "$stage" "$out" ;;
	esac
}

# host_verdict STAGE SECONDS CMD OUTPUT: judge the TAP a host stage
# printed; one that printed no result at all failed.
host_verdict() {
	if ! grep -qE '^(not )?ok [0-9]+' <<<"$4"; then
		not_run "$1" "no results from $(basename "$3")"
		tail -n 20 <<<"$4" | evidence
		return
	fi
	judge "$1" "$2" "$(tap '' <(printf '%s\n' "$4"))"
}

# host_stage STAGE CMD...: a stage that prints TAP on the host (it may
# boot a VM of its own).
host_stage() {
	local stage=$1 start out
	shift
	start=$(date +%s)
	out=$("$@" 2>&1) || true
	host_verdict "$stage" "$(ml_elapsed "$start")" "$1" "$out"
}

# The compile-bound host stages run in the background at nice 19, in two
# queues (stages 1, 3, ... and 2, 4, ...), while the VMs run: the VMs
# keep their priority, and the compiles take the CPU they leave. Two
# queues, because much of a stage runs on one core (checkpatch, kunit.py's
# test run, git) and the last VMs leave the other idle. They start once
# the kernels are built: a cold debug kernel build leaves no CPU to take,
# and shared with them it took 19 minutes instead of 12. bg_stage STAGE
# CMD... queues one, bg_start starts them, bg_verdicts waits and judges
# each as host_stage.
bg_dir=$ML_BUILD/check-host
bg_names=()
bg_pids=()
prebuild_pid= prebuild=	# the kernel built in the background, see below
rm -rf "$bg_dir"
mkdir -p "$bg_dir"
# A check cut short takes its background compiles and VM jobs (below)
# down with it.
declare -A job_pid job_start
trap 'for p in "${bg_pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
[ -z "$prebuild_pid" ] || kill -- -"$prebuild_pid" 2>/dev/null || true
for p in "${job_pid[@]}"; do kill -- -"$p" 2>/dev/null || true; done' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
bg_stage() {
	bg_names+=("$1")
	shift
	printf '%q ' "$@" >"$bg_dir/${#bg_names[@]}.cmd"
	basename "$1" >"$bg_dir/${#bg_names[@]}.name"
}
bg_start() {
	local q
	[ ${#bg_pids[@]} = 0 ] || return 0
	# Not beside a kernel build (see prebuild below).
	[ -z "$prebuild_pid" ] || ! kill -0 "$prebuild_pid" 2>/dev/null || return 0
	set -m	# a process group of their own, for the trap
	for q in 1 2; do
		# Nothing from the terminal: a background process group that
		# reads it, or changes its settings (kunit.py's 'stty sane'), is
		# stopped.
		(
			for n in $(seq "$q" 2 "${#bg_names[@]}"); do
				start=$(date +%s)
				nice -n 19 bash -c "$(cat "$bg_dir/$n.cmd")" >"$bg_dir/$n.out" 2>&1 || true
				ml_elapsed "$start" >"$bg_dir/$n.time"
			done
		) </dev/null >"$bg_dir/bg-$q.log" 2>&1 &
		bg_pids+=($!)
	done
	set +m
}
bg_verdicts() {
	local n
	wait "${bg_pids[@]}" || true
	bg_pids=()
	kernel=host
	for n in $(seq "${#bg_names[@]}"); do
		host_verdict "${bg_names[n - 1]}" "$(cat "$bg_dir/$n.time" 2>/dev/null)" \
			"$(cat "$bg_dir/$n.name")" "$(cat "$bg_dir/$n.out" 2>/dev/null)"
	done
}

# A debug kernel not built yet takes 12 minutes: it is built in the
# background (nice 19) from the start, while the host stages and the
# kernels that need no build, Debian's stock ones, go first; their VMs
# leave most of the CPU to it (a VM under test mostly waits). Only one: two kernel builds would fight for the
# cores. Warm, it is the cache lookup and nothing changes but the order.
for kernel in "$@"; do
	[[ $kernel == stock-* ]] && continue
	for k in "$@"; do
		[[ $k == stock-* ]] || continue
		prebuild=$kernel
		mkdir -p "$ML_BUILD/$kernel"
		set -m	# a process group of its own, for the trap
		nice -n 19 "$ML_TOP/scripts/kernel-dir.sh" "$kernel" kdir \
			>/dev/null 2>"$ML_BUILD/$kernel/prebuild.log" </dev/null &
		prebuild_pid=$!
		set +m
		# shellcheck disable=SC2046 # kernel names are single words
		set -- $(printf '%s\n' "$@" | grep '^stock-') $(printf '%s\n' "$@" | grep -v '^stock-')
		break 2
	done
	break
done

kernel=host
# The kernel log scan every VM stage ends with judges what it should.
host_stage "log scan rules" "$ML_TOP/scripts/scan-log-test.sh"
# make bench RUNS=N combines its boots as its README says.
host_stage "bench RUNS=N combining" "$ML_TOP/scripts/bench-combine-test.sh"
# The modem simulator every tty test talks to must itself work.
host_stage "modemsim self-test" env MODEMSIM="$ML_BUILD/userspace/modemsim" \
	"$ML_TOP/userspace/modemsim/test-modemsim.sh"
# What a user installs: make install/uninstall into a staging root and
# DKMS, against Debian's stock 6.12 headers; then the newcomer's demo.
host_stage "make install/uninstall" "$ML_TOP/scripts/install-check.sh" stock-6.12
# mlinectl's bash completion, installed where bash-completion finds it.
host_stage "bash completion" "$ML_TOP/scripts/completion-test.sh"
# Attach at plug-in: the systemd unit, the udev rules, attach --config.
host_stage "attach at plug-in (systemd, udev)" "$ML_TOP/scripts/plugin-check.sh"
# libmodemline.so.0 exports exactly its committed, versioned symbols.
host_stage "libmodemline ABI" "$ML_TOP/scripts/abi-check.sh"
host_stage dkms "$ML_TOP/scripts/dkms-check.sh"
host_stage "make demo" "$ML_TOP/scripts/demo-check.sh"
# The series a maintainer would apply (make patches), checked the way they
# would: git am, in-tree W=1 build, checkpatch --strict, kernel-doc; then
# the KUnit suites the way KUnit users run them, kunit.py on UML.
# They are judged after the VM stages. apt runs here, in the foreground,
# not beside the stock kernels' downloads; if it fails, the stage says so.
( ml_install_backports "$(ml_debug_src_pkg 7.3)" ) || true
bg_stage "patch series on 6.12" "$ML_TOP/scripts/patches-check.sh" 6.12
bg_stage "patch series on 7.3" "$ML_TOP/scripts/patches-check.sh" 7.3
bg_stage "KUnit (kunit.py, UML)" "$ML_TOP/scripts/kunit-uml.sh" 6.12
# The Debian packages: built, lintian, unpacked into a clean root, the
# module built by DKMS from there and loaded in a stock 6.12 VM.
bg_stage "Debian packages (make deb, DKMS, stock 6.12 VM)" "$ML_TOP/scripts/deb-check.sh"


# Each kernel's VM, and the serial and CDC-ACM VMs, run in a job of
# their own (a process group, for the trap) and are judged in order once
# done: a VM under test mostly waits (on modems, timers, a paced line;
# about a quarter of the host's two cores on stock 6.12), so VMs beside
# each other finish in about the time of the longest.
# job NAME OUT ERR CMD...: start CMD as job NAME, stdout to OUT, stderr
# to ERR (empty: to OUT too); OUT.seconds gets how long it ran.
job() {
	job_start[$1]=$(date +%s)
	set -m
	(
		start=$(date +%s) rc=0
		if [ -n "$3" ]; then
			"${@:4}" >"$2" 2>"$3" </dev/null || rc=$?
		else
			"${@:4}" >"$2" 2>&1 </dev/null || rc=$?
		fi
		ml_elapsed "$start" >"$2.seconds"
		exit "$rc"
	) &
	job_pid[$1]=$!
	set +m
}
# job_wait NAME OUT: its exit status in rc, the seconds it ran in secs.
job_wait() {
	rc=0
	wait "${job_pid[$1]}" || rc=$?
	unset "job_pid[$1]"
	secs=$(cat "$2.seconds" 2>/dev/null || ml_elapsed "${job_start[$1]}")
}
# build_kernel: the kernel (built or from the cache) and our modules; 1
# with every stage of the kernel counted as not run if that failed.
build_kernel() {
	local log=$ML_BUILD/$kernel/check-build.log start stage
	# shellcheck disable=SC2034 # ml_log's prefix
	ML_STAGE=$kernel
	mkdir -p "$ML_BUILD/$kernel"
	start=$(date +%s)
	if [ "$kernel" = "$prebuild" ] && [ -n "$prebuild_pid" ]; then
		# Its log shows what it did; the build below then finds it cached.
		wait "$prebuild_pid" || true
		prebuild_pid=
		grep -v ' cached: ' "$ML_BUILD/$kernel/prebuild.log" >&2 || true
	fi
	# A debug kernel build takes ~10 minutes: let its progress through.
	if ! "$ML_TOP/scripts/kernel-dir.sh" "$kernel" kdir 2> >(tee "$log" | grep -v ' cached: ' >&2) >/dev/null ||
		! "$ML_TOP/scripts/build-modules.sh" "$kernel" >>"$log" 2>&1; then
		say build "FAILED" "$(ml_elapsed "$start")"
		tail -n 40 "$log" | evidence
		count 0 1 0
		for stage in kunit selftests "$NULLMODEM_STAGE" "$GSM_STAGE" "$PPP_STAGE" "$M32_STAGE" \
			insmod/rmmod "log scan"; do
			not_run "$stage" "no modules"
		done
		bg_start
		return 1
	fi
	say build ok "$(ml_elapsed "$start")"
	bg_start
}

# vm_count: how many VMs share this kernel's kselftests (guest-check.sh
# --shard). A debug kernel's guest keeps about one core busy (KASAN,
# lockdep, under TCG) and is the last to finish: two of them, unless
# MODEMLINE_DEBUG_VMS says otherwise. A stock kernel's guest mostly waits.
vm_count() {
	if [[ $kernel != debug* ]]; then
		echo 1
	elif [[ ${MODEMLINE_DEBUG_VMS:-2} =~ ^[1-9][0-9]*$ ]]; then
		echo "${MODEMLINE_DEBUG_VMS:-2}"
	else
		ml_die "MODEMLINE_DEBUG_VMS=$MODEMLINE_DEBUG_VMS: want a number of VMs, 1 or more"
	fi
}
# vm_dirs I: the run and result directories of this kernel's VM I.
vm_dirs() {
	rundir=$ML_BUILD/$kernel/vm res=$ML_BUILD/$kernel/results
	[ "$1" = 1 ] || rundir+=-$1 res+=-$1
}

vm_start() {
	local i n
	n=$(vm_count)
	# Nothing of an earlier run may pass for this one's.
	rm -rf "$ML_BUILD/$kernel"/results* "$ML_BUILD/$kernel"/vm* "$ML_BUILD/$kernel/claims"
	mkdir -p "$ML_BUILD/$kernel/claims"
	for i in $(seq "$n"); do
		vm_dirs "$i"
		job "$kernel/vm$i" "$rundir.log" "" \
			"$ML_TOP/scripts/vm.sh" --kernel "$kernel" --no-modules \
			--rundir "$rundir" --timeout "${MODEMLINE_VM_TIMEOUT:-3600}" \
			-- "$ML_TOP/scripts/guest-check.sh" "$kernel" --shard "$i/$n"
	done
}

vm_judge() {
	local boot rc secs i n name
	# shellcheck disable=SC2034 # ml_log's prefix
	ML_STAGE=$kernel
	n=$(vm_count)
	ress=()
	for i in $(seq "$n"); do
		vm_dirs "$i"
		ress+=("$res")
		name=vm
		[ "$n" = 1 ] || name+=" $i/$n"
		job_wait "$kernel/vm$i" "$rundir.log"
		boot=$(sed -n 's/.*guest userspace after \([0-9.]*\)s.*/\1/p' "$rundir.log")
		if [ "$rc" = 0 ] && [ -f "$res/done" ]; then
			say "$name" "ok, userspace after ${boot:-?}s" "$secs"
		else
			say "$name" "FAILED, exit status $rc" "$secs"
			tail -n 40 "$rundir.log" | evidence
			count 0 1 0
		fi
	done
	# Whatever the guests got done is judged; what they did not get to
	# counts as failed below, and the log scans show why they stopped.
	res=${ress[0]}
	check_kunit
	check_all_selftests
	check_modules
	for i in $(seq "$n"); do
		vm_dirs "$i"
		check_log "$([ "$n" = 1 ] || echo "vm $i/$n")"
	done
}

# UART and USB lines need their own VM: qemu wired to modems on this host.
# Debug kernels run them; set MODEMLINE_SERIAL=0 to leave them out.
serial_wanted() { [[ $kernel == debug* ]] && [ "${MODEMLINE_SERIAL:-1}" = 1 ]; }
serial_start() {
	job "$kernel/serial" "$ML_BUILD/$kernel/serial.tap" "$ML_BUILD/$kernel/serial.log" \
		"$ML_TOP/scripts/check-serial.sh" --kernel "$kernel"
}
serial_judge() {
	local out rc secs serial=$ML_BUILD/$kernel/serial ppp=()
	job_wait "$kernel/serial" "$serial.tap"
	out=$(cat "$serial.tap")
	[ ! -f "$serial/ppp-ftdi.tap" ] || ppp=("$serial/ppp-ftdi.tap")
	judge "serial (UART, USB, unplug/replug, PPP on USB)" "$secs" \
		"$(tap '' <(printf '%s\n' "$out") "${ppp[@]}")"
	if [ "$rc" != 0 ] && ! grep -q '^not ok' - "${ppp[@]}" <<<"$out"; then
		say serial "FAILED, exit status $rc"
		tail -n 30 "$serial.log" | evidence
		count 0 1 0
	fi
	rundir=$serial res=$serial
	check_log
}

# USB CDC-ACM through a gadget loop (dummy_hcd, configfs ACM, cdc-acm):
# only debug kernels have them. MODEMLINE_ACM=0 leaves it out.
acm_wanted() { [[ $kernel == debug* ]] && [ "${MODEMLINE_ACM:-1}" = 1 ]; }
acm_start() {
	job "$kernel/acm" "$ML_BUILD/$kernel/acm.tap" "$ML_BUILD/$kernel/acm.log" \
		"$ML_TOP/scripts/check-acm.sh" --kernel "$kernel"
}
acm_judge() {
	local out rc secs
	job_wait "$kernel/acm" "$ML_BUILD/$kernel/acm.tap"
	out=$(cat "$ML_BUILD/$kernel/acm.tap")
	judge "CDC-ACM (gadget loop)" "$secs" "$(tap '' <(printf '%s\n' "$out"))"
	if [ "$rc" != 0 ] && ! grep -q '^not ok' <<<"$out"; then
		say CDC-ACM "FAILED, exit status $rc"
		tail -n 30 "$ML_BUILD/$kernel/acm.log" | evidence
		count 0 1 0
	fi
	rundir=$ML_BUILD/$kernel/acm res=$ML_BUILD/$kernel/acm
	check_log
}

# The stock kernels need no build: their VMs run side by side (while a
# debug kernel builds in the background), then each is judged.
built=()
for kernel in "$@"; do
	if [[ $kernel != stock-* ]] || ! build_kernel; then
		continue
	fi
	vm_start
	built+=("$kernel")
done
for kernel in "${built[@]}"; do
	vm_judge
done
# Any other kernel: its VM beside its serial and CDC-ACM VMs.
for kernel in "$@"; do
	if [[ $kernel == stock-* ]] || ! build_kernel; then
		continue
	fi
	vm_start
	! serial_wanted || serial_start
	! acm_wanted || acm_start
	vm_judge
	! serial_wanted || serial_judge
	! acm_wanted || acm_judge
done

bg_start	# no kernel was asked for
bg_verdicts
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
