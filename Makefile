# SPDX-License-Identifier: GPL-2.0
# lfq: the one entry point.
#
#   make               module/lfq.ko (for KDIR), liblfq and lfqctl
#   make install       lfq.ko (+ depmod), liblfq, lfqctl, headers, man pages
#   make dkms-source   the module's sources for DKMS, in /usr/src/lfq-VERSION
#   make check         all tests; ends with "N passed, N failed"
#   make check-quick   userspace tests, the quick models and one kernel (6.12)
#   make demo          boot a VM, load the module, drive /dev/lfq
#   make bench         native benchmarks (+ guest part), table and plot
#   make soak          the long soak (native, in the kernel, /dev/lfq); not
#                      part of make check (README: how long, SOAK_* sizes)
#   make deps          install every package any target needs
#   make deps-build | deps-check | deps-bench   one group (scripts/host/deps.sh)
#
# Each target installs its own group of Debian packages first (build: a
# compiler, kmod and kernel headers; check and bench: the rest);
# NO_DEPS=1 skips that (non-Debian hosts).
#
# KDIR     kernel build tree (default: the running kernel's,
#          /lib/modules/$(uname -r)/build); the test targets use their own
# PREFIX   /usr/local
# DESTDIR  staging directory for make install (depmod is then left to the
#          package's installation)

VERSION := 1.0.0

ifeq ($(origin KDIR),undefined)
KDIR := /lib/modules/$(shell uname -r)/build
KDIR_GIVEN :=
else
KDIR_GIVEN := 1
endif
# The release modules are installed for: UTS_RELEASE (what vermagic says), not
# include/config/kernel.release, which Debian's 6.1 headers set to 6.1.<n>.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
# Kernel API for client modules: include/lfq.h, lfq.kbuild, example/,
# and <kernel release>/Module.symvers.
KAPIDIR ?= $(PREFIX)/share/lfq
DKMSDIR ?= /usr/src/lfq-$(VERSION)

DEPS_BUILD := $(if $(NO_DEPS),,deps-build)
DEPS_CHECK := $(if $(NO_DEPS),,deps-check)
DEPS_BENCH := $(if $(NO_DEPS),,deps-bench)

.PHONY: all deps deps-build deps-check deps-bench kdir module userspace \
	guest-bin check check-quick static demo bench soak install \
	dkms-source clean

all: module userspace

deps:
	@scripts/host/deps.sh all
deps-build deps-check deps-bench:
	@scripts/host/deps.sh $(@:deps-%=%)

# Which kernel, and a clear message when there is none.
kdir:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		if [ -n "$(KDIR_GIVEN)" ]; then \
			echo "lfq: KDIR=$(KDIR) is not a kernel build tree (no Makefile there)" >&2; \
		else \
			echo "lfq: the running kernel $$(uname -r) has no headers ($(KDIR) is missing)." >&2; \
			echo "lfq: install them (Debian: apt-get install linux-headers-$$(uname -r))," >&2; \
			echo "lfq: or build for another kernel: make KDIR=/lib/modules/<release>/build" >&2; \
			ls -d /lib/modules/*/build 2>/dev/null | sed 's/^/lfq:   there is /' >&2; \
		fi; \
		exit 1; \
	fi
	@echo "lfq: building for Linux $(KRELEASE) (KDIR=$(KDIR))"

module: $(DEPS_BUILD) kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(DEPS_BUILD)
	$(MAKE) -C userspace/lib
	$(MAKE) -C userspace/lfqctl

# Static binaries for the busybox guest.
guest-bin: $(DEPS_CHECK)
	rm -rf build/guest
	mkdir -p build/guest/selftests
	$(MAKE) -C selftests OUTPUT=$(CURDIR)/build/guest/selftests \
		LINUX_SRC=$$(scripts/host/linux-src.sh)
	rm -f userspace/lfqctl/lfqctl
	$(MAKE) -C userspace/lfqctl STATIC=1
	mv userspace/lfqctl/lfqctl build/guest/lfqctl
	$(MAKE) -C userspace/devsoak OUT=$(CURDIR)/build/guest

check: $(DEPS_CHECK) guest-bin
	@scripts/host/check.sh

check-quick: $(DEPS_CHECK) guest-bin
	@scripts/host/check.sh --quick

static: $(DEPS_CHECK)
	@scripts/host/static-check.sh

demo: $(DEPS_CHECK) guest-bin
	@scripts/host/vm-run.sh -k 6.12 -p scripts/guest/demo.sh -o build/demo

bench: $(DEPS_BENCH)
	$(MAKE) -C userspace/bench bench
	scripts/host/bench-report.sh build/bench

soak: $(DEPS_CHECK) guest-bin
	@scripts/host/soak.sh

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KRELEASE) \
		INSTALL_MOD_PATH=$(DESTDIR) modules_install
ifeq ($(DESTDIR),)
	depmod -a $(KRELEASE)
endif
	$(MAKE) -C userspace/lib install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	$(MAKE) -C userspace/lfqctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 userspace/man/lfqctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 userspace/man/liblfq.3 $(DESTDIR)$(MANDIR)/man3/
	install -d $(DESTDIR)$(KAPIDIR)/include $(DESTDIR)$(KAPIDIR)/example \
		$(DESTDIR)$(KAPIDIR)/$(KRELEASE)
	install -m 644 module/lfq.h $(DESTDIR)$(KAPIDIR)/include/
	install -m 644 module/lfq.kbuild $(DESTDIR)$(KAPIDIR)/
	install -m 644 Module.symvers $(DESTDIR)$(KAPIDIR)/$(KRELEASE)/
	install -m 644 module/samples/client/Kbuild module/samples/client/Makefile \
		module/samples/client/lfq_client.c $(DESTDIR)$(KAPIDIR)/example/

# The module's sources where DKMS looks for them: then
#   dkms add lfq/$(VERSION) && dkms build lfq/$(VERSION) && dkms install lfq/$(VERSION)
dkms-source:
	install -d $(DESTDIR)$(DKMSDIR)/module $(DESTDIR)$(DKMSDIR)/uapi/linux
	install -m 644 dkms.conf Kbuild $(DESTDIR)$(DKMSDIR)/
	install -m 644 module/Kbuild module/lfq_structs.mk \
		$(filter-out %.mod.c,$(wildcard module/*.[ch])) \
		$(DESTDIR)$(DKMSDIR)/module/
	install -m 644 uapi/linux/lfq.h $(DESTDIR)$(DKMSDIR)/uapi/linux/

clean:
	-[ ! -f "$(KDIR)/Makefile" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build
	-$(MAKE) -C userspace/shim clean
	-$(MAKE) -C userspace/lib clean
	-$(MAKE) -C userspace/lfqctl clean
	-$(MAKE) -C userspace/tests clean
	-$(MAKE) -C userspace/bench clean
	-$(MAKE) -C userspace/devbench clean
	-$(MAKE) -C userspace/devsoak clean
	-$(MAKE) -C selftests clean
