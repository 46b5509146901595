#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tree stage of make check: lfq dropped into a kernel tree, the way it
# would be carried in-tree, checked with the kernel's own tools.  The tree
# is a copy of Debian's linux-source-6.12 (scripts/host/linux-src.sh) made of
# symlinks, under build/tree, with
#   module/              as drivers/misc/lfq/ (Kconfig, Kbuild, .kunitconfig)
#   uapi/linux/lfq.h     as include/uapi/linux/lfq.h
#   selftests/           as tools/testing/selftests/lfq/
# Then:
#   kunit.py config --kunitconfig=drivers/misc/lfq   (UML and x86_64): the
#       Kconfig entries resolve and the suites would be built
#   make headers; make -C tools/testing/selftests TARGETS=lfq (both O=): the selftest
#       builds with lfq.h from the installed uapi headers (KHDR_INCLUDES)
#   ... TARGETS=lfq run_tests on this host, which has no /dev/lfq: every
#       test is skipped, none fails (read by scripts/host/ktap.py)
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/tree
tree=$work/linux
bad=0
pass() { echo "PASS: tree/$1"; }
fail() { echo "FAIL: tree/$1"; bad=1; }

src=$("$top/scripts/host/linux-src.sh") || { fail linux-source; exit 1; }
rm -rf "$work"
mkdir -p "$work"

# The copy: symlinks to the cached source, real directories only along the
# paths lfq goes into.  Everything is built with O= (kunit.py's build_dir),
# so nothing is written through a link into the cache.
farm() { # DIR [ENTRY...]: DIR real, each entry of it a link, but ENTRYs
	local d=$1 e n
	shift
	mkdir -p "$tree/$d"
	for e in "$src/$d"/* "$src/$d"/.[!.]*; do
		[ -e "$e" ] || continue
		n=${e##*/}
		case " $* .unpacked " in *" $n "*) continue ;; esac
		ln -s "$e" "$tree/$d/$n"
	done
}
farm . drivers include tools
farm drivers misc
farm drivers/misc Kconfig Makefile
farm include uapi
farm include/uapi linux
farm include/uapi/linux
farm tools testing
farm tools/testing selftests kunit
farm tools/testing/selftests
# kunit.py finds the tree from its own real path: it must be a real copy.
cp -r "$src/tools/testing/kunit" "$tree/tools/testing/kunit"

cp "$src/drivers/misc/Kconfig" "$src/drivers/misc/Makefile" "$tree/drivers/misc/"
sed -i 's|^endmenu$|source "drivers/misc/lfq/Kconfig"\nendmenu|' "$tree/drivers/misc/Kconfig"
echo 'obj-y				+= lfq/' >>"$tree/drivers/misc/Makefile"
mkdir -p "$tree/drivers/misc/lfq" "$tree/tools/testing/selftests/lfq"
cp "$top"/module/{Kconfig,Kbuild,.kunitconfig,*.mk,*.[ch]} "$tree/drivers/misc/lfq/"
cp -r "$top"/module/{tests,samples} "$tree/drivers/misc/lfq/"
rm -f "$tree"/drivers/misc/lfq/*.mod.c
cp "$top/uapi/linux/lfq.h" "$tree/include/uapi/linux/"
cp "$top"/selftests/{Makefile,config,settings,*.c,*.h,*.sh} "$tree/tools/testing/selftests/lfq/"
# lfq_shm_test links liblfq's shared-ring calls: the library goes along
cp "$top"/userspace/lib/liblfq{.c,.h,_internal.h} "$tree/tools/testing/selftests/lfq/"
out=$work/out
kst=$out/kselftest

# 1. kunit.py config: the .kunitconfig's options survive olddefconfig.
for arch in um x86_64; do
	if (cd "$tree" && python3 tools/testing/kunit/kunit.py config \
		--kunitconfig=drivers/misc/lfq --arch="$arch" \
		--build_dir=".kunit-$arch") >"$work/kunit-$arch.log" 2>&1 &&
	   grep -qx 'CONFIG_LFQ_KUNIT_TEST=y' "$tree/.kunit-$arch/.config"; then
		pass "kunit-config-$arch"
	else
		tail -20 "$work/kunit-$arch.log"
		fail "kunit-config-$arch"
	fi
done

# 2. The selftest, built the kernel way.
if make -C "$tree" O="$out" headers >"$work/headers.log" 2>&1 &&
   [ -f "$out/usr/include/linux/lfq.h" ]; then
	pass uapi-headers
else
	tail -20 "$work/headers.log"
	fail uapi-headers
fi
if make -C "$tree/tools/testing/selftests" O="$out" TARGETS=lfq \
	>"$work/selftests-build.log" 2>&1 &&
   [ -x "$kst/lfq/lfq_abi_test" ]; then
	pass selftests-build
else
	tail -20 "$work/selftests-build.log"
	fail selftests-build
fi

# 3. run_tests without /dev/lfq: skipped, not failed.
if [ -e /dev/lfq ]; then
	echo "SKIP: tree/selftests-skip (this host has /dev/lfq)"
else
	make -C "$tree/tools/testing/selftests" O="$out" TARGETS=lfq run_tests \
		>"$work/selftests-run.log" 2>&1
	# The runner nests each program's KTAP under "# "; as indentation
	# it is one KTAP document.  Every result must be a skip.
	sed 's/^# /    /' "$work/selftests-run.log" >"$work/selftests-run.ktap"
	"$top/scripts/host/ktap.py" -p selftests "$work/selftests-run.ktap" \
		>"$work/selftests-run.results"
	sed 's/^/# /' "$work/selftests-run.results"
	if grep -q '^SKIP: ' "$work/selftests-run.results" &&
	   ! grep -qE '^(PASS|FAIL): ' "$work/selftests-run.results"; then
		pass selftests-skip
	else
		tail -20 "$work/selftests-run.log"
		fail selftests-skip
	fi
fi
exit $bad
