#!/usr/bin/env bash
# Judge a guest kernel log (and kmemleak report) for checker reports:
# KASAN, UBSAN, lockdep, WARN/BUG splats, refcount errors, oopses, panics
# and any stack trace, plus kmemleak's "unreferenced object"s. Shared by
# check.sh and check-harness.sh so that the harness proves the real scan.
#
#   scan-log.sh CONSOLE_LOG [KMEMLEAK_REPORT]
#
# Exit 0: clean. Exit 1: findings, printed with the log lines around them.
# Exit 2: the log is missing, so nothing could be judged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
log=${1:?usage: scan-log.sh CONSOLE_LOG [KMEMLEAK_REPORT]}
leaks=${2:-}

# Every splat the debug kernel's checkers print contains one of these;
# a clean boot of each test kernel matches none (see check-harness.sh).
patterns='BUG:|KASAN|UBSAN|WARNING:|possible .*locking|possible recursive locking'
patterns+='|circular locking|sleeping function called from invalid context'
patterns+='|refcount_t:|general protection fault|Oops|Kernel panic|Call Trace:'

[ -s "$log" ] || { ml_log "error: no kernel log at $log"; exit 2; }

# KCSAN (the kcsan-6.12 kernel) also reports data races inside the core
# kernel: the APIC calibration at boot, timekeeping, poll wake-ups, and
# the workqueue's own marked/plain accesses to a work item's data, which
# a driver reaches just by queueing work (tty_flip_buffer_push). A KCSAN
# report is judged if one of the two racing accesses is made in one of
# our modules: the first frame of either stack is "[modemline...]". The
# others are listed by title and set aside. A report cut off by the end
# of the log is kept.
judged=$(mktemp)
trap 'rm -f "$judged"' EXIT
awk -v judged="$judged" '
	function flush() {
		if (nblk && (ours || !done)) {
			for (i = 1; i <= nblk; i++)
				print blk[i] > judged
		} else if (nblk) {
			print "KCSAN report with no access in our modules, not judged:" title
			for (i = 1; i <= nblk; i++)
				print "" > judged	# keeps the log'"'"'s line numbers
		}
		nblk = 0
	}
	index($0, "BUG: KCSAN:") && nblk == 1 {
		blk[++nblk] = $0; title = substr($0, index($0, "BUG: KCSAN:") + 11)
		ours = 0; done = 0; next
	}
	nblk == 1 { print blk[1] > judged; nblk = 0 }
	nblk > 1 {
		blk[++nblk] = $0
		# The line after "read to 0x... by task N on cpu M:" (or
		# "write", "read-write (marked)") names the accessing function.
		if (access && index($0, "[modemline")) ours = 1
		access = $0 ~ / to 0x[0-9a-f]+ of [0-9]+ bytes by /
		if (index($0, sep)) { done = 1; flush() }
		next
	}
	index($0, sep) { blk[nblk = 1] = $0; next }
	{ print > judged }
	END { if (nblk == 1) print blk[1] > judged; else flush() }' sep="==================================================================" "$log"

found=0
if grep -qE "$patterns" "$judged"; then
	found=1
	echo "kernel log $log: $(grep -cE "$patterns" "$judged") matching lines"
	# The first three reports, each from 5 lines before its first match to
	# 40 after; matches inside an excerpt already shown start no new one.
	awk -v re="$patterns" '
		{ line[NR] = $0 }
		$0 ~ re && NR > last && n < 3 {
			start[++n] = NR > 5 ? NR - 5 : 1
			last = NR + 40
		}
		END {
			for (i = 1; i <= n; i++) {
				print "---- " name " line " start[i] " ----"
				for (l = start[i]; l <= start[i] + 45 && l <= NR; l++)
					print line[l]
			}
		}' name="$log" "$judged"
fi

if [ -n "$leaks" ] && grep -q 'unreferenced object' "$leaks"; then
	found=1
	echo "kmemleak $leaks: $(grep -c 'unreferenced object' "$leaks") unreferenced objects"
	head -n 40 "$leaks"
fi
exit "$found"
