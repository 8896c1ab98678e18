#!/usr/bin/env bash
# libmodemline's ABI and its documentation, on the host (issue 21):
#   - the built libmodemline.so.0 exports exactly the symbols of the
#     committed list userspace/lib/libmodemline.sym, each with its
#     version and type (nm --dynamic), so that a removed, renamed or
#     re-versioned symbol fails, as does one exported without a listing;
#   - its soname is libmodemline.so.0;
#   - libmodemline.h compiles on its own, as C and as C++;
#   - libmodemline(3) names every listed function and renders without a
#     warning (groff -ww, man --warnings).
#
#   abi-check.sh [LIBRARY]   default: $ML_BUILD/userspace/lib/libmodemline.so.0
#
# Output: TAP on stdout. Exit status 1 if a case failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ML_STAGE=abi-check
lib=${1:-$ML_BUILD/userspace/lib/libmodemline.so.0}
list=$ML_TOP/userspace/lib/libmodemline.sym
page=$ML_TOP/userspace/man/libmodemline.3
export LC_ALL=C

n=0 failed=0
ok() { # OK? NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}

want=$(grep -v '^#' "$list" | sort)
# "ADDRESS TYPE NAME@@VERSION" (absolute version nodes have no address
# column worth keeping): the last two fields.
have=$(nm --dynamic --defined-only "$lib" 2>/dev/null | awk '{ print $(NF - 1), $NF }' | sort)
funcs=$(sed -n 's/^T \([a-z_0-9]*\)@.*/\1/p' <<<"$want")

echo "1..$(($(wc -l <<<"$want") + 8))"
[ -n "$have" ]
ok $? "$(basename "$lib") is built and exports symbols"
while read -r sym; do
	grep -qxF "$sym" <<<"$have"
	ok $? "exports $sym"
done <<<"$want"
extra=$(comm -13 <(echo "$want") <(echo "$have"))
[ -z "$extra" ] || sed "s|^|# not in ${list#"$ML_TOP"/}: |" <<<"$extra"
ok "$([ -z "$extra" ]; echo $?)" "exports nothing the list lacks"
soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libmodemline.so.0 ]
ok $? "soname libmodemline.so.0 (${soname:-none})"

# The header alone, with nothing but the uapi header beside it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <libmodemline.h>\nint main(void) { return ml_open(0) < 0; }\n' >"$tmp/h.c"
cp "$tmp/h.c" "$tmp/h.cc"
inc=(-I"$ML_TOP/userspace/lib" -I"$ML_TOP/uapi")
cc -std=c11 -Wall -Wextra -Werror -pedantic "${inc[@]}" -fsyntax-only "$tmp/h.c" 2>&1 | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "libmodemline.h compiles alone as C11 (-Wall -Wextra -pedantic)"
c++ -Wall -Wextra -Werror -pedantic "${inc[@]}" -fsyntax-only "$tmp/h.cc" 2>&1 | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "libmodemline.h compiles alone as C++"

undocumented=
for f in $funcs; do
	# In the SYNOPSIS: the name right before its parenthesis.
	grep -q "[ *]$f(" "$page" || undocumented+=" $f"
done
[ -z "$undocumented" ] || echo "# not in libmodemline(3):$undocumented"
ok "$([ -z "$undocumented" ]; echo $?)" "libmodemline(3) has every function of the list"
out=$(groff -ww -man -z "$page" 2>&1)
[ -z "$out" ] || sed 's/^/# /' <<<"$out"
ok "$([ -z "$out" ]; echo $?)" "libmodemline(3): groff -ww -man -z prints no warning"
out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$out" ] || sed 's/^/# /' <<<"$out"
ok "$([ -z "$out" ]; echo $?)" "libmodemline(3): man --warnings prints no warning"
[ "$failed" = 0 ]
