#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mlinectl end to end in the test VM (root, modemline loaded): a modemsim
# pty attached with 'mlinectl attach --daemon', then every command on it,
# the --json output parsed by Python's json module, the exit statuses and
# the documented messages. TAP on stdout.
#
# mlinectl and modemsim are found in ../userspace next to this script's
# build copy (build/selftests), or in $MLINECTL / $MODEMSIM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ml=${MLINECTL:-$here/../userspace/mlinectl}
sim=${MODEMSIM:-$here/../userspace/modemsim}
tmp=$(mktemp -d)
simpid= attpid=
cleanup() {
	[ -z "$attpid" ] || kill "$attpid" 2>/dev/null
	[ -z "$simpid" ] || kill "$simpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
ok() { # STATUS NAME [DIAG]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# run CMD...: output (stdout and stderr) in $out, exit status in $rc.
run() { out=$("$@" 2>&1); rc=$?; }
# runj CMD...: the same for --json, whose stdout alone must be JSON.
runj() { out=$("$@" 2>"$tmp/stderr"); rc=$?; }
# check NAME RC PATTERN: the last run exited RC and printed PATTERN.
check() {
	local s=0
	[ "$rc" = "$2" ] && grep -Eq -- "$3" <<<"$out" || s=1
	ok "$s" "$1" "exit status $rc (want $2); output:"$'\n'"$out"
}
# json PYTHON: each output line parsed as JSON into the list j; PYTHON
# (an expression over j) must be true.
json() {
	python3 -c 'import json, sys
j = [json.loads(l) for l in sys.stdin if l.strip()]
sys.exit(0 if eval("(" + sys.argv[1] + ")") else 1)' "$1" <<<"$out" 2>&1
}
check_json() { # NAME RC EXPR
	local s=0 err
	err=$(json "$3") || s=1
	[ "$rc" = "$2" ] || s=1
	ok "$s" "$1" "exit status $rc (want $2) $err; output:"$'\n'"$out"
}
# ctl COMMAND: one modemsim control command.
ctl() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode()); print(s.makefile().readline().strip())' "$tmp/ctl" "$1"
}

echo "1..36"
[ -x "$ml" ] && [ -x "$sim" ] || { echo "Bail out! no $ml or $sim"; exit 1; }

run "$ml" --help
check "--help" 0 '^usage: mlinectl'
s=0 bad=
for c in attach detach lines dial answer drop release info list subscribe unsubscribe \
	watch wait-event wait send recv call batch shell sleep echo; do
	"$ml" "$c" --help 2>&1 | grep -q "^usage: mlinectl \[--json\] $c" || { s=1; bad+=" $c"; }
done
ok "$s" "--help on every subcommand" "no usage from:$bad"
run "$ml" dial 1
check "usage error: exit EINVAL with the usage" 22 'usage: mlinectl dial LINE NUMBER'

"$sim" --pty --control "$tmp/ctl" --guard 100 >"$tmp/sim.out" 2>"$tmp/sim.err" &
simpid=$!
for _ in $(seq 50); do grep -q '^PTY ' "$tmp/sim.out" && break; sleep 0.1; done
pty=$(awk '/^PTY/ { print $2 }' "$tmp/sim.out")

run setpriv --bounding-set -net_admin --inh-caps -net_admin "$ml" attach "$pty"
check "attach without CAP_NET_ADMIN: EPERM, explained" 1 'needs CAP_NET_ADMIN.*\(EPERM\)'
runj "$ml" --json attach "$pty" --guard 100 --daemon --pidfile "$tmp/attach.pid"
check_json "attach --daemon --json: the line id" 0 'j[0]["tty"] == "'"$pty"'" and j[0]["line"] > 0'
line=$(sed -n 's/.*"line":\([0-9]*\).*/\1/p' <<<"$out")
attpid=$(cat "$tmp/attach.pid" 2>/dev/null)
runj "$ml" --json lines "$line"
check_json "lines --json: the pty line, idle" 0 \
	'j[0]["name"] == "'"${pty#/dev/}"'".replace("/", "") and j[0]["transport"] == "tty" and not j[0]["busy"]'
run "$ml" lines
check "lines: human-readable" 0 "^line $line +pts[0-9]+ +tty +idle"

# The global options after the command (mlinectl(8), OPTIONS).
runj "$ml" --json lines
before=$out
runj "$ml" lines --json
s=0
json 'len(j) > 0' >/dev/null && [ "$rc" = 0 ] && [ "$out" = "$before" ] || s=1
ok "$s" "lines --json: JSON, the same as --json lines" \
	"exit status $rc; --json lines:"$'\n'"$before"$'\n'"lines --json:"$'\n'"$out"
runj "$ml" info 1 --json
check_json "info CALL --json: the error as JSON" 2 \
	'j[0]["error"] == "ENOENT" and j[0]["what"] == "info of call 1" and len(j) == 1'
runj "$ml" wait-event --timeout 100ms --json
check_json "wait-event --timeout 100ms --json: its own option and the global one" 110 \
	'j[0]["error"] == "ETIMEDOUT" and len(j) == 1'
run "$ml" wait-event --timeout --json
check "an option's value that looks like --json is the value" 22 \
	"^mlinectl: --timeout: not a duration: '--json'"
run "$ml" lines -- --json
check "after --, --json is an argument" 22 "^mlinectl: LINE: not a number: '--json'"
run "$ml" info -- --help
check "after --, --help is an argument, not a request for help" 22 \
	"^mlinectl: CALL: not a number: '--help'"
