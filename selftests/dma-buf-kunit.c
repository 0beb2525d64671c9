// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf": the documented contract of the dma-buf core, as
 * its exporters and importers see it. The core's other suites, one module
 * each, share this file's helpers through dma-buf-core-kunit.h:
 *
 *   dma_buf			export, fds and references, attachments and
 *				device mappings, move notification, sync_file
 *				import (this file)
 *   dma_buf_cpu		kernel and user mappings, CPU access
 *   dma_buf_exporter_errors	every exporter callback that may fail
 *   dma_buf_races		attach, detach, map, vmap and fd close at once
 *   dma_buf_test_exporter	the test exporter's own interface
 *   dma_buf_export_checks	exports the core refuses without a warning
 *   dma_buf_vmap_error		a failing vmap, passed back without a warning
 *   dma_buf_nested_import	sync_file import of nested containers
 *
 * Every buffer comes from the test exporter (dma-buf-test-exporter.c),
 * which counts the callbacks the core makes, checks the rules the core
 * promises exporters (locks held, sg_tables returned intact, nothing left
 * pinned or mapped) and fails any callback on request. Each case ends by
 * dropping its last reference and checking that the exporter was released
 * exactly once with every attach, pin, map and vmap undone.
 *
 * Covered here: export, the embedded or supplied reservation object, fds
 * and references, static and dynamic attachments of static and dynamic
 * exporters (pinning, cached mappings, waits for kernel fences), move
 * notification and the fences a sync_file import adds.
 *
 * UML never preempts kernel code, so every loop that runs alongside other
 * threads reschedules. Nothing checks how long something took.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "dmabuf-kunit.h"
#include "dma-buf-test-exporter.h"
#include "dma-buf-core-kunit.h"

static const bool move_notify_enabled = IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY);

/* ------------------------------------------------------------------ */
/* Export                                                              */
/* ------------------------------------------------------------------ */

static void export_describes_the_buffer_and_calls_nothing(struct kunit *test)
{
	struct dmabuf_test_buffer *buf;
	struct dma_buf *dmabuf;
	int i;

	/* A size that is not a whole number of pages is the exporter's. */
	buf = new_buf_sized(test, 0, 3 * PAGE_SIZE - 1, NULL);
	dmabuf = buf->dmabuf;
	KUNIT_EXPECT_EQ(test, dmabuf->size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->ops,
			    (const struct dma_buf_ops *)&buf->ops);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->priv, (void *)buf);
	KUNIT_EXPECT_STREQ(test, dmabuf->exp_name, "dma_buf_test_exporter");
	KUNIT_ASSERT_NOT_NULL(test, dmabuf->file);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->file->private_data, (void *)dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 1L);
	KUNIT_EXPECT_NOT_NULL(test, dmabuf->resv);
	KUNIT_EXPECT_TRUE(test, no_attachments(dmabuf));
	KUNIT_EXPECT_EQ(test, dmabuf->vmapping_counter, 0U);
	KUNIT_EXPECT_FALSE(test, dma_buf_is_dynamic(dmabuf));
	for (i = 0; i < DMABUF_TEST_NR_CALLS; i++)
		KUNIT_EXPECT_EQ_MSG(test, calls(buf, i), 0, "callback %d", i);
}

static void export_of_pin_and_unpin_makes_a_dynamic_buffer(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);

	KUNIT_EXPECT_TRUE(test, dma_buf_is_dynamic(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), 0);
}

static void resv_fini_action(void *data)
{
	dma_resv_fini(data);
}

static void export_uses_the_exporters_resv_and_leaves_it_alive(struct kunit *test)
{
	struct dma_resv *resv = kunit_kzalloc(test, sizeof(*resv), GFP_KERNEL);
	struct dmabuf_test_buffer *buf;

	KUNIT_ASSERT_NOT_NULL(test, resv);
	dma_resv_init(resv);
	/* Registered first, so it runs after the buffer is gone. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, resv_fini_action,
							resv), 0);
	buf = new_buf_sized(test, 0, BUF_SIZE, resv);
	KUNIT_EXPECT_PTR_EQ(test, buf->dmabuf->resv, resv);

	drop_buf(test, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 1);
	/* Still the exporter's, and usable. */
	KUNIT_EXPECT_EQ(test, dma_resv_lock(resv, NULL), 0);
	KUNIT_EXPECT_EQ(test, dma_resv_reserve_fences(resv, 1), 0);
	dma_resv_unlock(resv);
}

