# modemline: build, install and test.
#
#   make demo     a narrated call on a simulated modem, in qemu
#   make check    every test, in qemu, on the debug and the stock kernels
#
# See README.md. The kernel part is built by Kbuild (Kbuild, kmod/Kbuild).

KDIR ?= /lib/modules/$(shell uname -r)/build
# Kernel for 'make vm' and friends: debug, debug-7.3, stock-6.1, stock-6.12.
KERNEL ?= debug
# Kernels 'make check' proves the module on.
KERNELS ?= debug stock-6.1 stock-6.12
COMPAT_KERNELS ?= stock-6.1 stock-6.12 compat-7.3
# 'make check KERNEL=debug-7.3' checks that one kernel only.
ifeq ($(origin KERNEL),command line)
KERNELS := $(KERNEL)
endif
BUILD := $(CURDIR)/build
CMD ?= uname -r
PREFIX ?= /usr/local
UDEVDIR ?= /etc/udev/rules.d

export MODEMLINE_BUILD := $(BUILD)

all: modules userspace selftests

# Against KDIR, in the source tree, the usual out-of-tree way.
modules: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

kdir:
	@test -f $(KDIR)/Makefile || { \
		echo "No kernel build tree at KDIR=$(KDIR)."; \
		echo "Install linux-headers-$$(uname -r), or pass KDIR=/path/to/tree."; \
		echo "(make check builds its own kernels and needs neither.)"; \
		exit 1; }

# Against one of the test kernels, in build/KERNEL/ (no objects in the tree).
modules-vm: deps
	scripts/build-modules.sh $(KERNEL)

# sparse over every file, against the test kernel: any warning fails.
sparse: deps
	scripts/build-modules.sh $(KERNEL) C=2

userspace:
	$(MAKE) -C userspace O=$(BUILD)/userspace

# The same programs and library for 32-bit users (gcc -m32, Debian's
# gcc-multilib), in build/userspace32.
userspace32:
	$(MAKE) -C userspace O=$(BUILD)/userspace32 CC='gcc -m32'

selftests:
	dir=$$(scripts/kselftest-framework.sh) && \
		$(MAKE) -C selftests O=$(BUILD)/selftests KSELFTEST_DIR=$$dir \
			all kselftest_install

# The ABI selftests built with -m32 against build/userspace32, installed
# as a second collection in build/kselftest32: make check runs them in
# every VM, through the kernel's compat ioctl path.
selftests32: userspace32
	dir=$$(scripts/kselftest-framework.sh) && \
		$(MAKE) -C selftests O=$(BUILD)/selftests32 KSELFTEST_DIR=$$dir M32=1 \
			CC='gcc -m32' MODEMLINE_USERSPACE=$(BUILD)/userspace32 \
			KSFT_INSTALL=$(BUILD)/kselftest32 all kselftest_install

deps:
	@scripts/deps.sh

check: deps userspace selftests selftests32
	scripts/check.sh $(KERNELS)

# Build against every supported kernel: stock 6.1 and 6.12 header trees and
# the newest Debian kernel (7.3, compile-only); one line per kernel.
compat: deps userspace selftests
	scripts/compat.sh $(COMPAT_KERNELS)

# Proves that the verdict of 'make check' can fail: leak, use after free
# and lock inversion canaries must each be caught.
check-harness: deps
	scripts/check-harness.sh

# Run CMD as root in a VM with our modules loaded, e.g.
#   make vm KERNEL=stock-6.1 CMD='lsmod'
vm: deps userspace selftests
	scripts/build-modules.sh $(KERNEL) >/dev/null
	scripts/vm.sh --kernel $(KERNEL) -- sh -c '$(CMD)'

# The long hardening run (issue 8): fuzzer, fault injection, race loops,
# CVE-class tests for DURATION seconds on the debug kernel, with figures.
DURATION ?= 1200
stress: deps userspace selftests
	scripts/stress.sh $(DURATION)

# A narrated call on a simulated modem, in qemu on Debian's stock 6.12
# kernel (fetched on first use). DEMO_MODEM=unix:PATH wires the guest's
# UART to a modem or emulator on this host instead, DEMO_DIALECT=3gpp
# makes it a voice call on a cellular modem; see scripts/demo.sh.
demo: deps userspace
	scripts/demo.sh

# The test of 'make demo': one TAP case per narrated step.
demo-check: deps userspace
	scripts/demo-check.sh

# Benchmarks in one VM boot of a stock kernel (RUNS=N: N boots, the median
# of the run medians and their spread): a table of ratios against
# the physical limit and against userspace, and build/bench/results.json.
# A missed target does not fail; only a failure to measure does.
bench: deps userspace
	scripts/bench.sh --kernel $(if $(filter stock-%,$(KERNEL)),$(KERNEL),stock-6.12) \
		--runs $(or $(RUNS),1) $(if $(PROFILE),--profile)

