/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test exporter's kernel interface, for the dma-buf KUnit suites.
 *
 * The test exporter is a fake device driver that exports zeroed system
 * pages as a dma-buf through the core's exported interface only, so that
 * the suites test the documented contract, not our internals. It counts
 * every callback the core makes, checks the locking and ownership rules
 * the core promises its exporters, and can be told to fail any callback
 * that may fail, so that a suite can prove the core unwinds its error
 * paths.
 *
 * It never uses the DMA API (UML has none): the "device addresses" of its
 * scatterlists are the physical addresses of the pages.
 */
#ifndef DMA_BUF_TEST_EXPORTER_H
#define DMA_BUF_TEST_EXPORTER_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/types.h>

struct dma_resv;
struct file;
struct page;

/**
 * enum dmabuf_test_call - the exporter callbacks the test exporter counts
 * @DMABUF_TEST_ATTACH: &dma_buf_ops.attach (may be made to fail)
 * @DMABUF_TEST_DETACH: &dma_buf_ops.detach
 * @DMABUF_TEST_PIN: &dma_buf_ops.pin (may be made to fail)
 * @DMABUF_TEST_UNPIN: &dma_buf_ops.unpin
 * @DMABUF_TEST_MAP: &dma_buf_ops.map_dma_buf (may be made to fail)
 * @DMABUF_TEST_UNMAP: &dma_buf_ops.unmap_dma_buf
 * @DMABUF_TEST_RELEASE: &dma_buf_ops.release
 * @DMABUF_TEST_BEGIN_CPU: &dma_buf_ops.begin_cpu_access (may be made to fail)
 * @DMABUF_TEST_END_CPU: &dma_buf_ops.end_cpu_access (may be made to fail)
 * @DMABUF_TEST_MMAP: &dma_buf_ops.mmap (may be made to fail)
 * @DMABUF_TEST_VMAP: &dma_buf_ops.vmap (may be made to fail)
 * @DMABUF_TEST_VUNMAP: &dma_buf_ops.vunmap
 * @DMABUF_TEST_FAULT: page faults on a user mapping of the buffer
 * @DMABUF_TEST_NR_CALLS: number of the above
 */
enum dmabuf_test_call {
	DMABUF_TEST_ATTACH,
	DMABUF_TEST_DETACH,
	DMABUF_TEST_PIN,
	DMABUF_TEST_UNPIN,
	DMABUF_TEST_MAP,
	DMABUF_TEST_UNMAP,
	DMABUF_TEST_RELEASE,
	DMABUF_TEST_BEGIN_CPU,
	DMABUF_TEST_END_CPU,
	DMABUF_TEST_MMAP,
	DMABUF_TEST_VMAP,
	DMABUF_TEST_VUNMAP,
	DMABUF_TEST_FAULT,
	DMABUF_TEST_NR_CALLS
};

/* Flags of struct dmabuf_test_params. */
/* A dynamic exporter: provides pin and unpin. */
#define DMABUF_TEST_DYNAMIC		BIT(0)
/* Sets &dma_buf_ops.cache_sgt_mapping. */
#define DMABUF_TEST_CACHE_SGT		BIT(1)
/* No &dma_buf_ops.mmap. */
#define DMABUF_TEST_NO_MMAP		BIT(2)
/* Neither &dma_buf_ops.vmap nor vunmap. */
#define DMABUF_TEST_NO_VMAP		BIT(3)
/* Neither begin_cpu_access nor end_cpu_access. */
#define DMABUF_TEST_NO_CPU_ACCESS	BIT(4)
/* Neither &dma_buf_ops.attach nor detach. */
#define DMABUF_TEST_NO_ATTACH_OPS	BIT(5)

/**
 * struct dmabuf_test_params - what kind of buffer to make
 * @size: bytes, rounded up to whole pages; must not be 0
 * @flags: DMABUF_TEST_* flags above
 * @resv: the reservation object to hand to dma_buf_export(), or NULL for
 *	the one the core embeds; the caller keeps it alive until release
 * @file_flags: &dma_buf_export_info.flags, the open flags of the buffer's
 *	file (O_RDWR lets a suite map it writable)
 */
struct dmabuf_test_params {
	size_t size;
	unsigned int flags;
	struct dma_resv *resv;
	int file_flags;
};

