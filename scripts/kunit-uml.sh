#!/usr/bin/env bash
# KUnit the usual way: the series of 'make patches' applied to a clean
# copy of Debian's linux-source-SERIES, then
#
#   ./tools/testing/kunit/kunit.py run --kunitconfig=drivers/tty/modemline
#
# there: a UML kernel with our .kunitconfig (scripts/patches/kunitconfig),
# booted as a process, no VM, no KVM. TAP on stdout.
#
#   kunit-uml.sh [6.12|7.3]      (default 6.12)
#
# Cases: one per KUnit test case, named SUITE.CASE, from kunit.py's own
# parse of the kernel's KTAP (--json); a parameterised case counts once,
# failed if any of its parameters failed, as 'make check' counts the
# debug VM's KUnit run. A suite that ran no case is one case. A step
# before the tests that fails (generation, git am, the UML build) is one
# failed case; so is a kunit.py that failed with no failed case to show
# for it (a crash, a timeout, a suite cut short). Evidence follows as
# '# ' lines.
#
# The copy (scripts/patches-kernel.sh SERIES kunit) and kunit.py's build
# directory beside it are cached under $ML_CACHE, keyed by the source
# package version: a re-run rebuilds what changed. The series is applied
# again only when its changes differ from the applied one's (git
# patch-id --verbatim), so that an unchanged driver is not rebuilt. Logs and the
# JSON go to $ML_BUILD/kunit-uml/SERIES/. Compiles run at nice 19, two
# jobs at most; KUNIT_TIMEOUT bounds the run of the tests (default 600 s).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
series=${1:-6.12}
ML_STAGE=kunit-uml-$series
logs=$ML_BUILD/kunit-uml/$series
out=$logs/patches
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
rm -rf "$logs"
mkdir -p "$logs"

# fail NAME [EVIDENCE FILE]: a step before the tests failed: one case.
fail() {
	echo "not ok 1 $1"
	[ -z "${2:-}" ] || sed -e 's/^/# /' "$2" | tail -n "${EVIDENCE_LINES:-40}"
	echo "1..1"
	exit 1
}

t=$(date +%s)
"$ML_TOP/scripts/patches.sh" "$series" "$out" >"$logs/generate.log" 2>&1 ||
	fail "series generated" "$logs/generate.log"
mapfile -t patches < <(ml_patches_list "$out")
[ ${#patches[@]} -gt 0 ] || fail "series generated: no patches in $out" "$logs/generate.log"
echo "# series generated in $(ml_elapsed "$t")s: ${#patches[@]} patches"

t=$(date +%s)
dir=$("$ML_TOP/scripts/patches-kernel.sh" "$series" kunit 2>"$logs/tree.log") ||
	fail "clean copy of the $series tree" "$logs/tree.log"
src=$dir/linux build=$dir/build
exec 9>"$dir/.lock"
flock 9
# What the series changes, not its dates or messages.
key=$(cat "${patches[@]}" | git patch-id --verbatim | cut -d' ' -f1 | sha256sum | cut -c1-16)
if [ "$(cat "$dir/applied" 2>/dev/null)" = "$key" ] &&
	[ -z "$(git -C "$src" status --porcelain)" ]; then
	echo "# the series is applied already on a clean copy ($src)"
else
	rm -f "$dir/applied"
	rc=0
	ml_patches_am "$src" "$logs/am.log" "${patches[@]}" || rc=$?
	case $rc in
	0) echo "$key" >"$dir/applied" ;;
	1) fail "git am applies on a clean copy: the copy is not clean" "$logs/am.log" ;;
	*) fail "git am applies the ${#patches[@]} patches on a clean copy" "$logs/am.log" ;;
	esac
	echo "# git am on a clean copy of $(make -s -C "$src" kernelversion) in $(ml_elapsed "$t")s"
fi

# kunit.py makes its own config (UML's defaults and our .kunitconfig),
# builds, boots and parses; its exit status is 0 only if every test passed.
t=$(date +%s)
rm -f "$build/test.log"
(cd "$src" && nice -n 19 python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=drivers/tty/modemline --build_dir="$build" --jobs="$jobs" \
	--timeout="${KUNIT_TIMEOUT:-600}" --json="$logs/kunit.json") >"$logs/kunit.log" 2>&1
