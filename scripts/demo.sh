#!/usr/bin/env bash
# 'make demo': a narrated call on a simulated modem, for a newcomer with
# no modem and no kernel headers. Boots Debian's stock 6.12 kernel in qemu
# with our modules loaded, with the guest's /dev/ttyS1 (a 16550 UART)
# wired to modemsim on this host, and runs scripts/demo-guest.sh in it:
# attach the line, dial, connected, bytes both ways, the remote side
# hangs up, the retained record, release, and the documented error after;
# meanwhile a second process, 'mlinectl monitor', logs the call as a JSON
# record.
#
#   demo.sh                         modemsim on the UART
#   DEMO_MODEM=unix:PATH demo.sh    the UART wired to a modem or emulator
#                                   already listening on unix socket PATH
#
# Other knobs: DEMO_KERNEL (stock-6.12), DEMO_NUMBER (5551234),
# DEMO_HANGUP_MS (modemsim hangs up that long after connecting, 4000),
# DEMO_DIALECT=3gpp (a cellular modem: a voice call, followed with +CLCC,
# its record with the network's cause).
# Needs: 'make deps userspace' (the Makefile runs them first).
# Exit status: the guest script's (0: every step went as narrated).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=demo

kernel=${DEMO_KERNEL:-stock-6.12}
modem=${DEMO_MODEM:-}
number=${DEMO_NUMBER:-5551234}
hangup_ms=${DEMO_HANGUP_MS:-4000}
dialect=${DEMO_DIALECT:-v250}
case "$dialect" in
v250 | 3gpp) ;;
*) ml_die "DEMO_DIALECT wants v250 or 3gpp" ;;
esac
modemsim=$ML_BUILD/userspace/modemsim
[ -x "$modemsim" ] && [ -x "$ML_BUILD/userspace/mlinectl" ] ||
	ml_die "no modemsim or mlinectl in $ML_BUILD/userspace (make userspace)"
case "$modem" in
'' | unix:?*) ;;
*) ml_die "DEMO_MODEM wants unix:PATH (a socket something on this host listens on)" ;;
esac

ml_log "fetching (first time only) and preparing the $kernel kernel, building the modules"
"$ML_TOP/scripts/build-modules.sh" "$kernel" >"$ML_BUILD/demo-build.log" 2>&1 || {
	tail -n 30 "$ML_BUILD/demo-build.log" >&2
	ml_die "building the modules for $kernel failed (log: $ML_BUILD/demo-build.log)"
}

# Unix socket paths must stay short (108 bytes): not under $ML_BUILD.
run=$(mktemp -d /tmp/ml-demo.XXXXXX)
sim=
cleanup() {
	[ -z "$sim" ] || { kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; } || true
	rm -rf "$run"
}
trap cleanup EXIT

guard=
if [ -z "$modem" ]; then
	# A short guard time makes the modem's end of data mode quick to see;
	# a cellular one alerts the far end 1.5 s, long enough to see RINGBACK.
	"$modemsim" -v --unix "$run/modem.sock" --control "$run/modem.ctl" --guard 100 \
		--dialect "$dialect" --hangup-after "$hangup_ms" \
		$([ "$dialect" = v250 ] || echo --answer-delay 1500) \
		2>"$ML_BUILD/demo-modemsim.log" &
	sim=$!
	for _ in $(seq 100); do
		[ -S "$run/modem.sock" ] && break
		sleep 0.1
	done
	[ -S "$run/modem.sock" ] || ml_die "modemsim did not start (log: $ML_BUILD/demo-modemsim.log)"
	modem=unix:$run/modem.sock
	guard=100
	ml_log "modemsim ($dialect) listens on $run/modem.sock; it hangs up ${hangup_ms} ms after connecting"
else
	ml_log "the guest's /dev/ttyS1 goes to ${modem#unix:}"
fi

ml_log "booting $kernel in qemu (TCG, about 10 s) with modemline loaded"
"$ML_TOP/scripts/vm.sh" --kernel "$kernel" --timeout 300 --uart "$modem" -- \
	"$ML_TOP/scripts/demo-guest.sh" /dev/ttyS1 "$number" "$guard" "$dialect"
