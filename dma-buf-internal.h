/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two halves of the dma-buf core tell each other: dma-buf.c owns
 * the buffer object and its in-kernel API, dma-buf-file.c the file that
 * user space sees. Nothing here is visible outside drivers/dma-buf.
 */
#ifndef DMA_BUF_INTERNAL_H
#define DMA_BUF_INTERNAL_H

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/types.h>

struct file;
struct page;
struct seq_file;

/**
 * struct dma_buf_container - the allocation behind every &struct dma_buf
 * @base: the buffer drivers see; always the first member.
 * @shard: which list of live buffers @base sits on (see dma-buf.c).
 * @owns_resv: &dma_buf.resv points at @embedded_resv, so the core must
 *	finalise it.
 * @charged_objcg: the object cgroup the buffer's pages are charged to, with
 *	a reference, or NULL (see dma-buf-memcg.c)
 * @charged_bytes: how much of the buffer is charged there
 * @embedded_resv: present only when the exporter brought no reservation
 *	object of its own.
 *
 * A separate flag, rather than comparing addresses, tells whether the
 * reservation object is ours: when it is not, @embedded_resv is not
 * allocated and its address may well be that of the next slab object.
 */
struct dma_buf_container {
	struct dma_buf base;
	unsigned int shard;
	bool owns_resv;
#ifdef CONFIG_MEMCG
	struct obj_cgroup *charged_objcg;
	size_t charged_bytes;
#endif
	struct dma_resv embedded_resv[];
};

static inline struct dma_buf_container *to_dma_buf_container(struct dma_buf *dmabuf)
{
	return container_of(dmabuf, struct dma_buf_container, base);
}

/* dma-buf-file.c */
struct file *dma_buf_file_create(struct dma_buf *dmabuf, int flags);
bool dma_buf_file_is_ours(struct file *file);
int dma_buf_fs_init(void);
void dma_buf_fs_exit(void);

/* dma-buf.c */
void dma_buf_list_del(struct dma_buf *dmabuf);
void dma_buf_destroy(struct dma_buf *dmabuf);

/* dma-buf-memcg.c: the memory cgroup that pays for a buffer */
#ifdef CONFIG_MEMCG
void dma_buf_note_charge(struct dma_buf *dmabuf, struct page *page,
			 size_t bytes);
void dma_buf_forget_charge(struct dma_buf *dmabuf);
void dma_buf_show_charge(struct seq_file *m, struct dma_buf *dmabuf,
			 const char *format, bool namespaced);
#else
static inline void dma_buf_note_charge(struct dma_buf *dmabuf,
				       struct page *page, size_t bytes)
{
}

static inline void dma_buf_forget_charge(struct dma_buf *dmabuf)
{
}

static inline void dma_buf_show_charge(struct seq_file *m,
				       struct dma_buf *dmabuf,
				       const char *format, bool namespaced)
{
}
#endif

#endif /* DMA_BUF_INTERNAL_H */