static void export_embeds_a_resv_of_each_buffers_own(struct kunit *test)
{
	struct dmabuf_test_buffer *a = new_buf(test, 0);
	struct dmabuf_test_buffer *b = new_buf(test, 0);

	KUNIT_ASSERT_NOT_NULL(test, a->dmabuf->resv);
	KUNIT_ASSERT_NOT_NULL(test, b->dmabuf->resv);
	KUNIT_EXPECT_PTR_NE(test, a->dmabuf->resv, b->dmabuf->resv);
	/* Independent locks: holding one does not block the other. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(a->dmabuf->resv, NULL), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_trylock(b->dmabuf->resv));
	dma_resv_unlock(b->dmabuf->resv);
	dma_resv_unlock(a->dmabuf->resv);
}

/* ------------------------------------------------------------------ */
/* Files, fds and references                                           */
/* ------------------------------------------------------------------ */

static void fd_shares_the_file_and_get_returns_the_buffer(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf *dmabuf = buf->dmabuf;
	struct dma_buf *got;
	int fd = install_fd(test, dmabuf, O_CLOEXEC);

	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 2L);
	got = dma_buf_get(fd);
	KUNIT_ASSERT_FALSE(test, IS_ERR(got));
	KUNIT_EXPECT_PTR_EQ(test, got, dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 3L);
	dma_buf_put(got);
	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 2L);
	close_fd_now(test, fd);
	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 1L);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 0);
}

static const int fd_flag_values[] = { 0, O_CLOEXEC };

static void fd_flags_desc(const int *flags, char *desc)
{
	strscpy(desc, *flags ? "O_CLOEXEC" : "no flags", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fd_flags, fd_flag_values, fd_flags_desc);

static void fd_is_close_on_exec_only_when_asked(struct kunit *test)
{
	const int *flags = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	int fd = install_fd(test, buf->dmabuf, *flags);
	bool cloexec;

	rcu_read_lock();
	cloexec = close_on_exec(fd, current->files);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, cloexec, *flags == O_CLOEXEC);
}

static void fd_of_no_buffer_is_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_buf_fd(NULL, O_CLOEXEC), -EINVAL);
}

static void get_of_closed_or_negative_fd_is_ebadf(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	int fd = install_fd(test, buf->dmabuf, O_CLOEXEC);

	close_fd_now(test, fd);
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(fd), ERR_PTR(-EBADF));
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(-1), ERR_PTR(-EBADF));
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static const struct file_operations other_fops = {
	.owner = THIS_MODULE,
};

static void get_of_another_kind_of_file_is_einval(struct kunit *test)
{
	struct file *other;
	int fd;

	other = anon_inode_getfile("dmabuf-kunit-other", &other_fops, NULL,
				   O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		fput(other);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, other);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)fd), 0);

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(fd), ERR_PTR(-EINVAL));
	/* The reference fget() took on the way was given back. */
	KUNIT_EXPECT_EQ(test, file_count(other), 1L);
}

/* The three references to a buffer, dropped in every order. */
enum ref_kind { REF_EXPORT, REF_EXTRA, REF_FD, REF_KINDS };

struct ref_order {
	enum ref_kind order[REF_KINDS];
	const char *name;
};

