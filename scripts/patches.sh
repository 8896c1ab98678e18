#!/usr/bin/env bash
# 'make patches': the driver as a 'git format-patch' series against a
# pristine kernel tree, generated from the project's own files (never a
# fork of them) into $ML_BUILD/patches/ (or OUT).
#
#   patches.sh [KERNEL_SRC] [OUT]
#
# KERNEL_SRC is a series, 6.12 (default) or 7.3, whose Debian
# linux-source is committed once into a cached git tree
# (scripts/patches-kernel.sh), or the path of a kernel git tree whose
# HEAD is the base. The in-tree layout:
#
#   include/uapi/linux/modemline.h          uapi/linux/modemline.h
#   drivers/tty/modemline/*.[ch]            kmod/*.[ch] without compat.h
#   drivers/tty/modemline/tests/*.[ch]      kmod/tests/*.[ch] (KUnit only)
#   drivers/tty/modemline/.kunitconfig      scripts/patches/kunitconfig (for
#                                           kunit.py run --kunitconfig=)
#   drivers/tty/modemline/{Kconfig,Makefile}  object lists from kmod/Kbuild
#                                           and kmod/tests/Kbuild
#   Documentation/userspace-api/modemline.rst   scripts/patches/modemline.rst
#   tools/testing/selftests/drivers/modemline/  selftests/ (those that
#                                           need nothing outside the tree)
#   MAINTAINERS                             grown by every patch
#
# compat.h reduces to nothing: scripts/patches/uncompat.py replaces each
# of its macros by the definition it selects for the base's version and
# drops the include. Commit messages are scripts/patches/*.msg, the cover
# letter scripts/patches/cover-letter.txt; the author is the git identity
# configured in this repository, the dates those of its HEAD commit, so
# the same sources give the same series.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=patches
kernel_src=${1:-${KERNEL_SRC:-6.12}}
out=${2:-$ML_BUILD/patches}
tpl=$ML_TOP/scripts/patches
start=$(date +%s)

if [ -d "$kernel_src" ]; then
	base_repo=$(cd "$kernel_src" && pwd)
	git -C "$base_repo" rev-parse --verify -q HEAD >/dev/null ||
		ml_die "$kernel_src is not a git tree with a commit"
	base_desc="$(git -C "$base_repo" log -1 --format=%s HEAD)"
	name=custom
else
	base_repo=$("$ML_TOP/scripts/patches-kernel.sh" "$kernel_src" src)
	pkg=$(ml_debug_src_pkg "$kernel_src")
	base_desc="Debian's $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
	name=$kernel_src
fi
base=$(git -C "$base_repo" rev-parse HEAD)
kver=$(make -s -C "$base_repo" kernelversion)

author_name=$(git -C "$ML_TOP" config user.name) ||
	ml_die "no git user.name configured in $ML_TOP: it signs the patches"
author_email=$(git -C "$ML_TOP" config user.email) ||
	ml_die "no git user.email configured in $ML_TOP: it signs the patches"
date=$(git -C "$ML_TOP" log -1 --format=%aD HEAD)
export GIT_AUTHOR_NAME=$author_name GIT_AUTHOR_EMAIL=$author_email
export GIT_COMMITTER_NAME=$author_name GIT_COMMITTER_EMAIL=$author_email
export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date

# A scratch repository that borrows the base's objects: commits are built
# with the index only (no checkout of the kernel's 80000 files); the
# files a patch adds or edits are staged in $tree in the in-tree layout.
work=$ML_BUILD/patches-work/$name
repo=$work/repo.git
tree=$work/tree
rm -rf "$work"
mkdir -p "$tree"
git init -q --bare "$repo"
echo "$base_repo/.git/objects" >"$repo/objects/info/alternates"
[ -d "$base_repo/.git/objects" ] || ml_die "$base_repo: no .git/objects"
g() { git --git-dir="$repo" -c gc.auto=0 "$@"; }
export GIT_INDEX_FILE=$work/index
g read-tree "$base"
head=$base

