// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark cases of the buffer half: exporting and releasing a dma-buf,
 * and an importer's attach, map, unmap and detach, with a static and with
 * a dynamic importer. The exporter does what a minimal driver must do
 * (its mapping is a one-entry sg_table made per map), so the time is the
 * core's. Also the physical reference of the page-zeroing loop.
 */

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bench.h"

#define ZERO_BYTES	SZ_64M

/* The importing device of the attach cases. */
static struct device *bench_device;
/* The memory every exported buffer describes; nobody touches it. */
static struct page *bench_page;

static struct sg_table *bench_map(struct dma_buf_attachment *attach,
				  enum dma_data_direction dir)
{
	struct sg_table *sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);

	if (!sgt)
		return ERR_PTR(-ENOMEM);
	if (sg_alloc_table(sgt, 1, GFP_KERNEL)) {
		kfree(sgt);
		return ERR_PTR(-ENOMEM);
	}
	sg_set_page(sgt->sgl, bench_page, PAGE_SIZE, 0);
	return sgt;
}

static void bench_unmap(struct dma_buf_attachment *attach,
			struct sg_table *sgt, enum dma_data_direction dir)
{
	sg_free_table(sgt);
	kfree(sgt);
}

static void bench_release(struct dma_buf *dmabuf)
{
	/* The page is shared by every buffer and freed at module exit. */
}

static int bench_pin(struct dma_buf_attachment *attach)
{
	return 0;
}

static void bench_unpin(struct dma_buf_attachment *attach)
{
}

static const struct dma_buf_ops bench_static_ops = {
	.map_dma_buf = bench_map,
	.unmap_dma_buf = bench_unmap,
	.release = bench_release,
};

/* With pin and unpin the exporter may move its buffers: a dynamic one. */
static const struct dma_buf_ops bench_dynamic_ops = {
	.pin = bench_pin,
	.unpin = bench_unpin,
	.map_dma_buf = bench_map,
	.unmap_dma_buf = bench_unmap,
	.release = bench_release,
};

static void bench_move_notify(struct dma_buf_attachment *attach)
{
	/* The bench never moves a buffer. */
}

static const struct dma_buf_attach_ops bench_importer_ops = {
	.move_notify = bench_move_notify,
};

static struct dma_buf *bench_export(const struct dma_buf_ops *ops)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);

	info.ops = ops;
	info.priv = bench_page;
	info.size = PAGE_SIZE;
	info.flags = O_RDWR | O_CLOEXEC;
	return dma_buf_export(&info);
}

/*
 * Export and drop a buffer. The runner's kernel thread frees files
 * through the delayed-fput list; flushing it inside the timing makes the
 * release part of the operation, as it is for a driver's user.
 */
static s64 run_export_put(const struct bench_case *bc, void *state,
			  unsigned long ops)
{
	u64 start = ktime_get_ns();
	struct dma_buf *dmabuf;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		dmabuf = bench_export(&bench_static_ops);
		if (IS_ERR(dmabuf))
			return PTR_ERR(dmabuf);
		dma_buf_put(dmabuf);
		/* As in the chain case: let RCU free the last buffer's file. */
		cond_resched();
	}
	flush_delayed_fput();
	return ktime_get_ns() - start;
}

static int setup_buffer(const struct bench_case *bc, void **state,
			const struct dma_buf_ops *ops)
{
	struct dma_buf *dmabuf = bench_export(ops);

	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	*state = dmabuf;
	return 0;
}

static int setup_static_buffer(const struct bench_case *bc, void **state)
{
	return setup_buffer(bc, state, &bench_static_ops);
}

static int setup_dynamic_buffer(const struct bench_case *bc, void **state)
{
	return setup_buffer(bc, state, &bench_dynamic_ops);
}

static void teardown_buffer(const struct bench_case *bc, void *state)
{
	dma_buf_put(state);
	flush_delayed_fput();
}

