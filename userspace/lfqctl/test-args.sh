#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lfqctl's command line, host side (no /dev/lfq needed): malformed or
# out-of-range numbers and bad options exit 2 with a message on stderr and
# nothing on stdout; --help, COMMAND --help and --version exit 0.
# usage: test-args.sh [LFQCTL]        prints PASS:/FAIL: lines
lfqctl=${1:-./lfqctl}
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
bad=0

expect() { # status name args...
	want=$1 name=$2
	shift 2
	"$lfqctl" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "# lfqctl $*: exit $rc, want $want; stderr: $(head -2 "$err")"
	elif [ "$want" -eq 2 ] && { [ -s "$out" ] || ! [ -s "$err" ]; }; then
		echo "# lfqctl $*: exit 2 but stdout not empty or stderr empty"
	elif [ "$want" -eq 0 ] && ! [ -s "$out" ]; then
		echo "# lfqctl $*: nothing on stdout"
	else
		echo "PASS: lfqctl-args/$name"
		return
	fi
	echo "FAIL: lfqctl-args/$name"
	bad=1
}

expect 2 fd-letters stats --fd abc
expect 2 fd-negative stats --fd -1
expect 2 fd-too-big stats --fd 99999999999
expect 2 fd-int-max-plus-1 push --fd 2147483648 x
expect 2 fd-empty stats --fd ''
expect 2 fd-empty-eq pop --fd=
expect 2 fd-trailing pop --fd 3x
expect 2 fd-blank stats --fd ' 3'
expect 2 fd-plus stats --fd +3
expect 2 fd-hex push --fd 0x3 x
expect 2 fd-missing stats --fd
expect 2 count-zero pop -n 0
expect 2 count-overflow pop -n 18446744073709551616
expect 2 demo-n-float demo -n 1e3
expect 2 demo-n-too-big demo -n 10000001
expect 2 bench-batch bench -b 257
expect 2 bench-size-empty bench -s ''
expect 2 bench-threads bench -p 40 -c 40
expect 2 create-capacity create -c 4294967296 -- true
expect 2 create-max-msg create -m 12k -- true
expect 2 create-max-bytes create -B -5 -- true
expect 2 create-shm-not-ring create -k stack --shm -- true
expect 2 create-shm-then-kind create --shm -k msq -- true
expect 2 create-kind create -k queue -- true
expect 2 create-no-command create -k ring
LFQ_FD=abc expect 2 env-fd pop
LFQ_FD= expect 2 env-fd-empty push x
expect 2 unknown-command frob
expect 2 unknown-option stats --bogus
expect 2 extra-operand info extra
expect 2 no-command
expect 0 help --help
expect 0 version --version
for c in info demo stats bench create push pop; do
	expect 0 "help-$c" "$c" --help
done
exit $bad
