# SPDX-License-Identifier: GPL-2.0
# The demo (make demo): load the module and show /dev/lfq working.
t load insmod /lfq/lfq.ko
ls -l /dev/lfq
t lfqctl-info lfqctl info
t lfqctl-demo lfqctl demo
t lfqctl-stats-json lfqctl --json info
t unload rmmod lfq