/* What a static importer does per job: attach, map, unmap, detach. */
static s64 run_attach_static(const struct bench_case *bc, void *state,
			     unsigned long ops)
{
	u64 start = ktime_get_ns();
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf = state;
	struct sg_table *sgt;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		attach = dma_buf_attach(dmabuf, bench_device);
		if (IS_ERR(attach))
			return PTR_ERR(attach);
		sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
		if (IS_ERR(sgt)) {
			dma_buf_detach(dmabuf, attach);
			return PTR_ERR(sgt);
		}
		dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, attach);
	}
	return ktime_get_ns() - start;
}

/* The same for a dynamic importer, which maps under the buffer's lock. */
static s64 run_attach_dynamic(const struct bench_case *bc, void *state,
			      unsigned long ops)
{
	u64 start = ktime_get_ns();
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf = state;
	struct sg_table *sgt;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		attach = dma_buf_dynamic_attach(dmabuf, bench_device,
						&bench_importer_ops, NULL);
		if (IS_ERR(attach))
			return PTR_ERR(attach);
		dma_resv_lock(dmabuf->resv, NULL);
		sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);
		if (!IS_ERR(sgt))
			dma_buf_unmap_attachment(attach, sgt, DMA_BIDIRECTIONAL);
		dma_resv_unlock(dmabuf->resv);
		dma_buf_detach(dmabuf, attach);
		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
	}
	return ktime_get_ns() - start;
}

/* ---- the physical reference ------------------------------------------ */

struct zero_state {
	unsigned long count;
	struct page *pages[];
};

static void teardown_zero(const struct bench_case *bc, void *state)
{
	struct zero_state *zs = state;

	while (zs->count)
		__free_page(zs->pages[--zs->count]);
	kvfree(zs);
}

static int setup_zero(const struct bench_case *bc, void **state)
{
	unsigned long count = ZERO_BYTES >> PAGE_SHIFT;
	struct zero_state *zs;

	zs = kvzalloc(struct_size(zs, pages, count), GFP_KERNEL);
	if (!zs)
		return -ENOMEM;
	for (; zs->count < count; zs->count++) {
		zs->pages[zs->count] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!zs->pages[zs->count]) {
			teardown_zero(bc, zs);
			return -ENOMEM;
		}
	}
	*state = zs;
	return 0;
}

/*
 * Zero 64 MiB a page at a time with the kernel's own page clearing, the
 * floor under any allocator that hands out zeroed memory.
 */
static s64 run_zero(const struct bench_case *bc, void *state,
		    unsigned long ops)
{
	struct zero_state *zs = state;
	u64 start = ktime_get_ns();
	unsigned long i, p;

	for (i = 0; i < ops; i++) {
		for (p = 0; p < zs->count; p++)
			clear_highpage(zs->pages[p]);
		cond_resched();
	}
	return ktime_get_ns() - start;
}

const struct bench_case bench_buf_cases[] = {
	{ .name = "dmabuf_export_put", .run = run_export_put },
	{ .name = "dmabuf_attach_map_static", .setup = setup_static_buffer,
	  .run = run_attach_static, .teardown = teardown_buffer },
	{ .name = "dmabuf_attach_map_dynamic", .setup = setup_dynamic_buffer,
	  .run = run_attach_dynamic, .teardown = teardown_buffer },
	{ .name = "kernel_zero_64m", .setup = setup_zero, .run = run_zero,
	  .teardown = teardown_zero },
};

const unsigned int bench_buf_case_count = ARRAY_SIZE(bench_buf_cases);

int bench_buf_init(void)
{
	bench_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!bench_page)
		return -ENOMEM;
	bench_device = root_device_register("dma_buf_bench");
	if (IS_ERR(bench_device)) {
		__free_page(bench_page);
		return PTR_ERR(bench_device);
	}
	return 0;
}

void bench_buf_exit(void)
{
	root_device_unregister(bench_device);
	__free_page(bench_page);
}
