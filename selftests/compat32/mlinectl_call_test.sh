#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A 32-bit mlinectl (built with -m32, run by a 64-bit kernel) on a modemsim
# pty: attach, the line list, a call with its data, the retained record,
# release, a ringing line's event (before the data call, whose echo can
# leave modemsim in data mode for a while); each through the compat ioctl path of
# /dev/modemline and of the line discipline. TAP on stdout.
#
# In the 32-bit collection only (selftests/Makefile, M32=1): the 64-bit
# mlinectl is tested whole by mlinectl_test.sh. mlinectl and modemsim are
# found in $MLINECTL and $MODEMSIM (scripts/guest-check.sh sets them).
set -uo pipefail
# The kselftest runner line-buffers through stdbuf, whose preloaded library
# is 64-bit: ld.so would say so in every 32-bit program's stderr.
unset LD_PRELOAD
ml=${MLINECTL:?the 32-bit mlinectl}
sim=${MODEMSIM:?modemsim}
tmp=$(mktemp -d)
simpid='' attpid=''
cleanup() {
	[ -z "$attpid" ] || kill "$attpid" 2>/dev/null
	[ -z "$simpid" ] || kill "$simpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0 failed=0
ok() { # STATUS NAME [DIAG]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
# runj CMD...: stdout in $out, stderr in $err, exit status in $rc.
runj() { out=$("$@" 2>"$tmp/stderr"); rc=$?; err=$(cat "$tmp/stderr"); }
# check_json NAME RC EXPR: the last runj exited RC and EXPR, over j (the
# JSON objects of stdout) and e (those of stderr), is true.
check_json() {
	local s=0 why
	why=$(python3 -c 'import json, sys
j = [json.loads(l) for l in sys.argv[2].splitlines() if l.strip()]
e = [json.loads(l) for l in sys.argv[3].splitlines() if l.strip()]
sys.exit(0 if eval("(" + sys.argv[1] + ")") else "false")' "$3" "$out" "$err" 2>&1) || s=1
	[ "$rc" = "$2" ] || s=1
	ok "$s" "$1" "exit status $rc (want $2) $why; stdout:"$'\n'"$out"$'\n'"stderr:"$'\n'"$err"
}
ctl() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode()); print(s.makefile().readline().strip())' "$tmp/ctl" "$1"
}

echo "1..7"
[ -x "$ml" ] && [ -x "$sim" ] || { echo "Bail out! no $ml or $sim"; exit 1; }

# The ELF header's class byte (offset 4): 1 is ELFCLASS32.
class=$(od -An -tu1 -j4 -N1 "$ml" | tr -d ' ')
[ "$class" = 1 ]
ok $? "mlinectl is a 32-bit program" "ELF class $class in $ml"

"$sim" --pty --control "$tmp/ctl" --guard 100 >"$tmp/sim.out" 2>"$tmp/sim.err" &
simpid=$!
for _ in $(seq 50); do grep -q '^PTY ' "$tmp/sim.out" && break; sleep 0.1; done
pty=$(awk '/^PTY/ { print $2 }' "$tmp/sim.out")

# attach sets the line discipline's config (MODEMLINE_TIOCSCONFIG) and
# reads the line's id back (MODEMLINE_TIOCGLINE).
runj "$ml" --json attach "$pty" --guard=100ms --init 'ATZ' --daemon --pidfile "$tmp/attach.pid"
check_json "attach --daemon: the line discipline's ioctls" 0 \
	'j[0]["tty"] == "'"$pty"'" and j[0]["line"] > 0'
line=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1].splitlines()[0])["line"])' \
	"$out" 2>/dev/null)
attpid=$(cat "$tmp/attach.pid" 2>/dev/null)
[ -n "$line" ] || { echo "Bail out! no line attached"; exit 1; }

runj "$ml" --json lines "$line"
check_json "lines: LINE_LIST and LINE_INFO" 0 \
	'j[0]["type"] == "line" and j[0]["line"] == '"$line"' and j[0]["transport"] == "tty"'

runj "$ml" --json batch - <<EOT
dial $line 5551234 --wait
drop --wait
info
release
info
EOT
check_json "dial, drop, the retained record, release, ENOENT" 2 '
	j[0]["type"] == "dial" and j[-4]["state"] == "connected" and
	j[-3]["type"] == "drop" and
	j[-2]["type"] == "call" and j[-2]["state"] == "disconnected" and
	j[-2]["origin"] == "local" and j[-2]["reason"] == "normal" and
	j[-2]["rate"] > 0 and j[-2]["duration_ns"] > 0 and
	j[-1]["type"] == "release" and j[-1]["released"] and
	e[0]["error"] == "ENOENT" and len(e) == 1'

"$ml" --json watch "$line" --count 1 --timeout 10 >"$tmp/watch.out" 2>"$tmp/stderr" &
wpid=$!
# Time for watch to subscribe before the ring (a debug VM is slow).
sleep 1.5
ring=$(ctl "ring 5557777 2 300")
wait "$wpid"
rc=$? out=$(cat "$tmp/watch.out") err=$(cat "$tmp/stderr")
[ "$ring" = ok ] || echo "# modemsim's answer to ring: $ring"
check_json "watch: the ringing line's event, read() as struct modemline_event" 0 \
	'j[0]["type"] == "event" and j[0]["event"] == "call-offered" and j[0]["line"] == '"$line"
ctl "ring-stop" >/dev/null
# The offer lapses once the rings stop; the data call waits for that.
for _ in $(seq 150); do
	"$ml" --json lines "$line" | grep -q '"offering":false' && break
	sleep 0.1
done

# The call's data descriptor (CALL_DATA): 4096 bytes through it, every
# one counted in the record.
head -c 4096 /dev/zero | tr '\0' x >"$tmp/data"
# The echoed bytes go to stdout, not JSON: kept apart.
"$ml" --json call "$line" 5551234 <"$tmp/data" >"$tmp/rx" 2>"$tmp/stderr"
rc=$? out='' err=$(cat "$tmp/stderr")
check_json "call: 4096 bytes through the data descriptor, counted in the record" 0 '
	e[-1]["type"] == "call" and e[-1]["origin"] == "local" and e[-1]["tx_bytes"] == 4096'

kill "$attpid" 2>/dev/null
rc=0
for _ in $(seq 100); do kill -0 "$attpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$attpid" 2>/dev/null && rc=1
attpid=''
runj "$ml" --json lines
s=0
[ "$rc" = 0 ] && ! grep -q "\"line\":$line," <<<"$out" || s=1
ok "$s" "SIGTERM detaches the line" "lines after: $out"
[ "$failed" = 0 ]