static const struct ref_order ref_orders[] = {
	{ { REF_EXPORT, REF_EXTRA, REF_FD }, "export, get_dma_buf, fd" },
	{ { REF_EXPORT, REF_FD, REF_EXTRA }, "export, fd, get_dma_buf" },
	{ { REF_EXTRA, REF_EXPORT, REF_FD }, "get_dma_buf, export, fd" },
	{ { REF_EXTRA, REF_FD, REF_EXPORT }, "get_dma_buf, fd, export" },
	{ { REF_FD, REF_EXPORT, REF_EXTRA }, "fd, export, get_dma_buf" },
	{ { REF_FD, REF_EXTRA, REF_EXPORT }, "fd, get_dma_buf, export" },
};

static void ref_order_desc(const struct ref_order *order, char *desc)
{
	strscpy(desc, order->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ref_order, ref_orders, ref_order_desc);

static void release_runs_once_after_the_last_reference(struct kunit *test)
{
	const struct ref_order *order = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf *dmabuf = buf->dmabuf;
	int fd, i;

	get_dma_buf(dmabuf);
	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(dmabuf);
	KUNIT_ASSERT_GE(test, fd, 0);
	/* The export's reference, the fd's, and one more of the case's. */
	get_dma_buf(dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(dmabuf->file), 3L);

	for (i = 0; i < REF_KINDS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, calls(buf, DMABUF_TEST_RELEASE), 0,
				    "released before reference %d went", i);
		switch (order->order[i]) {
		case REF_EXPORT:
			drop_buf(test, buf);
			break;
		case REF_EXTRA:
			dma_buf_put(dmabuf);
			flush_delayed_fput();
			break;
		case REF_FD:
			close_fd(fd);
			flush_delayed_fput();
			break;
		default:
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 1);
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(fd), ERR_PTR(-EBADF));
}

/* ------------------------------------------------------------------ */
/* Attach, map, unmap, detach                                          */
/* ------------------------------------------------------------------ */

static void attach_lists_the_attachment_until_detach(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);

	KUNIT_EXPECT_PTR_EQ(test, attach->dmabuf, buf->dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, attach->dev, dev);
	KUNIT_EXPECT_NULL(test, attach->importer_ops);
	KUNIT_EXPECT_FALSE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_TRUE(test, dmabuf_listed(buf->dmabuf, attach));
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_ATTACH), 1);
	KUNIT_EXPECT_PTR_EQ(test, buf->last_attach, attach);
	/* A static exporter without caching maps only on request. */
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 0);

	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_DETACH), 1);
	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
}

static void dynamic_attach_records_the_importer(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);

	KUNIT_EXPECT_PTR_EQ(test, attach->importer_ops, importer_ops());
	KUNIT_EXPECT_PTR_EQ(test, attach->importer_priv, (void *)imp);
	KUNIT_EXPECT_TRUE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_TRUE(test, dmabuf_listed(buf->dmabuf, attach));
}

static void static_importer_maps_and_unmaps_through_exporter(struct kunit *test)
{
	const bool *locked = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *sgt;

	sgt = map_either(attach, DMA_TO_DEVICE, *locked);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_MAP], DMA_TO_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, buf->last_attach, attach);

	unmap_either(attach, sgt, DMA_TO_DEVICE, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_UNMAP], DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);

	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_DETACH), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), 0);
}

static void static_importer_of_dynamic_exporter_is_pinned(struct kunit *test)
{
	const bool *locked = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *sgt;

	/* Pinned and mapped for good at attach, as it cannot be moved. */
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_MAP],
			DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 1);

	sgt = map_either(attach, DMA_FROM_DEVICE, *locked);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	unmap_either(attach, sgt, DMA_FROM_DEVICE, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNPIN), 0);

	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNPIN), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_DETACH), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
}

static void dynamic_importer_of_static_exporter_gets_a_fixed_mapping(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);
	struct sg_table *sgt;

	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_MAP],
			DMA_BIDIRECTIONAL);

	sgt = map_locked(attach, DMA_TO_DEVICE);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	unmap_locked(attach, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 0);

	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
}

static void dynamic_importer_of_dynamic_exporter_maps_on_request(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);
	/* Without move notification the core pins for every mapping. */
	int pins = move_notify_enabled ? 0 : 1;
	struct sg_table *sgt;

	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 0);

	sgt = map_locked(attach, DMA_FROM_DEVICE);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_MAP], DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), pins);

	unmap_locked(attach, sgt, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNPIN), pins);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
}

