#!/usr/bin/env bash
# The guest half of 'make demo' (scripts/demo.sh): a narrated session with
# mlinectl on the modem at TTY. Each step says what it does, shows the
# command, what it printed and its exit status, and is checked: the
# script stops with a clear message at the first step that went wrong.
#
#   demo-guest.sh TTY NUMBER [GUARD_MS] [DIALECT]
#
# DIALECT 3gpp: the modem is a cellular one; the line is attached with
# --dialect auto, and the session is a voice call instead of a data call.
#
# The checks look only at what mlinectl printed, so the same script works
# with a real modem (DEMO_MODEM) as long as it connects and echoes.
set -uo pipefail
tty=${1:?usage: demo-guest.sh TTY NUMBER [GUARD_MS] [DIALECT]} number=${2:?} guard=${3:-}
dialect=${4:-v250}
PATH=$MODEMLINE_BUILD/userspace:$PATH
work=$MODEMLINE_VM_RUN
steps=0 monpid=
# A demo that stops half-way leaves no monitor behind.
trap '[ -z "$monpid" ] || kill "$monpid" 2>/dev/null' EXIT

step() { steps=$((steps + 1)); printf '\n[%d] %s\n' "$steps" "$*"; }
# show CMD...: run it, show its output and status; the output is kept in $got.
show() {
	printf '$ %s\n' "$*"
	got=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$got" | sed 's/^/  /'
	printf '  (exit status %d)\n' "$rc"
}
# expect WHAT PATTERN: the last command printed a line matching PATTERN.
expect() {
	grep -Eq -- "$2" <<<"$got" && { printf '  ok: %s\n' "$1"; return; }
	printf '\nDEMO FAILED at step %d: expected %s\n' "$steps" "$1"
	exit 1
}

if [ "$dialect" = 3gpp ]; then
	step "Attach the line discipline to $tty; --dialect auto asks the modem AT+GCAP first"
	show mlinectl attach "$tty" --speed 115200 ${guard:+--guard "${guard}ms"} \
		--dialect auto --clcc 200ms --daemon --pidfile "$work/attach.pid"
	expect "a 3gpp line" '^line [0-9]+ on .*, 3gpp\)'
else
	step "Attach the modemline line discipline to $tty; mlinectl keeps the tty open in the background"
	show mlinectl attach "$tty" --speed 115200 ${guard:+--guard "${guard}ms"} --daemon \
		--pidfile "$work/attach.pid"
	expect "a line id" '^line [0-9]+ on '
fi
line=$(sed -n 's/^line \([0-9]*\) on .*/\1/p' <<<"$got")

step "The lines the module knows now"
show mlinectl lines
expect "line $line, idle" "^line $line .* idle"

step "A second process logs every call: mlinectl monitor in the background (needs root)"
echo "    It gets a monitor handle to each call made on any line, by any process, and"
echo "    writes one JSON record when the call ends; --count 1: stop after the first"
printf '$ %s &\n' "mlinectl monitor --output $work/cdr.jsonl --count 1"
mlinectl monitor --output "$work/cdr.jsonl" --count 1 2>"$work/monitor.log" &
monpid=$!
for _ in $(seq 100); do
	grep -q '^monitoring' "$work/monitor.log" && break
	kill -0 "$monpid" 2>/dev/null || break
	sleep 0.1
done
got=$(cat "$work/monitor.log")
printf '%s\n' "$got" | sed 's/^/  /'
expect "the monitor running" '^monitoring every line'

step "Who has /dev/modemline open now, and what each file holds"
show mlinectl ps
expect "the monitor in mlinectl ps" "^ *$monpid +mlinectl +[0-9]+ +0 +0 +0 "

