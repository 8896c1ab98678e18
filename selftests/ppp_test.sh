#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Dial-up networking over a modemline call, in the test VM (root,
# modemline loaded): pppd runs 'mlinectl call' as its link (pppd's pty
# option), modemsim answers on a pty and runs the far pppd per call
# (--data exec:), in a network namespace of its own, so both ends of the
# IP link are in this machine and no packet leaves it. Then:
#   - the link comes up; 100 pings, none lost; 1 MiB over TCP each way,
#     byte-exact;
#   - our pppd told to stop: the call's record says LOCAL, and its
#     tx_bytes/rx_bytes are, exactly, the bytes modemsim counted for the
#     call from and to the DTE;
#   - the far pppd killed: REMOTE/NORMAL, our pppd exits with 16 (the
#     modem hung up), the record intact;
#   - the dial-in end: pppd runs 'mlinectl call --answer LINE' and a
#     call modemsim rings in brings the link up;
#   - on a null-modem pair (modemline_nullmodem's /dev/ttyNMA2, modemsim
#     on ttyNMB2 obeying DTR): the link, and our pppd's end hung up by
#     DTR (not by the escape: both guard times are 5 s), the record exact.
# With ML_PPP_FTDI_CTL set (scripts/check-serial.sh does, in its VM) it
# runs instead the same link on the FTDI adapter's line, /dev/ttyUSB0,
# whose modem is a modemsim on the VM's host: the host relays control
# commands written to ML_PPP_FTDI_CTL/modem.request (answer in
# modem.ack), and the modem's exec command ML_PPP_FTDI_EXEC (a relay to
# a host socket) carries each call to the VM's PCI UART, where the far
# pppd runs in its namespace.
# TAP on stdout. Needs pppd (Debian's ppp), ip (iproute2), ping
# (iputils-ping), python3 and a kernel with PPP, PPP_ASYNC and NET_NS.
#
# mlinectl and modemsim are found in ../userspace next to this script's
# build copy (build/selftests), or in $MLINECTL / $MODEMSIM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ml=${MLINECTL:-$here/../userspace/mlinectl}
sim=${MODEMSIM:-$here/../userspace/modemsim}
tmp=$(mktemp -d)
ns=mlfar$$
near=10.77.0.1 far=10.77.0.2
simpid='' nmsimpid='' monpid='' pppdpid=''
cleanup() {
	[ -z "$pppdpid" ] || kill -KILL "$pppdpid" 2>/dev/null
	[ -z "$monpid" ] || kill "$monpid" 2>/dev/null
	[ -z "$simpid" ] || kill "$simpid" 2>/dev/null
	[ -z "$nmsimpid" ] || kill "$nmsimpid" 2>/dev/null
	for f in "$tmp"/attach*.pid; do [ ! -f "$f" ] || kill "$(cat "$f")" 2>/dev/null; done
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
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
# ctl COMMAND: one modemsim control command; its reply line.
ctl() {
	local d=${ML_PPP_FTDI_CTL:-}
	if [ -n "$d" ]; then
		printf '%s\n' "$1" >"$d/modem.request.tmp" &&
			mv "$d/modem.request.tmp" "$d/modem.request" &&
			until_true 30 test -e "$d/modem.ack" || return 1
		cat "$d/modem.ack"
		rm -f "$d/modem.ack"
		return
	fi
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode()); print(s.makefile().readline().strip())' \
		"${ctlsock:-$tmp/ctl}" "$1"
}
# status FIELD: a field of modemsim's status.
status() { ctl status | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# until_true SECONDS CMD...: until CMD succeeds, at most SECONDS.
until_true() {
	local i t=$1
	shift
	for i in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
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
# The link is up at both ends: each has its address on mlppp0, and the
# interface is up, not only addressed (pppd sets the addresses before it
# brings the interface up, and until then the peer route is missing: a
# ping fails with 'Network is unreachable').
link_up() {
	ip -4 addr show dev mlppp0 up 2>/dev/null | grep -q "inet $near peer $far" &&
		ip -n "$ns" -4 addr show dev mlppp0 up 2>/dev/null | grep -q "inet $far peer $near"
}
# The link is gone at both ends: neither namespace has mlppp0.
link_down() { ! ip link show dev mlppp0 && ! ip -n "$ns" link show dev mlppp0; } 2>/dev/null
# What both pppds share: no authentication (a private link), no modem
# lines to obey, no lock file, no compression (which would need more
# modules), no keepalives (the records' byte counts must hold still
# once the test stops sending), the interface name, a log.
ppp_opts="noauth local nolock nocrtscts noccp nodefaultroute lcp-echo-interval 0 ifname mlppp0"
# far_ppp: the command modemsim runs per call: pppd on its stdin/stdout
# in the far namespace, until the near end goes or it is killed.
far_ppp="ip netns exec $ns pppd notty nodetach $ppp_opts linkname far"
far_ppp+=" logfile $tmp/far.log $far:$near"
# said NAME PATTERN: our pppd NAME (or the link command, whose stderr
# pppd sends to its logfile) said PATTERN.
said() { cat "$tmp/$1.log" "$tmp/$1.out" 2>/dev/null | grep -Eq -- "$2"; }
# near_ppp CMD LOG: our pppd with CMD as its link, in the background.
near_ppp() {
	pppd pty "$1" nodetach $ppp_opts linkname near logfile "$2.log" "$near:$far" \
		>"$2.out" 2>&1 &
	pppdpid=$!
}
# last_cdr ORIGIN: the monitor's last record, which must have ended by ORIGIN, as
# "tx rx origin reason"; empty if there is none.
last_cdr() {
	python3 -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [c for c in r if c.get("type") == "cdr"]
if r: c = r[-1]; print(c["tx_bytes"], c["rx_bytes"], c["origin"], c["reason"], len(r))' "$tmp/cdr.jsonl"
}
# sim_bytes: modemsim's count of the last call's data bytes, "from_dte to_dte".
sim_bytes() {
	ctl "status" | sed -n 's/.*last_call_in=\([0-9]*\) last_call_out=\([0-9]*\).*/\1 \2/p'
}

# tcp_mib: the test of 1 MiB over TCP to the far namespace and back.
tcp_mib() {
	local out s
	rm -f "$tmp/listening"
	ip netns exec "$ns" python3 "$tmp/tcp.py" server "$far" "$tmp/listening" 2>"$tmp/tcp.err" &
	srv=$!
	until_true 10 test -f "$tmp/listening"
	out=$(timeout 300 python3 "$tmp/tcp.py" client "$far" 2>&1)
	s=$?
	reap "$srv" 10
	ok "$s" "1 MiB over TCP to the far namespace and back, byte-exact ($out)" "$(cat "$tmp/tcp.err")"
}
cat >"$tmp/tcp.py" <<'EOF'
import hashlib, os, socket, sys, time
role, addr = sys.argv[1], (sys.argv[2], 7077)
def recv_all(s, n):
    b = bytearray()
    while len(b) < n:
        chunk = s.recv(min(65536, n - len(b)))
        if not chunk:
            break
        b += chunk
    return bytes(b)
if role == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(addr); l.listen(1); open(sys.argv[3], "w").close()
    s, _ = l.accept(); data = recv_all(s, 1 << 20); s.sendall(data); s.close()
else:
    data = os.urandom(1 << 20)
    t = time.monotonic()
    s = socket.create_connection(addr, timeout=120)
    s.sendall(data); back = recv_all(s, 1 << 20); s.close()
    t = time.monotonic() - t
    same = back == data
    print("%d bytes there and %d back in %.1f s, %s" % (len(data), len(back), t,
          "byte-exact" if same else "DIFFERENT: sha256 %s vs %s" % (
          hashlib.sha256(data).hexdigest(), hashlib.sha256(back).hexdigest())))
    sys.exit(0 if same else 1)
EOF

# far_on_uart: the far pppd on the PCI UART $far_tty, in the background
# ($farpid), waiting (passive) for the near end: the UART carries no modem
# lines, so it outlives each call until the test ends it.
far_on_uart() {
	# shellcheck disable=SC2086 # the options are words
	ip netns exec "$ns" pppd "$far_tty" 115200 nodetach passive $ppp_opts linkname far \
		logfile "$tmp/far.log" "$far:$near" >/dev/null 2>&1 &
	farpid=$!
}

# ftdi: the link over the FTDI adapter's line (see the header).
ftdi() {
	local t r usbline tx rx origin reason count from_dte to_dte
	echo "1..10"
	far_tty=
	for t in /sys/class/tty/ttyS*; do
		[[ $(readlink -f "$t/device") == */pci0000:* ]] && far_tty=/dev/${t##*/}
	done
	r=$(ctl "data exec ${ML_PPP_FTDI_EXEC:-}")
	# The adapter may still be enumerating after serial_test's last
	# replug, or left unplugged: then the host plugs it back.
	if ! until_true 10 test -e /dev/ttyUSB0; then
		# Written and renamed, as serial_test does: the host deletes
		# the request, and 9p may still show the guest the old file.
		echo replug >"$ML_PPP_FTDI_CTL/replug.request.tmp" &&
			mv "$ML_PPP_FTDI_CTL/replug.request.tmp" "$ML_PPP_FTDI_CTL/replug.request"
		until_true 30 test -e "$ML_PPP_FTDI_CTL/replug.ack"
		rm -f "$ML_PPP_FTDI_CTL/replug.ack"
		until_true 30 test -e /dev/ttyUSB0
	fi
	usbline=$("$ml" --json attach /dev/ttyUSB0 --guard 100ms --daemon \
		--pidfile "$tmp/attach-usb.pid" | sed -n 's/.*"line":\([0-9]*\).*/\1/p')
	"$ml" monitor --output "$tmp/cdr.jsonl" 2>"$tmp/monitor.err" &
	monpid=$!
	[ -n "$far_tty" ] && [ -n "$usbline" ] && [[ $r == ok* ]]
	ok $? "the FTDI adapter's line (/dev/ttyUSB0, line $usbline), its modem's calls carried to the far pppd on ${far_tty:-the PCI UART}" \
		"far tty '$far_tty'; data exec: $r"

	far_on_uart
	near_ppp "$ml --json call $usbline 5551234" "$tmp/near1"
	until_true 120 link_up
	ok $? "pppd pty 'mlinectl call $usbline 5551234' over the FTDI adapter: the link is up at both ends" \
		"$(tail -n 20 "$tmp/near1.log" "$tmp/far.log" 2>&1)"
	out=$(ping -c 100 -i 0.05 -W 5 -q "$far" 2>&1)
	grep -q '100 packets transmitted, 100 received' <<<"$out"
	ok $? "100 pings over the link, none lost ($(sed -n 's/^rtt \(.*\)/rtt \1/p' <<<"$out"))" "$out"
	tcp_mib

	kill -TERM "$pppdpid"
	reap "$pppdpid" 60
	pppdpid=
	ok "$([ "$rc" = 5 ]; echo $?)" "SIGTERM to our pppd: it ends the link and exits 5" \
		"exit status $rc; $(tail -n 20 "$tmp/near1.log")"
	until_true 30 test "$(last_cdr | awk '{ print $5 }')" = 1
	read -r tx rx origin reason count <<<"$(last_cdr)"
	[ "$count" = 1 ] && [ "$origin" = local ] && [ "$reason" = normal ]
	ok $? "the call's record: ended LOCAL, NORMAL" "record: $(tail -n 1 "$tmp/cdr.jsonl")"
	read -r from_dte to_dte <<<"$(sim_bytes)"
	[ -n "$from_dte" ] && [ "$tx" = "$from_dte" ] && [ "$rx" = "$to_dte" ] && [ "$tx" -gt $((1 << 20)) ]
	ok $? "tx_bytes $tx and rx_bytes $rx are exactly the bytes the FTDI modem counted" \
		"modemsim: from the DTE '$from_dte', to the DTE '$to_dte'; $(ctl status)"
	# The far pppd ends with the link our pppd terminated.
	reap "$farpid" 10
	until_true 10 link_down

	far_on_uart
	near_ppp "$ml call $usbline 5551234" "$tmp/near2"
	until_true 120 link_up
	ok $? "the link comes up again on a second call" "$(tail -n 20 "$tmp/near2.log" "$tmp/far.log")"
	# The far pppd's end cannot reach the modem through the UART: the
	# modem hangs up (NO CARRIER), as a far modem losing carrier.
	kill -KILL "$farpid"
	r=$(ctl hangup)
	reap "$pppdpid" 60
	pppdpid=
	[ "$rc" = 16 ] && grep -q 'Modem hangup' "$tmp/near2.log"
	ok $? "the far pppd killed and its modem hung up: our pppd says 'Modem hangup' and exits 16" \
		"hangup: $r; exit status $rc; $(tail -n 20 "$tmp/near2.log")"
	until_true 30 test "$(last_cdr | awk '{ print $5 }')" = 2
	read -r tx rx origin reason count <<<"$(last_cdr)"
	read -r from_dte to_dte <<<"$(sim_bytes)"
	[ "$count" = 2 ] && [ "$origin" = remote ] && [ "$reason" = normal ] && [ "$tx" -gt 0 ] &&
		[ "$tx" = "$from_dte" ] && [ "$rx" = "$to_dte" ]
	ok $? "the call's record: ended REMOTE, NORMAL, $tx and $rx bytes as the modem counted" \
		"record: $(tail -n 1 "$tmp/cdr.jsonl"); modemsim: from the DTE '$from_dte', to the DTE '$to_dte'"
}

for t in pppd ip ping python3; do
	command -v "$t" >/dev/null || { echo "Bail out! no $t (make deps installs it)"; exit 1; }
done
[ -x "$ml" ] && [ -x "$sim" ] || { echo "Bail out! no $ml or $sim"; exit 1; }
[ -c /dev/ppp ] || { echo "Bail out! no /dev/ppp: a kernel without PPP"; exit 1; }
ip netns add "$ns" && ip -n "$ns" link set lo up ||
	{ echo "Bail out! cannot make network namespace $ns"; exit 1; }
if [ -n "${ML_PPP_FTDI_CTL:-}" ]; then
	ftdi
	exit 0
fi

echo "1..22"

"$sim" -v --pty --control "$tmp/ctl" --guard 100 >"$tmp/sim.out" 2>"$tmp/sim.err" &
simpid=$!
until_true 5 grep -q '^PTY ' "$tmp/sim.out"
pty=$(awk '/^PTY/ { print $2 }' "$tmp/sim.out")
line=$("$ml" --json attach "$pty" --guard 100ms --daemon --pidfile "$tmp/attach.pid" |
	sed -n 's/.*"line":\([0-9]*\).*/\1/p')
"$ml" monitor --output "$tmp/cdr.jsonl" 2>"$tmp/monitor.err" &
monpid=$!
r=$(ctl "data exec $far_ppp")
[ -n "$line" ] && [[ $r == ok* ]]
ok $? "a modemsim line ($pty, line $line) whose calls run the far pppd" "attach: line '$line'; data exec: $r"

# ---- dial out: the link, pings, TCP
near_ppp "$ml --json call $line 5551234" "$tmp/near1"
until_true 90 link_up
ok $? "pppd pty 'mlinectl call $line 5551234': the link is up at both ends" \
	"$(tail -n 20 "$tmp/near1.log" "$tmp/far.log" 2>&1)"

out=$(ping -c 100 -i 0.05 -W 5 -q "$far" 2>&1)
grep -q '100 packets transmitted, 100 received' <<<"$out"
ok $? "100 pings over the link, none lost ($(sed -n 's/^rtt \(.*\)/rtt \1/p' <<<"$out"))" "$out"

tcp_mib

# ---- the local end: our pppd told to stop
kill -TERM "$pppdpid"
reap "$pppdpid" 60
pppdpid=
ok "$([ "$rc" = 5 ]; echo $?)" "SIGTERM to our pppd: it ends the link and exits 5" \
	"exit status $rc; $(tail -n 20 "$tmp/near1.log")"
until_true 30 said near1 '"type":"call".*"state":"disconnected"'
ok $? "mlinectl call printed the retained record to pppd, which logged it" \
	"$(tail -n 20 "$tmp/near1.log" "$tmp/near1.out")"
until_true 30 test -n "$(last_cdr)"
read -r tx rx origin reason count <<<"$(last_cdr)"
[ "$count" = 1 ] && [ "$origin" = local ] && [ "$reason" = normal ]
ok $? "the call's record: ended LOCAL, NORMAL" "record: $(tail -n 1 "$tmp/cdr.jsonl")"
until_true 10 link_down
read -r from_dte to_dte <<<"$(sim_bytes)"
[ -n "$from_dte" ] && [ "$tx" = "$from_dte" ] && [ "$rx" = "$to_dte" ] && [ "$tx" -gt $((1 << 20)) ]
ok $? "tx_bytes $tx and rx_bytes $rx are exactly the bytes modemsim counted for the call" \
	"modemsim: from the DTE '$from_dte', to the DTE '$to_dte'; $(ctl status)"
until_true 10 link_down
ok $? "both ends' interfaces are gone"

# ---- the remote end: the far pppd killed
near_ppp "$ml call $line 5551234" "$tmp/near2"
until_true 90 link_up
ok $? "the link comes up again on a second call" "$(tail -n 20 "$tmp/near2.log")"
out=$(ping -c 5 -i 0.1 -W 5 -q "$far" 2>&1)
grep -q '5 packets transmitted, 5 received' <<<"$out"
ok $? "... and carries pings" "$out"
farpid=$(cat /run/ppp-far.pid 2>/dev/null | head -n 1)
kill -KILL "$farpid"
reap "$pppdpid" 60
pppdpid=
[ "$rc" = 16 ] && grep -q 'Modem hangup' "$tmp/near2.log"
ok $? "the far pppd killed: our pppd says 'Modem hangup' and exits 16" \
	"far pid '$farpid', exit status $rc; $(tail -n 20 "$tmp/near2.log")"
until_true 30 test "$(last_cdr | awk '{ print $5 }')" = 2
read -r tx rx origin reason count <<<"$(last_cdr)"
[ "$count" = 2 ] && [ "$origin" = remote ] && [ "$reason" = normal ] && [ "$tx" -gt 0 ] &&
	[ "$rx" -gt 0 ]
ok $? "the call's record: ended REMOTE, NORMAL, its byte counts kept" \
	"record: $(tail -n 1 "$tmp/cdr.jsonl")"
read -r from_dte to_dte <<<"$(sim_bytes)"
[ "$tx" = "$from_dte" ] && [ "$rx" = "$to_dte" ]
ok $? "... and they are modemsim's, exactly ($tx to the modem, $rx from it)" \
	"modemsim: from the DTE '$from_dte', to the DTE '$to_dte'"
# The record's line, not the event's "ended by remote (normal)".
until_true 10 said near2 'ended +by remote, reason normal'
ok $? "mlinectl call printed the record, which pppd logged" \
	"$(tail -n 20 "$tmp/near2.log" "$tmp/near2.out")"

# ---- the dial-in end: pppd answers
until_true 10 link_down
near_ppp "$ml call --answer $line" "$tmp/near3"
until_true 10 said near3 'waiting for a call'

r=$(ctl "ring 5550000 10 1000")
until_true 90 link_up
ok $? "pppd pty 'mlinectl call --answer $line': a ringing call brings the link up" \
	"ring: $r; $(tail -n 20 "$tmp/near3.log" "$tmp/near3.out")"
kill -TERM "$pppdpid"
reap "$pppdpid" 60
pppdpid=
until_true 30 test "$(last_cdr | awk '{ print $5 }')" = 3
read -r tx rx origin reason count <<<"$(last_cdr)"
[ "$count" = 3 ] && [ "$origin" = local ] &&
	grep -q '"direction":"incoming"' <(tail -n 1 "$tmp/cdr.jsonl")
ok $? "... and its record: an incoming call, ended LOCAL" "record: $(tail -n 1 "$tmp/cdr.jsonl")"

# ---- a null-modem line: the local end by DTR
nm_tests=("a null-modem line (ttyNMA2, modemsim obeying DTR on ttyNMB2)"
	"pppd over a call on the null-modem line: the link is up, pings carried"
	"SIGTERM to our pppd: the modem saw DTR drop, no escape"
	"... the record: LOCAL, NORMAL"
	"... its tx_bytes/rx_bytes are modemsim's, exactly")
if [ ! -e /dev/ttyNMA2 ]; then
	for t in "${nm_tests[@]}"; do
		n=$((n + 1))
		echo "ok $n $t # SKIP no /dev/ttyNMA2 (modemline_nullmodem is not loaded)"
	done
	exit 0
fi
until_true 10 link_down
ctlsock=$tmp/ctl-nm
"$sim" -v --tty /dev/ttyNMB2 --control "$ctlsock" --guard 5000 --data "exec:$far_ppp" \
	>"$tmp/nmsim.out" 2>"$tmp/nmsim.err" &
nmsimpid=$!
until_true 5 test -S "$ctlsock"
nmline=$("$ml" --json attach /dev/ttyNMA2 --guard 5s --daemon --pidfile "$tmp/attach-nm.pid" |
	sed -n 's/.*"line":\([0-9]*\).*/\1/p')
[ -n "$nmline" ]
ok $? "${nm_tests[0]}: line $nmline" "$(tail -n 5 "$tmp/nmsim.err")"
drops=$(status dtr_drops)
near_ppp "$ml call $nmline 5551234" "$tmp/near4"
until_true 90 link_up && out=$(ping -c 20 -i 0.05 -W 5 -q "$far" 2>&1) &&
	grep -q '20 packets transmitted, 20 received' <<<"$out"
ok $? "${nm_tests[1]}" "$out $(tail -n 20 "$tmp/near4.log")"
kill -TERM "$pppdpid"
reap "$pppdpid" 60
pppdpid=
until_true 30 test "$(last_cdr | awk '{ print $5 }')" = 4
[ "$(status dtr_drops)" -gt "$drops" ] && [ "$(status escapes)" = 0 ]
ok $? "${nm_tests[2]}" "pppd exit $rc; $(ctl status)"
read -r tx rx origin reason count <<<"$(last_cdr)"
[ "$count" = 4 ] && [ "$origin" = local ] && [ "$reason" = normal ]
ok $? "${nm_tests[3]}" "record: $(tail -n 1 "$tmp/cdr.jsonl")"
read -r from_dte to_dte <<<"$(sim_bytes)"
[ -n "$from_dte" ] && [ "$tx" = "$from_dte" ] && [ "$rx" = "$to_dte" ]
ok $? "${nm_tests[4]} ($tx to the modem, $rx from it)" \
	"modemsim: from the DTE '$from_dte', to the DTE '$to_dte'"