static void explicit_pin_reaches_only_a_dynamic_exporter(struct kunit *test)
{
	const struct exporter_kind *kind = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, kind->flags);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);
	int expected = kind->flags & DMABUF_TEST_DYNAMIC ? 1 : 0;

	dma_resv_lock(buf->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(attach), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_PIN), expected);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), expected);
	dma_buf_unpin(attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNPIN), expected);
	dma_resv_unlock(buf->dmabuf->resv);
}

/* ------------------------------------------------------------------ */
/* Cached mappings                                                     */
/* ------------------------------------------------------------------ */

static const bool cache_variants[] = { false, true };

static void cache_variant_desc(const bool *cache, char *desc)
{
	strscpy(desc, *cache ? "cache_sgt_mapping" : "no caching",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cache_variant, cache_variants, cache_variant_desc);

static void caching_exporter_is_asked_to_map_once(struct kunit *test)
{
	const bool *cache = test->param_value;
	struct dmabuf_test_buffer *buf =
		new_buf(test, *cache ? DMABUF_TEST_CACHE_SGT : 0);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *first, *second;

	first = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	expect_sgt_of(test, first, buf);
	second = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	expect_sgt_of(test, second, buf);
	if (*cache) {
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
		KUNIT_EXPECT_PTR_EQ(test, first, second);
	} else {
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 2);
		KUNIT_EXPECT_PTR_NE(test, first, second);
	}

	dma_buf_unmap_attachment_unlocked(attach, second, DMA_BIDIRECTIONAL);
	dma_buf_unmap_attachment_unlocked(attach, first, DMA_BIDIRECTIONAL);
	/* A cached mapping stays until detach; others go at once. */
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), *cache ? 0 : 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), *cache ? 1 : 0);

	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), *cache ? 1 : 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
}

static void cached_mappings_belong_to_their_attachment(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_CACHE_SGT);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *a = attach_static(test, buf, dev);
	struct dma_buf_attachment *b = attach_static(test, buf, dev);
	struct sg_table *sa, *sb;

	sa = dma_buf_map_attachment_unlocked(a, DMA_TO_DEVICE);
	sb = dma_buf_map_attachment_unlocked(b, DMA_TO_DEVICE);
	expect_sgt_of(test, sa, buf);
	expect_sgt_of(test, sb, buf);
	KUNIT_EXPECT_PTR_NE(test, sa, sb);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 2);
	dma_buf_unmap_attachment_unlocked(a, sa, DMA_TO_DEVICE);
	dma_buf_unmap_attachment_unlocked(b, sb, DMA_TO_DEVICE);

	detach(test, a);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
	/* The other attachment's cached mapping is still good. */
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_map_attachment_unlocked(b,
								  DMA_TO_DEVICE),
			    sb);
	dma_buf_unmap_attachment_unlocked(b, sb, DMA_TO_DEVICE);
}

struct dir_pair {
	enum dma_data_direction first, second;
	bool reused;
	const char *name;
};

static const struct dir_pair dir_pairs[] = {
	{ DMA_TO_DEVICE, DMA_TO_DEVICE, true, "to then to" },
	{ DMA_TO_DEVICE, DMA_FROM_DEVICE, false, "to then from" },
	{ DMA_FROM_DEVICE, DMA_BIDIRECTIONAL, false, "from then bidirectional" },
	{ DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, true, "bidirectional then from" },
	{ DMA_BIDIRECTIONAL, DMA_TO_DEVICE, true, "bidirectional then to" },
};

