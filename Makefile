# SPDX-License-Identifier: GPL-2.0-only
#
# The subsystem's kbuild file. Outside kbuild (make run in a checkout),
# the targets come from scripts/harness.mk.

ifneq ($(KERNELRELEASE),)

obj-y := dma-fence.o dma-fence-array.o dma-fence-chain.o dma-fence-unwrap.o \
	 dma-resv.o
obj-y += dma-buf.o dma-buf-file.o
obj-$(CONFIG_MEMCG) += dma-buf-memcg.o
obj-$(CONFIG_SYNC_FILE) += sync_file.o
obj-$(CONFIG_SW_SYNC) += sw_sync.o sync_debug.o
# sw_sync.c instantiates the tracepoints of sync_trace.h, which sits here.
CFLAGS_sw_sync.o := -I$(src)
obj-$(CONFIG_UDMABUF) += udmabuf.o
obj-$(CONFIG_DMABUF_HEAPS) += dma-heap.o heaps/
obj-$(CONFIG_DMABUF_KUNIT_TEST) += selftests/
obj-$(CONFIG_DMABUF_BENCH) += bench/

else
include scripts/harness.mk
endif
