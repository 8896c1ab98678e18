#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mlinectl end to end in the test VM (root, modemline loaded): a modemsim
# pty attached with 'mlinectl attach', then every command on it, the
# --json output parsed by Python's json module (every object typed, the
# types documented, errors on stderr only), the exit statuses, the
# signals and the documented messages, a second mlinectl monitoring the
# calls of others and ps counting what each file holds; then 304
# modemline_sim lines (if the sim module is loaded) for the lists. TAP on
# stdout.
#
# mlinectl and modemsim are found in ../userspace next to this script's
# build copy (build/selftests), or in $MLINECTL / $MODEMSIM; the man page
# in ../../userspace/man, or $MLINECTL_MAN; the bash completion in
# ../../userspace/completion, or $MLINECTL_COMPLETION.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ml=${MLINECTL:-$here/../userspace/mlinectl}
sim=${MODEMSIM:-$here/../userspace/modemsim}
man=${MLINECTL_MAN:-$here/../../userspace/man/mlinectl.8}
simfs=/sys/kernel/debug/modemline_sim
tmp=$(mktemp -d)
simpid='' attpid='' simlines=() oldmax=''
cleanup() {
	local l
	[ -z "$oldmax" ] || echo "$oldmax" >/sys/module/modemline/parameters/max_calls
	for l in "${simlines[@]}"; do echo remove >"$simfs/lines/$l/control"; done 2>/dev/null
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
# runj CMD...: the same for --json: stdout in $out, stderr in $err.
runj() { out=$("$@" 2>"$tmp/stderr"); rc=$?; err=$(cat "$tmp/stderr"); }
# check NAME RC PATTERN: the last run exited RC and printed PATTERN.
check() {
	local s=0
	[ "$rc" = "$2" ] && grep -Eq -- "$3" <<<"$out" || s=1
	ok "$s" "$1" "exit status $rc (want $2); output:"$'\n'"$out"
}
# json PYTHON [any]: the last runj's stdout lines as the list j, stderr's
# as e; each must be a JSON object with a "type" (recorded for the check
# that every type is documented), stdout must hold no error, and stderr
# only errors unless "any" (call's events and record go there); PYTHON
# (an expression over j and e) must be true.
cat >"$tmp/check_json.py" <<'EOF'
import json, sys
expr, out, err, types, anywhere = sys.argv[1:6]
load = lambda f: [json.loads(l) for l in open(f) if l.strip()]
j, e = load(out), load(err)
for o in j + e:
    if not isinstance(o, dict) or not isinstance(o.get("type"), str):
        sys.exit("not an object with a type: %r" % o)
if any(o["type"] == "error" for o in j):
    sys.exit("an error on stdout")
if anywhere != "any" and any(o["type"] != "error" for o in e):
    sys.exit("a result on stderr")
with open(types, "a") as f:
    f.write("".join(o["type"] + "\n" for o in j + e))
sys.exit(0 if eval("(" + expr + ")") else "false: " + expr)
EOF
json() {
	printf '%s\n' "$out" >"$tmp/j.out"
	printf '%s\n' "$err" >"$tmp/j.err"
	python3 "$tmp/check_json.py" "$1" "$tmp/j.out" "$tmp/j.err" "$tmp/types" "${2:-}" 2>&1
}
check_json() { # NAME RC EXPR [any]
	local s=0 why
	why=$(json "$3" "${4:-}") || s=1
	[ "$rc" = "$2" ] || s=1
	ok "$s" "$1" "exit status $rc (want $2) $why; stdout:"$'\n'"$out"$'\n'"stderr:"$'\n'"$err"
}
# ctl COMMAND: one modemsim control command.
ctl() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode()); print(s.makefile().readline().strip())' "$tmp/ctl" "$1"
}
# wait_for FILE PATTERN: until FILE has a line matching PATTERN (10 s at most).
wait_for() {
	local i
	for i in $(seq 100); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
# gone PID SECONDS: until process PID (not a child) has gone; 1 if it has not.
gone() {
	local i
	for i in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}
# reap PID SECONDS: wait for background PID, killing it after SECONDS; its status in $rc.
reap() {
	local i
	for i in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && { kill -KILL "$1"; wait "$1"; rc=hung; return; }
	wait "$1"
	rc=$?
}
# The name the module gives a pty line: /dev/pts/3 -> pts3.
ptyname() { local p=${1#/dev/}; echo "${p//\//}"; }

echo "1..104"
[ -x "$ml" ] && [ -x "$sim" ] || { echo "Bail out! no $ml or $sim"; exit 1; }

# ---- no device needed: the command line itself
run "$ml" --help
check "--help" 0 '^usage: mlinectl'
grep -Eq -- '-V, --version' <<<"$out" && grep -Eq -- '-j, --json' <<<"$out"
ok $? "--help lists -V/--version and -j/--json" "$out"
s=0 bad=
for c in attach detach lines dial answer drop release info list subscribe unsubscribe \
	watch wait-event wait send recv call batch shell help sleep echo monitor ps; do
	# Not piped into grep -q: with pipefail, grep leaving at the first
	# match could fail the pipeline by SIGPIPE to a help still printing.
	grep -q "^usage: mlinectl \[--json\] $c" <<<"$("$ml" "$c" --help 2>&1)" ||
		{ s=1; bad+=" $c"; }
	[ "$("$ml" help "$c" 2>&1)" = "$("$ml" "$c" -h 2>&1)" ] || { s=1; bad+=" help-$c"; }
done
ok "$s" "--help, -h and 'help COMMAND' on every subcommand" "no usage from:$bad"
run "$ml" help
[ "$rc" = 0 ] && [ "$out" = "$("$ml" --help)" ]
ok $? "'help' is --help" "$out"
run "$ml" help nosuch
check "help of an unknown command: EINVAL" 22 "^mlinectl: unknown command 'nosuch'"
run "$ml" -V
check "-V: the version" 0 '^mlinectl [0-9]+\.[0-9]+\.[0-9]+$'
v=$out
run "$ml" --version
[ "$rc" = 0 ] && [ "$out" = "$v" ]
ok $? "--version is -V" "$out"
runj "$ml" -j -V
check_json "-j -V: a version object" 0 'j == [{"type": "version", "version": "'"${v#mlinectl }"'"}]'
run "$ml" dial 1
check "usage error: exit EINVAL with the usage" 22 'usage: mlinectl dial LINE NUMBER'
run "$ml" lines abc --dev "$tmp/nodev"
check "lines abc: 'not a number' before opening the device" 22 "^mlinectl: LINE: not a number: 'abc'"
s=0 bad=
for a in "dial x 5" "dial 1 5 --timeout 1h" "answer x" "info x" "drop x" "wait 1 ringing" \
	"subscribe x" "unsubscribe 1 x" "watch --count x" "wait-event --timeout x" \
	"recv --call 1 --bytes 1 --until x" "recv --call 1 --bytes 99999" "send --call 1 a\\xZZ" \
	"call x 5" "call --answer 1 5" "call --answer x" "call --answer 1 --voice" \
	"dial 1 555-1234" "call 1 5551234x" \
	"attach /dev/null --guard 11s" "attach /dev/null --init X" "sleep 1m" \
	"monitor x" "monitor --count x" "ps x"; do
	# shellcheck disable=SC2086 # the words of $a are the arguments
	r=$("$ml" $a --dev "$tmp/nodev" 2>&1)
	[ $? = 22 ] || { s=1; bad+=$'\n'"$a: $r"; }
done
ok "$s" "every command checks its arguments before it opens the device (EINVAL)" "$bad"
runj "$ml" --json lines abc
check_json "--json: an error goes to stderr as an error object, stdout stays empty" 22 \
	'j == [] and e[0]["error"] == "EINVAL" and e[0]["errno"] == 22 and "not a number" in e[0]["message"]'
runj "$ml" lines --verbose --json
check_json "--json: a usage error is an error object with the usage" 22 \
	'j == [] and e[0]["message"] == "unknown option --verbose" and e[0]["usage"] == "mlinectl lines [LINE]"'
run "$ml" drop --wait=1
check "--wait=1: an option that takes no value" 22 '^mlinectl drop: --wait takes no value'
run "$ml" attach /dev/null --d
check "--d: an ambiguous abbreviation (--daemon, --dev)" 22 '^mlinectl attach: ambiguous option --d'
run "$ml" dial 1 555-1234 --dev "$tmp/nodev"
check "dial: a bad number is refused before the device is opened, the allowed characters named" 22 \
	"^mlinectl: NUMBER: '-' is not a dial character \(allowed: 0-9 \* # \+ , ; ! @ A-D P T W p w\)"
run "$ml" dial 1 "" --dev "$tmp/nodev"
check "dial: an empty number is refused before the device is opened" 22 \
	'^mlinectl: NUMBER: 1 to 47 characters, not 0'
run "$ml" dial 1 "$(printf '%048d' 5)" --dev "$tmp/nodev"
check "dial: a number of 48 characters is refused, the limit said" 22 \
	'^mlinectl: NUMBER: 1 to 47 characters, not 48'
for a in attach detach; do
	run "$ml" $a /dev/null
	check "$a /dev/null: not a tty, said so (ENOTTY)" 25 \
		'^mlinectl: open /dev/null: not a tty: give the modem.s serial port .*\(ENOTTY\)$'
done

# ---- a modemsim pty: attach
"$sim" --pty --control "$tmp/ctl" --guard 100 >"$tmp/sim.out" 2>"$tmp/sim.err" &
simpid=$!
for _ in $(seq 50); do grep -q '^PTY ' "$tmp/sim.out" && break; sleep 0.1; done
pty=$(awk '/^PTY/ { print $2 }' "$tmp/sim.out")
ptyn=$(ptyname "$pty")
# pty_lines: how many lines are on the pty now.
pty_lines() { "$ml" --json lines | grep -c "\"name\":\"$ptyn\""; }

run setpriv --bounding-set -net_admin --inh-caps -net_admin "$ml" attach "$pty"
check "attach without CAP_NET_ADMIN: EPERM, explained" 1 'needs CAP_NET_ADMIN.*\(EPERM\)'

# Bad settings are refused before the line exists: a watcher sees no line come and go.
"$ml" --json watch --timeout 30 >"$tmp/watch.out" 2>&1 &
wpid=$!
sleep 0.5
s=0 bad=
for a in "--guard 1s5" "--guard 100" "--guard 20s" "--init XYZ" "--init AT$(printf 'Z%.0s' $(seq 70))" \
	"--speed 1234"; do
	# shellcheck disable=SC2086 # (timeout: a wrongly accepted one would run on)
	r=$(timeout 10 "$ml" attach "$pty" $a 2>&1)
	[ $? = 22 ] || { s=1; bad+=$'\n'"$a: $r"; }
done
run timeout 10 "$ml" attach "$pty" --daemon --pidfile "$tmp/nodir/attach.pid"
arc=$rc aout=$out
kill -TERM "$wpid"
reap "$wpid" 10
[ "$rc" = 0 ] && [ ! -s "$tmp/watch.out" ] || s=1
ok "$s" "attach: a bad --guard, --init, --speed or --pidfile is refused before anything is attached" \
	"$bad"$'\n'"watch (exit $rc) saw:"$'\n'"$(cat "$tmp/watch.out")"
rc=$arc out=$aout
check "attach --daemon: a pidfile that cannot be written is an error" 2 \
	"^mlinectl: --pidfile $tmp/nodir/attach.pid: No such file or directory"
[ "$(pty_lines)" = 0 ]
ok $? "... and no line is left on the pty"

# In the foreground: SIGTERM detaches and ends with 0; --guard takes a duration.
"$ml" --json attach "$pty" --guard 1s >"$tmp/fg.out" 2>&1 &
fgpid=$!
wait_for "$tmp/fg.out" '"type":"attach"'
kill -TERM "$fgpid"
reap "$fgpid" 10
out=$(cat "$tmp/fg.out") err=
check_json "attach --guard 1s in the foreground: SIGTERM detaches it, exit 0" 0 \
	'j[0]["type"] == "attach" and j[0]["pid"] > 0 and j[1]["type"] == "detach" and j[1]["tty"] == "'"$pty"'"'
[ "$(pty_lines)" = 0 ]
ok $? "... and the line is gone"
# As modemline-attach@.service runs it: settings from --config DIR, and
# systemd's readiness protocol (READY=1 with the line, STOPPING=1) on the
# datagram socket $NOTIFY_SOCKET names.
mkdir "$tmp/etc"
printf '%s\n' '# as /etc/modemline/NAME.conf' 'dialect = 3gpp' 'guard = 100ms' \
	>"$tmp/etc/$(basename "$pty").conf"
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(15)
with open(sys.argv[2], "w") as f:
    for _ in range(2):
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n"); f.flush()' \
	"$tmp/notify" "$tmp/notify.out" &
npid=$!
for _ in $(seq 50); do [ -S "$tmp/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$tmp/notify "$ml" --json attach "$pty" --config "$tmp/etc" >"$tmp/fg.out" 2>&1 &
fgpid=$!
wait_for "$tmp/notify.out" '^READY=1'
kill -TERM "$fgpid"
reap "$fgpid" 10
wait "$npid"
out=$(cat "$tmp/fg.out") err=
check_json "attach --config DIR: the settings of DIR/TTYNAME.conf (dialect 3gpp)" 0 \
	'j[0]["type"] == "attach" and j[0]["dialect"] == "3gpp" and j[1]["type"] == "detach"'
fgline=$(sed -n '1s/.*"line":\([0-9]*\).*/\1/p' <<<"$out")
notified=$(cat "$tmp/notify.out" 2>&1)
[ "$notified" = "READY=1 STATUS=line $fgline on $pty"$'\n'"STOPPING=1" ]
ok $? "attach under systemd: READY=1 with the line once it is up, STOPPING=1 on SIGTERM" \
	"line $fgline; notified: $notified"
# Without /dev/modemline only a signal ends the wait; SIGINT: detach, then 130.
env --default-signal=INT "$ml" attach "$pty" --dev "$tmp/nodev" >"$tmp/fg.out" 2>&1 &
fgpid=$!
wait_for "$tmp/fg.out" '^line [0-9]+ on'
kill -INT "$fgpid"
reap "$fgpid" 10
out=$(cat "$tmp/fg.out")
check "attach without an event device: SIGINT detaches it, exit 130" 130 "^line [0-9]+ on $pty detached"
[ "$(pty_lines)" = 0 ]
ok $? "... and the line is gone"

runj "$ml" --json attach "$pty" --guard=100ms --daemon --pidfile "$tmp/attach.pid"
check_json "attach --daemon --json: the line id" 0 'j[0]["tty"] == "'"$pty"'" and j[0]["line"] > 0'
line=$(sed -n 's/.*"line":\([0-9]*\).*/\1/p' <<<"$out")
jpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' <<<"$out")
attpid=$(cat "$tmp/attach.pid" 2>/dev/null)
s=0
[ -n "$attpid" ] && [ "$attpid" = "$jpid" ] && kill -0 "$attpid" &&
	[ "$(readlink "/proc/$attpid/cwd")" = / ] || s=1
ok "$s" "attach --daemon: the pidfile is there on return, names the holder, which is in /" \
	"pidfile: '$attpid', JSON pid: '$jpid', cwd: $(readlink "/proc/$attpid/cwd" 2>&1)"

# ---- commands on the line
# The bash completion offers the line's id for dial (from lines --json).
comp=${MLINECTL_COMPLETION:-$here/../../userspace/completion/mlinectl}
out=$(bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion; . "$1"
	COMP_WORDS=("$2" dial ""); COMP_CWORD=2; COMP_LINE="$2 dial "; COMP_POINT=${#COMP_LINE}
	_mlinectl; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$ml" 2>&1)
grep -qx "$line" <<<"$out"
ok $? "bash completion: mlinectl dial <TAB> offers the line" "line $line; offered:"$'\n'"$out"
runj "$ml" --json lines "$line"
check_json "lines --json: the pty line, idle" 0 \
	'j[0]["type"] == "line" and j[0]["name"] == "'"$ptyn"'" and j[0]["transport"] == "tty" and not j[0]["busy"]'
run "$ml" lines
check "lines: human-readable" 0 "^line $line +pts[0-9]+ +tty +idle"

# The global options after the command (mlinectl(8), OPTIONS).
runj "$ml" --json lines
before=$out
runj "$ml" lines -j
s=0
json 'len(j) > 0' >/dev/null && [ "$rc" = 0 ] && [ "$out" = "$before" ] || s=1
ok "$s" "lines -j: JSON, the same as --json lines" \
	"exit status $rc; --json lines:"$'\n'"$before"$'\n'"lines -j:"$'\n'"$out"
runj "$ml" info 1 --json
check_json "info CALL --json: the error as JSON on stderr" 2 \
	'j == [] and e[0]["error"] == "ENOENT" and e[0]["what"] == "info of call 1" and "hint" in e[0] and len(e) == 1'
runj "$ml" wait-event --timeout=100ms --json
check_json "wait-event --timeout=100ms --json: --opt=value, and the global option" 110 \
	'j == [] and e[0]["error"] == "ETIMEDOUT" and len(e) == 1'
run "$ml" wait-event --timeout --json
check "an option's value that looks like --json is the value" 22 \
	"^mlinectl: --timeout: not a duration: '--json'"
run "$ml" lines -- --json
check "after --, --json is an argument" 22 "^mlinectl: LINE: not a number: '--json'"
run "$ml" info -- --help
check "after --, --help is an argument, not a request for help" 22 \
	"^mlinectl: CALL: not a number: '--help'"
run "$ml" lines --dev
check "--dev without a value: EINVAL, said so" 22 '^mlinectl lines: --dev needs a value'
run "$ml" lines --verbose
check "an unknown option after the command: EINVAL, the usage" 22 \
	'^mlinectl lines: unknown option --verbose'
run "$ml" lines --dev "$tmp/nodev"
check "lines --dev PATH: the device given after the command" 2 \
	"^mlinectl: $tmp/nodev: .*\(ENOENT\)"
run "$ml" batch - <<EOT
lines $line --json
lines $line
--json lines $line
-j lines $line
EOT
s=0
[ "$rc" = 0 ] && [ "$(grep -c "^{\"type\":\"line\",\"line\":$line," <<<"$out")" = 3 ] &&
	[ "$(grep -Ec "^line $line +pts" <<<"$out")" = 1 ] || s=1
ok "$s" "batch: --json/-j before or after a line's command is for that line alone" \
	"exit status $rc; output:"$'\n'"$out"
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

run "$ml" batch - <<EOT
subscribe
subscribe $line
unsubscribe $line
unsubscribe
-unsubscribe 4000000000
EOT
check "subscribe/unsubscribe say what they did" 0 \
	'subscribed to all lines'
s=0
for m in "^subscribed to line $line\$" "^unsubscribed from line $line\$" "^unsubscribed from all lines\$" \
	'^mlinectl: unsubscribe from line 4000000000: .*\(ENOENT\)'; do
	grep -Eq -- "$m" <<<"$out" || s=1
done
ok "$s" "... to and from which lines; a failure says which" "$out"
runj "$ml" --json batch - <<EOT
subscribe
unsubscribe $line
EOT
check_json "subscribe --json: typed acknowledgements; the failure on stderr" 2 \
	'j == [{"type": "subscribe", "line": 0}] and e[0]["what"] == "unsubscribe from line '"$line"'"'

run "$ml" info 1
check "one-shot info: ENOENT, and why" 2 'no such call in this file.*\(ENOENT\)'
run "$ml" dial "$line" 'not a number'
check "dial, bad number: EINVAL, the rule" 22 "NUMBER: 'n' is not a dial character \\(allowed: 0-9"
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
	j[0]["type"] == "dial" and j[0]["state"] == "dialing" and
	j[1]["type"] == "event" and j[1]["event"] == "call-state" and j[1]["state"] == "connected" and
	j[2]["type"] == "call" and j[2]["state"] == "connected" and j[2]["result"].startswith("CONNECT") and
	j[2]["monitor"] is False and
	j[3]["type"] == "drop" and j[3]["dropped"] == "disconnected" and
	j[4]["state"] == "disconnected" and j[4]["origin"] == "local" and j[4]["reason"] == "normal" and
	j[4]["connected_ns"] > 0 and j[4]["duration_ns"] > 0 and
	j[5]["type"] == "release" and j[5]["released"] and len(j) == 6 and
	e[0]["error"] == "ENOENT" and e[0]["errno"] == 2 and len(e) == 1'

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
	'j[-1]["type"] == "call" and j[-1]["state"] == "disconnected" and j[-1]["origin"] == "remote" and j[-1]["reason"] == "busy"'
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
rc=$? out=$(cat "$tmp/watch.out") err=$(cat "$tmp/stderr")
check_json "watch --json: the ringing line" 0 \
	'j[0]["type"] == "event" and j[0]["event"] == "call-offered" and j[0]["line"] == '"$line"
ctl "ring-stop" >/dev/null
sleep 0.7

# Signals: SIGTERM stops watch cleanly, SIGINT is 130 for every command.
"$ml" watch "$line" >"$tmp/watch.out" 2>&1 &
wpid=$!
wait_for "$tmp/watch.out" '^watching'
kill -TERM "$wpid"
reap "$wpid" 10
[ "$rc" = 0 ]
ok $? "watch: SIGTERM ends it with 0" "exit status $rc"
s=0 bad=
for a in "watch $line" "wait-event" "sleep 30"; do
	# shellcheck disable=SC2086
	env --default-signal=INT "$ml" $a >"$tmp/int.out" 2>&1 &
	ipid=$!
	case $a in watch*) wait_for "$tmp/int.out" '^watching' ;; *) sleep 1 ;; esac
	kill -INT "$ipid"
	reap "$ipid" 10
	[ "$rc" = 130 ] || { s=1; bad+=" $a: $rc"; }
done
ok "$s" "SIGINT: exit status 130 for watch, wait-event and sleep alike" "$bad"

run "$ml" call "$line" 5551234 </dev/null
check "call: end of input drops, the record, the release" 0 \
	'ended +by local, reason normal'
grep -q "call [0-9]* released" <<<"$out"
ok $? "call released the call" "$out"
runj "$ml" --json call "$line" 5551234 </dev/null
check_json "call --json: events and record on stderr, stdout only the data (none)" 0 '
	j == [] and any(o["type"] == "event" and o.get("state") == "connected" for o in e) and
	e[-1]["type"] == "call" and e[-1]["origin"] == "local"' any

# Ctrl-C while stdout is slow: still the drop, the record and the release, then 130.
head -c 2000000 /dev/zero | tr '\0' x >"$tmp/big"
rm -f "$tmp/call.rc"
{ env --default-signal=INT "$ml" call "$line" 5551234 <"$tmp/big" 2>"$tmp/call.err" &
  echo $! >"$tmp/call.pid"; wait $!; echo $? >"$tmp/call.rc"; } | { sleep 4; cat >/dev/null; } &
ppid=$!
wait_for "$tmp/call.err" '^connected'
sleep 1.5
kill -INT "$(cat "$tmp/call.pid")"
reap "$ppid" 40
wait_for "$tmp/call.rc" '^[0-9]+$'
rc=$(cat "$tmp/call.rc" 2>/dev/null || echo none) out=$(cat "$tmp/call.err")
check "call: Ctrl-C while stdout is slow drops the call, exit 130" 130 \
	"^interrupted: dropping call [0-9]+"
grep -Eq 'ended +by local' <<<"$out" && grep -Eq '^call [0-9]+ released' <<<"$out"
ok $? "... and prints the record and releases the call" "$out"

# pppd's pty option: a pppd that gave up closes its end of the pty while
# we still dial. The call must not go on (and connect) without it.
ctl "answer-delay 20000" >/dev/null
# pty_hup ERRFILE WAITFOR ARGS...: mlinectl ARGS on a pty whose other end
# is closed once ERRFILE says WAITFOR; prints its exit status.
pty_hup() {
	python3 -c 'import os, pty, subprocess, sys, time
master, slave = pty.openpty()
err = open(sys.argv[1], "w")
p = subprocess.Popen(sys.argv[3:], stdin=master, stdout=master, stderr=err)
os.close(master)
end = time.time() + 10
while sys.argv[2] not in open(sys.argv[1]).read() and time.time() < end:
    time.sleep(0.05)
time.sleep(0.5)
os.close(slave)
try:
    print(p.wait(20))
except subprocess.TimeoutExpired:
    p.kill()
    print("hung")' "$@" 2>&1
}
rc=$(pty_hup "$tmp/hup.err" dialing "$ml" call "$line" 5551234) out=$(cat "$tmp/hup.err")
ctl "answer-delay 0" >/dev/null
check "call: the pty's other end closed while dialing drops the call (ECONNREFUSED)" 111 \
	'^input hung up before the connection: dropping call [0-9]+'
grep -Eq 'ended +by local' <<<"$out" && grep -Eq '^call [0-9]+ released' <<<"$out"
ok $? "... and prints the record and releases the call" "$out"
rc=$(pty_hup "$tmp/hup.err" waiting "$ml" call --answer "$line") out=$(cat "$tmp/hup.err")
check "call --answer: the pty's other end closed during the wait ends it (EPIPE)" 32 \
	'input hung up while waiting for a call on line'

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
run "$ml" batch - <<EOT
dial $line 5551234 --wait
send "one\ntwo\n"
sleep 500ms
recv --until "\n"
recv --until "\n"
send "\x4a\x4B\\\\\t"
recv --bytes 4
drop --wait
EOT
s=0
[ "$rc" = 0 ] && grep -Eq '^received 4 bytes on call [0-9]+: "one\\n"$' <<<"$out" &&
	grep -Eq '^received 4 bytes on call [0-9]+: "two\\n"$' <<<"$out" || s=1
ok "$s" "recv --until hands out one line; the next recv gets the next" "$out"
grep -Eq '^received 4 bytes on call [0-9]+: "JK\\\\\\t"$' <<<"$out"
ok $? "send decodes \\xHH (either case), \\\\ and \\t" "$out"
run "$ml" batch - <<EOT
dial $line 5551234 --wait
-send "a\xZZb"
-send "a\qb"
drop --wait
info
EOT
check "send: a bad escape is EINVAL with the escapes it knows" 0 \
	"^mlinectl: TEXT: bad escape '\\\\xZZ' \(escapes: "
s=0
grep -q "^mlinectl: TEXT: bad escape '\\\\qb'" <<<"$out" && grep -Eq 'bytes +0 received, 0 sent' <<<"$out" || s=1
ok "$s" "... and nothing is sent" "$out"

# Inside batch and shell the handlers of a command end with it.
printf 'watch --timeout 100ms\nsleep 5\necho still-here\n' | "$ml" shell >"$tmp/sh.out" 2>&1 &
spid=$!
wait_for "$tmp/sh.out" '^> sleep 5'
kill -TERM "$spid"
reap "$spid" 10
out=$(cat "$tmp/sh.out")
s=0
[ "$rc" = 143 ] && ! grep -q still-here <<<"$out" || s=1
ok "$s" "shell: SIGTERM after a watch line ends the shell (143)" "exit status $rc; output:"$'\n'"$out"
printf 'dial %s 5551234 --wait\nwatch --timeout 100ms\nrecv --timeout 5\necho after\n' "$line" |
	env --default-signal=INT "$ml" batch - >"$tmp/sh.out" 2>&1 &
spid=$!
wait_for "$tmp/sh.out" '^> recv'
sleep 0.5
kill -INT "$spid"
reap "$spid" 10
out=$(cat "$tmp/sh.out")
s=0
[ "$rc" = 130 ] && ! grep -q '^after' <<<"$out" || s=1
ok "$s" "batch: SIGINT during a recv after a watch line ends the batch (130)" \
	"exit status $rc; output:"$'\n'"$out"

# ---- monitor and ps: a second process sees the calls of others
# idle: until the line has no call in progress (a closed file's hang-up is not instant).
idle() {
	local i
	for i in $(seq 100); do
		"$ml" --json lines "$line" | grep -q '"busy":false' && return 0
		sleep 0.1
	done
	return 1
}
# row PID: the --json ps object of PID's file, as Python, for check_json.
row() { echo "[o for o in j if o[\"pid\"] == $1][0]"; }
run timeout 10 setpriv --bounding-set -net_admin --inh-caps -net_admin "$ml" monitor --count 1
check "monitor without CAP_NET_ADMIN: EPERM, explained" 1 'needs CAP_NET_ADMIN.*\(EPERM\)'
run timeout 10 "$ml" monitor 4000000000 --count 1
check "monitor of no such line: ENOENT" 2 '^mlinectl: monitor line 4000000000: no such line'

idle
"$ml" --json monitor "$line" --count 1 >"$tmp/mon.out" 2>"$tmp/mon.err" &
mpid=$!
# With --json nothing is narrated: the monitor is ready once ps shows its
# file (and it has had a moment for its SUBSCRIBE).
for _ in $(seq 50); do "$ml" --json ps | grep -q "\"pid\":$mpid," && break; sleep 0.1; done
sleep 0.3
run "$ml" batch - <<EOT
dial $line 5551234 --wait
drop --wait
release
EOT
reap "$mpid" 10
out=$(cat "$tmp/mon.out") err=$(cat "$tmp/mon.err")
check_json "monitor --json --count 1: another process's call, one record on stdout, exit 0" 0 '
	len(j) == 1 and j[0]["type"] == "cdr" and j[0]["line"] == '"$line"' and
	j[0]["line_name"] == "'"$ptyn"'" and j[0]["number"] == "5551234" and
	j[0]["direction"] == "outgoing" and j[0]["state"] == "disconnected" and
	j[0]["origin"] == "local" and j[0]["reason"] == "normal" and
	j[0]["connected_ns"] > 0 and j[0]["disconnected_ns"] >= j[0]["connected_ns"] and
	j[0]["ended_at"].endswith("Z") and
	e[-1] == {"type": "monitor", "recorded": 1, "missed": 0, "lost": 0, "unfinished": 0}' any

# The logger: --output, then ps while others hold a live and an ended call.
idle
"$ml" monitor --output "$tmp/cdr.jsonl" >"$tmp/mon.out" 2>"$tmp/mon.err" &
mpid=$!
wait_for "$tmp/mon.err" '^monitoring every line'
printf 'dial %s 5551234 --wait\nsleep 30\n' "$line" | "$ml" batch - >"$tmp/b1.out" 2>&1 &
b1=$!
wait_for "$tmp/b1.out" 'is connected'
runj "$ml" --json ps
check_json "ps --json: the caller's file holds 1 live call, the monitor's 1 monitor handle" 0 "
	$(row "$b1")[\"calls_live\"] == 1 and $(row "$b1")[\"calls_ended\"] == 0 and
	$(row "$b1")[\"command\"] == \"mlinectl\" and $(row "$b1")[\"kernel_bytes\"] > 0 and
	$(row "$mpid")[\"monitor_handles\"] == 1 and $(row "$mpid")[\"calls_live\"] == 0 and
	$(row "$mpid")[\"events_lost\"] == 0 and $(row "$mpid")[\"calls_missed\"] == 0"
kill -TERM "$b1"
reap "$b1" 10
wait_for "$tmp/cdr.jsonl" '"type":"cdr"'
# The record is written, then the handle released: ps sees that soon after.
s=1
for _ in $(seq 50); do
	runj "$ml" --json ps
	json "$(row "$mpid")[\"monitor_handles\"] == 0 and $(row "$mpid")[\"calls_ended\"] == 0" \
		>/dev/null && { s=0; break; }
	sleep 0.1
done
ok "$s" "monitor: the handle is released once the call's record is written" "ps: $out"
idle
printf 'dial %s 5551234 --wait\ndrop --wait\nsleep 30\n' "$line" | "$ml" batch - >"$tmp/b2.out" 2>&1 &
b2=$!
wait_for "$tmp/b2.out" 'dropped: disconnected'
sleep 0.2
runj "$ml" --json ps
check_json "ps --json: a retained ended call: counted, aged, its file listed first" 0 "
	j[0][\"pid\"] == $b2 and j[0][\"calls_ended\"] == 1 and j[0][\"calls_live\"] == 0 and
	j[0][\"oldest_ended_ms\"] > 0 and all(o[\"type\"] == \"file\" for o in j)"
run "$ml" ps
s=0
[ "$rc" = 0 ] && grep -Eq '^ +PID +COMMAND +FD +LIVE +ENDED +MONITOR +OLDEST' <<<"$out" &&
	grep -Eq "^ *$b2 +mlinectl +[0-9]+ +0 +1 +0 +[0-9.]+s " <<<"$(sed -n 2p <<<"$out")" || s=1
ok "$s" "ps: a table, the file with the oldest ended call first" "exit status $rc; output:"$'\n'"$out"
kill -TERM "$b2"
reap "$b2" 10
kill -TERM "$mpid"
reap "$mpid" 10
out=$(cat "$tmp/cdr.jsonl") err=
s=0
json 'len(j) == 2 and all(o["type"] == "cdr" and o["number"] == "5551234" and
	o["line"] == '"$line"' for o in j) and j[1]["origin"] == "local" and j[1]["reason"] == "normal"' ||
	s=1
[ "$rc" = 0 ] && [ ! -s "$tmp/mon.out" ] || s=1
ok "$s" "monitor --output: one JSON line per call appended, nothing on stdout; SIGTERM: exit 0" \
	"exit status $rc; $tmp/cdr.jsonl:"$'\n'"$out"$'\n'"stdout: $(cat "$tmp/mon.out")"
grep -q '^monitor: 2 calls recorded, 0 missed, 0 events lost' "$tmp/mon.err"
ok $? "... and says what it did on stderr" "$(cat "$tmp/mon.err")"
[ "$(stat -c %a "$tmp/cdr.jsonl")" = 640 ]
ok $? "monitor --output creates its file 0640 (it lists every number dialed)"

# A monitor at its max_calls (read when a file is opened) misses calls.
maxp=/sys/module/modemline/parameters/max_calls
if [ ! -w "$simfs/new_line" ] || [ ! -w "$maxp" ]; then
	for t in "monitor at max_calls: the missed call on stderr" \
		"ps: the monitor's missed call counted" "monitor: the summary counts the missed call"; do
		skip "$t" "no modemline_sim or max_calls parameter"
	done
else
	for l in mlmonA$$ mlmonB$$; do
		simlines+=("$l")
		echo "$l" >"$simfs/new_line"
	done
	la=$(<"$simfs/lines/mlmonA$$/id") lb=$(<"$simfs/lines/mlmonB$$/id")
	oldmax=$(<"$maxp")
	echo 1 >"$maxp"
	"$ml" monitor "$la" "$lb" --output "$tmp/cdr2.jsonl" >/dev/null 2>"$tmp/mon.err" &
	mpid=$!
	wait_for "$tmp/mon.err" '^monitoring the lines given'
	echo "$oldmax" >"$maxp"
	printf 'dial %s 5551234 --wait\ndial %s 5557777 --wait\nsleep 30\n' "$la" "$lb" |
		"$ml" batch - >"$tmp/b3.out" 2>&1 &
	b3=$!
	wait_for "$tmp/b3.out" "event: call [0-9]+ on line $lb is connected"
	wait_for "$tmp/mon.err" 'had a call'
	grep -Eq "^event: line $lb had a call, 5557777, this file got no handle to \(1 missed so far\)" \
		"$tmp/mon.err"
	ok $? "monitor at max_calls: the missed call on stderr" "$(cat "$tmp/mon.err")"
	runj "$ml" --json ps
	check_json "ps: the monitor's missed call counted" 0 "
		$(row "$mpid")[\"calls_missed\"] == 1 and $(row "$mpid")[\"monitor_handles\"] == 1 and
		$(row "$b3")[\"calls_live\"] == 2"
	kill -TERM "$b3"
	reap "$b3" 10
	wait_for "$tmp/cdr2.jsonl" '"number":"5551234"'
	kill -TERM "$mpid"
	reap "$mpid" 10
	s=0
	[ "$rc" = 0 ] && grep -q '^monitor: 1 call recorded, 1 missed, 0 events lost' "$tmp/mon.err" &&
		[ "$(wc -l <"$tmp/cdr2.jsonl")" = 1 ] || s=1
	ok "$s" "monitor: the summary counts the missed call" \
		"exit status $rc; stderr:"$'\n'"$(cat "$tmp/mon.err")"$'\n'"records:"$'\n'"$(cat "$tmp/cdr2.jsonl")"
	for l in mlmonA$$ mlmonB$$; do echo remove >"$simfs/lines/$l/control"; done
	simlines=()
fi

run "$ml" detach "$pty"
check "detach" 0 "^line $line on $pty detached"
gone "$attpid" 10
ok $? "the attach daemon exits when its line goes"
attpid=
[ ! -e "$tmp/attach.pid" ]
ok $? "... and removes its pidfile"
run "$ml" lines "$line"
check "the line is gone: ENOENT" 2 'no such line'

# ---- dialects: attach --dialect auto asks AT+GCAP; voice calls on 3gpp
for d in v250 3gpp; do
	"$sim" --pty --dialect "$d" --control "$tmp/ctl-$d" --guard 100 \
		>"$tmp/sim-$d.out" 2>"$tmp/sim-$d.err" &
	gpid=$!
	for _ in $(seq 50); do grep -q '^PTY ' "$tmp/sim-$d.out" && break; sleep 0.1; done
	gpty=$(awk '/^PTY/ { print $2 }' "$tmp/sim-$d.out")
	runj "$ml" --json attach "$gpty" --dialect auto --clcc 100ms --daemon \
		--pidfile "$tmp/att-$d.pid"
	check_json "attach --dialect auto: a $d modemsim is taken for $d" 0 \
		'j[0]["type"] == "attach" and j[0]["dialect"] == "'"$d"'"'
	gline=$(sed -n 's/.*"line":\([0-9]*\).*/\1/p' <<<"$out")
	if [ "$d" = v250 ]; then
		run "$ml" dial "$gline" 5551234 --voice
		check "dial --voice on a v250 line: EOPNOTSUPP, explained" 95 'needs a 3GPP line'
	else
		runj "$ml" --json lines "$gline"
		check_json "lines: the line says it speaks 3gpp" 0 \
			'j[0]["dialect"] == "3gpp"'
		# A voice call: hung up at the end of its input, once connected.
		rm -f "$tmp/vin"
		mkfifo "$tmp/vin"
		"$ml" call --voice "$gline" 5551234 <"$tmp/vin" >"$tmp/v.out" 2>"$tmp/v.err" &
		vpid=$!
		exec 7>"$tmp/vin"
		wait_for "$tmp/v.err" 'connected: a voice call'
		exec 7>&-
		reap "$vpid" 20
		out=$(cat "$tmp/v.err")
		check "call --voice: connects, hangs up at end of input, the record with its cause" \
			0 'cause +Normal call clearing'
	fi
	"$ml" detach "$gpty" >/dev/null 2>&1
	gone "$(cat "$tmp/att-$d.pid" 2>/dev/null || echo 0)" 10 || true
	kill "$gpid" 2>/dev/null
	wait "$gpid" 2>/dev/null
done

# ---- more than 256 lines and calls (modemline_sim)
if [ ! -w "$simfs/new_line" ]; then
	for t in "lines: all of 304 lines" "list: all of 260 calls"; do
		skip "$t" "no modemline_sim"
	done
else
	count() { grep -c "\"type\":\"$1\"" <<<"$out"; }
	runj "$ml" --json lines
	before=$(count line)
	for i in $(seq 304); do
		simlines+=("mlctl$$-$i")
		echo "mlctl$$-$i" >"$simfs/new_line"
	done
	runj "$ml" --json lines
	[ "$rc" = 0 ] && [ "$(count line)" = $((before + 304)) ]
	ok $? "lines: all of 304 lines" "exit status $rc, $(count line) lines, want $((before + 304))"
	for i in $(seq 260); do echo "dial $(<"$simfs/lines/mlctl$$-$i/id") 5551234"; done >"$tmp/dials"
	echo list >>"$tmp/dials"
	runj "$ml" --json batch "$tmp/dials"
	[ "$rc" = 0 ] && [ "$(count call)" = 260 ]
	ok $? "list: all of 260 calls" "exit status $rc, $(count call) calls; stderr: $err"
	for l in "${simlines[@]}"; do echo remove >"$simfs/lines/$l/control"; done
	simlines=()
fi

# ---- the manual
if [ -f "$man" ]; then
	documented=$(grep -o '"type":"[a-z-]*"' "$man" | sort -u | sed 's/.*:"\(.*\)"/\1/')
	undoc=$(sort -u "$tmp/types" | grep -vxF "$documented")
	[ -s "$tmp/types" ] && [ -z "$undoc" ]
	ok $? "every JSON type printed above is documented in mlinectl(8)" "undocumented: $undoc"
	w=$({ groff -ww -man -z "$man"; MANWIDTH=80 man --warnings -l "$man" >/dev/null; } 2>&1)
	[ -z "$w" ]
	ok $? "mlinectl(8): no warnings from groff -ww and man --warnings" "$w"
else
	skip "every JSON type printed above is documented in mlinectl(8)" "no $man"
	skip "mlinectl(8): no warnings from groff -ww and man --warnings" "no $man"
fi
