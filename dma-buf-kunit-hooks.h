/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the DMA-BUF core that our KUnit suites reach: allocation
 * points and lookups they can make fail on purpose, by redirecting them
 * with kunit_activate_static_stub(), and a few checks and choices they
 * call directly.
 *
 * Private to drivers/dma-buf and its selftests, never part of the API. In
 * a kernel without KUnit every function below is static to its file and
 * nothing here is declared; with KUnit they are global and exported to
 * the EXPORTED_FOR_KUNIT_TESTING namespace only. Those a suite redirects
 * begin with KUNIT_STATIC_STUB_REDIRECT(), which costs one static-key
 * test while no suite runs.
 */
#ifndef DMA_BUF_KUNIT_HOOKS_H
#define DMA_BUF_KUNIT_HOOKS_H

#include <linux/types.h>

struct dma_fence;
struct dma_resv_list;
struct dma_buf;
struct device;
struct file;
struct mem_cgroup;
struct page;
struct udmabuf_create_item;

#if IS_ENABLED(CONFIG_KUNIT)

/* dma-fence-array.c: every dma_fence_array_alloc() */
void *dma_fence_array_alloc_mem(size_t bytes);

/* dma-fence-unwrap.c: the list of leaves __dma_fence_unwrap_merge() keeps */
struct dma_fence **dma_fence_unwrap_alloc_list(unsigned int count);

/* dma-resv.c: every new fence list (reserve, copy, unreserved add) */
struct dma_resv_list *dma_resv_list_new(unsigned int want, gfp_t gfp);

/* dma-resv.c: the snapshot array of dma_resv_get_fences() */
struct dma_fence **dma_resv_fences_resize(struct dma_fence **fences,
					  unsigned int count);

/*
 * udmabuf.c: its request checks, its whole create path, and the dma_buf_fd()
 * call after the export (to fail it and watch the buffer be released)
 */
u64 udmabuf_max_pages(int limit_mb);
int udmabuf_count_pages(const struct udmabuf_create_item *items, u32 count,
			u64 max_pages, pgoff_t *total);
int udmabuf_check_memfd(struct file *memfd);
int udmabuf_install_fd(struct dma_buf *dmabuf, int flags);
long udmabuf_create(struct device *dev, u32 flags,
		    const struct udmabuf_create_item *items, u32 count);

/*
 * dma-heap.c: the memory cgroup a request's charge_pid_fd names (NULL for
 * 0), with a reference, or an ERR_PTR()
 */
struct mem_cgroup *dma_heap_charge_target(u32 pidfd);

/* heaps/system_heap.c: the allocation flags of a chunk of 2^@order pages */
gfp_t system_heap_gfp(unsigned int order);
/* heaps/system_heap.c: every chunk of every buffer */
struct page *system_heap_alloc_chunk(unsigned int order);

#endif /* CONFIG_KUNIT */

#endif /* DMA_BUF_KUNIT_HOOKS_H */
