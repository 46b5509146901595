# SPDX-License-Identifier: GPL-2.0
# Helpers for guest plans (sourced by the guest's /init, busybox sh).
# Every result is one line "LFQ-TEST: PASS|FAIL|SKIP name" on ttyS1.

# t NAME CMD...: run CMD, PASS if it exits 0.
t() {
	name=$1
	shift
	echo "== $name: $*"
	if "$@"; then
		echo "LFQ-TEST: PASS $name"
	else
		echo "LFQ-TEST: FAIL $name (exit $?)"
	fi
}

# tfail NAME CMD...: run CMD, PASS if it fails (refusals).
tfail() {
	name=$1
	shift
	echo "== $name (must fail): $*"
	if "$@"; then
		echo "LFQ-TEST: FAIL $name (succeeded)"
	else
		echo "LFQ-TEST: PASS $name"
	fi
}

# ktap NAME CMD...: run a KTAP-emitting test program (kselftest); each
# top-level "ok"/"not ok" line becomes a result, "# SKIP" ones a skip.  A
# non-zero exit with no "not ok" line (a crash) is a failure of NAME.
ktap() {
	name=$1
	shift
	echo "== $name: $*"
	"$@" >/tmp/ktap.out 2>&1
	rc=$?
	cat /tmp/ktap.out
	awk -v pre="$name" '
		/^ok [0-9]+ / { n = $3; v = ($0 ~ /# SKIP/) ? "SKIP" : "PASS";
				print "LFQ-TEST: " v " " pre "/" n; next }
		/^not ok [0-9]+ / { n = $4; v = ($0 ~ /# SKIP/) ? "SKIP" : "FAIL";
				    print "LFQ-TEST: " v " " pre "/" n; bad = 1 }
		END { exit bad }' /tmp/ktap.out
	bad=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$bad" -eq 0 ]; then
		echo "LFQ-TEST: FAIL $name (exit $rc)"
	fi
}

# kunit_suite SUITE: one result per test case of a KUnit suite that ran
# when its module was loaded, read from debugfs (a parameterised case: one
# per parameter, SUITE/CASE/PARAM); a missing results file is a failure.
kunit_suite() {
	f=/sys/kernel/debug/kunit/$1/results
	if [ ! -r "$f" ]; then
		echo "LFQ-TEST: FAIL kunit/$1 (no results in debugfs)"
		return
	fi
	cat "$f"
	awk -v pre="kunit/$1" '
		/^    1\.\.[0-9]+/ { split($1, a, "."); planned = a[3] }
		/^        # Subtest: / { cs = $3 }
		/^        ok [0-9]+ / { v = ($0 ~ /# SKIP/) ? "SKIP" : "PASS";
				        par = par "LFQ-TEST: " v " " pre "/" cs "/" $3 "\n" }
		/^        not ok [0-9]+ / { par = par "LFQ-TEST: FAIL " pre "/" cs "/" $4 "\n"; pbad = 1 }
		/^    ok [0-9]+ / { n++; v = ($0 ~ /# SKIP/) ? "SKIP" : "PASS";
				    if (par != "") printf "%s", par
				    else print "LFQ-TEST: " v " " pre "/" $3
				    par = ""; pbad = 0; seen = 1 }
		/^    not ok [0-9]+ / { n++; printf "%s", par
				        if (!pbad) print "LFQ-TEST: FAIL " pre "/" $4
				        par = ""; pbad = 0; seen = 1 }
		/^(not )?ok [0-9]+ / { top = $0 }
		END { if (!seen) print "LFQ-TEST: FAIL " pre " (no test cases)";
		      else if (n != planned) print "LFQ-TEST: FAIL " pre " (" n " of " planned " cases reported)";
		      else if (top ~ /^not ok/) print "LFQ-TEST: FAIL " pre }' "$f"
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
