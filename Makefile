# SPDX-License-Identifier: GPL-2.0-only
#
# This file has two lives. Copied into a kernel tree as
# drivers/dma-buf/Makefile, kbuild reads the first half. Run from a
# checkout of this repository, it is the harness's entry point.

ifneq ($(KERNELRELEASE),)

obj-y := dma-fence.o dma-fence-array.o dma-fence-chain.o dma-fence-unwrap.o \
	 dma-resv.o
obj-y += dma-buf.o dma-buf-file.o
obj-$(CONFIG_SYNC_FILE) += sync_file.o
obj-$(CONFIG_SW_SYNC) += sw_sync.o sync_debug.o
# sw_sync.c instantiates the tracepoints of sync_trace.h, which sits here.
CFLAGS_sw_sync.o := -I$(src)
obj-$(CONFIG_UDMABUF) += udmabuf.o
obj-$(CONFIG_DMABUF_HEAPS) += dma-heap.o heaps/
obj-$(CONFIG_DMABUF_KUNIT_TEST) += selftests/
obj-$(CONFIG_DMABUF_BENCH) += bench/

else

SHELL := /bin/bash
S := scripts

.PHONY: all run test bench kunit kselftest conformance shell clean deps tree check
all: run

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh ours

# The main job: build our kernel, boot it and run the end-to-end demo.
run: tree
	@$(S)/build-x86.sh ours
	@$(S)/boot.sh ours demo

# Everything; the last line printed is "N passed, N failed".
test: deps
	@$(S)/test.sh

# Ours against stock: both benchmark kernels, alternately, >= 5 rounds;
# the table, build/bench/bench.csv and build/bench/ratios.png.
bench: deps
	@$(S)/bench.sh

# Our KUnit suites on UML, against our code and against upstream's.
kunit: deps
	@$(S)/kunit-uml.sh ours
	@$(S)/kunit-uml.sh stock

# Boots ours and stock on x86_64: KUnit, upstream conformance, kselftests.
kselftest conformance: tree
	@$(S)/build-x86.sh ours
	@$(S)/build-x86.sh stock
	@$(S)/boot.sh ours test
	@$(S)/boot.sh stock test

check:
	@$(S)/check.sh

shell: tree
	@$(S)/build-x86.sh ours
	@$(S)/boot.sh ours shell

clean:
	rm -rf build

endif