# from_base PATH: a file of the base, staged for editing.
from_base() {
	mkdir -p "$(dirname "$tree/$1")"
	[ -f "$tree/$1" ] || g show "$base:$1" >"$tree/$1" ||
		ml_die "the base has no $1"
}
# put SRC PATH [MODE]: stage a copy of a file of ours at PATH.
put() {
	mkdir -p "$(dirname "$tree/$2")"
	cp "$1" "$tree/$2"
	chmod "${3:-0644}" "$tree/$2"
}
# insert_after PATH REGEX TEXT / insert_before: TEXT as lines next to the
# first line matching REGEX (awk); the anchor must exist.
insert_at() {
	local where=$1 path=$2 re=$3 text=$4
	from_base "$path"
	awk -v re="$re" -v text="$text" -v where="$where" '
		!done && $0 ~ re { if (where == "before") print text; print;
				   if (where == "after") print text; done = 1; next }
		{ print }
		END { exit !done }' "$tree/$path" >"$tree/$path.new" ||
		ml_die "$path: no line matching /$re/ to insert at"
	mv "$tree/$path.new" "$tree/$path"
}
# commit MSG PATH...: one patch: the staged PATHs with the message of
# scripts/patches/MSG.msg, signed off by the author.
commit() {
	local msg=$tpl/$1.msg path mode
	shift
	[ -f "$msg" ] || ml_die "no commit message $msg"
	for path in "$@"; do
		mode=100644
		[ -x "$tree/$path" ] && mode=100755
		g update-index --add --cacheinfo "$mode,$(g hash-object -w "$tree/$path"),$path"
	done
	head=$(
		{ sed -e '/^#/d' "$msg"; printf '\nSigned-off-by: %s <%s>\n' \
			"$author_name" "$author_email"; } |
		g commit-tree "$(g write-tree)" -p "$head"
	)
}

# kbuild_var DIR VAR: VAR as DIR/Kbuild sets it (evaluated by make), so
# that the object lists exist in one place.
kbuild_var() {
	make -s --no-print-directory -C "$1" -f - print <<-EOF
	src := .
	include Kbuild
	print: ; @echo \$($2)
	EOF
}

# MAINTAINERS: our entries, grown by each patch by the paths it adds
# (checkpatch asks every patch that adds files to touch MAINTAINERS): the
# driver's, and one for the simulator, as NETDEVSIM has.
declare -A maint_files=()
title_main="MODEMLINE CALL-SESSION LINE DISCIPLINE"
title_sim="MODEMLINE SIMULATED LINES"
maintainers() { # TITLE PATH...
	local title=$1 entries= t f
	shift
	for f in "$@"; do maint_files[$title]+="$f"$'\n'; done
	for t in "$title_main" "$title_sim"; do
		[ -n "${maint_files[$t]:-}" ] || continue
		entries+=${entries:+$'\n\n'}"$t
M:	$author_name <$author_email>
L:	linux-serial@vger.kernel.org
S:	Maintained"
		while read -r f; do
			entries+=$'\n'"F:	$f"
		done < <(printf '%s' "${maint_files[$t]}" | LC_ALL=C sort)
	done
	g show "$base:MAINTAINERS" | awk -v entry="$entries" -v title="$title_main" '
		# Sections are sorted by title: ours go before the first
		# section (a title: after a blank line, before "X:\t") sorting
		# after them.
		started && !done && before == "" && prev !~ /^[A-Z]:\t/ &&
		    $0 ~ /^[A-Z]:\t/ && toupper(prev) > title {
			lines[n - 1] = entry "\n\n" lines[n - 1]; done = 1 }
		/^Maintainers List/ { started = 1 }
		{ lines[n++] = $0; before = prev; prev = $0 }
		END { for (i = 0; i < n; i++) print lines[i]; exit !done }' \
		>"$tree/MAINTAINERS" || ml_die "no place for our MAINTAINERS entries"
}

# wrap: a long object list as Kbuild files write it, continued with a
# backslash, continuation lines indented by a tab.
wrap() { fold -s -w 72 | sed -e '1!s/^/\t/' -e '$!s/ *$/ \\/'; }

