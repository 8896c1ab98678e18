#!/usr/bin/env bash
# mlinectl's bash completion (userspace/completion/mlinectl), on the host:
# installed by 'make -C userspace install' where bash-completion's loader
# finds it, then completions of scripted command lines against the
# mlinectl just built. TAP on stdout. The line ids of a real device are
# tested in the VM (selftests/mlinectl_test.sh).
#
#   completion-test.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"
ml=$ML_BUILD/userspace/mlinectl
loader=/usr/share/bash-completion/bash_completion
tmp=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$tmp"' EXIT

echo "1..11"
[ -x "$ml" ] || { echo "Bail out! no $ml (make userspace)"; exit 1; }
[ -f "$loader" ] || { echo "Bail out! no $loader (make deps: bash-completion)"; exit 1; }

# A build directory of its own: PREFIX=/usr must not remake the shared
# build's unit and modemline.pc.
make -s -C "$ML_TOP/userspace" install O="$tmp/userspace" DESTDIR="$tmp/stage" PREFIX=/usr \
	>"$tmp/install.log" 2>&1
comp_file=$tmp/stage/usr/share/bash-completion/completions/mlinectl
# bash-completion loads a command's completion on its first TAB, from
# $XDG_DATA_DIRS/bash-completion/completions: the installed copy, as
# declare -F (extdebug) tells by the function's file.
out=$(HOME=$tmp XDG_DATA_HOME=$tmp/none XDG_DATA_DIRS=$tmp/stage/usr/share \
	bash --norc --noprofile -c ". $loader; _completion_loader mlinectl
		complete -p mlinectl; shopt -s extdebug; declare -F _mlinectl" 2>&1)
[[ $out == "complete -F _mlinectl mlinectl"$'\n'"_mlinectl "[0-9]*" $comp_file" ]]
ml_ok $? "installed, bash-completion's loader finds it: complete -p mlinectl" "$out"

# comp WORD...: COMPREPLY, sorted, one line, for the cursor at the end of
# the last WORD (the first is the program).
comp() {
	bash --norc --noprofile -c '. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_mlinectl; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		_ "$loader" "$comp_file" "$@" 2>&1
}
# expect NAME WANT WORD...: the completion is exactly WANT.
expect() {
	local name=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	[ "$got" = "$want" ]
	ml_ok $? "$name" "completing '$*': got '$got', want '$want'"
}

expect "mlinectl di<TAB>: dial" "dial " "$ml" di
expect "mlinectl dial --<TAB>: dial's options from its usage line, and the global ones" \
	"--dev --help --json --timeout --voice --wait " "$ml" dial --
expect "mlinectl attach --dialect <TAB>: the dialects" "3gpp auto v250 " "$ml" attach --dialect ''
expect "mlinectl --dev X wait 3 dis<TAB>: the states, after --dev's value" \
	"disconnected disconnecting " "$ml" --dev /nonexistent wait 3 dis
expect "mlinectl help wa<TAB>: the commands" "wait wait-event watch " "$ml" help wa

# A new pty: its /dev/pts/N is offered to attach.
exec 3<>/dev/ptmx
pts=$(python3 -c 'import ctypes
libc = ctypes.CDLL(None); libc.ptsname.restype = ctypes.c_char_p
print(libc.ptsname(3).decode())' 2>&1)
got=$(comp "$ml" attach /dev/pts/)
[[ " $got" == *" $pts "* ]]
ml_ok $? "mlinectl attach /dev/pts/<TAB>: the ttys, the new pty among them" \
	"pty $pts; got '$got'"

# Line ids: those of 'lines --json', from the program being completed (a
# stand-in here that prints two lines and checks the --dev it is given).
cat >"$tmp/fake-mlinectl" <<'EOF'
#!/bin/sh
[ "$1 $2 $3 $4" = "--json lines --dev /dev/other" ] || exit 2
echo '{"type":"line","line":7,"name":"ttyUSB0","transport":"tty","busy":false}'
echo '{"type":"line","line":12,"name":"pts3","transport":"tty","busy":true}'
EOF
chmod +x "$tmp/fake-mlinectl"
expect "mlinectl --dev D dial <TAB>: the line ids of 'lines --json' on that device" \
	"12 7 " "$tmp/fake-mlinectl" --dev /dev/other dial ''
expect "mlinectl dial 7 <TAB>: nothing for NUMBER" "" "$tmp/fake-mlinectl" --dev /dev/other dial 7 ''
expect "mlinectl --dev=D dial <TAB>: --opt=value as well" \
	"12 7 " "$tmp/fake-mlinectl" --dev=/dev/other dial ''
mkdir -p "$tmp/conf dir"
expect "mlinectl attach X --config=$tmp/co<TAB>: the files, a name with a space whole" \
	"$tmp/conf dir " "$ml" attach /dev/null --config="$tmp/co"
