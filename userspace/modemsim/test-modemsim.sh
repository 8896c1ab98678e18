#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of modemsim on the host: no kernel module, no VM. Drives the
# simulator over --pty, --stdio and --unix like a DTE would and scripts it
# through --control. Prints TAP ("ok N name" / "not ok N name"), exits
# non-zero on any failure. Takes about 25 s.
#
#   userspace/modemsim/test-modemsim.sh          build, then test
#   MODEMSIM=/path/to/modemsim test-modemsim.sh  test that binary
#   test-modemsim.sh -v                          also show modemsim's -v log
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ -z "${MODEMSIM:-}" ]; then
	MODEMSIM=$root/build/userspace/modemsim
	make -s -C "$root/userspace" O="$root/build/userspace" "$MODEMSIM" ||
		{ echo "not ok 1 build"; exit 1; }
fi
[ -x "$MODEMSIM" ] || { echo "not ok 1 $MODEMSIM not found"; exit 1; }

tmp=$(mktemp -d /tmp/modemsim-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

python3 - "$MODEMSIM" "$tmp" "${1:-}" "$here" <<'PYTHON'
import atexit, os, random, re, select, signal, socket, subprocess, sys, time
import tty

MODEMSIM, TMP, VERBOSE = sys.argv[1], sys.argv[2], sys.argv[3] == "-v"
MODEMSIM_SRC = sys.argv[4]              # userspace/modemsim
GUARD = 0.1                 # --guard 100
n_tests = 0
failed = 0


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


class Dte:
    """The DTE side of the modem: write commands, read what comes back."""

    def __init__(self, rfd, wfd=None):
        self.rfd, self.wfd = rfd, rfd if wfd is None else wfd

    def w(self, data):
        if isinstance(data, str):
            data = data.encode()
        end = time.time() + 5
        while data:
            try:
                data = data[os.write(self.wfd, data):]
            except BlockingIOError:
                left = end - time.time()
                check(left > 0, "modemsim does not read its input")
                select.select([], [self.wfd], [], left)

    def read_for(self, t):
        """Everything that arrives within t seconds."""
        out, end = b"", time.time() + t
        while True:
            left = end - time.time()
            r, _, _ = select.select([self.rfd], [], [], max(0, left))
            if not r:
                return out
            try:
                d = os.read(self.rfd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                return out
            if not d:
                return out
            out += d

    def until(self, pattern, timeout=2.0):
        """Read until pattern (bytes) is in the buffer or timeout."""
        out, end = b"", time.time() + timeout
        while pattern not in out:
            left = end - time.time()
            if left <= 0:
                break
            r, _, _ = select.select([self.rfd], [], [], left)
            if not r:
                break
            try:
                d = os.read(self.rfd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                break
            if not d:
                break
            out += d
        return out

    def expect(self, data, exp, timeout=2.0):
        """Write data, the reply must be exactly exp."""
        if data:
            self.w(data)
        got = self.until(exp, timeout)
        check(got == exp, "sent %r: expected %r, got %r" % (data, exp, got))
        return got

    def quiet(self, t, what="nothing more"):
        got = self.read_for(t)
        check(got == b"", "expected %s, got %r" % (what, got))


class Sim:
    """modemsim with a control socket; transport 'pty', 'unix' or 'stdio'."""

    count = 0

    def __init__(self, transport="pty", args=(), stderr=None):
        Sim.count += 1
        self.ctl_path = os.path.join(TMP, "ctl%d" % Sim.count)
        self.unix_path = os.path.join(TMP, "dte%d" % Sim.count)
        cmd = [MODEMSIM, "--control", self.ctl_path, "--guard", "100",
               "--seed", "1"] + list(args)
        if VERBOSE:
            cmd.append("-v")
        if transport == "pty":
            cmd.append("--pty")
        elif transport == "unix":
            cmd += ["--unix", self.unix_path]
        else:
            cmd.append("--stdio")
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=stderr)
        atexit.register(self.kill)
        self.dte = None
        if transport == "pty":
            r, _, _ = select.select([self.p.stdout], [], [], 5)
            check(r, "no PTY line from modemsim --pty")
            first = self.p.stdout.readline().decode()
            m = re.match(r"PTY (/dev/pts/\d+)\n$", first)
            check(m, "first line %r is not 'PTY /dev/pts/N'" % first)
            self.pts = m.group(1)
            self.open_pty()
        elif transport == "unix":
            end = time.time() + 5
            while not os.path.exists(self.unix_path):
                check(time.time() < end, "no socket at " + self.unix_path)
                time.sleep(0.01)
        else:
            self.dte = Dte(self.p.stdout.fileno(), self.p.stdin.fileno())
        end = time.time() + 5
        while not os.path.exists(self.ctl_path):
            check(time.time() < end, "no control socket")
            time.sleep(0.01)
        self.c = socket.socket(socket.AF_UNIX)
        self.c.settimeout(5)
        self.c.connect(self.ctl_path)
        self.cf = self.c.makefile("rw")

    def open_pty(self):
        fd = os.open(self.pts, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        self.dte = Dte(fd)

    def close_pty(self):
        os.close(self.dte.rfd)
        self.dte = None

    def ctl(self, line, ok=True):
        self.cf.write(line + "\n")
        self.cf.flush()
        reply = self.cf.readline().rstrip("\n")
        if ok:
            check(reply.startswith("ok"), "control %r: %r" % (line, reply))
        return reply

    def status(self):
        r = self.ctl("status")
        return dict(kv.split("=", 1) for kv in r.split()[1:])

    def wait_status(self, key, value, timeout=2.0):
        end = time.time() + timeout
        while True:
            s = self.status()
            if s.get(key) == value:
                return s
            check(time.time() < end, "status %s=%r, expected %r (%s)" %
                  (key, s.get(key), value, s))
            time.sleep(0.02)

    def escape(self):
        time.sleep(GUARD * 1.5)
        self.dte.w(b"+++")
        t0 = time.time()
        got = self.dte.until(b"OK\r\n", 2)
        check(got == b"\r\nOK\r\n", "+++: got %r" % got)
        check(time.time() - t0 >= GUARD * 0.9, "+++ accepted before guard")

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise Fail("modemsim did not exit on SIGTERM")
        return rc


def test(name):
    def deco(fn):
        global n_tests, failed
        n_tests += 1
        try:
            fn()
            print("ok %d %s" % (n_tests, name), flush=True)
        except Exception as e:          # Fail, OSError, ...
            failed += 1
            print("not ok %d %s" % (n_tests, name), flush=True)
            print("# " + str(e).replace("\n", "\n# "), flush=True)
        return fn
    return deco


CRLF = b"\r\n"


def v(text):                            # verbose result
    return CRLF + text + CRLF


# ---------------------------------------------------------------- over --pty
try:
    sim = Sim("pty")
except Exception as e:
    print("not ok 1 start modemsim --pty\n# %s\n1..1" % e)
    sys.exit(1)
d = lambda: sim.dte                     # noqa: E731


@test("pty: AT is echoed and answered OK")
def _():
    d().expect(b"AT\r", b"AT\r" + v(b"OK"))
    d().expect(b"aT\r", b"aT\r" + v(b"OK"))


@test("LF ignored inside a line, S3 ends it")
def _():
    d().expect(b"AT\nI\r", b"AT\nI\r" + v(b"modemsim") + v(b"OK"))


@test("ATE0: no more echo")
def _():
    d().expect(b"ATE0\r", b"ATE0\r" + v(b"OK"))
    d().expect(b"AT\r", v(b"OK"))
    check(sim.status()["echo"] == "0", "status echo != 0")


@test("chained commands, S-registers, ATI")
def _():
    d().expect(b"ATE0V1Q0X4&C1&D2M1L2S0=0\r", v(b"OK"))
    d().expect(b"AT S7=45 S7? I\r", v(b"045") + v(b"modemsim") + v(b"OK"))
    d().expect(b"ATS12?\r", v(b"005") + v(b"OK"))
    d().expect(b"AT+FCLASS=0;+CLIP=0#CID=0\r", v(b"OK"))


@test("unknown commands and bad values give ERROR")
def _():
    d().expect(b"ATJ\r", v(b"ERROR"))
    d().expect(b"ATE5\r", v(b"ERROR"))
    d().expect(b"AT+FOO=1\r", v(b"ERROR"))
    d().expect(b"ATS300=1\r", v(b"ERROR"))
    d().expect(b"AT&\r", v(b"ERROR"))


@test("backspace edits the line, A/ repeats it")
def _():
    d().expect(b"ATJ\x08\r", v(b"OK"))
    d().expect(b"ATI\r", v(b"modemsim") + v(b"OK"))
    d().expect(b"A/", v(b"modemsim") + v(b"OK"))


@test("ATQ1 suppresses result codes")
def _():
    d().w(b"ATQ1\r")
    d().quiet(0.2, "no result with Q1")
    d().w(b"AT\r")
    d().quiet(0.1, "no result with Q1")
    d().expect(b"ATQ0\r", v(b"OK"))


@test("ATD: CONNECT 33600, then data is echoed")
def _():
    d().expect(b"ATD T555-1234\r", v(b"CONNECT 33600"))
    s = sim.status()
    check(s["mode"] == "data" and s["call"] == "1", "status %s" % s)
    check(s["number"] == "5551234", "number %r" % s["number"])
    d().expect(b"hello\x00\xff\r\n", b"hello\x00\xff\r\n")


@test("+++ without guard times is data")
def _():
    time.sleep(GUARD * 1.5)
    d().w(b"+++x")                      # x follows at once: not an escape
    got = d().until(b"+++x", 1)
    check(got == b"+++x", "got %r" % got)
    d().expect(b"a+++b", b"a+++b")
    d().expect(b"c+++", b"c+++")       # no silence before: data at once
    d().quiet(GUARD * 3, "no OK")
    check(sim.status()["mode"] == "data", "left data mode")


@test("+++ with guard times: OK, online command mode")
def _():
    sim.escape()
    s = sim.status()
    check(s["mode"] == "command" and s["call"] == "1", "status %s" % s)
    check(s["bytes_in"] == s["bytes_out"] == "22", "counters %s" % s)
    d().expect(b"AT\r", v(b"OK"))


@test("ATO returns to data mode")
def _():
    d().expect(b"ATO\r", v(b"CONNECT 33600"))
    d().expect(b"xyz", b"xyz")
    sim.escape()


@test("escape-delay: the OK to +++ comes that much after the guard")
def _():
    d().expect(b"ATO\r", v(b"CONNECT 33600"))
    sim.ctl("escape-delay 400")
    time.sleep(GUARD * 1.5)
    d().w(b"+++")
    t0 = time.time()
    got = d().until(b"OK\r\n", 3)
    took = time.time() - t0
    check(got == b"\r\nOK\r\n", "+++: got %r" % got)
    check(took >= GUARD + 0.38, "OK after %.3f s, before guard + 400 ms" % took)
    sim.ctl("escape-delay 0")


@test("ATH hangs up: OK; ATO then NO CARRIER")
def _():
    d().expect(b"ATH\r", v(b"OK"))
    s = sim.status()
    check(s["mode"] == "command" and s["call"] == "0", "status %s" % s)
    d().expect(b"ATO\r", v(b"NO CARRIER"))
    d().expect(b"ATH0\r", v(b"OK"))


@test("ATV0: numeric result codes")
def _():
    d().expect(b"ATV0\r", b"0\r")
    d().expect(b"ATJ\r", b"4\r")
    d().expect(b"ATD1\r", b"1\r")
    d().expect(b"data", b"data")
    time.sleep(GUARD * 1.5)
    d().expect(b"+++", b"0\r")
    d().expect(b"ATH\r", b"0\r")
    sim.ctl("result busy")
    d().expect(b"ATD1\r", b"7\r")
    sim.ctl("result connect")
    d().expect(b"ATV1\r", v(b"OK"))


for res, text in [("busy", b"BUSY"), ("noanswer", b"NO ANSWER"),
                  ("nocarrier", b"NO CARRIER"),
                  ("nodialtone", b"NO DIALTONE"), ("error", b"ERROR")]:
    @test("result %s: %s" % (res, text.decode()))
    def _(res=res, text=text):
        sim.ctl("result " + res)
        d().expect(b"ATD5551234\r", v(text))
        s = sim.status()
        check(s["mode"] == "command" and s["call"] == "0", "status %s" % s)
        d().expect(b"AT\r", v(b"OK"))
        sim.ctl("result connect")


@test("result silent: no reply; a character aborts with NO CARRIER")
def _():
    sim.ctl("result silent")
    d().w(b"ATD1\r")
    d().quiet(0.4, "no reply to a silent dial")
    check(sim.status()["mode"] == "dialing", "not dialing")
    d().expect(b"\r", v(b"NO CARRIER"))
    sim.ctl("result connect")
    d().expect(b"AT\r", v(b"OK"))


@test("answer-delay; a character while dialing aborts")
def _():
    sim.ctl("answer-delay 300")
    t0 = time.time()
    d().expect(b"ATD1\r\n", v(b"CONNECT 33600"))    # LF: no abort
    check(time.time() - t0 >= 0.28, "CONNECT came too early")
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    sim.ctl("answer-delay 2000")
    d().w(b"ATD1\r")
    time.sleep(0.1)
    t0 = time.time()
    d().expect(b"x", v(b"NO CARRIER"))
    check(time.time() - t0 < 1, "abort was not immediate")
    check(sim.status()["mode"] == "command", "still dialing")
    sim.ctl("answer-delay 0")


@test("rate 0: plain CONNECT; rate and connect-suffix")
def _():
    sim.ctl("rate 0")
    d().expect(b"ATD1\r", v(b"CONNECT"))
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    sim.ctl("rate 9600")
    sim.ctl("connect-suffix /ARQ/V32")
    d().expect(b"ATD1\r", v(b"CONNECT 9600/ARQ/V32"))
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    sim.ctl("connect-suffix")
    sim.ctl("rate 33600")


@test("control hangup in data mode: NO CARRIER, command mode")
def _():
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    s = sim.status()
    check(s["mode"] == "command" and s["call"] == "0", "status %s" % s)
    check(sim.ctl("hangup", ok=False).startswith("error"),
          "hangup without a call accepted")
    d().expect(b"AT\r", v(b"OK"))


@test("hangup-after: remote hangs up after the delay")
def _():
    sim.ctl("hangup-after 200")
    t0 = time.time()
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    d().expect(b"", v(b"NO CARRIER"))
    check(0.18 <= time.time() - t0 < 1, "hangup after %.3f s" %
          (time.time() - t0))
    sim.ctl("hangup-after 0")


@test("data sink: bytes swallowed and counted")
def _():
    sim.ctl("data sink")
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    d().w(b"abcdef")
    d().quiet(0.2, "no echo in sink mode")
    sim.wait_status("bytes_in", "6")
    check(sim.status()["bytes_out"] == "0", "bytes_out != 0")
    sim.escape()
    d().expect(b"ATH\r", v(b"OK"))
    sim.ctl("data echo")


@test("ATD...; voice dial returns OK in command mode")
def _():
    d().expect(b"ATD5551234;\r", v(b"OK"))
    s = sim.status()
    check(s["mode"] == "command" and s["number"] == "5551234", "%s" % s)


@test("ring with AT#CID=1 and AT+CLIP=1")
def _():
    d().expect(b"AT#CID=1;+CLIP=1\r", v(b"OK"))
    sim.ctl("ring 5551234 2 300")
    got = d().until(b'",129\r\n', 1)
    check(re.fullmatch(rb'\r\nRING\r\n\r\nDATE = \d{4}\r\nTIME = \d{4}\r\n'
                       rb'NMBR = 5551234\r\n\r\n\+CLIP: "5551234",129\r\n',
                       got), "first ring: %r" % got)
    check(sim.status()["mode"] == "ringing", "not ringing")
    d().expect(b"", v(b"RING") + v(b'+CLIP: "5551234",129'))
    d().quiet(0.2, "only 2 rings")
    sim.wait_status("mode", "command", 1)       # ran out
    d().expect(b"ATA\r", v(b"NO CARRIER"))
    d().expect(b"AT#CID=0;+CLIP=0\r", v(b"OK"))


@test("ATA while ringing: CONNECT")
def _():
    sim.ctl("ring +4930123 5 2000")
    d().expect(b"", v(b"RING"))
    d().expect(b"ATA\r", v(b"CONNECT 33600"))
    s = sim.status()
    check(s["mode"] == "data" and s["caller"] == "+4930123", "%s" % s)
    d().expect(b"hi", b"hi")
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    d().quiet(0.1, "no more RING")


@test("ring-stop; no ringing during a call")
def _():
    sim.ctl("ring 1 5 600")
    d().expect(b"", v(b"RING"))
    sim.ctl("ring-stop")
    d().quiet(0.8, "no RING after ring-stop")
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    check(sim.ctl("ring 2", ok=False).startswith("error"), "ring in a call")
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))


@test("S0=1 auto-answers on the first ring")
def _():
    d().expect(b"ATS0=1\r", v(b"OK"))
    sim.ctl("ring 42 3 1000")
    d().expect(b"", v(b"RING") + v(b"CONNECT 33600"))
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    d().expect(b"ATS0=0\r", v(b"OK"))


@test("send and sendraw inject lines")
def _():
    sim.ctl("send +CRING: VOICE")
    d().expect(b"", b"+CRING: VOICE\r\n")
    sim.ctl(r"sendraw \r\nCONN\x00")
    d().expect(b"", b"\r\nCONN\x00")


@test("sendraw: the escapes mlinectl's send decodes, the same way")
def _():
    sim.ctl(r"sendraw \x4a\x4B\\\t\xff\\x41")
    d().expect(b"", b"JK\\\t\xff\\x41")


@test("sendraw: a bad escape is an error and sends nothing")
def _():
    for text, bad in ((r"a\xZZb", r"\xZZ"), (r"a\x4", r"\x4"), (r"a\qb", r"\qb"),
                      ("a\\", "\\")):
        r = sim.ctl("sendraw " + text, ok=False)
        check(r.startswith("error: bad escape '%s'" % bad) and r"\xHH" in r,
              "sendraw %s: %r" % (text, r))
    d().quiet(0.2, "nothing sent")


@test("garbage to the DTE, in command and data mode")
def _():
    sim.ctl("garbage 5000")
    got = d().read_for(0.3)
    check(len(got) == 5000, "got %d bytes" % len(got))
    check(b"\x00" in got and b"\xff" in got and b"\r" in got, "no 0/ff/CR")
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    sim.ctl("garbage 300")
    check(len(d().read_for(0.2)) == 300, "data-mode garbage")
    check(sim.status()["bytes_out"] == "300", "not counted as data")
    sim.ctl("hangup")
    d().expect(b"", v(b"NO CARRIER"))
    d().expect(b"AT\r", v(b"OK"))


@test("garbage from the DTE does not break the modem")
def _():
    rnd = random.Random(7)
    junk = bytes(rnd.randrange(256) for _ in range(20000))
    junk += b"CONN\r\nATATAT\x08\x08+++AT\x00\xff\r" + b"A" * 600 + b"\r"
    for i in range(0, len(junk), 997):
        d().w(junk[i:i + 997])
    d().read_for(0.3)
    check(sim.p.poll() is None, "modemsim died")
    sim.ctl("reset")                    # junk may have dialed or set E0
    d().read_for(0.1)
    d().expect(b"AT\r", b"AT\r" + v(b"OK"))
    d().expect(b"AT" + b"I" * 300 + b"\r", b"AT" + b"I" * 300 + b"\r" +
               v(b"ERROR"))             # over-long line


@test("ATZ restores the startup settings")
def _():
    d().expect(b"ATE0V0\r", b"ATE0V0\r0\r")
    d().expect(b"ATZ\r", v(b"OK"))
    d().expect(b"AT\r", b"AT\r" + v(b"OK"))


# ------------------------------------------- modem-control lines, simulated
# Over a pty the control command "dtr" plays the DTE's DTR; "dcd" in the
# status is the carrier modemsim would drive on a --tty with lines.
@test("&C and &D are in the status; &C0 carrier always, &C1 with a call")
def _():
    s = sim.status()
    check(s["lines"] == "0" and s["dtr"] == "1" and s["cts"] == "1" and
          s["amp_c"] == "1" and s["amp_d"] == "2" and s["dcd"] == "0" and
          s["carrier"] == "1", "defaults %s" % s)
    d().expect(b"AT&C0&D1\r", b"AT&C0&D1\r" + v(b"OK"))
    s = sim.status()
    check(s["amp_c"] == "0" and s["amp_d"] == "1" and s["dcd"] == "1",
          "&C0&D1: %s" % s)
    d().expect(b"AT&C1\r", b"AT&C1\r" + v(b"OK"))
    check(sim.status()["dcd"] == "0", "&C1 without a call: DCD on")
    d().expect(b"ATD1\r", b"ATD1\r" + v(b"CONNECT 33600"))
    check(sim.status()["dcd"] == "1", "&C1 in a call: DCD off")
    sim.escape()
    check(sim.status()["dcd"] == "1", "online command mode: DCD off")
    d().expect(b"ATH\r", b"ATH\r" + v(b"OK"))
    check(sim.status()["dcd"] == "0", "after ATH: DCD on")
    d().expect(b"ATZ\r", b"ATZ\r" + v(b"OK"))
    s = sim.status()
    check(s["amp_c"] == "1" and s["amp_d"] == "2", "ATZ: %s" % s)


@test("&D2: a DTR drop hangs up the call (OK) and is counted")
def _():
    s0 = sim.status()
    d().expect(b"ATE0D1\r", b"ATE0D1\r" + v(b"CONNECT 33600"))
    d().expect(b"abc", b"abc")
    sim.ctl("dtr off")
    d().expect(b"", v(b"OK"))
    s = sim.status()
    check(s["call"] == "0" and s["mode"] == "command" and s["dcd"] == "0"
          and s["dtr"] == "0", "%s" % s)
    check(int(s["dtr_drops"]) == int(s0["dtr_drops"]) + 1, "dtr_drops %s" % s)
    check(s["escapes"] == s0["escapes"], "counted as an escape")
    sim.ctl("dtr off")                  # no edge: nothing
    sim.ctl("dtr on")
    d().quiet(0.1)
    check(sim.status()["dtr_drops"] == s["dtr_drops"], "not an edge")
    d().expect(b"AT\r", v(b"OK"))


@test("&D1: a DTR drop goes to online command mode, the call stays up")
def _():
    d().expect(b"AT&D1D1\r", v(b"CONNECT 33600"))
    time.sleep(GUARD * 1.5)
    d().w(b"+")                         # held back as a possible escape
    time.sleep(GUARD / 4)
    sim.ctl("dtr off")
    d().expect(b"", b"+" + v(b"OK"))    # the + was data
    s = sim.status()
    check(s["call"] == "1" and s["mode"] == "command" and s["dcd"] == "1",
          "%s" % s)
    sim.ctl("dtr on")
    d().expect(b"ATO\r", v(b"CONNECT 33600"))
    d().expect(b"xy", b"xy")
    sim.escape()
    d().expect(b"ATH&D2\r", v(b"OK"))


@test("&D0: a DTR drop is ignored; the escape still ends the call")
def _():
    d().expect(b"AT&D0D1\r", v(b"CONNECT 33600"))
    sim.ctl("dtr off")
    d().expect(b"q", b"q")
    s = sim.status()
    check(s["mode"] == "data" and s["dtr"] == "0", "%s" % s)
    sim.ctl("dtr on")
    e0 = int(s["escapes"])
    sim.escape()
    check(int(sim.status()["escapes"]) == e0 + 1, "escape not counted")
    d().expect(b"ATH&D2\r", v(b"OK"))


@test("&D2 while dialing: the dial ends with NO CARRIER")
def _():
    sim.ctl("answer-delay 2000")
    d().w(b"ATD1\r")
    sim.wait_status("mode", "dialing")
    sim.ctl("dtr off")
    d().expect(b"", v(b"NO CARRIER"))
    check(sim.status()["mode"] == "command", "still dialing")
    sim.ctl("dtr on")
    sim.ctl("answer-delay 0")


@test("&D3: a DTR drop hangs up and restores the profile")
def _():
    d().expect(b"AT&D3V0\r", b"0\r")
    d().expect(b"ATD1\r", b"1\r")
    sim.ctl("dtr off")
    d().expect(b"", v(b"OK"))           # verbose again: the profile
    s = sim.status()
    check(s["call"] == "0" and s["amp_d"] == "2" and s["verbose"] == "1",
          "%s" % s)
    sim.ctl("dtr on")
    d().expect(b"ATE0\r", b"ATE0\r" + v(b"OK"))


@test("no auto-answer while DTR is down")
def _():
    d().expect(b"ATS0=1\r", v(b"OK"))
    sim.ctl("dtr off")
    sim.ctl("ring 42 1 300")
    d().expect(b"", v(b"RING"))
    d().quiet(0.1, "no CONNECT")
    sim.ctl("ring-stop")
    sim.ctl("dtr on")
    d().expect(b"ATS0=0\r", v(b"OK"))


@test("carrier off: the call ends without a result code; carrier on")
def _():
    d().expect(b"ATD1\r", v(b"CONNECT 33600"))
    sim.ctl("carrier off")
    d().quiet(0.2, "no NO CARRIER")
    s = sim.status()
    check(s["call"] == "0" and s["mode"] == "command" and s["dcd"] == "0"
          and s["carrier"] == "0", "%s" % s)
    d().expect(b"AT&C0\r", v(b"OK"))
    check(sim.status()["dcd"] == "0", "carrier off, &C0: DCD on")
    sim.ctl("carrier on")
    check(sim.status()["dcd"] == "1", "carrier on, &C0: DCD off")
    d().expect(b"AT&C1\r", v(b"OK"))
    sim.ctl("carrier off")
    sim.ctl("reset")                    # reset: carrier on again
    s = sim.status()
    check(s["carrier"] == "1" and s["echo"] == "1", "%s" % s)
    for bad in ("carrier", "carrier maybe", "dtr", "dtr 1"):
        check(sim.ctl(bad, ok=False).startswith("error: usage"), bad)
    d().expect(b"AT\r", b"AT\r" + v(b"OK"))


@test("pty: slave closed mid-call ends the call; reopen works")
def _():
    d().expect(b"ATD1\r", b"ATD1\r" + v(b"CONNECT 33600"))
    sim.close_pty()
    s = sim.wait_status("peer", "0")
    check(s["call"] == "0" and s["mode"] == "command", "%s" % s)
    sim.open_pty()
    sim.wait_status("peer", "1")
    d().expect(b"AT\r", b"AT\r" + v(b"OK"))


@test("status line format")
def _():
    r = sim.ctl("status")
    for k in ("mode", "call", "number", "caller", "echo", "verbose",
              "bytes_in", "bytes_out", "calls", "result", "rate", "peer",
              "lines", "dtr", "dcd", "cts", "carrier", "amp_c", "amp_d",
              "dtr_drops", "escapes", "held", "last_call", "last_call_in",
              "last_call_out", "exec_pid", "exec_queued"):
        check(re.search(r"\b%s=" % k, r), "no %s in %r" % (k, r))
    check(sim.ctl("bogus", ok=False).startswith("error: "), "bogus ok")
    check(sim.ctl("result maybe", ok=False).startswith("error: "), "bad ok")


@test("quit: exits 0, removes the control socket")
def _():
    sim.ctl("quit")
    check(sim.p.wait(5) == 0, "exit status %s" % sim.p.returncode)
    check(not os.path.exists(sim.ctl_path), "control socket left")
    sim.close_pty()


# ------------------------------------------------------------ CLI settings
@test("CLI --ring --rings --ring-interval --clip --echo 0")
def _():
    s = Sim("pty", ["--ring", "5550000", "--rings", "2", "--ring-interval",
                    "200", "--clip", "--echo", "0", "--result", "busy"])
    try:
        exp = v(b"RING") + v(b'+CLIP: "5550000",129')
        s.dte.expect(b"", exp * 2, 2)
        s.dte.expect(b"ATD1\r", v(b"BUSY"))
    finally:
        s.stop()


@test("-V, --version; --help lists them and the exit statuses")
def _():
    for opt in ("-V", "--version"):
        r = subprocess.run([MODEMSIM, opt], capture_output=True, timeout=5)
        check(r.returncode == 0 and re.match(rb"modemsim \d+\.\d+\n$", r.stdout),
              "%s: %d %r" % (opt, r.returncode, r.stdout))
    r = subprocess.run([MODEMSIM, "--help"], capture_output=True, timeout=5)
    check(b"-V, --version" in r.stdout and b"Exit status" in r.stdout,
          "--help: %r" % r.stdout)
    r = subprocess.run([MODEMSIM, "--bogus"], capture_output=True, timeout=5)
    check(r.returncode == 2, "bad usage: exit %d" % r.returncode)


@test("modemsim(1): no warnings from groff -ww and man --warnings")
def _():
    page = os.path.join(os.path.dirname(MODEMSIM_SRC), "man", "modemsim.1")
    check(os.path.exists(page), "no " + page)
    for cmd in (["groff", "-ww", "-man", "-z", page],
                ["man", "--warnings", "-l", page]):
        r = subprocess.run(cmd, capture_output=True, timeout=30,
                           env=dict(os.environ, MANWIDTH="80"))
        check(r.returncode == 0 and not r.stderr,
              "%s: %d %s" % (" ".join(cmd), r.returncode, r.stderr.decode()))


# ---------------------------------------------------------------- over --tty
@test("--tty on a pty: no modem-control lines is a clear error")
def _():
    m, s = os.openpty()
    try:
        name = os.ttyname(s)
        r = subprocess.run([MODEMSIM, "--tty", name], capture_output=True,
                           timeout=5)
        check(r.returncode == 1 and re.match(
            rb"modemsim: --tty %s: no modem-control lines \(TIOCMGET: .*\)"
            % name.encode(), r.stderr), "%d %r" % (r.returncode, r.stderr))
        r = subprocess.run([MODEMSIM, "--tty", "/dev/null"],
                           capture_output=True, timeout=5)
        check(r.returncode == 1 and b"not a tty" in r.stderr, "%r" % r.stderr)
        r = subprocess.run([MODEMSIM, "--tty", TMP + "/none"],
                           capture_output=True, timeout=5)
        check(r.returncode == 1 and b"No such file" in r.stderr,
              "%r" % r.stderr)
        for args in (["--no-lines"], ["--pty", "--tty", name]):
            r = subprocess.run([MODEMSIM] + args, capture_output=True,
                               timeout=5)
            check(r.returncode == 2, "%s: exit %d" % (args, r.returncode))
    finally:
        os.close(m)
        os.close(s)


@test("--tty --no-lines serves a pty: dial, data, dtr, carrier off")
def _():
    m, sl = os.openpty()
    name = os.ttyname(sl)
    tty.setraw(m)
    os.set_blocking(m, False)
    ctl = os.path.join(TMP, "ttyctl")
    p = subprocess.Popen([MODEMSIM, "--tty", name, "--no-lines", "--control",
                          ctl, "--guard", "100"] + (["-v"] if VERBOSE else []))
    try:
        end = time.time() + 5
        while not os.path.exists(ctl):
            check(time.time() < end, "no control socket")
            time.sleep(0.01)
        c = socket.socket(socket.AF_UNIX)
        c.settimeout(5)
        c.connect(ctl)
        cf = c.makefile("rw")

        def status():
            cf.write("status\n")
            cf.flush()
            return dict(kv.split("=", 1) for kv in cf.readline().split()[1:])
        dte = Dte(m)
        dte.expect(b"AT\r", b"AT\r" + v(b"OK"))
        s = status()
        check(s["lines"] == "0" and s["peer"] == "1", "%s" % s)
        dte.expect(b"ATD1\r", b"ATD1\r" + v(b"CONNECT 33600"))
        dte.expect(b"data", b"data")
        cf.write("dtr off\n")
        cf.flush()
        check(cf.readline() == "ok\n", "dtr off")
        dte.expect(b"", v(b"OK"))
        check(status()["call"] == "0", "DTR drop did not hang up")
        cf.write("dtr on\nquit\n")
        cf.flush()
        check(p.wait(5) == 0, "exit %s" % p.returncode)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(m)
        os.close(sl)


# A tty with modem-control lines, faked: an LD_PRELOAD shim answers
# modemsim's TIOCMGET/TIOCMBIS/TIOCMBIC/TIOCGICOUNT on a pty from files the
# test writes (the DTE's lines) and records modemsim's DTR (the DTE's DCD).
SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/serial.h>
static const char *dir(void) { return getenv("SHIM_DIR"); }
static int rd(const char *n)
{
	char p[512]; FILE *f; int v = 0;
	snprintf(p, sizeof(p), "%s/%s", dir(), n);
	if ((f = fopen(p, "r"))) { if (fscanf(f, "%d", &v) != 1) v = 0; fclose(f); }
	return v;
}
static int dtr;
static void wr(void)
{
	char p[512]; FILE *f;
	snprintf(p, sizeof(p), "%s/dcd", dir());
	if ((f = fopen(p, "w"))) { fprintf(f, "%d\n", dtr); fclose(f); }
}
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap; void *arg;
	int (*real)(int, unsigned long, ...) = dlsym(RTLD_NEXT, "ioctl");
	va_start(ap, req); arg = va_arg(ap, void *); va_end(ap);
	switch (req) {
	case TIOCMGET: *(int *)arg = rd("in") | (dtr ? TIOCM_DTR : 0); return 0;
	case TIOCMBIS: if (*(int *)arg & TIOCM_DTR) dtr = 1; wr(); return 0;
	case TIOCMBIC: if (*(int *)arg & TIOCM_DTR) dtr = 0; wr(); return 0;
	case TIOCGICOUNT: {
		struct serial_icounter_struct *ic = arg;
		*ic = (struct serial_icounter_struct){ .dsr = rd("dsrcount") };
		return 0;
	}
	}
	return real(fd, req, arg);
}
"""


@test("--tty with (faked) lines: DCD by &C1, DTR drop, CTS holds output")
def _():
    DSR, CAR, CTS = 0x100, 0x040, 0x020
    sd = os.path.join(TMP, "shim")
    os.mkdir(sd)
    with open(sd + "/shim.c", "w") as f:
        f.write(SHIM_C)
    r = subprocess.run(["cc", "-shared", "-fPIC", "-o", sd + "/shim.so",
                        sd + "/shim.c", "-ldl"], capture_output=True)
    check(r.returncode == 0, "shim: %s" % r.stderr.decode())

    def put(name, value):               # atomic: modemsim polls it
        with open(sd + "/tmp", "w") as f:
            f.write("%d\n" % value)
        os.replace(sd + "/tmp", sd + "/" + name)

    def lines(v, pulses=None):
        put("in", v)
        if pulses is not None:
            put("dsrcount", pulses)

    def dcd():
        with open(sd + "/dcd") as f:
            return f.read().strip()
    lines(DSR | CAR | CTS, 0)
    m, sl = os.openpty()
    tty.setraw(m)
    os.set_blocking(m, False)
    ctl = os.path.join(sd, "ctl")
    p = subprocess.Popen([MODEMSIM, "--tty", os.ttyname(sl), "--control", ctl,
                          "--guard", "100"] + (["-v"] if VERBOSE else []),
                         env=dict(os.environ, LD_PRELOAD=sd + "/shim.so",
                                  SHIM_DIR=sd))
    try:
        end = time.time() + 5
        while not os.path.exists(ctl):
            check(time.time() < end, "no control socket")
            time.sleep(0.01)
        c = socket.socket(socket.AF_UNIX)
        c.settimeout(5)
        c.connect(ctl)
        cf = c.makefile("rw")

        def cmd(line):
            cf.write(line + "\n")
            cf.flush()
            return cf.readline().strip()

        def status():
            return dict(kv.split("=", 1) for kv in cmd("status").split()[1:])
        dte = Dte(m)
        s = status()
        check(s["lines"] == "1" and s["dtr"] == "1" and s["cts"] == "1" and
              s["dcd"] == "0" and dcd() == "0", "start: %s" % s)
        dte.expect(b"ATE0D1\r", b"ATE0D1\r" + v(b"CONNECT 33600"))
        check(dcd() == "1", "no DCD in a call")
        lines(CTS)                              # the DTE drops DTR: &D2
        dte.expect(b"", v(b"OK"))
        s = status()
        check(s["call"] == "0" and s["dtr"] == "0" and s["dtr_drops"] == "1"
              and dcd() == "0", "DTR drop: %s, DCD %s" % (s, dcd()))
        check(cmd("dtr on").startswith("error: the DTE drives DTR"), "dtr")
        lines(DSR | CAR | CTS)
        dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
        lines(DSR | CAR)                        # CTS low: held
        time.sleep(0.05)
        dte.w(b"hello")
        dte.quiet(0.2, "nothing while CTS is low")
        check(status()["held"] == "5", "held %s" % status()["held"])
        lines(DSR | CAR | CTS)
        dte.expect(b"", b"hello")
        dte.quiet(0.05)
        check(status()["held"] == "5", "held counted twice")
        lines(DSR | CAR | CTS, 2)               # a pulse between two looks
        dte.expect(b"", v(b"OK"))
        s = status()
        check(s["call"] == "0" and s["dtr_drops"] == "2", "pulse: %s" % s)
        check(cmd("quit") == "ok" and p.wait(5) == 0, "quit")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(m)
        os.close(sl)


# -------------------------------------------------------------- over --stdio
@test("stdio: AT, ATD, data, +++, ATH, ATV0, EOF")
def _():
    s = Sim("stdio")
    try:
        s.dte.expect(b"AT\r", b"AT\r" + v(b"OK"))
        s.dte.expect(b"ATE0\r", b"ATE0\r" + v(b"OK"))
        s.dte.expect(b"ATD 0123\r", v(b"CONNECT 33600"))
        s.dte.expect(b"ping", b"ping")
        s.escape()
        s.dte.expect(b"ATH\r", v(b"OK"))
        s.dte.expect(b"ATV0\r", b"0\r")
        s.ctl("result nocarrier")
        s.dte.expect(b"ATD1\r", b"3\r")
        s.p.stdin.close()
        check(s.p.wait(3) == 0, "exit status %s" % s.p.returncode)
    finally:
        s.stop()


# --------------------------------------------------------------- over --unix
@test("unix: serve, reconnect, unlink at exit")
def _():
    s = Sim("unix")
    try:
        for _ in range(2):
            c = socket.socket(socket.AF_UNIX)
            c.connect(s.unix_path)
            dte = Dte(c.fileno())
            dte.expect(b"AT\r", b"AT\r" + v(b"OK"))
            dte.expect(b"ATD1\r", b"ATD1\r" + v(b"CONNECT 33600"))
            c.close()
            s.wait_status("peer", "0")
            check(s.status()["call"] == "0", "call survived disconnect")
        check(s.stop() == 0, "exit status")
        check(not os.path.exists(s.unix_path), "socket left behind")
    finally:
        s.stop()


@test("unix: a DTE that does not read does not grow memory")
def _():
    s = Sim("unix")
    try:
        c = socket.socket(socket.AF_UNIX)
        c.connect(s.unix_path)
        dte = Dte(c.fileno())
        dte.expect(b"ATE0D1\r", b"ATE0D1\r" + v(b"CONNECT 33600"))
        c.setblocking(False)
        sent, chunk, end = 0, b"x" * 65536, time.time() + 3
        while sent < 64 << 20 and time.time() < end:
            try:
                sent += c.send(chunk)
            except BlockingIOError:
                r = select.select([], [c], [], 0.3)[1]
                if not r:
                    break               # modemsim stopped reading
        rss = 0
        with open("/proc/%d/status" % s.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        print("# DTE stopped after %d bytes; modemsim RSS %d kB" %
              (sent, rss))
        check(sent < 32 << 20, "modemsim swallowed %d bytes" % sent)
        check(rss < 20000, "modemsim RSS %d kB" % rss)
        c.setblocking(True)
        c.settimeout(5)
        got = 0
        while got < sent:               # everything comes back
            b = c.recv(1 << 20)
            if not b:
                break
            check(b.count(b"x") == len(b), "corrupted echo")
            got += len(b)
        check(got == sent, "echoed %d of %d" % (got, sent))
        c.close()
    finally:
        s.stop()


# ------------------------------------------------------------ 3GPP dialect
# A cellular modem (--dialect 3gpp): voice calls, +CLCC, +CHUP, +CEER,
# +CRC/+CRING, and the random unsolicited lines of "noise".
NOISE = [b"+CREG: 1", b"+CREG: 5", b"+CGREG: 1", b'+CMTI: "SM",3',
         b"+CIEV: 2,3", b"^RSSI: 15", b"^BOOT: 1234,0,0,0,75", b"^MODE: 5,4",
         b"*EMRDY: 1", b"+CUSD: 0", b"^SIMST: 1"]


def strip_noise(got):
    """got without its whole noise lines, and how many there were."""
    n = 0
    for line in NOISE:
        n += got.count(CRLF + line + CRLF)
        got = got.replace(CRLF + line + CRLF, b"")
    return got, n


def read_clean(dte, pattern, timeout=2.0):
    """Read until pattern is there once the noise is out, at a line end."""
    out, end = b"", time.time() + timeout
    while True:
        clean, n = strip_noise(out)
        left = end - time.time()
        if (pattern in clean and out.endswith(CRLF)) or left <= 0:
            return clean, n
        out += dte.until(CRLF, left)


def expect_clean(dte, data, exp, timeout=2.0):
    """As Dte.expect, with noise lines anywhere in between; their count."""
    if data:
        dte.w(data)
    clean, n = read_clean(dte, exp, timeout)
    check(clean == exp, "sent %r: expected %r (and noise), got %r" %
          (data, exp, clean))
    return n


def clcc(stat, dir=0, mode=0, number=b"5551234"):
    typ = b"145" if number.startswith(b"+") else b"129"
    return v(b'+CLCC: 1,%d,%d,%d,0,"%s",%s' % (dir, stat, mode, number, typ))


try:
    g = Sim("pty", ["--dialect", "3gpp", "--alert-delay", "150",
                    "--answer-delay", "150"])
    g.dte.expect(b"ATE0\r", b"ATE0\r" + v(b"OK"))
except Exception as e:
    print("not ok %d start modemsim --dialect 3gpp\n# %s" % (n_tests + 1, e))
    print("1..%d" % (n_tests + 1))
    sys.exit(1)
gd = lambda: g.dte                      # noqa: E731


@test("3gpp: status has dialect, voice, clcc_stat, chup, clcc, noise")
def _():
    s = g.status()
    check(s["dialect"] == "3gpp" and s["voice"] == "0" and
          s["clcc_stat"] == "-1" and s["chup"] == "0" and s["clcc"] == "0"
          and s["noise"] == "0", "%s" % s)
    keys = [kv.split("=", 1)[0] for kv in g.ctl("status").split()[1:]]
    check(keys.index("dialect") == keys.index("held") + 1 and
          keys.index("last_call") == keys.index("noise") + 1,
          "not appended in order: %s" % keys)


@test("3gpp: AT+GCAP lists +CGSM")
def _():
    gd().expect(b"AT+GCAP\r", v(b"+GCAP: +CGSM,+DS,+ES") + v(b"OK"))


@test("3gpp: no call: +CLCC is just OK, +CEER has no cause yet")
def _():
    gd().expect(b"AT+CLCC\r", v(b"OK"))
    gd().expect(b"AT+CEER\r", v(b"+CEER: No cause information") + v(b"OK"))
    check(g.status()["clcc"] == "1", "AT+CLCC not counted")


@test("3gpp: ATD<n>; OK at once, +CLCC stat 2, 3 after alert-delay, 0")
def _():
    t0 = time.time()
    gd().expect(b"ATD+4930123;\r", v(b"OK"))
    check(time.time() - t0 < 0.1, "OK after %.3f s" % (time.time() - t0))
    gd().expect(b"AT+CLCC\r", clcc(2, number=b"+4930123") + v(b"OK"))
    s = g.status()
    check(s["voice"] == "1" and s["call"] == "0" and s["mode"] == "command"
          and s["clcc_stat"] == "2", "%s" % s)
    g.wait_status("clcc_stat", "3")
    check(time.time() - t0 >= 0.14, "alerting after %.3f s" %
          (time.time() - t0))
    gd().expect(b"AT+CLCC\r", clcc(3, number=b"+4930123") + v(b"OK"))
    g.wait_status("clcc_stat", "0")
    check(time.time() - t0 >= 0.29, "active after %.3f s" %
          (time.time() - t0))
    gd().expect(b"AT+CLCC\r", clcc(0, number=b"+4930123") + v(b"OK"))
    gd().quiet(0.1, "no unsolicited line when the call connects")


@test("3gpp: during a voice call bytes are commands; ATD again is ERROR")
def _():
    gd().expect(b"xyz\rAT\r", v(b"OK"))
    gd().expect(b"ATD5;\r", v(b"ERROR"))
    gd().expect(b"ATD5\r", v(b"ERROR"))
    gd().expect(b"ATA\r", v(b"ERROR"))
    check(g.status()["voice"] == "1", "the call did not survive")


@test("3gpp: AT+CHUP ends the voice call with OK, is counted")
def _():
    c0 = int(g.status()["chup"])
    gd().expect(b"AT+CHUP\r", v(b"OK"))
    gd().expect(b"AT+CLCC\r", v(b"OK"))
    s = g.status()
    check(s["voice"] == "0" and s["clcc_stat"] == "-1" and
          int(s["chup"]) == c0 + 1, "%s" % s)
    gd().expect(b"AT+CEER\r", v(b"+CEER: Normal call clearing") + v(b"OK"))
    gd().expect(b"AT+CHUP\r", v(b"OK"))    # no call: OK too
    check(int(g.status()["chup"]) == c0 + 2, "chup not counted")


for res, text, cause in [
        ("busy", b"BUSY", b"User busy"),
        ("noanswer", b"NO ANSWER", b"No user responding"),
        ("nocarrier", b"NO CARRIER", b"Normal call clearing"),
        ("rejected", b"NO CARRIER", b"Call rejected"),
        ("released", b"NO CARRIER", b"Network out of order"),
        ("nodialtone", b"NO CARRIER", b"No circuit/channel available")]:
    @test("3gpp: voice result %s: %s, +CEER: %s" %
          (res, text.decode(), cause.decode()))
    def _(res=res, text=text, cause=cause):
        g.ctl("result " + res)
        g.ctl("alert-delay 20")
        g.ctl("answer-delay 20")
        try:
            gd().expect(b"ATD5551234;\r", v(b"OK"))
            gd().expect(b"", v(text))
            gd().expect(b"AT+CLCC\r", v(b"OK"))
            gd().expect(b"AT+CEER\r", v(b"+CEER: " + cause) + v(b"OK"))
            check(g.status()["voice"] == "0", "call left")
        finally:
            g.ctl("result connect")


@test("3gpp: result error: ATD<n>; is ERROR at once, no call")
def _():
    g.ctl("result error")
    gd().expect(b"ATD1;\r", v(b"ERROR"))
    check(g.status()["voice"] == "0", "a call")
    g.ctl("result connect")


@test("3gpp: result silent: alerting for ever; ATH ends it with OK")
def _():
    g.ctl("result silent")
    gd().expect(b"ATD1;\r", v(b"OK"))
    g.wait_status("clcc_stat", "3")
    gd().quiet(0.3, "no end line")
    check(g.status()["clcc_stat"] == "3", "not alerting")
    gd().expect(b"ATH\r", v(b"OK"))
    check(g.status()["voice"] == "0", "ATH did not end it")
    g.ctl("result connect")


@test("3gpp: ceer TEXT is the cause of the next end only")
def _():
    g.ctl("result busy")
    g.ctl("ceer Operator determined barring")
    for cause in (b"Operator determined barring", b"User busy"):
        gd().expect(b"ATD1;\r", v(b"OK"))
        gd().expect(b"", v(b"BUSY"))
        gd().expect(b"AT+CEER\r", v(b"+CEER: " + cause) + v(b"OK"))
    g.ctl("result connect")


@test("3gpp: remote hangup: NO CARRIER; hangup silent: it leaves +CLCC")
def _():
    gd().expect(b"ATD1;\r", v(b"OK"))
    g.wait_status("clcc_stat", "0")
    g.ctl("hangup")
    gd().expect(b"", v(b"NO CARRIER"))
    gd().expect(b"ATD1;\r", v(b"OK"))
    g.wait_status("clcc_stat", "0")
    g.ctl("ceer Remote went quiet")
    g.ctl("hangup silent")
    gd().quiet(0.2, "no line for a silent hang-up")
    gd().expect(b"AT+CLCC\r", v(b"OK"))
    gd().expect(b"AT+CEER\r", v(b"+CEER: Remote went quiet") + v(b"OK"))
    check(g.ctl("hangup silent", ok=False) == "error: no call", "no call")
    check(g.ctl("hangup loud", ok=False).startswith("error: usage"), "usage")


@test("3gpp: +CRC=1: +CRING: VOICE, +CLIP, +CLCC stat 4; ATA gives OK")
def _():
    gd().expect(b"AT+CRC=1;+CLIP=1\r", v(b"OK"))
    gd().expect(b"AT+CRC?\r", v(b"+CRC: 1") + v(b"OK"))
    g.ctl("ring +4930123 3 400")
    gd().expect(b"", v(b"+CRING: VOICE") + v(b'+CLIP: "+4930123",145'))
    gd().expect(b"AT+CLCC\r", clcc(4, 1, 0, b"+4930123") + v(b"OK"))
    gd().expect(b"ATA\r", v(b"OK"))
    s = g.status()
    check(s["voice"] == "1" and s["mode"] == "command" and s["call"] == "0"
          and s["caller"] == "+4930123", "%s" % s)
    gd().expect(b"AT+CLCC\r", clcc(0, 1, 0, b"+4930123") + v(b"OK"))
    gd().quiet(0.6, "no ring after the answer")
    gd().expect(b"AT+CHUP\r", v(b"OK"))


@test("3gpp: +CRC=0: RING; unanswered, the call leaves +CLCC; ATH rejects")
def _():
    gd().expect(b"AT+CRC=0\r", v(b"OK"))
    g.ctl("ring 5551234 1 200")
    gd().expect(b"", v(b"RING") + v(b'+CLIP: "5551234",129'))
    g.wait_status("mode", "command")
    gd().expect(b"AT+CLCC\r", v(b"OK"))
    g.ctl("ring 5551234 5 400")
    gd().expect(b"", v(b"RING") + v(b'+CLIP: "5551234",129'))
    gd().expect(b"ATH\r", v(b"OK"))
    gd().expect(b"AT+CLCC\r", v(b"OK"))
    gd().expect(b"AT+CEER\r", v(b"+CEER: Call rejected") + v(b"OK"))
    gd().quiet(0.6, "ringing went on")


@test("3gpp: a data ring: +CRING: REL ASYNC, ATA CONNECT, +CLCC mode 1")
def _():
    g.ctl("answer-delay 0")
    gd().expect(b"AT+CRC=1\r", v(b"OK"))
    g.ctl("ring 5550000 2 1000 data")
    gd().expect(b"", v(b"+CRING: REL ASYNC") + v(b'+CLIP: "5550000",129'))
    gd().expect(b"AT+CLCC\r", clcc(4, 1, 1, b"5550000") + v(b"OK"))
    gd().expect(b"ATA\r", v(b"CONNECT 33600"))
    gd().expect(b"abc", b"abc")
    g.escape()
    gd().expect(b"AT+CLCC\r", clcc(0, 1, 1, b"5550000") + v(b"OK"))
    gd().expect(b"AT+CHUP\r", v(b"OK"))
    s = g.status()
    check(s["call"] == "0" and s["clcc_stat"] == "-1", "%s" % s)
    gd().expect(b"AT+CRC=0;+CLIP=0\r", v(b"OK"))


@test("3gpp: a data dial ATD<n> still CONNECTs and carries data")
def _():
    gd().expect(b"ATD0123\r", v(b"CONNECT 33600"))
    gd().expect(b"hello\x00\xff", b"hello\x00\xff")
    s = g.status()
    check(s["mode"] == "data" and s["call"] == "1" and s["voice"] == "0",
          "%s" % s)
    g.escape()
    gd().expect(b"AT+CLCC\r", clcc(0, 0, 1, b"0123") + v(b"OK"))
    gd().expect(b"ATH\r", v(b"OK"))
    gd().expect(b"AT+CEER\r", v(b"+CEER: Normal call clearing") + v(b"OK"))


@test("3gpp: a DTR drop (&D2) ends a voice call with OK")
def _():
    gd().expect(b"ATD1;\r", v(b"OK"))
    g.ctl("dtr off")
    gd().expect(b"", v(b"OK"))
    check(g.status()["voice"] == "0", "the call survived")
    g.ctl("dtr on")


@test("3gpp: +CMEE +COLP +CREG accepted; +CREG? and +CSQ answer")
def _():
    gd().expect(b"AT+CMEE=1;+COLP=1;+CREG=0\r", v(b"OK"))
    gd().expect(b"AT+CREG?\r", v(b"+CREG: 0,1") + v(b"OK"))
    gd().expect(b"AT+CSQ\r", v(b"+CSQ: 20,99") + v(b"OK"))
    gd().expect(b"AT+CMEE=3\r", v(b"ERROR"))


@test("noise: lines from the table, in command mode, counted")
def _():
    g.ctl("noise on 20")
    got = gd().read_for(0.5)
    got += gd().until(CRLF, 0.2) if got and not got.endswith(CRLF) else b""
    clean, n = strip_noise(got)
    check(clean == b"" and n >= 8, "%d lines, rest %r" % (n, clean))
    s = g.status()
    check(int(s["noise"]) >= n, "noise=%s < %d" % (s["noise"], n))
    expect_clean(gd(), b"AT\r", v(b"OK"))


@test("noise: throughout a voice call (dialing, alerting, active, end)")
def _():
    g.ctl("alert-delay 150")
    g.ctl("answer-delay 150")
    n = expect_clean(gd(), b"ATD1;\r", v(b"OK"))
    n += expect_clean(gd(), b"AT+CLCC\r", clcc(2, number=b"1") + v(b"OK"))
    g.wait_status("clcc_stat", "3")
    n += expect_clean(gd(), b"AT+CLCC\r", clcc(3, number=b"1") + v(b"OK"))
    g.wait_status("clcc_stat", "0")
    time.sleep(0.1)
    n += expect_clean(gd(), b"AT+CLCC\r", clcc(0, number=b"1") + v(b"OK"))
    g.ctl("hangup")
    n += expect_clean(gd(), b"", v(b"NO CARRIER"))
    check(n >= 8, "only %d noise lines" % n)


@test("noise: during ringing and a pending data dial")
def _():
    g.ctl("ring 42 1 300")
    n = expect_clean(gd(), b"", v(b"RING"))
    g.wait_status("mode", "command")
    g.ctl("answer-delay 300")
    gd().w(b"ATD1\r")
    _, k = read_clean(gd(), b"CONNECT 33600\r\n")
    check(k >= 4, "%d noise lines while dialing" % k)
    check(g.status()["mode"] == "data", "the dial did not connect")
    g.ctl("answer-delay 0")
    check(n + k >= 8, "only %d noise lines" % (n + k))


@test("noise: never in data mode; it resumes in command mode")
def _():
    n0 = int(g.status()["noise"])
    gd().w(b"ping")
    got = gd().read_for(0.5)
    check(got == b"ping", "data mode got %r" % got)
    check(int(g.status()["noise"]) == n0, "noise counted in data mode")
    time.sleep(GUARD * 1.5)
    gd().w(b"+++")
    read_clean(gd(), b"OK\r\n")
    _, n = read_clean(gd(), b"NOTHING", 0.4)
    check(n >= 4, "only %d noise lines back in command mode" % n)
    expect_clean(gd(), b"ATH\r", v(b"OK"))
    g.ctl("noise off")
    gd().read_for(0.05)
    gd().quiet(0.2, "noise after noise off")
    for bad in ("noise", "noise maybe", "noise off 5", "noise on 0"):
        check(g.ctl(bad, ok=False).startswith("error: "), bad)


@test("dialect control; reset restores the command-line dialect")
def _():
    g.ctl("dialect v250")
    check(g.status()["dialect"] == "v250", "not v250")
    gd().expect(b"AT+CLCC\r", v(b"ERROR"))
    gd().expect(b"AT+GCAP\r", v(b"+GCAP: +MS,+ES,+DS") + v(b"OK"))
    g.ctl("noise on 200")
    g.ctl("reset")
    s = g.status()
    check(s["dialect"] == "3gpp" and s["echo"] == "1", "%s" % s)
    gd().quiet(0.4, "noise after reset")
    check(g.ctl("dialect x25", ok=False).startswith("error: usage"), "x25")
    g.ctl("quit")
    check(g.p.wait(5) == 0, "exit status %s" % g.p.returncode)


@test("v250: +GCAP, no 3GPP commands, no voice ring; rejected, released")
def _():
    s = Sim("pty", ["--echo", "0", "--result", "rejected"])
    try:
        check(s.status()["dialect"] == "v250", "default dialect")
        s.dte.expect(b"AT+GCAP\r", v(b"+GCAP: +MS,+ES,+DS") + v(b"OK"))
        for cmd in (b"AT+CLCC\r", b"AT+CHUP\r", b"AT+CEER\r", b"AT+CRC=1\r"):
            s.dte.expect(cmd, v(b"ERROR"))
        s.dte.expect(b"ATD1\r", v(b"NO CARRIER"))
        s.ctl("result released")
        s.dte.expect(b"ATD1\r", v(b"NO CARRIER"))
        s.dte.expect(b"ATD1;\r", v(b"OK"))
        check(s.status()["voice"] == "0", "a v250 voice call")
        r = s.ctl("ring 1 1 100 voice", ok=False)
        check(r.startswith("error: voice calls need dialect 3gpp"), r)
        s.ctl("ring 1 1 100")              # data by default
        s.dte.expect(b"", v(b"RING"))
        s.ctl("noise on 20")
        got, n = read_clean(s.dte, b"NOTHING", 0.3)
        check(got == b"" and n >= 4, "%d noise lines, rest %r" % (n, got))
    finally:
        s.stop()


@test("CLI --dialect and --alert-delay check their values")
def _():
    for args in (["--dialect", "gsm"], ["--alert-delay", "-1"]):
        r = subprocess.run([MODEMSIM] + args, capture_output=True, timeout=5)
        check(r.returncode == 2 and args[0].encode() in r.stderr,
              "%s: %d %r" % (args, r.returncode, r.stderr))

# --------------------------------------------------------------- data exec
# --data exec:CMD: every call runs sh -c CMD as its far end, the DTE's data
# on its stdin, its stdout to the DTE; its end is the remote hang-up.
def gone(pid, timeout):
    """pid is no more, not even a zombie (modemsim reaped it)."""
    end = time.time() + timeout
    while os.path.exists("/proc/%d" % pid):
        if time.time() > end:
            return False
        time.sleep(0.02)
    return True


def exec_sim(cmd, args=()):
    s = Sim("pty", ["--echo", "0", "--data", "exec:" + cmd] + list(args))
    atexit.register(s.kill)
    return s


def exec_pid(s):
    pid = int(s.status()["exec_pid"])
    check(pid > 0, "no command running")
    return pid


x = exec_sim("cat")


@test("data exec: cat gives back what the DTE sends; data shows it")
def _():
    s = x.status()
    check(s["data"] == "exec" and s["exec_pid"] == "0", "%s" % s)
    check(x.ctl("data") == "ok exec cat", "data: %r" % x.ctl("data"))
    x.dte.expect(b"ATD5551234\r", v(b"CONNECT 33600"))
    rnd = random.Random(3)
    junk = bytes(rnd.randrange(256) for _ in range(20000))
    junk = junk.replace(b"+", b"-")     # no escape in it, surely
    got, end = b"", time.time() + 5
    for i in range(0, len(junk), 4096):
        x.dte.w(junk[i:i + 4096])
        got += x.dte.read_for(0.01)
    while len(got) < len(junk) and time.time() < end:
        got += x.dte.read_for(0.05)
    check(got == junk, "%d bytes back of %d, equal %s" %
          (len(got), len(junk), got == junk[:len(got)]))


@test("data exec: status counts the call's bytes each way, exactly")
def _():
    s = x.status()
    check(s["bytes_in"] == s["bytes_out"] == "20000", "%s" % s)
    x.dte.expect(b"abc", b"abc")
    x.escape()                          # not counted: an accepted escape
    s = x.status()
    check(s["bytes_in"] == s["bytes_out"] == "20003", "%s" % s)
    check(s["last_call"] == "0", "a call ended already: %s" % s)


@test("data exec: +++ keeps the command; ATO returns to it")
def _():
    pid = exec_pid(x)
    x.dte.expect(b"AT\r", v(b"OK"))     # a command, not the command's
    check(exec_pid(x) == pid, "another command")
    x.dte.expect(b"ATO\r", v(b"CONNECT 33600"))
    x.dte.expect(b"xy", b"xy")
    check(exec_pid(x) == pid and os.path.exists("/proc/%d" % pid),
          "the command did not survive online command mode")


@test("data exec: a DTR drop (&D2) ends the command; last_call_* keep it")
def _():
    pid = exec_pid(x)
    x.ctl("dtr off")
    x.dte.expect(b"", v(b"OK"))
    s = x.status()
    check(s["call"] == "0" and s["exec_pid"] == "0", "%s" % s)
    check(s["last_call"] == s["calls"] == "1" and
          s["last_call_in"] == s["last_call_out"] == "20005", "%s" % s)
    check(gone(pid, 2), "pid %d still there after the DTR drop" % pid)
    x.ctl("dtr on")


@test("data exec: a command that prints and exits: its text, NO CARRIER")
def _():
    x.ctl("data exec printf 'Welcome\\r\\n'; exit 0")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600") + b"Welcome\r\n" +
                 v(b"NO CARRIER"))
    s = x.status()
    check(s["call"] == "0" and s["dcd"] == "0" and s["last_call"] == "2"
          and s["last_call_in"] == "0" and s["last_call_out"] == "9",
          "%s" % s)


@test("data exec: MODEMSIM_NUMBER, MODEMSIM_DIRECTION; ATA runs it too")
def _():
    x.ctl('data exec printf "%s/%s" "$MODEMSIM_NUMBER" "$MODEMSIM_DIRECTION"')
    x.dte.expect(b"ATD 555-1234\r", v(b"CONNECT 33600") +
                 b"5551234/outgoing" + v(b"NO CARRIER"))
    x.ctl("ring +4930123 5 2000")
    x.dte.expect(b"", v(b"RING"))
    x.dte.expect(b"ATA\r", v(b"CONNECT 33600") + b"+4930123/incoming" +
                 v(b"NO CARRIER"))


@test("data exec: the DTE's and the command's bytes counted apart")
def _():
    # Not "exec cat >/dev/null": that closes its stdout, a hang-up.
    x.ctl("data exec printf 0123456789; cat >/dev/null; exit")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600") + b"0123456789")
    x.dte.w(b"x" * 777)
    x.wait_status("bytes_in", "777")
    x.ctl("hangup")
    x.dte.expect(b"", v(b"NO CARRIER"))
    s = x.status()
    check(s["last_call_in"] == "777" and s["last_call_out"] == "10",
          "%s" % s)


@test("data exec: its output waits in online command mode, comes after ATO")
def _():
    go = os.path.join(TMP, "go")
    x.ctl("data exec while [ ! -e %s ]; do sleep 0.02; done; echo late; cat"
          % go)
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
    x.escape()
    open(go, "w").close()
    x.dte.quiet(0.3, "no output in online command mode")
    x.dte.expect(b"AT\r", v(b"OK"))
    x.dte.expect(b"ATO\r", v(b"CONNECT 33600") + b"late\n")
    x.dte.expect(b"zz", b"zz")
    x.ctl("hangup")
    x.dte.expect(b"", v(b"NO CARRIER"))


@test("data exec: ATH sends SIGHUP to the command's group, it is reaped")
def _():
    mark = os.path.join(TMP, "hup")
    x.ctl("data exec trap 'echo hup >%s; exit 3' HUP; echo up; "
          "while :; do sleep 0.05; done 2>/dev/null" % mark)
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600") + b"up\n")
    pid = exec_pid(x)
    x.escape()
    x.dte.expect(b"ATH\r", v(b"OK"))
    end = time.time() + 2
    while not os.path.exists(mark) and time.time() < end:
        time.sleep(0.02)
    check(os.path.exists(mark) and open(mark).read() == "hup\n",
          "the HUP trap did not run")
    check(gone(pid, 2), "pid %d not reaped" % pid)
    check(x.status()["exec_pid"] == "0", "exec_pid left")


@test("data exec: a command that ignores SIGHUP gets SIGKILL 2 s later")
def _():
    x.ctl("data exec trap '' HUP; echo up; while :; do sleep 0.05; done")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600") + b"up\n")
    pid = exec_pid(x)
    x.ctl("hangup")
    x.dte.expect(b"", v(b"NO CARRIER"))
    time.sleep(1)
    check(os.path.exists("/proc/%d" % pid), "gone before its SIGKILL")
    check(gone(pid, 2.5), "pid %d still there 3.5 s after the hang-up" % pid)


def dead(pid, timeout):
    """pid has ended: gone, or a zombie its parent (not us) has to reap."""
    end = time.time() + timeout
    while True:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        if time.time() > end:
            return False
        time.sleep(0.02)


@test("data exec: what the command left in its group gets SIGKILL 2 s after its SIGHUP")
def _():
    # The leader exits (a remote hang-up); its child ignores SIGHUP.
    x.ctl("data exec trap '' HUP; sleep 77 >/dev/null & echo \"child $!\"; exit 0")
    x.dte.w(b"ATD1\r")
    out = x.dte.until(v(b"NO CARRIER"))
    m = re.search(rb"child (\d+)\n", out)
    check(m and out.startswith(v(b"CONNECT 33600")), "got %r" % out)
    child = int(m.group(1))
    time.sleep(1)
    check(not dead(child, 0), "gone before its SIGKILL")
    check(dead(child, 2.5), "pid %d still there 3.5 s after the hang-up" % child)


@test("data exec: a command that does not read holds the DTE, loses nothing")
def _():
    go, total = os.path.join(TMP, "go2"), 400000
    x.ctl("data exec while [ ! -e %s ]; do sleep 0.02; done; "
          "head -c %d | wc -c" % (go, total))
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
    data, sent, end = b"y" * total, 0, time.time() + 5
    while sent < total and time.time() < end:
        try:
            sent += os.write(x.dte.wfd, data[sent:sent + 4096])
        except BlockingIOError:
            if (not select.select([], [x.dte.wfd], [], 0.3)[1] and
                    int(x.status()["exec_queued"]) >= 64 << 10):
                break                   # modemsim stopped reading
    s = x.status()
    print("# the DTE is held after %d bytes: bytes_in %s, exec_queued %s" %
          (sent, s["bytes_in"], s["exec_queued"]))
    check(sent < total, "modemsim took all %d bytes" % sent)
    check(int(s["exec_queued"]) <= 72 << 10, "exec_queued %s" %
          s["exec_queued"])
    open(go, "w").close()
    x.dte.w(data[sent:])
    got = x.dte.until(b"NO CARRIER\r\n", 5)
    check(re.fullmatch(rb"\s*%d\n\r\nNO CARRIER\r\n" % total, got),
          "got %r" % got)
    s = x.status()
    check(s["last_call_in"] == str(total) and
          s["last_call_out"] == str(len(got) - len(v(b"NO CARRIER"))),
          "%s" % s)


@test("data exec: a command that writes fast does not grow modemsim")
def _():
    x.ctl("data exec exec yes")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
    time.sleep(0.5)                     # the DTE reads nothing meanwhile
    with open("/proc/%d/status" % x.p.pid) as f:
        rss = [int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")][0]
    pid = exec_pid(x)
    check(rss < 20000, "modemsim RSS %d kB" % rss)
    x.ctl("hangup")
    got = x.dte.until(b"NO CARRIER\r\n", 3)
    body = got[:-len(v(b"NO CARRIER"))]
    check(got.endswith(v(b"NO CARRIER")) and body == b"y\n" * (len(body) // 2),
          "got %d bytes ending %r" % (len(got), got[-40:]))
    check(x.status()["last_call_out"] == str(len(body)), "count")
    check(gone(pid, 2), "yes still there")


@test("data exec: no command is a usage error; echo and sink still work")
def _():
    for bad in ("data exec", "data exec   ", "data exec:", "data bogus",
                "data echo sink"):
        r = x.ctl(bad, ok=False)
        check(r.startswith("error: usage: data"), "%s: %r" % (bad, r))
    r = x.ctl("data exec " + "x" * 1001, ok=False)
    check(r.startswith("error: command too long"), r)
    for args in (["--data", "exec:"], ["--data", "exec"], ["--data", "pipe"]):
        r = subprocess.run([MODEMSIM] + args, capture_output=True, timeout=5)
        check(r.returncode == 2 and b"--data" in r.stderr,
              "%s: %d %r" % (args, r.returncode, r.stderr))
    x.ctl("data sink")
    check(x.ctl("data") == "ok sink" and x.status()["data"] == "sink", "sink")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
    x.dte.w(b"abc")
    x.dte.quiet(0.1, "no echo in sink mode")
    check(x.status()["exec_pid"] == "0", "a command in sink mode")
    x.ctl("data exec:cat")              # the --data form works here too
    x.dte.expect(b"def", b"")           # this call has no command: sink
    x.ctl("hangup")
    x.dte.expect(b"", v(b"NO CARRIER"))
    check(x.status()["last_call_in"] == "6", "%s" % x.status())
    x.ctl("data echo")
    x.dte.expect(b"ATD1\r", v(b"CONNECT 33600"))
    x.dte.expect(b"ghi", b"ghi")
    x.ctl("hangup")
    x.dte.expect(b"", v(b"NO CARRIER"))
    x.ctl("reset")
    s = x.status()
    check(s["data"] == "exec" and x.ctl("data") == "ok exec cat" and
          s["last_call"] == "0", "reset: %s" % s)
    x.ctl("quit")
    check(x.p.wait(5) == 0, "exit status %s" % x.p.returncode)


@test("data exec: the DTE going away ends the command")
def _():
    s = Sim("unix", ["--data", "exec:cat"])
    try:
        c = socket.socket(socket.AF_UNIX)
        c.connect(s.unix_path)
        dte = Dte(c.fileno())
        dte.expect(b"ATE0D1\r", b"ATE0D1\r" + v(b"CONNECT 33600"))
        dte.expect(b"bye", b"bye")
        pid = exec_pid(s)
        c.close()
        st = s.wait_status("peer", "0")
        check(st["call"] == "0" and st["last_call_in"] == "3", "%s" % st)
        check(gone(pid, 2), "pid %d still there" % pid)
    finally:
        s.stop()


# fork() fails in modemsim, by an LD_PRELOAD shim: poll() refuses more
# descriptors than RLIMIT_NOFILE, so a low limit cannot make pipe2() fail.
NOFORK_C = r"""
#include <errno.h>
#include <unistd.h>
pid_t fork(void) { errno = EAGAIN; return -1; }
"""


@test("data exec: the command cannot start: NO CARRIER, no call")
def _():
    sd = os.path.join(TMP, "nofork")
    os.mkdir(sd)
    with open(sd + "/nofork.c", "w") as f:
        f.write(NOFORK_C)
    r = subprocess.run(["cc", "-shared", "-fPIC", "-o", sd + "/nofork.so",
                        sd + "/nofork.c"], capture_output=True)
    check(r.returncode == 0, "shim: %s" % r.stderr.decode())
    os.environ["LD_PRELOAD"] = sd + "/nofork.so"
    err = open(sd + "/stderr", "w+")
    try:
        s = Sim("pty", ["--echo", "0", "--data", "exec:cat"], stderr=err)
    finally:
        del os.environ["LD_PRELOAD"]
    try:
        s.status()                      # the control client is in
        fds = len(os.listdir("/proc/%d/fd" % s.p.pid))
        for _ in range(2):
            s.dte.expect(b"ATD1\r", v(b"NO CARRIER"))
        st = s.status()
        check(st["call"] == "0" and st["calls"] == "0" and
              st["mode"] == "command" and st["dcd"] == "0", "%s" % st)
        check(len(os.listdir("/proc/%d/fd" % s.p.pid)) == fds, "fd leak")
        s.dte.expect(b"AT\r", v(b"OK"))
        err.seek(0)
        msg = err.read()
        check("modemsim: data exec: fork: " in msg, "stderr %r" % msg)
    finally:
        s.stop()
        err.close()


@test("data exec, 3gpp: a data call runs the command, a voice call not")
def _():
    s = exec_sim("echo $MODEMSIM_DIRECTION; cat",
                 ["--dialect", "3gpp", "--alert-delay", "0",
                  "--answer-delay", "0"])
    try:
        s.dte.expect(b"ATD1;\r", v(b"OK"))
        s.wait_status("clcc_stat", "0")
        check(s.status()["exec_pid"] == "0", "a voice call ran it")
        s.dte.expect(b"AT+CHUP\r", v(b"OK"))
        s.ctl("ring 42 5 2000 data")
        s.dte.expect(b"", v(b"RING"))
        s.dte.expect(b"ATA\r", v(b"CONNECT 33600") + b"incoming\n")
        s.dte.expect(b"3g", b"3g")
        s.escape()
        s.dte.expect(b"AT+CHUP\r", v(b"OK"))
        st = s.status()
        check(st["exec_pid"] == "0" and st["last_call_in"] == "2" and
              st["last_call_out"] == "11", "%s" % st)
    finally:
        s.stop()

print("1..%d" % n_tests)
sys.exit(1 if failed else 0)
PYTHON