static void dir_pair_desc(const struct dir_pair *pair, char *desc)
{
	strscpy(desc, pair->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dir_pair, dir_pairs, dir_pair_desc);

static void cached_mapping_serves_only_compatible_directions(struct kunit *test)
{
	const struct dir_pair *pair = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_CACHE_SGT);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *first, *second;

	first = dma_buf_map_attachment_unlocked(attach, pair->first);
	expect_sgt_of(test, first, buf);
	second = dma_buf_map_attachment_unlocked(attach, pair->second);
	if (pair->reused)
		KUNIT_EXPECT_PTR_EQ(test, second, first);
	else
		KUNIT_EXPECT_PTR_EQ(test, second, ERR_PTR(-EBUSY));
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 1);
	if (!IS_ERR(second))
		dma_buf_unmap_attachment_unlocked(attach, second, pair->second);
	dma_buf_unmap_attachment_unlocked(attach, first, pair->first);
	detach(test, attach);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_UNMAP], pair->first);
}

/* ------------------------------------------------------------------ */
/* Implicit waits                                                      */
/* ------------------------------------------------------------------ */

struct map_wait {
	bool dynamic_importer;
	enum dma_resv_usage usage;
	bool blocks;
	const char *name;
};

static const struct map_wait map_waits[] = {
	{ false, DMA_RESV_USAGE_KERNEL, true, "static importer, kernel fence" },
	{ false, DMA_RESV_USAGE_WRITE, false, "static importer, write fence" },
	{ false, DMA_RESV_USAGE_BOOKKEEP, false,
	  "static importer, bookkeep fence" },
	{ true, DMA_RESV_USAGE_KERNEL, false,
	  "dynamic importer, kernel fence" },
};

static void map_wait_desc(const struct map_wait *row, char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(map_wait, map_waits, map_wait_desc);

static void map_waits_for_kernel_fences_unless_importer_is_dynamic(struct kunit *test)
{
	const struct map_wait *row = test->param_value;
	/* A dynamic exporter, so that the dynamic importer maps on request. */
	struct dmabuf_test_buffer *buf =
		new_buf(test, row->dynamic_importer ? DMABUF_TEST_DYNAMIC : 0);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = row->dynamic_importer ? new_importer(test) : NULL;
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct dma_fence *fence;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->attach = attach_as(test, buf, dev, imp);
	w->dir = DMA_BIDIRECTIONAL;
	fence = add_pending_fence(test, buf->dmabuf->resv, row->usage);

	run_waiter(test, map_waiter_fn, w, fence, row->blocks);
	expect_sgt_of(test, w->sgt, buf);
	if (!IS_ERR_OR_NULL(w->sgt))
		unmap_locked(w->attach, w->sgt, w->dir);
}

/* ------------------------------------------------------------------ */
/* Move notification                                                   */
/* ------------------------------------------------------------------ */

static void move_notify_reaches_each_dynamic_importer_once(struct kunit *test)
{
	const struct exporter_kind *kind = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, kind->flags);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *a = new_importer(test), *b = new_importer(test);
	struct dma_resv *resv = buf->dmabuf->resv;

	attach_as(test, buf, dev, a);
	attach_static(test, buf, dev);
	attach_as(test, buf, dev, b);
	attach_static(test, buf, dev);

	dma_resv_lock(resv, NULL);
	dma_buf_move_notify(buf->dmabuf);
	dma_resv_unlock(resv);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->moves), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->moves), 1);

	dma_resv_lock(resv, NULL);
	dma_buf_move_notify(buf->dmabuf);
	dma_buf_move_notify(buf->dmabuf);
	dma_resv_unlock(resv);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->moves), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->moves), 3);
	/* Each delivery ran under the reservation lock the caller held. */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->unlocked_moves), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->unlocked_moves), 0);
}

static void move_notify_skips_detached_importers(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *a = new_importer(test), *b = new_importer(test);
	struct dma_buf_attachment *gone;

	attach_as(test, buf, dev, a);
	gone = attach_as(test, buf, dev, b);
	detach(test, gone);

	dma_resv_lock(buf->dmabuf->resv, NULL);
	dma_buf_move_notify(buf->dmabuf);
	dma_resv_unlock(buf->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->moves), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->moves), 0);
}