drv=drivers/tty/modemline
sft=tools/testing/selftests/drivers/modemline

# 1. The uapi header.
put "$ML_TOP/uapi/linux/modemline.h" include/uapi/linux/modemline.h
maintainers "$title_main" include/uapi/linux/modemline.h
commit 1-uapi include/uapi/linux/modemline.h MAINTAINERS

# 2. The core module: every source Kbuild lists for modemline.o, the
# internal headers they include, without compat.h.
core_objs=$(kbuild_var "$ML_TOP/kmod" modemline-y)
sim_objs=$(kbuild_var "$ML_TOP/kmod" modemline_sim-y)
test_objs=$(kbuild_var "$ML_TOP/kmod/tests" modemline_test-y)
[ -n "$core_objs" ] && [ -n "$sim_objs" ] && [ -n "$test_objs" ] ||
	ml_die "no object lists in kmod/Kbuild, kmod/tests/Kbuild"
core_files=() sim_files=() test_files=()
for o in $core_objs; do core_files+=("$drv/${o%.o}.c"); done
for o in $sim_objs; do sim_files+=("$drv/${o%.o}.c"); done
for o in $test_objs; do test_files+=("$drv/tests/${o%.o}.c"); done
# A header goes with the core if a core source or another header
# includes it, else with the simulator (sim.h).
core_c=()
for o in $core_objs; do core_c+=("$ML_TOP/kmod/${o%.o}.c"); done
for h in "$ML_TOP"/kmod/*.h; do
	h=$(basename "$h")
	[ "$h" = compat.h ] && continue
	if grep -qF "#include \"$h\"" "${core_c[@]}" $(ls "$ML_TOP"/kmod/*.h | grep -v "/$h\$"); then
		core_files+=("$drv/$h")
	else
		sim_files+=("$drv/$h")
	fi
done
for h in "$ML_TOP"/kmod/tests/*.h; do test_files+=("$drv/tests/$(basename "$h")"); done
for f in "${core_files[@]}" "${sim_files[@]}"; do put "$ML_TOP/kmod/${f#"$drv"/}" "$f"; done
for f in "${test_files[@]}"; do put "$ML_TOP/kmod/tests/${f#"$drv"/tests/}" "$f"; done
python3 "$tpl/uncompat.py" "$kver" "$ML_TOP/kmod/compat.h" \
	"${core_files[@]/#/$tree/}" "${sim_files[@]/#/$tree/}" "${test_files[@]/#/$tree/}"

kconfig_core='# SPDX-License-Identifier: GPL-2.0-only
#
# Call sessions on modem lines
#

config MODEMLINE
	tristate "Call sessions on modem lines"
	depends on TTY
	help
	  Say Y here to manage dial-up and answered calls on AT modems
	  reached through a tty (a UART, a USB CDC-ACM modem or a USB
	  serial adapter) as call sessions: /dev/modemline dials, answers,
	  drops and releases calls, keeps the record of a call that ended
	  (who ended it and why, timestamps, byte counters) until it is
	  released, reports events, and gives each connected call a data
	  descriptor. A modem becomes a line when the modemline line
	  discipline is attached to its tty.

	  See Documentation/userspace-api/modemline.rst.

	  To compile this driver as a module, choose M here: the module
	  will be called modemline.'
kconfig_sim='
config MODEMLINE_SIM
	tristate "Simulated modem lines for testing"
	depends on MODEMLINE && DEBUG_FS
	help
	  Simulated lines for testing: modems whose behaviour (connect,
	  busy, no answer, carrier loss, remote hang-up, incoming calls,
	  data echo) is scripted through debugfs, for the selftests in
	  tools/testing/selftests/drivers/modemline and for benchmarks.

	  To compile this driver as a module, choose M here: the module
	  will be called modemline_sim. If unsure, say N.'
kconfig_test='
config MODEMLINE_KUNIT_TEST
	tristate "KUnit tests for modemline" if !KUNIT_ALL_TESTS
	depends on KUNIT && MODEMLINE_SIM
	default KUNIT_ALL_TESTS
	help
	  KUnit tests of the call state machine, the event queue, the
	  per-file handle table, the retained records, the data stream,
	  the AT command engine and the simulated lines.

	  For more information on KUnit and unit tests in general, please
	  refer to the KUnit documentation in Documentation/dev-tools/kunit/.

	  If unsure, say N.'
make_core="# SPDX-License-Identifier: GPL-2.0

obj-\$(CONFIG_MODEMLINE) += modemline.o
$(echo "modemline-y := "$core_objs | wrap)
# trace.h is included by path from define_trace.h.
CFLAGS_call.o := -I\$(src)"
make_sim="
obj-\$(CONFIG_MODEMLINE_SIM) += modemline_sim.o
$(echo "modemline_sim-y := "$sim_objs | wrap)"
make_test="
obj-\$(CONFIG_MODEMLINE_KUNIT_TEST) += tests/"
printf '%s\n' "$kconfig_core" >"$tree/$drv/Kconfig"
printf '%s\n' "$make_core" >"$tree/$drv/Makefile"
insert_at before drivers/tty/Kconfig '^endif # TTY' \
	"source \"$drv/Kconfig\"
"
insert_at after drivers/tty/Makefile '^obj-\$\(CONFIG_SERIAL_DEV_BUS\)' \
	"obj-\$(CONFIG_MODEMLINE)	+= modemline/"
maintainers "$title_main" "$drv/"
commit 2-core "${core_files[@]}" "$drv/Kconfig" "$drv/Makefile" \
	drivers/tty/Kconfig drivers/tty/Makefile MAINTAINERS

# 3. The simulator.
printf '%s\n%s\n' "$kconfig_core" "$kconfig_sim" >"$tree/$drv/Kconfig"
printf '%s\n%s\n' "$make_core" "$make_sim" >"$tree/$drv/Makefile"
maintainers "$title_sim" "${sim_files[@]}"
commit 3-sim "${sim_files[@]}" "$drv/Kconfig" "$drv/Makefile" MAINTAINERS

# 4. The KUnit suites.
printf '%s\n%s\n%s\n' "$kconfig_core" "$kconfig_sim" "$kconfig_test" >"$tree/$drv/Kconfig"
printf '%s\n%s\n%s\n' "$make_core" "$make_sim" "$make_test" >"$tree/$drv/Makefile"
{
	echo '# SPDX-License-Identifier: GPL-2.0'
	echo
	echo 'ccflags-y += -I$(src)/..'
	echo
	echo 'obj-$(CONFIG_MODEMLINE_KUNIT_TEST) += modemline_test.o'
	echo "modemline_test-y := "$test_objs | wrap
} >"$tree/$drv/tests/Makefile"
# What 'kunit.py run --kunitconfig=drivers/tty/modemline' builds (UML).
put "$tpl/kunitconfig" "$drv/.kunitconfig"
maintainers "$title_sim" "$drv/tests/sim_test.c"
commit 4-kunit "${test_files[@]}" "$drv/Kconfig" "$drv/Makefile" "$drv/tests/Makefile" \
	"$drv/.kunitconfig" MAINTAINERS

# 5. The documentation.
put "$tpl/modemline.rst" Documentation/userspace-api/modemline.rst
from_base Documentation/userspace-api/index.rst
awk '
	/^Devices and I\/O/ { sect = 1 }
	sect == 1 && /^   [^ :]/ { entries = 1 }
	sect == 1 && entries && /^$/ { print "   modemline"; sect = 2 }
	{ print }
	END { exit sect != 2 }' "$tree/Documentation/userspace-api/index.rst" \
	>"$tree/index.rst.new" || ml_die "no 'Devices and I/O' toctree in userspace-api/index.rst"
mv "$tree/index.rst.new" "$tree/Documentation/userspace-api/index.rst"
maintainers "$title_main" Documentation/userspace-api/modemline.rst
commit 5-doc Documentation/userspace-api/modemline.rst \
	Documentation/userspace-api/index.rst MAINTAINERS

# 6. The selftests that need nothing outside the kernel tree: not those
# linking libmodemline or driving modemsim (userspace/), nor those of the
# out-of-tree test-only null-modem tty driver, nor the VM-wired serial
# and USB tests, nor abi_v1_test, built against this tree's frozen copy
# of the first header (selftests/abi/v1) to prove old programs still
# work: in the kernel tree there is only the header of the day.
not_in_tree=(tty_test data_test nmline_test cellular_test lib_test nullmodem_test
	abi_v1_test)
not_in_tree_files=(tty.c tty.h ttyline.h nullmodem.h)
tests=()
for t in "$ML_TOP"/selftests/*_test.c; do
	t=$(basename "$t" .c)
	[[ " ${not_in_tree[*]} " == *" $t "* ]] || tests+=("$t")
done
sft_files=()
for f in "$ML_TOP"/selftests/*.[ch] "$ML_TOP"/selftests/fuzz/*.[ch]; do
	rel=${f#"$ML_TOP"/selftests/}
	b=$(basename "$rel")
	[[ " ${not_in_tree[*]/%/.c} ${not_in_tree_files[*]} " == *" $b "* ]] && continue
	put "$f" "$sft/$rel"
	sft_files+=("$sft/$rel")
done
{
	echo '# SPDX-License-Identifier: GPL-2.0'
	echo '# The helpers of sim.c drive modemline_sim through debugfs.'
	echo 'CFLAGS += -Wall -O2 -g -pthread -I../../ $(KHDR_INCLUDES)'
	echo 'LDLIBS += -pthread'
	echo
	printf 'TEST_GEN_PROGS := %s\n' "${tests[*]}" | wrap
	echo 'TEST_GEN_PROGS_EXTENDED := fuzz/fuzz'
	echo
	echo 'LOCAL_HDRS += ml_test.h sim.h hard_test.h stream.h fuzz/hard.h'
	echo
	echo 'include ../../lib.mk'
	echo
	echo '$(TEST_GEN_PROGS): sim.c'
	echo
	echo '$(OUTPUT)/fuzz/fuzz: fuzz/fuzz.c $(LOCAL_HDRS)'
	echo '	@mkdir -p $(dir $@)'
	echo '	$(LINK.c) $< $(LDLIBS) -o $@'
} >"$tree/$sft/Makefile"
# The collection's own settings; its config, plus the driver's options,
# less those only the PPP test (ppp_test.sh, which drives modemsim and
# pppd, so it stays out of tree) needs.
put "$ML_TOP/selftests/settings" "$sft/settings"
{
	printf 'CONFIG_MODEMLINE=m\nCONFIG_MODEMLINE_SIM=m\n'
	grep -vE '^CONFIG_(NET_NS|PPP|PPP_ASYNC)=' "$ML_TOP/selftests/config"
} >"$tree/$sft/config"
insert_at after tools/testing/selftests/Makefile '^TARGETS \+= drivers/dma-buf$' \
	'TARGETS += drivers/modemline'
maintainers "$title_main" "$sft/"
commit 6-selftests "${sft_files[@]}" "$sft/Makefile" "$sft/config" "$sft/settings" \
	tools/testing/selftests/Makefile MAINTAINERS

g update-ref refs/heads/modemline "$head"

# The cover letter: the first paragraph of the template is the subject.
cover=$(sed -e '/^#/d' -e "s|@KVER@|$kver|g" -e "s|@BASE@|$base_desc|g" \
	"$tpl/cover-letter.txt")
g config branch.modemline.description "$cover"
rm -rf "$out"
mkdir -p "$out"
g format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="${PATCHES_PREFIX:-RFC PATCH}" --base="$base" \
	-o "$out" "$base..modemline"
unset GIT_INDEX_FILE
ml_log "$(ls "$out" | wc -l) files in $out against $kver ($base_desc), $(ml_elapsed "$start")s"
ls "$out"