voice_session() {
	step "A voice call on one open /dev/modemline: ATD$number; then AT+CLCC follows it"
	echo "    dial, hear it ring back and connect, wait for the remote hang-up (seen in"
	echo "    +CLCC or as NO CARRIER), read the record with the network's cause, release"
	cat >"$work/demo.batch" <<EOT
echo "-- dial $number as a voice call: the far end rings (RINGBACK), then answers"
dial $line $number --voice
wait ringback --timeout 30
wait connected --timeout 30
echo "-- the live record: a voice call, connected, no data stream"
info
echo "-- wait for the remote side to hang up"
wait disconnected --timeout 60
echo "-- the retained record: who ended it, why, and the network's cause (AT+CEER)"
info
echo "-- release the call: the handle and its record are freed"
release
EOT
	show mlinectl batch "$work/demo.batch"
	expect "dialed" '^dialing .* call [0-9]+'
	expect "the far end alerted" 'event: call [0-9]+ .* is ringback'
	expect "connected" 'event: call [0-9]+ .* is connected'
	expect "a voice call" 'call [0-9]+ on line [0-9]+: connected, outgoing voice'
	expect "the remote hang-up" 'is disconnected, ended by remote'
	expect "the network's cause" 'cause +Normal call clearing'
	expect "the release" 'released: its handle and record are gone'
}

if [ "$dialect" = 3gpp ]; then
	voice_session
else
step "One session on one open /dev/modemline (call handles belong to the file that made them):"
echo "    dial, talk, wait for the remote hang-up, read the record, release, read it again"
# The commands of the batch, one per line; mlinectl echoes each with '> '.
cat >"$work/demo.batch" <<EOT
echo "-- dial $number and wait until connected"
dial $line $number --wait --timeout 30
echo "-- the live record"
info
echo "-- send a few bytes; the modem's other side echoes them back"
send "hello modem\r\n"
recv --until "\n" --timeout 10
echo "-- wait for the remote side to hang up"
wait disconnected --timeout 60
echo "-- the retained record: who ended it, why, how long, how many bytes"
info
echo "-- release the call: the handle and its record are freed"
release
echo "-- the handle is gone now: info fails with the documented error"
info
EOT
show mlinectl batch "$work/demo.batch"
expect "dialed" '^dialing .* call [0-9]+'
expect "connected" 'event: call [0-9]+ .* is connected'
expect "bytes sent" '^sent [0-9]+ bytes'
expect "bytes received" '^received [1-9][0-9]* bytes'
expect "the remote hang-up" 'is disconnected, ended by remote'
expect "the record: origin remote" 'ended +by remote'
expect "the record: bytes both ways" 'bytes +[1-9][0-9]* received, [1-9][0-9]* sent'
expect "the release" 'released: its handle and record are gone'
expect "the documented error after the release" 'no such call in this file.*\(ENOENT\)'
[ "$rc" = 2 ] || { echo "DEMO FAILED: the batch should stop with ENOENT (2), got $rc"; exit 1; }
fi

step "The monitor's record of the call, written by the second process"
for _ in $(seq 100); do kill -0 "$monpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$monpid" 2>/dev/null && kill "$monpid"
wait "$monpid"
monrc=$? monpid=
sed 's/^/  /' "$work/monitor.log"
printf '  (mlinectl monitor: exit status %d)\n' "$monrc"
show python3 -m json.tool "$work/cdr.jsonl"
expect "a call detail record" '"type": "cdr"'
expect "the record: the number dialed" "\"number\": \"$number\""
expect "the record: ended by the remote side" '"origin": "remote"'
[ "$monrc" = 0 ] && [ "$(wc -l <"$work/cdr.jsonl")" = 1 ] ||
	{ echo "DEMO FAILED: the monitor should write one record and exit 0, got $monrc"; exit 1; }

step "Detach the line discipline: the line goes away and the background mlinectl exits"
show mlinectl detach "$tty"
expect "detached" "^line $line on .* detached"
sleep 0.5
show mlinectl lines
expect "no lines" '^no lines'

printf '\nThe demo went through all %d steps.\n' "$steps"
