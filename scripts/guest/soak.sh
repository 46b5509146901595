# SPDX-License-Identifier: GPL-2.0
# Guest plan of make soak (scripts/host/soak.sh), sourced by the guest's /init
# after scripts/host/soak.sh has prepended the sizes:
#   SOAK_KINDS    structures, e.g. "msq stack ring tlq"
#   SOAK_OPS      in-kernel operations per structure (lfq_soak.ko ops=)
#   SOAK_SECS     cap per structure in seconds (0: none)
#   SOAK_MSGS     /dev/lfq messages per kind (0: skip devsoak)
#   SOAK_DEV_ARGS more devsoak options (batch and queue sizes)

t load insmod /lfq/lfq.ko
for k in $SOAK_KINDS; do
	ksoak "$k" ops="$SOAK_OPS" secs="$SOAK_SECS" kinds="$k" | lfq_test_lines
done
if [ "$SOAK_MSGS" -gt 0 ]; then
	for k in $SOAK_KINDS; do
		ktap devsoak devsoak -n "$SOAK_MSGS" -k "$k" $SOAK_DEV_ARGS
	done
fi
t unload rmmod lfq