rc=$?
echo "# kunit.py run exited $rc after $(ml_elapsed "$t")s; $(grep -o 'Elapsed time:.*' "$logs/kunit.log" | tail -n 1)"
[ -f "$build/test.log" ] && cp "$build/test.log" "$logs/test.log"
if [ ! -s "$logs/kunit.json" ]; then
	# No results: the configuration or the build failed.
	grep -E 'error:|warning:|ERROR|Not all Kconfig|not in .config|^make' "$logs/kunit.log" \
		>"$logs/kunit.evidence"
	[ -s "$logs/kunit.evidence" ] || tail -n 40 "$logs/kunit.log" >"$logs/kunit.evidence"
	fail "kunit.py builds and boots the UML kernel (exit $rc)" "$logs/kunit.evidence"
fi

python3 - "$logs/kunit.json" "$logs/test.log" "$rc" "$logs/kunit.log" <<'PY'
import json
import re
import sys

results, ktap, rc, human = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
top = json.load(open(results))
try:
    raw = open(ktap, errors='replace').read().splitlines()
except OSError:
    raw = []


def status(group):
    """A parameterised case: as KUnit bubbles up its parameters' results."""
    sts = [c['status'] for c in group['test_cases']] + \
          [status(g) for g in group['sub_groups']]
    if not sts or any(s not in ('PASS', 'SKIP') for s in sts):
        return 'FAIL'
    return 'SKIP' if all(s == 'SKIP' for s in sts) else 'PASS'


def result_line(suite, case):
    """Index in the KTAP of SUITE.CASE's result line, None if not there."""
    start = None
    for i, line in enumerate(raw):
        if re.search(r'# Subtest: ' + re.escape(suite) + r'$', line):
            start = i
        elif start is not None and re.search(
                r'^\s*(not )?ok \d+ ' + re.escape(case) + r'(\s|$)', line):
            return i
    return None


def evidence(suite, case):
    """The KTAP diagnostics of SUITE.CASE: the lines of its block but the
    results of the parameters that passed, the last 30."""
    end = result_line(suite, case)
    if end is None:
        return []
    indent = len(raw[end]) - len(raw[end].lstrip())
    i = end
    while i > 0:
        line = raw[i - 1]
        if 'Subtest: ' + suite in line or (
                len(line) - len(line.lstrip()) == indent and
                re.match(r'^\s*(not )?ok \d+', line)):
            break
        i -= 1
    skip = r'^\s*(ok \d+|1\.\.\d+$|KTAP version|# module:)'
    block = [line for line in raw[i:end + 1] if not re.match(skip, line)]
    return block[-30:]


n = failed = 0


def emit(name, st, suite=None, case=None):
    global n, failed
    n += 1
    if st == 'PASS':
        print(f'ok {n} {name}')
    elif st == 'SKIP':
        print(f'ok {n} {name} # SKIP')
    else:
        failed += 1
        print(f'not ok {n} {name} ({st})')
        for line in evidence(suite, case) if suite else []:
            print('# ' + line.strip())


for s in top['test_cases']:
    # A suite with no case to report: its init failed, or it was empty.
    emit(f"{s['name']} (no cases ran)", 'SKIP' if s['status'] == 'SKIP' else 'FAIL')
for suite in top['sub_groups']:
    cases = [(c['name'], c['status']) for c in suite['test_cases']] + \
            [(g['name'], status(g)) for g in suite['sub_groups']]
    # In the order they ran (the JSON puts parameterised cases last).
    cases.sort(key=lambda c: (result_line(suite['name'], c[0]) or 0))
    counts = {k: sum(1 for _, st in cases if (st if st in ('PASS', 'SKIP') else 'FAIL') == k)
              for k in ('PASS', 'FAIL', 'SKIP')}
    print(f"# {suite['name']}: {len(cases)} cases, {counts['PASS']} passed, "
          f"{counts['FAIL']} failed, {counts['SKIP']} skipped")
    for name, st in cases:
        emit(f"{suite['name']}.{name}", st, suite['name'], name)
if rc != 0 and failed == 0:
    # kunit.py saw a failure that no case shows: a crash, a timeout,
    # cases missing from a suite's plan.
    n += 1
    print(f'not ok {n} kunit.py run exits 0 (exit {rc})')
    for line in open(human, errors='replace').read().splitlines()[-30:]:
        print('# ' + line)
    failed += 1
if n == 0:
    n += 1
    failed += 1
    print(f'not ok {n} kunit.py ran KUnit suites (none in its results)')
print(f'1..{n}')
sys.exit(1 if failed else 0)
PY