run "$ml" lines --dev
check "--dev without a value: EINVAL, said so" 22 '^mlinectl: --dev needs a value'
run "$ml" lines --verbose
check "an unknown option after the command: EINVAL, the usage" 22 \
	'^mlinectl lines: unknown option --verbose'
run "$ml" lines --dev "$tmp/nodev"
check "lines --dev PATH: the device given after the command" 2 \
	"^mlinectl: $tmp/nodev: .*\(ENOENT\)"
run "$ml" batch - <<EOT
lines $line --json
lines $line
EOT
s=0
[ "$rc" = 0 ] && grep -q "^{\"line\":$line," <<<"$out" && grep -Eq "^line $line +pts" <<<"$out" || s=1
ok "$s" "batch: --json on a line is for that line alone" "exit status $rc; output:"$'\n'"$out"
run "$ml" batch - <<EOT
lines --dev $tmp/nodev
EOT
check "batch: --dev on a line is refused" 22 '^mlinectl: --dev: not inside a batch'
runj "$ml" shell --json <<EOT
lines $line
list
EOT
check_json "shell --json: every line's output as JSON" 0 \
	'len(j) == 1 and j[0]["line"] == '"$line"

run "$ml" info 1
check "one-shot info: ENOENT, and why" 2 'no such call in this file.*\(ENOENT\)'
run "$ml" dial "$line" 'not a number'
check "dial, bad number: EINVAL, the rule" 22 'invalid number: 1 to 47 characters'
run "$ml" dial 4000000000 5551234
check "dial, no such line: ENOENT" 2 'no such line'

runj "$ml" --json batch - <<EOT
dial $line 5551234 --wait
info
drop --wait
info
release
info
EOT
check_json "batch --json: dial, connected, drop, retained record, release, ENOENT" 2 '
	j[0]["state"] == "dialing" and j[1]["event"] == "call-state" and j[1]["state"] == "connected" and
	j[2]["state"] == "connected" and j[2]["result"].startswith("CONNECT") and
	j[3]["dropped"] == "disconnected" and
	j[4]["state"] == "disconnected" and j[4]["origin"] == "local" and j[4]["reason"] == "normal" and
	j[4]["connected_ns"] > 0 and j[4]["duration_ns"] > 0 and
	j[5]["released"] and j[6]["error"] == "ENOENT" and j[6]["errno"] == 2 and len(j) == 7'

ctl "hangup-after 300" >/dev/null
run "$ml" batch - <<EOT
dial $line 5551234 --wait
wait disconnected --timeout 10
info
EOT
check "remote hang-up: the event and the record" 0 \
	'is disconnected, ended by remote \(normal\)'
grep -Eq 'ended +by remote, reason normal' <<<"$out"
ok $? "the retained record says origin remote" "$out"
ctl "hangup-after 0" >/dev/null

ctl "result busy" >/dev/null
runj "$ml" --json dial "$line" 5551234 --wait
check_json "dial --wait, busy: ECONNREFUSED and the record" 111 \
	'j[-1]["state"] == "disconnected" and j[-1]["origin"] == "remote" and j[-1]["reason"] == "busy"'
ctl "result silent" >/dev/null
run "$ml" batch - <<EOT
dial $line 5551234
dial $line 5551234
EOT
check "a second dial on the line: EBUSY, explained" 16 'already has a call in progress.*\(EBUSY\)'
run "$ml" batch - <<EOT
dial $line 5551234
release
EOT
check "release of a live call: EBUSY, explained" 16 'has not ended: drop it first'
run "$ml" batch - <<EOT
dial $line 5551234
release --drop
EOT
check "release --drop of a live call" 0 'released: its handle and record are gone'
ctl "result connect" >/dev/null
sleep 0.3

"$ml" --json watch "$line" --count 1 --timeout 10 >"$tmp/watch.out" 2>"$tmp/stderr" &
wpid=$!
sleep 0.5
ctl "ring 5557777 2 300" >/dev/null
wait "$wpid"
rc=$? out=$(cat "$tmp/watch.out")
check_json "watch --json: the ringing line" 0 \
	'j[0]["event"] == "call-offered" and j[0]["line"] == '"$line"
ctl "ring-stop" >/dev/null
sleep 0.7

run "$ml" call "$line" 5551234 </dev/null
check "call: end of input drops, the record, the release" 0 \
	'ended +by local, reason normal'
grep -q "call [0-9]* released" <<<"$out"
ok $? "call released the call" "$out"

run "$ml" batch - <<EOT
dial $line 5551234 --wait
send "ping\r\n"
recv --until "\n" --timeout 5
drop --wait
info
EOT
if grep -q '(ENOTTY)' <<<"$out"; then
	skip "send/recv on the data stream" "this module has no CALL_DATA"
else
	s=0
	grep -q '^sent 6 bytes' <<<"$out" && grep -q '^received 6 bytes on call [0-9]*: "ping\\r\\n"' <<<"$out" &&
		grep -Eq 'bytes +6 received, 6 sent' <<<"$out" || s=1
	[ "$rc" = 0 ] || s=1
	ok "$s" "send/recv on the data stream, counted in the record" "$out"
fi

run "$ml" detach "$pty"
check "detach" 0 "^line $line on $pty detached"
s=0
for _ in $(seq 50); do kill -0 "$attpid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$attpid" 2>/dev/null || s=1
ok "$s" "the attach daemon exits when its line goes"
attpid=
run "$ml" lines "$line"
check "the line is gone: ENOENT" 2 'no such line'