# The kernel release KDIR builds for (the running kernel by default).
KREL = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null || uname -r)
MODDIR = $(DESTDIR)/lib/modules/$(KREL)/extra
VERSION := 0.1.0
DKMS_SRC = $(DESTDIR)/usr/src/modemline-$(VERSION)

# Everything a user touches; DESTDIR stages it (the test installs into
# build/stage). The modules go to /lib/modules/KREL/extra/kmod (Kbuild keeps
# the source directory; compressed as the kernel is configured) and depmod runs.
install: modules userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(abspath $(DESTDIR))) modules_install
	depmod -a $(if $(DESTDIR),-b $(abspath $(DESTDIR))) $(KREL)
	install -D -m 0644 udev/60-modemline.rules $(DESTDIR)$(UDEVDIR)/60-modemline.rules
	install -D -m 0644 udev/70-modemline-attach.rules $(DESTDIR)$(UDEVDIR)/70-modemline-attach.rules
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install
	$(if $(DESTDIR),,-udevadm control --reload-rules 2>/dev/null)

uninstall:
	rm -f $(MODDIR)/kmod/modemline.ko* $(MODDIR)/kmod/modemline_sim.ko*
	-rmdir $(MODDIR)/kmod $(MODDIR) 2>/dev/null
	depmod -a $(if $(DESTDIR),-b $(abspath $(DESTDIR))) $(KREL)
	rm -f $(DESTDIR)$(UDEVDIR)/60-modemline.rules $(DESTDIR)$(UDEVDIR)/70-modemline-attach.rules
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) uninstall

# The module sources and dkms.conf in /usr/src/modemline-VERSION, for
# 'dkms add modemline/VERSION; dkms install modemline/VERSION'.
dkms-source:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	cp Kbuild $(DKMS_SRC)/
	cd kmod && find . \( -name '*.[ch]' -o -name Kbuild \) -not -path './tests/canary/*' \
		-exec cp --parents {} $(DKMS_SRC)/kmod/ \;
	cp uapi/linux/modemline.h $(DKMS_SRC)/uapi/linux/
	sed 's/@VERSION@/$(VERSION)/' scripts/dkms/dkms.conf >$(DKMS_SRC)/dkms.conf

# Debian packages for bookworm (modemline-dkms, modemline-utils,
# libmodemline0, libmodemline-dev) into build/deb/, lintian-clean; the
# packaging is scripts/debian/. deb-check unpacks them into a clean root,
# builds the module by DKMS from there and loads it in a stock 6.12 VM.
deb: deps
	scripts/deb.sh

deb-check: deps
	scripts/deb-check.sh

# make install / uninstall into build/stage against a stock header tree,
# on the host; TAP output.
install-check: deps userspace
	scripts/install-check.sh $(if $(filter command line,$(origin KERNEL)),$(KERNEL),stock-6.12)

# libmodemline.so.0's exported symbols against the committed list, its
# header and man page, on the host; TAP output (part of make check).
abi-check: userspace
	scripts/abi-check.sh

# dkms add/build/install against KDIR into private trees under build/dkms
# (nothing of the host's dkms or /lib/modules is touched); see README.
dkms-check:
	scripts/dkms-check.sh $(KDIR)

# The driver as a 'git format-patch' series against a pristine kernel
# tree, from these same files, in build/patches/ (KERNEL_SRC=7.3 or a
# kernel git tree for another base than 6.12); see scripts/patches.sh.
KERNEL_SRC ?= 6.12
patches: deps
	scripts/patches.sh $(KERNEL_SRC)

# The series applied with git am to a clean 6.12 tree (PATCHES_KERNEL=7.3
# for 7.3), built in-tree with W=1, checkpatch --strict on every patch,
# kernel-doc -Wall on every source; TAP output.
PATCHES_KERNEL ?= 6.12
patches-check: deps
	scripts/patches-check.sh $(PATCHES_KERNEL)

# KUnit the usual way: the series applied to a clean 6.12 tree (or
# PATCHES_KERNEL), then 'kunit.py run --kunitconfig=drivers/tty/modemline'
# there: a UML kernel, no VM; one TAP line per KUnit case.
kunit-uml: deps
	scripts/kunit-uml.sh $(PATCHES_KERNEL)

clean:
	rm -rf $(BUILD)
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'modules.order' -o -name 'Module.symvers' \) \
		-not -path './.git/*' -delete

.PHONY: all modules kdir modules-vm sparse userspace userspace32 selftests selftests32 deps check deb deb-check \
	compat check-harness vm demo bench install uninstall dkms-source dkms-check \
	install-check abi-check demo-check clean stress patches patches-check \
	kunit-uml