static void move_notify_without_attachments_does_nothing(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	int i;

	dma_resv_lock(buf->dmabuf->resv, NULL);
	dma_buf_move_notify(buf->dmabuf);
	dma_resv_unlock(buf->dmabuf->resv);
	for (i = 0; i < DMABUF_TEST_NR_CALLS; i++)
		KUNIT_EXPECT_EQ_MSG(test, calls(buf, i), 0, "callback %d", i);
}

/* ------------------------------------------------------------------ */
/* Importing a sync_file                                               */
/* ------------------------------------------------------------------ */

#if IS_ENABLED(CONFIG_SYNC_FILE)

/* A chain whose first link wraps an array of two leaves: three leaves. */
static void import_sync_file_of_a_chain_adds_its_leaves(struct kunit *test)
{
	struct dma_fence *pair[2] = { new_leaf(test), new_leaf(test) };
	struct dma_fence *link;

	link = new_link(test, NULL, new_array(test, 2, pair), 1);
	link = new_link(test, link, new_leaf(test), 2);
	expect_import_adds_leaves(test, link, 3);
}
#endif /* CONFIG_SYNC_FILE */

static struct kunit_case dma_buf_cases[] = {
	KUNIT_CASE(export_describes_the_buffer_and_calls_nothing),
	KUNIT_CASE(export_of_pin_and_unpin_makes_a_dynamic_buffer),
	KUNIT_CASE(export_uses_the_exporters_resv_and_leaves_it_alive),
	KUNIT_CASE(export_embeds_a_resv_of_each_buffers_own),
	KUNIT_CASE(fd_shares_the_file_and_get_returns_the_buffer),
	KUNIT_CASE_PARAM(fd_is_close_on_exec_only_when_asked,
			 fd_flags_gen_params),
	KUNIT_CASE(fd_of_no_buffer_is_einval),
	KUNIT_CASE(get_of_closed_or_negative_fd_is_ebadf),
	KUNIT_CASE(get_of_another_kind_of_file_is_einval),
	KUNIT_CASE_PARAM(release_runs_once_after_the_last_reference,
			 ref_order_gen_params),
	KUNIT_CASE(attach_lists_the_attachment_until_detach),
	KUNIT_CASE(dynamic_attach_records_the_importer),
	KUNIT_CASE_PARAM(static_importer_maps_and_unmaps_through_exporter,
			 lock_variant_gen_params),
	KUNIT_CASE_PARAM(static_importer_of_dynamic_exporter_is_pinned,
			 lock_variant_gen_params),
	KUNIT_CASE(dynamic_importer_of_static_exporter_gets_a_fixed_mapping),
	KUNIT_CASE(dynamic_importer_of_dynamic_exporter_maps_on_request),
	KUNIT_CASE_PARAM(explicit_pin_reaches_only_a_dynamic_exporter,
			 exporter_kind_gen_params),
	KUNIT_CASE_PARAM(caching_exporter_is_asked_to_map_once,
			 cache_variant_gen_params),
	KUNIT_CASE(cached_mappings_belong_to_their_attachment),
	KUNIT_CASE_PARAM(cached_mapping_serves_only_compatible_directions,
			 dir_pair_gen_params),
	KUNIT_CASE_PARAM(map_waits_for_kernel_fences_unless_importer_is_dynamic,
			 map_wait_gen_params),
	KUNIT_CASE_PARAM(move_notify_reaches_each_dynamic_importer_once,
			 exporter_kind_gen_params),
	KUNIT_CASE(move_notify_skips_detached_importers),
	KUNIT_CASE(move_notify_without_attachments_does_nothing),
#if IS_ENABLED(CONFIG_SYNC_FILE)
	KUNIT_CASE(import_sync_file_of_a_chain_adds_its_leaves),
#endif
	{}
};

static struct kunit_suite dma_buf_suite = {
	.name = "dma_buf",
	.test_cases = dma_buf_cases,
};

kunit_test_suite(dma_buf_suite);

MODULE_DESCRIPTION("KUnit tests for the dma-buf core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
