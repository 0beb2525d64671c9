// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which memory cgroup pays for a buffer, as fdinfo and bufinfo show it.
 *
 * The charge itself is the page allocator's: an exporter that allocates
 * its pages with __GFP_ACCOUNT (the system heap, when mem_accounting is
 * set) has them charged to a memory cgroup as kernel memory, and freeing
 * them uncharges that cgroup, whoever frees them. The core only remembers
 * where the charge went, to report it. It keeps the object cgroup of the
 * buffer's first page rather than the memory cgroup itself: when that
 * cgroup is removed, its charges move to its parent and the object cgroup
 * follows them, so the report names whoever pays now.
 */

#include <linux/cgroup.h>
#include <linux/dma-buf.h>
#include <linux/limits.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "dma-buf-internal.h"

/**
 * dma_buf_note_charge() - record where a buffer's pages are charged
 * @dmabuf: a buffer its exporter has just filled, before any descriptor
 *	to it exists
 * @page: one of its pages, allocated with __GFP_ACCOUNT
 * @bytes: how much of the buffer was charged along with @page
 *
 * Does nothing when @page was not charged (accounting was off, or the
 * allocating task was in the root cgroup, which is never charged).
 *
 * Context: process context, once per buffer. The buffer may already be
 * on bufinfo's list: the object cgroup is published last, with release
 * semantics, and dma_buf_show_charge() reads it with acquire, so a reader
 * that sees it sees @bytes too.
 */
void dma_buf_note_charge(struct dma_buf *dmabuf, struct page *page,
			 size_t bytes)
{
	struct dma_buf_container *db = to_dma_buf_container(dmabuf);
	struct folio *folio = page_folio(page);
	struct obj_cgroup *objcg;

	if (!folio_memcg_kmem(folio))
		return;
	objcg = __folio_objcg(folio);
	obj_cgroup_get(objcg);
	WRITE_ONCE(db->charged_bytes, bytes);
	/* Pairs with the acquire in dma_buf_show_charge(): @bytes first. */
	smp_store_release(&db->charged_objcg, objcg);
}

/* The buffer is being freed, and is on no list any more. */
void dma_buf_forget_charge(struct dma_buf *dmabuf)
{
	struct dma_buf_container *db = to_dma_buf_container(dmabuf);

	if (db->charged_objcg)
		obj_cgroup_put(db->charged_objcg);
	db->charged_objcg = NULL;
}

/* The path of @memcg: from the reader's cgroup namespace, or absolute. */
static int dma_buf_memcg_path(struct mem_cgroup *memcg, char *buf,
			      bool namespaced)
{
	struct cgroup *cgrp = memcg->css.cgroup;

	if (namespaced)
		return cgroup_path_ns(cgrp, buf, PATH_MAX,
				      current->nsproxy->cgroup_ns);
	return cgroup_path(cgrp, buf, PATH_MAX);
}

/*
 * Print the charge of @dmabuf, if it has one, in @format, which takes the
 * number of bytes and the cgroup's path. A @namespaced path (fdinfo,
 * which any process may read of its own descriptors) is the one the
 * reader's cgroup namespace shows, and takes cgroup_mutex: no lock may be
 * held. Otherwise (bufinfo, under the buffer list's lock) it is the
 * absolute path, which takes no mutex.
 */
void dma_buf_show_charge(struct seq_file *m, struct dma_buf *dmabuf,
			 const char *format, bool namespaced)
{
	struct dma_buf_container *db = to_dma_buf_container(dmabuf);
	struct obj_cgroup *objcg;
	struct mem_cgroup *memcg;
	char *path;
	int len;

	/* Pairs with the release in dma_buf_note_charge(). */
	objcg = smp_load_acquire(&db->charged_objcg);
	if (!objcg)
		return;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return;
	memcg = get_mem_cgroup_from_objcg(objcg);
	len = dma_buf_memcg_path(memcg, path, namespaced);
	mem_cgroup_put(memcg);
	if (len >= 0 && len < PATH_MAX)
		seq_printf(m, format, READ_ONCE(db->charged_bytes), path);
	kfree(path);
}
