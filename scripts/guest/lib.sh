# SPDX-License-Identifier: GPL-2.0
# Helpers for guest plans (sourced by the guest's /init, busybox sh).
#
# The results are one KTAP document on ttyS1 (/init prints its "KTAP
# version 1" line): "ok N name", "not ok N name # reason", "ok N name #
# SKIP reason".  A test program's own KTAP output (a kselftest, a KUnit
# suite's debugfs results) goes before its result line, indented, as its
# subtests.  Nothing here reads results: the host parses the document
# with the kernel's KTAP parser (scripts/host/ktap.py).

# result PASS|FAIL|SKIP NAME [REASON]: one top-level result, numbered
# through a file so that results printed from a subshell count too.
result() {
	n=$(($(cat /tmp/ktap.n 2>/dev/null || echo 0) + 1))
	echo "$n" >/tmp/ktap.n
	case $1 in
	PASS) echo "ok $n $2" ;;
	SKIP) echo "ok $n $2 # SKIP${3:+ $3}" ;;
	*) echo "not ok $n $2${3:+ # $3}" ;;
	esac
}

# subtests NAME FILE: FILE, a KTAP document, as the subtests of NAME (its
# version line replaced by the subtest header the parser needs to find
# where NAME's subtests end, should the program have died midway).
subtests() {
	{
		echo "KTAP version 1"
		echo "# Subtest: $1"
		grep -v -E '^K?TAP version [0-9]+$' "$2"
	} | sed 's/^/    /'
}

# t NAME CMD...: run CMD, PASS if it exits 0.
t() {
	name=$1
	shift
	echo "# $name: $*"
	if "$@"; then
		result PASS "$name"
	else
		result FAIL "$name" "exit $?"
	fi
}

# tfail NAME CMD...: run CMD, PASS if it fails (refusals).
tfail() {
	name=$1
	shift
	echo "# $name (must fail): $*"
	if "$@"; then
		result FAIL "$name" "succeeded"
	else
		result PASS "$name"
	fi
}

# ktap NAME CMD...: run a KTAP-emitting test program (kselftest); its
# results become subtests of NAME, which fails if the program exits
# non-zero (4, KSFT_SKIP: skipped).
ktap() {
	name=$1
	shift
	echo "# $name: $*"
	"$@" >/tmp/ktap.out 2>&1
	rc=$?
	subtests "$name" /tmp/ktap.out
	case $rc in
	0) result PASS "$name" ;;
	4) result SKIP "$name" "exit 4" ;;
	*) result FAIL "$name" "exit $rc" ;;
	esac
}

# kunit_suite SUITE: the results of a KUnit suite that ran when its module
# was loaded, from debugfs, as subtests of kunit/SUITE; a missing results
# file is a failure.
kunit_suite() {
	f=/sys/kernel/debug/kunit/$1/results
	if [ ! -r "$f" ]; then
		result FAIL "kunit/$1" "no results in debugfs"
		return
	fi
	subtests "kunit/$1" "$f"
	# the suite's own verdict is the document's last line
	if tail -n 1 "$f" | grep -q '^ok '; then
		result PASS "kunit/$1"
	else
		result FAIL "kunit/$1"
	fi
}

# lfq_test_lines: copy stdin, turning each "LFQ-TEST: VERDICT NAME [(WHY)]"
# line (what ksoak prints) into a result.
lfq_test_lines() {
	while IFS= read -r line; do
		case $line in
		"LFQ-TEST: "*)
			echo "${line#LFQ-TEST: }" | {
				read -r v nm why
				why=${why#(}
				result "$v" "$nm" "${why%)}"
			}
			;;
		*) printf '%s\n' "$line" ;;
		esac
	done
}

# ksoak LABEL PARAMS...: load lfq_soak.ko (lfq.ko must be loaded) with
# PARAMS and turn its report into results, per structure it ran:
#   soak/LABEL/KIND           the checks held (conservation, exactly-once,
#                             per-producer order for FIFO kinds)
#   soak/LABEL/KIND-ops       the target number of operations was reached
#                             (not stopped by the seconds cap)
#   soak/LABEL/KIND-hardirq   the hrtimer pushed and popped (kinds whose
#                             push_ctx and pop_ctx allow hard IRQ)
#   soak/LABEL/KIND-nmi       NMI handlers pushed and popped (kinds that
#                             allow NMI; SKIP where the kernel offers the
#                             module no NMI source)
# and soak/LABEL/load for the module's own verdict.
ksoak() {
	label=$1
	shift
	before=$(dmesg | grep -c 'lfq_soak: ')
	echo "== soak/$label: insmod lfq_soak.ko $*"
	insmod /lfq/lfq_soak.ko "$@"
	rc=$?
	dmesg | grep 'lfq_soak: ' | tail -n +$((before + 1)) >/tmp/soak.out
	cat /tmp/soak.out
	[ $rc -eq 0 ] && rmmod lfq_soak
	# exactly one run (a retried load would run the soak twice)
	if grep -q 'lfq_soak: done result=PASS' /tmp/soak.out && [ $rc -eq 0 ] &&
	   [ "$(grep -c 'lfq_soak: done ' /tmp/soak.out)" = 1 ]; then
		echo "LFQ-TEST: PASS soak/$label/load"
	else
		echo "LFQ-TEST: FAIL soak/$label/load (insmod exit $rc)"
	fi
	awk -v pre="soak/$label" '
		function kv(k,   i, a) {
			for (i = 1; i <= NF; i++)
				if (split($i, a, "=") == 2 && a[1] == k)
					return a[2]
			return ""
		}
		# A context the kind allows: "yes" (it pushed and popped there),
		# "unavailable" (allowed, but this kernel or run gave no source);
		# "not-claimed" kinds get no result.
		function ctx(name, pfx,   w) {
			w = kv(name)
			if (w == "yes")
				print "LFQ-TEST: " ((kv(pfx "_pushes") + 0 > 0 && kv(pfx "_pops") + 0 > 0) ? "PASS" : "FAIL") " " pre "/" k "-" name
			else if (w != "not-claimed")
				print "LFQ-TEST: SKIP " pre "/" k "-" name " (" name "=" w ")"
		}
		/lfq_soak: result / {
			k = kv("kind"); seen[k] = 1
			print "LFQ-TEST: " (kv("verdict") == "PASS" ? "PASS" : "FAIL") " " pre "/" k
			print "LFQ-TEST: " ((kv("ops") + 0 >= kv("target") + 0 && kv("capped") == "0") ? "PASS" : "FAIL") " " pre "/" k "-ops"
			ctx("hardirq", "irq")
			ctx("nmi", "nmi")
		}' /tmp/soak.out
}
