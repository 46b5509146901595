# SPDX-License-Identifier: GPL-2.0
# The demo (make demo): load the module and show /dev/lfq working.
t load insmod /lfq/lfq.ko
ls -l /dev/lfq
t lfqctl-info lfqctl info
t lfqctl-demo lfqctl demo
# A ring of 4 slots on fd 3 for one shell: push, look, pop.
t lfqctl-cli lfqctl create -k ring -c 4 -- sh -c '
	lfqctl push hello lock-free world &&
	lfqctl stats --fd 3 &&
	lfqctl pop -n 3'
t lfqctl-info-json lfqctl --json info
t unload rmmod lfq