/**
 * struct dmabuf_test_buffer - one buffer of the test exporter
 * @dmabuf: the exported buffer; NULL before dmabuf_test_export(). Once the
 *	core released it, this pointer dangles: a suite may still compare it
 *	but not follow it.
 * @ops: this buffer's own callback table, handed to dma_buf_export();
 *	between dmabuf_test_prepare() and dmabuf_test_export() a suite may
 *	edit it to check how the core treats a faulty exporter
 * @priv: &dma_buf_export_info.priv; the test buffer itself unless a suite
 *	changed it before export
 * @params: what the buffer was made with (size rounded up)
 * @npages: pages of backing storage
 * @pages: the backing storage, zeroed at creation
 * @ref: pins this structure, so that the counters stay readable after the
 *	core released the buffer; the creator holds one reference and the
 *	exported buffer another until &dma_buf_ops.release
 * @calls: invocations of each callback, failed ones included
 * @failed: invocations of each callback that failed on request
 * @fail: errno (negative) each callback returns instead of working; 0 for
 *	normal service. Set it with dmabuf_test_fail().
 * @last_dir: the direction of the latest map, unmap, begin or end call
 * @last_attach: the attachment of the latest attach, pin or map call
 * @violations: how often a callback saw the core break its side of the
 *	contract (a lock not held, an sg_table it never handed out, ...)
 * @violation: what the first such breach was, for the test's message
 * @vaddr: the kernel mapping made by &dma_buf_ops.vmap, or NULL
 * @live_sgts: sg_tables handed out and not yet given back
 * @pinned: pins not yet undone
 * @released: completed by &dma_buf_ops.release
 *
 * Counters are atomic: the callbacks may run on many threads at once.
 */
struct dmabuf_test_buffer {
	struct dma_buf *dmabuf;
	struct dma_buf_ops ops;
	void *priv;
	struct dmabuf_test_params params;
	unsigned int npages;
	struct page **pages;
	struct kref ref;
	atomic_t calls[DMABUF_TEST_NR_CALLS];
	atomic_t failed[DMABUF_TEST_NR_CALLS];
	int fail[DMABUF_TEST_NR_CALLS];
	enum dma_data_direction last_dir[DMABUF_TEST_NR_CALLS];
	struct dma_buf_attachment *last_attach;
	atomic_t violations;
	const char *violation;
	void *vaddr;
	atomic_t live_sgts;
	atomic_t pinned;
	struct completion released;
};

struct dmabuf_test_buffer *
dmabuf_test_prepare(const struct dmabuf_test_params *params);
int dmabuf_test_export(struct dmabuf_test_buffer *buf);
struct dmabuf_test_buffer *
dmabuf_test_create(const struct dmabuf_test_params *params);
void dmabuf_test_put(struct dmabuf_test_buffer *buf);
struct file *dmabuf_test_control_file(void);

/**
 * dmabuf_test_calls() - how often the core invoked a callback
 * @buf: the test buffer
 * @call: which callback
 *
 * Return: the number of invocations, failed ones included.
 */
static inline int dmabuf_test_calls(struct dmabuf_test_buffer *buf,
				    enum dmabuf_test_call call)
{
	return atomic_read(&buf->calls[call]);
}

/**
 * dmabuf_test_succeeded() - how often a callback did its work
 * @buf: the test buffer
 * @call: which callback
 *
 * Return: the invocations of @call that were not made to fail.
 */
static inline int dmabuf_test_succeeded(struct dmabuf_test_buffer *buf,
					enum dmabuf_test_call call)
{
	return atomic_read(&buf->calls[call]) - atomic_read(&buf->failed[call]);
}

/**
 * dmabuf_test_fail() - make a callback fail, or work again
 * @buf: the test buffer
 * @call: DMABUF_TEST_ATTACH, _PIN, _MAP, _BEGIN_CPU, _END_CPU, _MMAP or
 *	_VMAP; the other callbacks cannot fail
 * @err: negative errno to return from now on, or 0 to work normally
 */
static inline void dmabuf_test_fail(struct dmabuf_test_buffer *buf,
				    enum dmabuf_test_call call, int err)
{
	WRITE_ONCE(buf->fail[call], err);
}

#endif /* DMA_BUF_TEST_EXPORTER_H */
