#!/usr/bin/env bash
# TAP self-test of bench-combine.py (make bench RUNS=N) on made-up runs:
# a figure's value is the median of its run medians, with their spread
# and the runs that met the target; a figure no run measured is n/a; one
# measured in some runs only says so; every run is kept whole.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
combine=$ML_TOP/scripts/bench-combine.py
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# run FILE LAT PART: one run's results.json; "lat" is always measured,
# "part" only when PART is not "-", "never" never.
run() {
	local part='"available": false'
	[ "$3" = - ] || part="\"available\": true, \"value\": $3"
	cat >"$1" <<END
{"_meta": {"kernel": "k", "clocksource": "tsc"},
 "lat": {"available": true, "value": $2, "target": 1.5, "target_op": "<=", "unit": "ratio"},
 "part": {$part, "target": 0.9, "target_op": ">=", "unit": "ratio"},
 "never": {"available": false, "target": 2, "target_op": "<=", "unit": "ratio"}}
END
}
run "$dir/1.json" 1.0 0.95
run "$dir/2.json" 3.0 -
run "$dir/3.json" 2.0 0.85
python3 "$combine" "$dir/out.json" "$dir/1.json" "$dir/2.json" "$dir/3.json" >"$dir/table.txt"

n=0 bad=0
# check NAME PYTHON-EXPRESSION: true of r, the combined results.
check() {
	n=$((n + 1))
	if python3 -c "import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$dir/out.json"; then
		echo "ok $n bench-combine: $1"
	else
		echo "not ok $n bench-combine: $1 ($2)"
		sed 's/^/# /' "$dir/table.txt"
		bad=1
	fi
}
# table NAME PATTERN: the printed table has a line matching PATTERN.
table() {
	n=$((n + 1))
	if grep -qE "$2" "$dir/table.txt"; then
		echo "ok $n bench-combine: $1"
	else
		echo "not ok $n bench-combine: $1 (no line matches '$2')"
		sed 's/^/# /' "$dir/table.txt"
		bad=1
	fi
}

echo "1..7"
check "value is the median of the run medians" 'r["lat"]["value"] == 2.0'
check "min, max and spread are those of the run medians" \
	'(r["lat"]["min"], r["lat"]["max"], r["lat"]["spread_pct"]) == (1.0, 3.0, 100.0)'
check "the target is met by the median, and counted per run" \
	'r["lat"]["met"] is False and r["lat"]["met_runs"] == 1'
check "a figure some runs measured uses those runs only" \
	'r["part"]["run_values"] == [0.95, 0.85] and abs(r["part"]["value"] - 0.9) < 1e-9 and r["part"]["met_runs"] == 1'
check "a figure no run measured is not available" 'r["never"]["available"] is False and "value" not in r["never"]'
check "every run is kept whole, in order" \
	'r["_meta"]["runs"] == 3 and [x["lat"]["value"] for x in r["runs"]] == [1.0, 3.0, 2.0]'
table "the table names the runs a figure was measured in" '^part .*1 of 2 \(measured in 2 of 3\)$'
exit "$bad"
