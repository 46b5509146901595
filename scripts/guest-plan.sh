# SPDX-License-Identifier: GPL-2.0
# The test plan every kernel runs (sourced by the guest's /init).

t load insmod /lfq/lfq.ko
t devnode test -c /dev/lfq
t devnode-mode sh -c '[ "$(stat -c %a /dev/lfq)" = 600 ]'

if [ -f /lfq/lfq_kunit.ko ]; then
	t kunit-load insmod /lfq/lfq_kunit.ko
	for s in lfq_msq lfq_stack lfq_ring lfq_tlq; do
		kunit_suite "$s"
	done
	t kunit-unload rmmod lfq_kunit
fi

for p in /lfq/bin/selftests/*; do
	[ -x "$p" ] || continue
	ktap "selftests/${p##*/}" "$p"
done

if [ -x /lfq/bin/lfqctl ]; then
	t lfqctl-info lfqctl info
	t lfqctl-demo lfqctl demo
fi

t example-load insmod /lfq/lfq_example.ko
t example-unload rmmod lfq_example

t unload rmmod lfq
# A second load/unload cycle: nothing left behind by the first.
t reload insmod /lfq/lfq.ko
t reunload rmmod lfq
