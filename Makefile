# SPDX-License-Identifier: GPL-2.0
# lfq: the one entry point.
#
#   make               build module/lfq.ko (against KDIR) and userspace
#   make deps          install every package the other targets need
#   make check         all tests; ends with "N passed, N failed"
#   make check-quick   userspace tests and one kernel (6.12)
#   make demo          boot a VM, load the module, drive /dev/lfq
#   make bench         native benchmarks (+ guest part), table and plot
#   make soak          the long soak (native, in the kernel, /dev/lfq); not
#                      part of make check (README: how long, SOAK_* sizes)
#   make install       install lfq.ko (modules_install) and liblfq
#
# NO_DEPS=1 skips the automatic "make deps" (non-Debian hosts).

DEBIAN_KDIR := $(lastword $(sort $(wildcard /lib/modules/*-amd64/build)))
KDIR ?= $(if $(wildcard /lib/modules/$(shell uname -r)/build),/lib/modules/$(shell uname -r)/build,$(DEBIAN_KDIR))
PREFIX ?= /usr/local

DEPS := $(if $(NO_DEPS),,deps)

.PHONY: all deps module userspace guest-bin check check-quick static demo \
	bench soak install clean

all: module userspace

deps:
	@scripts/deps.sh

module: $(DEPS)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(DEPS)
	$(MAKE) -C userspace/shim
	$(MAKE) -C userspace/lib
	$(MAKE) -C userspace/lfqctl

# Static binaries for the busybox guest.
guest-bin: $(DEPS)
	rm -rf build/guest
	mkdir -p build/guest/selftests
	$(MAKE) -C selftests OUTPUT=$(CURDIR)/build/guest/selftests \
		LINUX_SRC=$$(scripts/linux-src.sh)
	rm -f userspace/lfqctl/lfqctl
	$(MAKE) -C userspace/lfqctl STATIC=1
	mv userspace/lfqctl/lfqctl build/guest/lfqctl
	$(MAKE) -C userspace/devsoak OUT=$(CURDIR)/build/guest

check: $(DEPS) guest-bin
	@scripts/check.sh

check-quick: $(DEPS) guest-bin
	@scripts/check.sh --quick

static: $(DEPS)
	@scripts/static-check.sh

demo: $(DEPS) guest-bin
	@scripts/vm-run.sh -k 6.12 -p scripts/guest-demo.sh -o build/demo

bench: $(DEPS)
	$(MAKE) -C userspace/bench bench
	scripts/bench-guest.sh build/bench

soak: $(DEPS) guest-bin
	@scripts/soak.sh

install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	$(MAKE) -C userspace/lib install PREFIX=$(PREFIX)
	$(MAKE) -C userspace/lfqctl install PREFIX=$(PREFIX)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build
	-$(MAKE) -C userspace/shim clean
	-$(MAKE) -C userspace/lib clean
	-$(MAKE) -C userspace/lfqctl clean
	-$(MAKE) -C userspace/tests clean
	-$(MAKE) -C userspace/bench clean
	-$(MAKE) -C userspace/devbench clean
	-$(MAKE) -C userspace/devsoak clean
	-$(MAKE) -C selftests clean
