// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma-buf": the documented contract of the dma-buf core, as
 * its exporters and importers see it.
 *
 * Every buffer comes from the test exporter (dma-buf-test-exporter.c),
 * which counts the callbacks the core makes, checks the rules the core
 * promises exporters (locks held, sg_tables returned intact, nothing left
 * pinned or mapped) and fails any callback on request. Each case ends by
 * dropping its last reference and checking that the exporter was released
 * exactly once with every attach, pin, map and vmap undone.
 *
 * Covered: export and its checks, the embedded or supplied reservation
 * object, fds and references, static and dynamic attachments of static
 * and dynamic exporters (pinning, cached mappings, waits for kernel
 * fences), move notification, kernel and user mappings, CPU access and
 * its implicit waits, failures of every callback that may fail, the test
 * exporter's own control ioctls, and races of attach, detach, map, vmap
 * and fd close.
 *
 * UML never preempts kernel code, so every loop that runs alongside other
 * threads reschedules. Nothing checks how long something took.
 */

#include <kunit/device.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-buf.h>

#include "dmabuf-kunit.h"
#include "dmabuf-test-exporter.h"
#include "dma-buf-test-exporter.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

#define NPAGES			4
#define BUF_SIZE		(NPAGES * PAGE_SIZE)
/* Budget of waits that are expected to run out. */
#define SHORT_WAIT		msecs_to_jiffies(20)
/* How long a case waits for one of its threads before calling it stuck. */
#define THREAD_GRACE		(60 * HZ)
/* Time budget of each race. */
#define RACE_BUDGET		(HZ / 4)

static const bool move_notify_enabled = IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY);

/* The flags of static, dynamic and caching exporters, as params. */
struct exporter_kind {
	unsigned int flags;
	const char *name;
};

static const struct exporter_kind exporter_kinds[] = {
	{ 0, "static" },
	{ DMABUF_TEST_CACHE_SGT, "static caching" },
	{ DMABUF_TEST_DYNAMIC, "dynamic" },
};

static void exporter_kind_desc(const struct exporter_kind *kind, char *desc)
{
	strscpy(desc, kind->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(exporter_kind, exporter_kinds, exporter_kind_desc);

static void buf_unref(void *data)
{
	dmabuf_test_put(data);
}

/* Drop a reference to the dma_buf @data and let its release run now. */
static void dmabuf_unref(void *data)
{
	dma_buf_put(data);
	flush_delayed_fput();
}

/*
 * The verdict every case ends with, once its last reference went: the
 * exporter was released once, everything it handed out came back, and no
 * callback saw the core break its rules.
 */
static void buf_verdict(void *data)
{
	struct dmabuf_test_buffer *buf = data;
	struct kunit *test = kunit_get_current_test();

	if (!test)
		return;
	KUNIT_EXPECT_NE_MSG(test, wait_for_completion_timeout(&buf->released,
							      THREAD_GRACE),
			    0, "the exporter was never released");
	KUNIT_EXPECT_EQ(test, dmabuf_test_calls(buf, DMABUF_TEST_RELEASE), 1);
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_ATTACH),
			dmabuf_test_calls(buf, DMABUF_TEST_DETACH));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_PIN),
			dmabuf_test_calls(buf, DMABUF_TEST_UNPIN));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_MAP),
			dmabuf_test_calls(buf, DMABUF_TEST_UNMAP));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_VMAP),
			dmabuf_test_calls(buf, DMABUF_TEST_VUNMAP));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&buf->violations), 0,
			    "first breach: %s", buf->violation);
}

/*
 * A buffer of @size bytes the case owns, exported with @flags. Cleanup
 * drops the case's dma_buf reference, then checks the verdict.
 */
static struct dmabuf_test_buffer *new_buf_sized(struct kunit *test,
						unsigned int flags,
						size_t size,
						struct dma_resv *resv)
{
	struct dmabuf_test_params params = {
		.size = size,
		.flags = flags,
		.resv = resv,
		.file_flags = O_RDWR,
	};
	struct dmabuf_test_buffer *buf = dmabuf_test_create(&params);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(buf), "export failed: %ld",
			       PTR_ERR(buf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_unref, buf),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_verdict,
							buf), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dmabuf_unref,
							buf->dmabuf), 0);
	return buf;
}

static struct dmabuf_test_buffer *new_buf(struct kunit *test,
					  unsigned int flags)
{
	return new_buf_sized(test, flags, BUF_SIZE, NULL);
}

/* Drop the case's own dma_buf reference now rather than at the end. */
static void drop_buf(struct kunit *test, struct dmabuf_test_buffer *buf)
{
	kunit_release_action(test, dmabuf_unref, buf->dmabuf);
}

static struct device *new_dev(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	return dev;
}

static int calls(struct dmabuf_test_buffer *buf, enum dmabuf_test_call call)
{
	return dmabuf_test_calls(buf, call);
}

static bool dmabuf_listed(struct dma_buf *dmabuf,
			  struct dma_buf_attachment *attach)
{
	struct dma_buf_attachment *pos;
	bool found = false;

	dma_resv_lock(dmabuf->resv, NULL);
	list_for_each_entry(pos, &dmabuf->attachments, node)
		found |= pos == attach;
	dma_resv_unlock(dmabuf->resv);
	return found;
}

static bool no_attachments(struct dma_buf *dmabuf)
{
	bool empty;

	dma_resv_lock(dmabuf->resv, NULL);
	empty = list_empty(&dmabuf->attachments);
	dma_resv_unlock(dmabuf->resv);
	return empty;
}

/* A dynamic importer: counts the move notifications it is sent. */
struct importer {
	atomic_t moves;
	atomic_t unlocked_moves;
};

/* Whether this thread holds @resv, as far as the kernel can tell. */
static bool resv_is_held(struct dma_resv *resv)
{
	if (IS_ENABLED(CONFIG_LOCKDEP) && !dma_resv_held(resv))
		return false;
	return ww_mutex_is_locked(&resv->lock);
}

static void importer_move_notify(struct dma_buf_attachment *attach)
{
	struct importer *imp = attach->importer_priv;

	if (!resv_is_held(attach->dmabuf->resv))
		atomic_inc(&imp->unlocked_moves);
	atomic_inc(&imp->moves);
}

static const struct dma_buf_attach_ops importer_ops = {
	.move_notify = importer_move_notify,
};

static void detach_action(void *data)
{
	struct dma_buf_attachment *attach = data;

	dma_buf_detach(attach->dmabuf, attach);
}

/* Attach @dev statically (@imp NULL) or as dynamic importer @imp. */
static struct dma_buf_attachment *attach_as(struct kunit *test,
					    struct dmabuf_test_buffer *buf,
					    struct device *dev,
					    struct importer *imp)
{
	struct dma_buf_attachment *attach;

	if (imp)
		attach = dma_buf_dynamic_attach(buf->dmabuf, dev,
						&importer_ops, imp);
	else
		attach = dma_buf_attach(buf->dmabuf, dev);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(attach), "attach failed: %ld",
			       PTR_ERR(attach));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, detach_action,
							attach), 0);
	return attach;
}

static struct dma_buf_attachment *attach_static(struct kunit *test,
						struct dmabuf_test_buffer *buf,
						struct device *dev)
{
	return attach_as(test, buf, dev, NULL);
}

static struct importer *new_importer(struct kunit *test)
{
	struct importer *imp = kunit_kzalloc(test, sizeof(*imp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, imp);
	return imp;
}

static void detach(struct kunit *test, struct dma_buf_attachment *attach)
{
	kunit_release_action(test, detach_action, attach);
}

static struct sg_table *map_locked(struct dma_buf_attachment *attach,
				   enum dma_data_direction dir)
{
	struct sg_table *sgt;

	dma_resv_lock(attach->dmabuf->resv, NULL);
	sgt = dma_buf_map_attachment(attach, dir);
	dma_resv_unlock(attach->dmabuf->resv);
	return sgt;
}

static void unmap_locked(struct dma_buf_attachment *attach,
			 struct sg_table *sgt, enum dma_data_direction dir)
{
	dma_resv_lock(attach->dmabuf->resv, NULL);
	dma_buf_unmap_attachment(attach, sgt, dir);
	dma_resv_unlock(attach->dmabuf->resv);
}

/* The table covers the buffer's pages at the exporter's fake addresses. */
static void expect_sgt_of(struct kunit *test, struct sg_table *sgt,
			  struct dmabuf_test_buffer *buf)
{
	struct scatterlist *sg;
	size_t bytes = 0;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, sgt->nents, buf->npages);
	/* The pages may be scrambled for importers: look at DMA fields only. */
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (i >= buf->npages)
			break;
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
				(dma_addr_t)page_to_phys(buf->pages[i]));
		bytes += sg_dma_len(sg);
	}
	KUNIT_EXPECT_EQ(test, bytes, buf->params.size);
}

/* A pending fence of the case, added to @resv with @usage. */
static struct dma_fence *add_pending_fence(struct kunit *test,
					   struct dma_resv *resv,
					   enum dma_resv_usage usage)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *fence;

	fence = dmabuf_kunit_leaf_alloc(context, 1);
	dmabuf_kunit_fence_adopt(test, fence);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(resv, NULL), 0);
	KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(resv, 1), 0);
	dma_resv_add_fence(resv, fence, usage);
	dma_resv_unlock(resv);
	return fence;
}

/* Start @fn(@data) in a thread of the case, on CPU @cpu modulo online. */
static void start_thread_on(struct kunit *test, int (*fn)(void *),
			    void *data, const char *name, unsigned int cpu)
{
	struct task_struct *task;

	task = kthread_create(fn, data, "dmabuf-%s", name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	kthread_bind(task, cpumask_nth(cpu % num_online_cpus(),
				       cpu_online_mask));
	get_task_struct(task);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							dmabuf_kunit_thread_stop,
							task), 0);
	wake_up_process(task);
}

/* Install @file (a new reference) as an fd the cleanup closes. */
static void fd_close_action(void *data)
{
	close_fd((unsigned long)data);
	flush_delayed_fput();
}

static int install_fd(struct kunit *test, struct dma_buf *dmabuf, int flags)
{
	int fd;

	get_dma_buf(dmabuf);
	fd = dma_buf_fd(dmabuf, flags);
	if (fd < 0)
		dma_buf_put(dmabuf);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)fd), 0);
	return fd;
}

static void close_fd_now(struct kunit *test, int fd)
{
	kunit_release_action(test, fd_close_action, (void *)(long)fd);
}

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

/* Exports the core must refuse, each by breaking one rule. */
struct bad_export {
	const char *name;
	void (*spoil)(struct dmabuf_test_buffer *buf);
};

static void spoil_map(struct dmabuf_test_buffer *buf)
{
	buf->ops.map_dma_buf = NULL;
}

static void spoil_unmap(struct dmabuf_test_buffer *buf)
{
	buf->ops.unmap_dma_buf = NULL;
}

static void spoil_release(struct dmabuf_test_buffer *buf)
{
	buf->ops.release = NULL;
}

static void spoil_priv(struct dmabuf_test_buffer *buf)
{
	buf->priv = NULL;
}

static void spoil_unpin(struct dmabuf_test_buffer *buf)
{
	buf->ops.unpin = NULL;
}

static void spoil_pin(struct dmabuf_test_buffer *buf)
{
	buf->ops.pin = NULL;
}

static void spoil_cache(struct dmabuf_test_buffer *buf)
{
	buf->ops.cache_sgt_mapping = true;
}

static const struct bad_export bad_exports[] = {
	{ "no map_dma_buf", spoil_map },
	{ "no unmap_dma_buf", spoil_unmap },
	{ "no release", spoil_release },
	{ "no priv", spoil_priv },
	{ "pin without unpin", spoil_unpin },
	{ "unpin without pin", spoil_pin },
	{ "cache_sgt_mapping with pin", spoil_cache },
};

static void bad_export_desc(const struct bad_export *bad, char *desc)
{
	strscpy(desc, bad->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_export, bad_exports, bad_export_desc);

static void export_without_mandatory_parts_is_einval(struct kunit *test)
{
	const struct bad_export *bad = test->param_value;
	struct dmabuf_test_params params = {
		.size = BUF_SIZE,
		.flags = DMABUF_TEST_DYNAMIC,
		.file_flags = O_RDWR,
	};
	struct dmabuf_test_buffer *buf;
	int i;

	dmabuf_kunit_ours_only(test, "6.12 WARNs on each of these exports");
	buf = dmabuf_test_prepare(&params);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_unref, buf),
			0);
	bad->spoil(buf);
	KUNIT_EXPECT_EQ(test, dmabuf_test_export(buf), -EINVAL);
	KUNIT_EXPECT_NULL(test, buf->dmabuf);
	for (i = 0; i < DMABUF_TEST_NR_CALLS; i++)
		KUNIT_EXPECT_EQ_MSG(test, calls(buf, i), 0, "callback %d", i);
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

	KUNIT_EXPECT_PTR_EQ(test, attach->importer_ops, &importer_ops);
	KUNIT_EXPECT_PTR_EQ(test, attach->importer_priv, (void *)imp);
	KUNIT_EXPECT_TRUE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_TRUE(test, dmabuf_listed(buf->dmabuf, attach));
}

static const bool lock_variants[] = { false, true };

static void lock_variant_desc(const bool *locked, char *desc)
{
	strscpy(desc, *locked ? "locked" : "unlocked", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lock_variant, lock_variants, lock_variant_desc);

static struct sg_table *map_either(struct dma_buf_attachment *attach,
				   enum dma_data_direction dir, bool locked)
{
	if (locked)
		return map_locked(attach, dir);
	return dma_buf_map_attachment_unlocked(attach, dir);
}

static void unmap_either(struct dma_buf_attachment *attach,
			 struct sg_table *sgt, enum dma_data_direction dir,
			 bool locked)
{
	if (locked)
		unmap_locked(attach, sgt, dir);
	else
		dma_buf_unmap_attachment_unlocked(attach, sgt, dir);
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

/* Something a thread does that may have to wait for a fence. */
struct waiter {
	struct completion done;
	struct dma_buf_attachment *attach;
	struct dmabuf_test_buffer *buf;
	enum dma_data_direction dir;
	struct sg_table *sgt;
	int ret;
};

static int map_waiter_fn(void *data)
{
	struct waiter *w = data;

	w->sgt = map_locked(w->attach, w->dir);
	complete(&w->done);
	return 0;
}

static int begin_waiter_fn(void *data)
{
	struct waiter *w = data;

	w->ret = dma_buf_begin_cpu_access(w->buf->dmabuf, w->dir);
	complete(&w->done);
	return 0;
}

/*
 * Run @fn on @w in a thread while @fence is pending. If @blocks, the
 * thread must still be waiting a while later and finish once the fence
 * signals; otherwise it must finish with the fence still pending.
 */
static void run_waiter(struct kunit *test, int (*fn)(void *),
		       struct waiter *w, struct dma_fence *fence, bool blocks)
{
	init_completion(&w->done);
	start_thread_on(test, fn, w, "waiter", 1);
	if (blocks) {
		KUNIT_EXPECT_EQ_MSG(test, wait_for_completion_timeout(&w->done,
								      SHORT_WAIT),
				    0, "did not wait for the fence");
		dma_fence_signal(fence);
	}
	dmabuf_kunit_thread_wait(test, &w->done, THREAD_GRACE, "waiter");
	if (!blocks)
		KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	else
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
}

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
/* Kernel mappings                                                     */
/* ------------------------------------------------------------------ */

static int vmap_either(struct dma_buf *dmabuf, struct iosys_map *map,
		       bool locked)
{
	int ret;

	if (!locked)
		return dma_buf_vmap_unlocked(dmabuf, map);
	dma_resv_lock(dmabuf->resv, NULL);
	ret = dma_buf_vmap(dmabuf, map);
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

static void vunmap_either(struct dma_buf *dmabuf, struct iosys_map *map,
			  bool locked)
{
	if (!locked) {
		dma_buf_vunmap_unlocked(dmabuf, map);
		return;
	}
	dma_resv_lock(dmabuf->resv, NULL);
	dma_buf_vunmap(dmabuf, map);
	dma_resv_unlock(dmabuf->resv);
}

static void vmap_is_shared_and_counted(struct kunit *test)
{
	const bool *locked = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf *dmabuf = buf->dmabuf;
	struct iosys_map a, b, c;

	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &a, *locked), 0);
	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &b, *locked), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP), 1);
	KUNIT_EXPECT_FALSE(test, a.is_iomem);
	KUNIT_EXPECT_PTR_EQ(test, a.vaddr, buf->vaddr);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&a, &b));

	vunmap_either(dmabuf, &b, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 0);
	vunmap_either(dmabuf, &a, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 1);
	KUNIT_EXPECT_NULL(test, buf->vaddr);

	/* Mapping again asks the exporter again. */
	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &c, *locked), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP), 2);
	vunmap_either(dmabuf, &c, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 2);
}

static void vmap_shows_the_buffer_pages(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct iosys_map map;
	unsigned int i;
	u8 *bytes;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), 0);
	bytes = map.vaddr;
	KUNIT_EXPECT_TRUE(test, !memchr_inv(bytes, 0, BUF_SIZE));
	for (i = 0; i < NPAGES; i++)
		bytes[i * PAGE_SIZE + i] = 0xa0 + i;
	for (i = 0; i < NPAGES; i++) {
		u8 *page = page_address(buf->pages[i]);

		KUNIT_EXPECT_EQ(test, page[i], 0xa0 + i);
	}
	dma_buf_vunmap_unlocked(buf->dmabuf, &map);
}

static void vmap_without_exporter_support_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_NO_VMAP);
	struct iosys_map map;

	iosys_map_set_vaddr(&map, buf);
	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
}

/* ------------------------------------------------------------------ */
/* CPU access                                                          */
/* ------------------------------------------------------------------ */

static const enum dma_data_direction cpu_dirs[] = {
	DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE,
};

static void cpu_dir_desc(const enum dma_data_direction *dir, char *desc)
{
	static const char * const names[] = {
		[DMA_BIDIRECTIONAL] = "bidirectional",
		[DMA_TO_DEVICE] = "to device",
		[DMA_FROM_DEVICE] = "from device",
	};

	strscpy(desc, names[*dir], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cpu_dir, cpu_dirs, cpu_dir_desc);

static void cpu_access_passes_the_direction_to_exporter(struct kunit *test)
{
	const enum dma_data_direction *dir = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf, *dir), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_BEGIN_CPU], *dir);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 0);

	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf, *dir), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_END_CPU], *dir);
}

struct cpu_wait {
	enum dma_data_direction dir;
	enum dma_resv_usage usage;
	bool blocks;
	bool exporter_hooks;
	const char *name;
};

static const struct cpu_wait cpu_waits[] = {
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_WRITE, true, true,
	  "read waits for writer" },
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_KERNEL, true, true,
	  "read waits for kernel" },
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_READ, false, true,
	  "read ignores reader" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_READ, true, true,
	  "write waits for reader" },
	{ DMA_BIDIRECTIONAL, DMA_RESV_USAGE_READ, true, true,
	  "bidirectional waits for reader" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_BOOKKEEP, false, true,
	  "write ignores bookkeeping" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_WRITE, true, false,
	  "write waits without exporter hooks" },
};

static void cpu_wait_desc(const struct cpu_wait *row, char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cpu_wait, cpu_waits, cpu_wait_desc);

static void begin_cpu_access_waits_for_fences_of_its_direction(struct kunit *test)
{
	const struct cpu_wait *row = test->param_value;
	struct dmabuf_test_buffer *buf =
		new_buf(test, row->exporter_hooks ? 0 :
			DMABUF_TEST_NO_CPU_ACCESS);
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct dma_fence *fence;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->buf = buf;
	w->dir = row->dir;
	fence = add_pending_fence(test, buf->dmabuf->resv, row->usage);

	run_waiter(test, begin_waiter_fn, w, fence, row->blocks);
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU),
			row->exporter_hooks ? 1 : 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf, row->dir), 0);
}

static void end_cpu_access_does_not_wait(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	add_pending_fence(test, buf->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 1);
}

/* ------------------------------------------------------------------ */
/* User mappings                                                       */
/* ------------------------------------------------------------------ */

/*
 * A file of a pretend importing driver whose mmap hands the vma to
 * dma_buf_mmap(), as drivers that import a buffer do.
 */
struct forwarder {
	struct dma_buf *dmabuf;
	unsigned long pgoff;
	int ret;
};

static int forwarder_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct forwarder *fw = file->private_data;

	fw->ret = dma_buf_mmap(fw->dmabuf, vma, fw->pgoff);
	return fw->ret;
}

static const struct file_operations forwarder_fops = {
	.owner = THIS_MODULE,
	.mmap = forwarder_mmap,
};

static void file_unref(void *data)
{
	fput(data);
	flush_delayed_fput();
}

static struct file *new_forwarder(struct kunit *test, struct dma_buf *dmabuf,
				  unsigned long pgoff)
{
	struct forwarder *fw = kunit_kzalloc(test, sizeof(*fw), GFP_KERNEL);
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, fw);
	fw->dmabuf = dmabuf;
	fw->pgoff = pgoff;
	file = anon_inode_getfile("dmabuf-kunit-fwd", &forwarder_fops, fw,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_unref, file),
			0);
	return file;
}

/*
 * mmap() @pages pages of @file at page offset @pgoff into the case's own
 * address space. Returns the address or an errno as unsigned long.
 */
static unsigned long map_user(struct kunit *test, struct file *file,
			      unsigned long pgoff, unsigned long pages)
{
	return kunit_vm_mmap(test, file, 0, pages << PAGE_SHIFT,
			     PROT_READ | PROT_WRITE, MAP_SHARED,
			     pgoff << PAGE_SHIFT);
}

static void unmap_user(unsigned long addr, unsigned long pages)
{
	vm_munmap(addr, pages << PAGE_SHIFT);
	/* The vma's file reference goes now, not when the case ends. */
	flush_delayed_fput();
}

/* Mark every page of @buf with its index, through the kernel. */
static void mark_pages(struct dmabuf_test_buffer *buf)
{
	unsigned int i;

	for (i = 0; i < buf->npages; i++)
		memset(page_address(buf->pages[i]), 0x10 + i, PAGE_SIZE);
}

/* Read one byte of each of @pages pages at user address @addr. */
static void expect_user_marks(struct kunit *test, unsigned long addr,
			      unsigned long pages, unsigned int first)
{
	unsigned long i;
	u8 byte;

	for (i = 0; i < pages; i++) {
		void __user *at = (void __user *)(addr + i * PAGE_SIZE + 7);

		KUNIT_ASSERT_EQ(test, copy_from_user(&byte, at, 1), 0UL);
		KUNIT_EXPECT_EQ(test, byte, 0x10 + first + i);
	}
}

static void mmap_of_fd_maps_the_buffer_pages(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;
	u8 byte = 0x5a;

	mark_pages(buf);
	addr = map_user(test, buf->dmabuf->file, 0, NPAGES);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	expect_user_marks(test, addr, NPAGES, 0);
	KUNIT_EXPECT_EQ(test, copy_to_user((void __user *)(addr + PAGE_SIZE),
					   &byte, 1), 0UL);
	KUNIT_EXPECT_EQ(test, *(u8 *)page_address(buf->pages[1]), 0x5a);
	unmap_user(addr, NPAGES);
}

struct mmap_range {
	unsigned long pgoff, pages;
	int err;
	const char *name;
};

static const struct mmap_range fd_mmap_ranges[] = {
	{ 0, NPAGES, 0, "whole buffer" },
	{ NPAGES - 1, 1, 0, "last page" },
	{ 1, NPAGES - 2, 0, "middle" },
	{ 0, NPAGES + 1, -EINVAL, "one page too long" },
	{ 1, NPAGES, -EINVAL, "offset plus length too long" },
	{ NPAGES, 1, -EINVAL, "offset at the end" },
	{ 1UL << 30, 1, -EINVAL, "offset far beyond" },
};

static void mmap_range_desc(const struct mmap_range *range, char *desc)
{
	strscpy(desc, range->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fd_mmap_range, fd_mmap_ranges, mmap_range_desc);

static void mmap_of_fd_stays_within_the_buffer(struct kunit *test)
{
	const struct mmap_range *range = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;

	mark_pages(buf);
	addr = map_user(test, buf->dmabuf->file, range->pgoff, range->pages);
	if (range->err) {
		KUNIT_EXPECT_EQ(test, (long)addr, (long)range->err);
		/* The exporter never saw a range it could not serve. */
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 0);
		return;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	expect_user_marks(test, addr, range->pages, range->pgoff);
	unmap_user(addr, range->pages);
}

static const struct mmap_range fwd_mmap_ranges[] = {
	{ 0, NPAGES, 0, "whole buffer" },
	{ 2, NPAGES - 2, 0, "tail" },
	{ NPAGES - 1, 1, 0, "last page" },
	{ 1, NPAGES, -EINVAL, "offset plus length too long" },
	{ NPAGES, 1, -EINVAL, "offset at the end" },
	{ ULONG_MAX, 1, -EOVERFLOW, "offset plus length wraps" },
	{ ULONG_MAX - 1, 4, -EOVERFLOW, "offset plus length wraps later" },
};

KUNIT_ARRAY_PARAM(fwd_mmap_range, fwd_mmap_ranges, mmap_range_desc);

static void mmap_forwarded_by_importer_checks_its_offset(struct kunit *test)
{
	const struct mmap_range *range = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = new_forwarder(test, buf->dmabuf, range->pgoff);
	struct forwarder *fw = file->private_data;
	unsigned long addr;

	mark_pages(buf);
	/* The importer's own offset is 0: only the forwarded one counts. */
	addr = map_user(test, file, 0, range->pages);
	KUNIT_EXPECT_EQ(test, fw->ret, range->err);
	if (range->err) {
		KUNIT_EXPECT_EQ(test, (long)addr, (long)range->err);
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 0);
		return;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	/* The vma now maps the buffer's file, holding a reference to it. */
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 2L);
	expect_user_marks(test, addr, range->pages, range->pgoff);
	unmap_user(addr, range->pages);
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static void mmap_without_exporter_support_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_NO_MMAP);
	struct file *file = new_forwarder(test, buf->dmabuf, 0);
	unsigned long addr;

	addr = map_user(test, buf->dmabuf->file, 0, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	addr = map_user(test, file, 0, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

/* The kselftests rely on the test exporter's refusal of private maps. */
static void test_exporter_refuses_private_mappings(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;

	addr = kunit_vm_mmap(test, buf->dmabuf->file, 0, PAGE_SIZE, PROT_READ,
			     MAP_PRIVATE, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

/* ------------------------------------------------------------------ */
/* Failing exporter callbacks                                          */
/* ------------------------------------------------------------------ */

/*
 * A whole life of an attachment, a kernel mapping and a CPU access, to
 * show that a buffer whose callback failed earlier still works.
 */
static void expect_buffer_works(struct kunit *test,
				struct dmabuf_test_buffer *buf)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-after");
	struct dma_buf_attachment *attach;
	struct iosys_map map;
	struct sg_table *sgt;

	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);

	attach = attach_static(test, buf, dev);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	expect_sgt_of(test, sgt, buf);
	if (!IS_ERR_OR_NULL(sgt))
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_BIDIRECTIONAL);
	detach(test, attach);

	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), 0);
	if (!iosys_map_is_null(&map))
		dma_buf_vunmap_unlocked(buf->dmabuf, &map);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_FROM_DEVICE), 0);
}

struct injection {
	const char *name;
	unsigned int flags;
	enum dmabuf_test_call call;
	int err;
	void (*run)(struct kunit *test, struct dmabuf_test_buffer *buf,
		    int err);
	const char *ours_only;
};

static void inject_static_attach(struct kunit *test,
				 struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_attach(buf->dmabuf, dev),
			    ERR_PTR(err));
}

static void inject_dynamic_attach(struct kunit *test,
				  struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_dynamic_attach(buf->dmabuf, dev,
							 &importer_ops, imp),
			    ERR_PTR(err));
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->moves), 0);
}

static void inject_explicit_pin(struct kunit *test,
				struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);

	dma_resv_lock(buf->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(attach), err);
	dma_resv_unlock(buf->dmabuf->resv);
	detach(test, attach);
}

static void inject_static_map(struct kunit *test,
			      struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *sgt;

	KUNIT_EXPECT_PTR_EQ(test,
			    dma_buf_map_attachment_unlocked(attach,
							    DMA_TO_DEVICE),
			    ERR_PTR(err));
	KUNIT_EXPECT_PTR_EQ(test, map_locked(attach, DMA_FROM_DEVICE),
			    ERR_PTR(err));
	/* A failed mapping is not cached: the next request asks again. */
	dmabuf_test_fail(buf, DMABUF_TEST_MAP, 0);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_FROM_DEVICE);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 3);
	if (!IS_ERR_OR_NULL(sgt))
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_FROM_DEVICE);
	detach(test, attach);
}

static void inject_dynamic_map(struct kunit *test,
			       struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);

	KUNIT_EXPECT_PTR_EQ(test, map_locked(attach, DMA_TO_DEVICE),
			    ERR_PTR(err));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
	detach(test, attach);
}

static void inject_begin_cpu(struct kunit *test,
			     struct dmabuf_test_buffer *buf, int err)
{
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_TO_DEVICE), err);
}

static void inject_end_cpu(struct kunit *test, struct dmabuf_test_buffer *buf,
			   int err)
{
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_TO_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_TO_DEVICE), err);
}

static void inject_mmap(struct kunit *test, struct dmabuf_test_buffer *buf,
			int err)
{
	struct file *file = new_forwarder(test, buf->dmabuf, 0);

	KUNIT_EXPECT_EQ(test, (long)map_user(test, buf->dmabuf->file, 0, 1),
			(long)err);
	KUNIT_EXPECT_EQ(test, (long)map_user(test, file, 0, 1), (long)err);
	/* The failed vma may have held the buffer's file for a moment. */
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static void inject_vmap(struct kunit *test, struct dmabuf_test_buffer *buf,
			int err)
{
	struct iosys_map map;

	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), err);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
}

static const struct injection injections[] = {
	{ "attach of static importer", 0, DMABUF_TEST_ATTACH, -ENODEV,
	  inject_static_attach },
	{ "attach of dynamic importer", DMABUF_TEST_DYNAMIC,
	  DMABUF_TEST_ATTACH, -EBUSY, inject_dynamic_attach },
	{ "pin at static attach", DMABUF_TEST_DYNAMIC, DMABUF_TEST_PIN,
	  -ENOMEM, inject_static_attach },
	{ "explicit pin", DMABUF_TEST_DYNAMIC, DMABUF_TEST_PIN, -ENOSPC,
	  inject_explicit_pin },
	{ "map of static importer", 0, DMABUF_TEST_MAP, -ENOMEM,
	  inject_static_map },
	{ "map of static importer, caching", DMABUF_TEST_CACHE_SGT,
	  DMABUF_TEST_MAP, -EIO, inject_static_map },
	{ "map at static attach to dynamic", DMABUF_TEST_DYNAMIC,
	  DMABUF_TEST_MAP, -ENOMEM, inject_static_attach },
	{ "map at dynamic attach to static", 0, DMABUF_TEST_MAP, -EIO,
	  inject_dynamic_attach },
	{ "map of dynamic importer", DMABUF_TEST_DYNAMIC, DMABUF_TEST_MAP,
	  -EINTR, inject_dynamic_map },
	{ "begin_cpu_access", 0, DMABUF_TEST_BEGIN_CPU, -EIO,
	  inject_begin_cpu },
	{ "end_cpu_access", 0, DMABUF_TEST_END_CPU, -ERESTARTSYS,
	  inject_end_cpu },
	{ "mmap", 0, DMABUF_TEST_MMAP, -ENOMEM, inject_mmap },
	{ "vmap", 0, DMABUF_TEST_VMAP, -ENOMEM, inject_vmap,
	  "6.12 WARNs when an exporter's vmap fails" },
};

static void injection_desc(const struct injection *inj, char *desc)
{
	strscpy(desc, inj->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(injection, injections, injection_desc);

static void failing_callback_leaves_nothing_behind(struct kunit *test)
{
	const struct injection *inj = test->param_value;
	struct dmabuf_test_buffer *buf;

	if (inj->ours_only)
		dmabuf_kunit_ours_only(test, inj->ours_only);
	buf = new_buf(test, inj->flags);
	dmabuf_test_fail(buf, inj->call, inj->err);
	inj->run(test, buf, inj->err);
	KUNIT_EXPECT_GT_MSG(test, atomic_read(&buf->failed[inj->call]), 0,
			    "the failing callback was never called");
	dmabuf_test_fail(buf, inj->call, 0);

	/* Everything done before the failure was undone. */
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_ATTACH),
			calls(buf, DMABUF_TEST_DETACH));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_PIN),
			calls(buf, DMABUF_TEST_UNPIN));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_MAP),
			calls(buf, DMABUF_TEST_UNMAP));
	expect_buffer_works(test, buf);
}

/* ------------------------------------------------------------------ */
/* The test exporter's control file                                    */
/* ------------------------------------------------------------------ */

static struct file *new_control(struct kunit *test)
{
	struct file *file = dmabuf_test_control_file();

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_unref, file),
			0);
	return file;
}

static void close_control(struct kunit *test, struct file *file)
{
	kunit_release_action(test, file_unref, file);
}

/* A page of the case's address space for ioctl arguments. */
static void __user *user_scratch(struct kunit *test)
{
	unsigned long addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					   PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr) || !addr,
			       "no user memory: %ld", (long)addr);
	return (void __user *)addr;
}

/* Issue @cmd on @ctl with @arg copied through user memory and back. */
static long control_call(struct kunit *test, struct file *ctl,
			 unsigned int cmd, void *arg, size_t size)
{
	void __user *uarg = user_scratch(test);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, arg, size), 0UL);
	ret = ctl->f_op->unlocked_ioctl(ctl, cmd, (unsigned long)uarg);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, uarg, size), 0UL);
	return ret;
}

struct bad_control_export {
	struct dmabuf_test_export arg;
	const char *name;
};

static const struct bad_control_export bad_control_exports[] = {
	{ { .size = 0 }, "size 0" },
	{ { .size = SZ_256M + 1 }, "size over 256 MiB" },
	{ { .size = U64_MAX }, "size U64_MAX" },
	{ { .size = PAGE_SIZE, .fd_flags = O_NONBLOCK }, "fd_flags O_NONBLOCK" },
	{ { .size = PAGE_SIZE, .flags = 1U << 31 }, "unknown flag" },
	{ { .size = PAGE_SIZE, .pad = 1 }, "pad not zero" },
};

static void bad_control_export_desc(const struct bad_control_export *bad,
				    char *desc)
{
	strscpy(desc, bad->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_control_export, bad_control_exports,
		  bad_control_export_desc);

static void control_export_rejects_bad_arguments(struct kunit *test)
{
	const struct bad_control_export *bad = test->param_value;
	struct dmabuf_test_export arg = bad->arg;
	struct file *ctl = new_control(test);

	arg.fd = -1;
	KUNIT_EXPECT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_EXPORT,
					   &arg, sizeof(arg)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, arg.fd, -1);
}

struct control_export {
	u32 fd_flags;
	u32 flags;
	const char *name;
};

static const struct control_export control_exports[] = {
	{ O_RDWR | O_CLOEXEC, 0, "read-write, close-on-exec" },
	{ O_RDONLY, DMABUF_TEST_EXPORT_NO_MMAP, "read-only, no mmap" },
};

static void control_export_desc(const struct control_export *row, char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(control_export, control_exports, control_export_desc);

static void control_export_hands_out_a_zeroed_buffer_fd(struct kunit *test)
{
	const struct control_export *row = test->param_value;
	struct dmabuf_test_export arg = {
		.size = PAGE_SIZE + 1,
		.fd_flags = row->fd_flags,
		.flags = row->flags,
	};
	struct file *ctl = new_control(test);
	struct dma_buf *dmabuf;
	struct iosys_map map;
	bool cloexec;

	KUNIT_ASSERT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_EXPORT,
					   &arg, sizeof(arg)), 0L);
	KUNIT_ASSERT_GE(test, arg.fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)arg.fd),
			0);
	dmabuf = dma_buf_get(arg.fd);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dmabuf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dmabuf_unref,
							dmabuf), 0);

	KUNIT_EXPECT_EQ(test, dmabuf->size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, dmabuf->exp_name, DMABUF_TEST_EXPORTER_NAME);
	KUNIT_EXPECT_EQ(test, !dmabuf->ops->mmap,
			!!(row->flags & DMABUF_TEST_EXPORT_NO_MMAP));
	KUNIT_EXPECT_EQ(test, !!(dmabuf->file->f_mode & FMODE_WRITE),
			(row->fd_flags & O_ACCMODE) == O_RDWR);
	rcu_read_lock();
	cloexec = close_on_exec(arg.fd, current->files);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, cloexec, !!(row->fd_flags & O_CLOEXEC));

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(map.vaddr, 0, dmabuf->size));
	dma_buf_vunmap_unlocked(dmabuf, &map);
}

static void control_attach_rejects_bad_fds_and_flags(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *ctl = new_control(test);
	struct dmabuf_test_attach arg = { };
	int closed = install_fd(test, buf->dmabuf, O_CLOEXEC);

	close_fd_now(test, closed);
	arg.fd = closed;
	KUNIT_EXPECT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_ATTACH,
					   &arg, sizeof(arg)), (long)-EBADF);
	arg.fd = -1;
	KUNIT_EXPECT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_ATTACH,
					   &arg, sizeof(arg)), (long)-EBADF);

	/* The control file itself is no dma-buf. */
	get_file(ctl);
	arg.fd = get_unused_fd_flags(O_CLOEXEC);
	if (arg.fd < 0)
		fput(ctl);
	KUNIT_ASSERT_GE(test, arg.fd, 0);
	fd_install(arg.fd, ctl);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)arg.fd),
			0);
	KUNIT_EXPECT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_ATTACH,
					   &arg, sizeof(arg)), (long)-EINVAL);

	arg.fd = install_fd(test, buf->dmabuf, O_CLOEXEC);
	arg.flags = ~DMABUF_TEST_ATTACH_VALID_FLAGS;
	KUNIT_EXPECT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_ATTACH,
					   &arg, sizeof(arg)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_ATTACH), 0);
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 2L);

	KUNIT_EXPECT_EQ(test, ctl->f_op->unlocked_ioctl(ctl, _IO('T', 0x7f), 0),
			(long)-ENOTTY);
}

static const u32 control_attach_flags[] = {
	0,
	DMABUF_TEST_ATTACH_MAP,
	DMABUF_TEST_ATTACH_DYNAMIC,
	DMABUF_TEST_ATTACH_DYNAMIC | DMABUF_TEST_ATTACH_MAP,
};

static void control_attach_desc(const u32 *flags, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s%s",
		 *flags & DMABUF_TEST_ATTACH_DYNAMIC ? "dynamic" : "static",
		 *flags & DMABUF_TEST_ATTACH_MAP ? ", mapped" : "");
}

KUNIT_ARRAY_PARAM(control_attach, control_attach_flags, control_attach_desc);

static struct dma_buf_attachment *only_attachment(struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;

	dma_resv_lock(dmabuf->resv, NULL);
	attach = list_first_entry_or_null(&dmabuf->attachments,
					  struct dma_buf_attachment, node);
	if (attach && !list_is_singular(&dmabuf->attachments))
		attach = ERR_PTR(-E2BIG);
	dma_resv_unlock(dmabuf->resv);
	return attach;
}

static void control_attachment_lasts_until_control_file_closes(struct kunit *test)
{
	const u32 *flags = test->param_value;
	bool dynamic = *flags & DMABUF_TEST_ATTACH_DYNAMIC;
	bool mapped = *flags & DMABUF_TEST_ATTACH_MAP;
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_DYNAMIC);
	struct file *ctl = new_control(test);
	struct dmabuf_test_attach arg = { .flags = *flags };
	struct dma_buf_attachment *attach;

	arg.fd = install_fd(test, buf->dmabuf, O_CLOEXEC);
	KUNIT_ASSERT_EQ(test, control_call(test, ctl, DMABUF_TEST_IOCTL_ATTACH,
					   &arg, sizeof(arg)), 0L);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_ATTACH), 1);
	attach = only_attachment(buf->dmabuf);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(attach));
	KUNIT_EXPECT_STREQ(test, dev_name(attach->dev),
			   "dma_buf_test_importer");
	KUNIT_EXPECT_EQ(test, dma_buf_attachment_is_dynamic(attach), dynamic);
	/* A static importer of this dynamic exporter is mapped regardless. */
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP),
			mapped || !dynamic ? 1 : 0);
	/* The import holds a reference of its own. */
	close_fd_now(test, arg.fd);
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 2L);

	if (dynamic && mapped) {
		/* A dynamic importer gives its mapping up when told to. */
		dma_resv_lock(buf->dmabuf->resv, NULL);
		dma_buf_move_notify(buf->dmabuf);
		dma_resv_unlock(buf->dmabuf->resv);
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_UNMAP), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	}

	close_control(test, ctl);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_DETACH), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

/* ------------------------------------------------------------------ */
/* Importing a sync_file                                               */
/* ------------------------------------------------------------------ */

#if IS_ENABLED(CONFIG_SYNC_FILE)

/* A pending leaf of a context of its own, signalled when the case ends. */
static struct dma_fence *new_leaf(struct kunit *test)
{
	struct dma_fence *leaf;

	leaf = dmabuf_kunit_leaf_alloc(dma_fence_context_alloc(1), 1);
	return dma_fence_get(dmabuf_kunit_fence_adopt(test, leaf));
}

/* An array of @n fences whose references it takes over. */
static struct dma_fence *new_array(struct kunit *test, unsigned int n,
				   struct dma_fence **members)
{
	struct dma_fence **fences = kmalloc_array(n, sizeof(*fences),
						  GFP_KERNEL);
	struct dma_fence_array *array;

	KUNIT_ASSERT_NOT_NULL(test, fences);
	memcpy(fences, members, n * sizeof(*fences));
	array = dma_fence_array_create(n, fences, dma_fence_context_alloc(1),
				       1, false);
	if (!array)
		kfree(fences);
	KUNIT_ASSERT_NOT_NULL(test, array);
	return &array->base;
}

/* A chain link on @prev wrapping @fence; takes over both references. */
static struct dma_fence *new_link(struct kunit *test, struct dma_fence *prev,
				  struct dma_fence *fence, u64 seqno)
{
	struct dma_fence_chain *link = dma_fence_chain_alloc();

	KUNIT_ASSERT_NOT_NULL(test, link);
	dma_fence_chain_init(link, prev, fence, seqno);
	return &link->base;
}

/*
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE of a sync_file for @fence (the case's
 * reference is handed to the cleanup) as writes on a new buffer. The
 * reservation object must then hold @leaves fences, none a container.
 */
static void expect_import_adds_leaves(struct kunit *test,
				      struct dma_fence *fence,
				      unsigned int leaves)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file arg = { .flags = DMA_BUF_SYNC_WRITE };
	void __user *uarg = user_scratch(test);
	struct file *file = buf->dmabuf->file;
	struct dma_resv_iter cursor;
	struct sync_file *sync_file;
	unsigned int count = 0;
	struct dma_fence *f;

	dmabuf_kunit_fence_own(test, fence);
	sync_file = sync_file_create(fence);
	KUNIT_ASSERT_NOT_NULL(test, sync_file);
	arg.fd = get_unused_fd_flags(O_CLOEXEC);
	if ((int)arg.fd < 0)
		fput(sync_file->file);
	KUNIT_ASSERT_GE(test, (int)arg.fd, 0);
	fd_install(arg.fd, sync_file->file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)arg.fd),
			0);

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, &arg, sizeof(arg)), 0UL);
	KUNIT_ASSERT_EQ(test,
			file->f_op->unlocked_ioctl(file,
						   DMA_BUF_IOCTL_IMPORT_SYNC_FILE,
						   (unsigned long)uarg), 0L);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(buf->dmabuf->resv, NULL), 0);
	dma_resv_for_each_fence(&cursor, buf->dmabuf->resv,
				DMA_RESV_USAGE_BOOKKEEP, f) {
		KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_container(f),
				       "fence %u is a container", count);
		KUNIT_EXPECT_EQ(test, dma_resv_iter_usage(&cursor),
				DMA_RESV_USAGE_WRITE);
		count++;
	}
	dma_resv_unlock(buf->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, count, leaves);
}

/* The shapes 6.12 allows: links wrapping arrays of leaves. */
static void import_sync_file_of_a_chain_adds_its_leaves(struct kunit *test)
{
	struct dma_fence *pair[2] = { new_leaf(test), new_leaf(test) };
	struct dma_fence *link;

	link = new_link(test, NULL, new_array(test, 2, pair), 1);
	link = new_link(test, link, new_leaf(test), 2);
	expect_import_adds_leaves(test, link, 3);
}

/*
 * Our arrays may hold arrays and chains: an array of an array, a chain
 * and a leaf, where the chain's link wraps an array of its own. Only the
 * five leaves at the bottom reach the buffer.
 */
static void import_sync_file_of_nested_containers_adds_only_leaves(struct kunit *test)
{
	struct dma_fence *inner[2], *outer[3], *pair[2];

	dmabuf_kunit_ours_only(test, "arrays may hold containers");
	inner[0] = new_leaf(test);
	inner[1] = new_leaf(test);
	pair[0] = new_leaf(test);
	pair[1] = new_leaf(test);
	outer[0] = new_array(test, 2, inner);
	outer[1] = new_link(test, NULL, new_array(test, 2, pair), 1);
	outer[2] = new_leaf(test);
	expect_import_adds_leaves(test, new_array(test, 3, outer), 5);
}
#endif /* CONFIG_SYNC_FILE */

/* ------------------------------------------------------------------ */
/* Races                                                               */
/* ------------------------------------------------------------------ */

#define RACE_MAPPERS		2
#define RACE_CHURNERS		2
#define RACE_THREADS		(RACE_MAPPERS + RACE_CHURNERS)

struct race {
	struct dmabuf_test_buffer *buf;
	struct dma_buf *dmabuf;
	struct device *dev;
	struct completion go;
	struct completion done[RACE_THREADS];
	unsigned long deadline;
	atomic_t errors;
	atomic_t loops;
	int fd;
	int last_err;
};

struct race_thread {
	struct race *race;
	unsigned int id;
	struct dma_buf_attachment *attach;
	struct importer imp;
};

static bool race_on(struct race *race)
{
	return time_before(jiffies, race->deadline) && !kthread_should_stop();
}

static void race_error(struct race *race, int err)
{
	WRITE_ONCE(race->last_err, err);
	atomic_inc(&race->errors);
}

/* One map and unmap of @attach; an error is counted, never asserted. */
static void race_map_once(struct race *race, struct dma_buf_attachment *attach,
			  bool locked)
{
	struct sg_table *sgt = map_either(attach, DMA_BIDIRECTIONAL, locked);

	if (IS_ERR_OR_NULL(sgt)) {
		race_error(race, sgt ? PTR_ERR(sgt) : -ENOMEM);
		return;
	}
	if (sgt->nents != NPAGES)
		race_error(race, -EFAULT);
	unmap_either(attach, sgt, DMA_BIDIRECTIONAL, locked);
}

/* Maps and unmaps its own long-lived attachment, over and over. */
static int mapper_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		race_map_once(race, t->attach, !t->attach->importer_ops);
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

/* Attaches, maps, unmaps and detaches again, alternating importer kinds. */
static int churner_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct dma_buf_attachment *attach;
	unsigned int n = 0;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		if (n++ & 1)
			attach = dma_buf_dynamic_attach(race->dmabuf, race->dev,
							&importer_ops, &t->imp);
		else
			attach = dma_buf_attach(race->dmabuf, race->dev);
		if (IS_ERR(attach)) {
			race_error(race, PTR_ERR(attach));
		} else {
			race_map_once(race, attach, true);
			dma_buf_detach(race->dmabuf, attach);
		}
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

static struct race *new_race(struct kunit *test, struct dmabuf_test_buffer *buf)
{
	struct race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	race->buf = buf;
	race->dmabuf = buf->dmabuf;
	race->dev = new_dev(test, "dmabuf-kunit-race");
	init_completion(&race->go);
	for (i = 0; i < RACE_THREADS; i++)
		init_completion(&race->done[i]);
	return race;
}

static void race_run(struct kunit *test, struct race *race,
		     unsigned int nthreads)
{
	unsigned int i;

	race->deadline = jiffies + RACE_BUDGET;
	complete_all(&race->go);
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_wait(test, &race->done[i], THREAD_GRACE,
					 "race thread");
	kunit_info(test, "%d loops\n", atomic_read(&race->loops));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&race->errors), 0,
			    "last error %d", race->last_err);
}

static void attach_and_detach_race_with_maps_elsewhere(struct kunit *test)
{
	const struct exporter_kind *kind = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, kind->flags);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i;

	threads = kunit_kcalloc(test, RACE_THREADS, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = 0; i < RACE_THREADS; i++) {
		threads[i].race = race;
		threads[i].id = i;
		if (i >= RACE_MAPPERS)
			continue;
		/* One static and one dynamic long-lived importer. */
		threads[i].attach = attach_as(test, buf, race->dev,
					      i ? &threads[i].imp : NULL);
	}
	for (i = 0; i < RACE_THREADS; i++)
		start_thread_on(test, i < RACE_MAPPERS ? mapper_fn : churner_fn,
				&threads[i], i < RACE_MAPPERS ? "mapper" :
				"churner", i);
	race_run(test, race, RACE_THREADS);

	/* Only the mappers' attachments are left, and nothing is mapped. */
	for (i = 0; i < RACE_MAPPERS; i++) {
		KUNIT_EXPECT_TRUE(test, dmabuf_listed(buf->dmabuf,
						      threads[i].attach));
		detach(test, threads[i].attach);
	}
	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
}

/* Imports the buffer by fd until the fd is gone. */
static int fd_importer_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf;

	wait_for_completion(&race->go);
	while (!kthread_should_stop()) {
		dmabuf = dma_buf_get(race->fd);
		if (IS_ERR(dmabuf)) {
			/* The only acceptable failure: the fd was closed. */
			if (PTR_ERR(dmabuf) != -EBADF)
				race_error(race, PTR_ERR(dmabuf));
			break;
		}
		attach = dma_buf_attach(dmabuf, race->dev);
		if (IS_ERR(attach)) {
			race_error(race, PTR_ERR(attach));
		} else {
			race_map_once(race, attach, false);
			dma_buf_detach(dmabuf, attach);
		}
		get_dma_buf(dmabuf);
		dma_buf_put(dmabuf);
		dma_buf_put(dmabuf);
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

/* Closes the fd once the importers are under way. */
static int fd_closer_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;

	wait_for_completion(&race->go);
	while (race_on(race) && atomic_read(&race->loops) < 16)
		schedule_timeout_uninterruptible(1);
	close_fd(race->fd);
	complete(&race->done[t->id]);
	return 0;
}

static const bool keep_ref_variants[] = { true, false };

static void keep_ref_desc(const bool *keep, char *desc)
{
	strscpy(desc, *keep ? "kernel reference kept" : "fd is the last",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(keep_ref, keep_ref_variants, keep_ref_desc);

static void fd_close_races_with_importers_and_loses_no_reference(struct kunit *test)
{
	const bool *keep = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i, nthreads = RACE_CHURNERS + 1;

	threads = kunit_kcalloc(test, nthreads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	get_dma_buf(buf->dmabuf);
	race->fd = dma_buf_fd(buf->dmabuf, O_CLOEXEC);
	if (race->fd < 0)
		dma_buf_put(buf->dmabuf);
	KUNIT_ASSERT_GE(test, race->fd, 0);
	if (!*keep)
		drop_buf(test, buf);

	for (i = 0; i < nthreads; i++) {
		threads[i].race = race;
		threads[i].id = i;
		start_thread_on(test, i ? fd_importer_fn : fd_closer_fn,
				&threads[i], i ? "importer" : "closer", i);
	}
	race_run(test, race, nthreads);
	flush_delayed_fput();

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(race->fd), ERR_PTR(-EBADF));
	if (*keep) {
		/* Only the case's own reference is left. */
		KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 0);
		KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	} else {
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 1);
	}
}

#define VMAP_THREADS		3

/* Takes and drops kernel mappings, checking they all agree. */
static int vmapper_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct iosys_map map;
	int err;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		err = dma_buf_vmap_unlocked(race->dmabuf, &map);
		if (err) {
			race_error(race, err);
		} else {
			if (*(u8 *)map.vaddr != 0x10)
				race_error(race, -EFAULT);
			cond_resched();
			dma_buf_vunmap_unlocked(race->dmabuf, &map);
		}
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

static void concurrent_vmaps_share_one_exporter_mapping(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i;

	static_assert(VMAP_THREADS <= RACE_THREADS);
	mark_pages(buf);
	threads = kunit_kcalloc(test, VMAP_THREADS, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = 0; i < VMAP_THREADS; i++) {
		threads[i].race = race;
		threads[i].id = i;
		start_thread_on(test, vmapper_fn, &threads[i], "vmapper", i);
	}
	race_run(test, race, VMAP_THREADS);
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
	KUNIT_EXPECT_NULL(test, buf->vaddr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP),
			calls(buf, DMABUF_TEST_VUNMAP));
}

static struct kunit_case dma_buf_cases[] = {
	KUNIT_CASE(export_describes_the_buffer_and_calls_nothing),
	KUNIT_CASE(export_of_pin_and_unpin_makes_a_dynamic_buffer),
	KUNIT_CASE(export_uses_the_exporters_resv_and_leaves_it_alive),
	KUNIT_CASE(export_embeds_a_resv_of_each_buffers_own),
	KUNIT_CASE_PARAM(export_without_mandatory_parts_is_einval,
			 bad_export_gen_params),
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
	KUNIT_CASE_PARAM(vmap_is_shared_and_counted, lock_variant_gen_params),
	KUNIT_CASE(vmap_shows_the_buffer_pages),
	KUNIT_CASE(vmap_without_exporter_support_is_einval),
	KUNIT_CASE_PARAM(cpu_access_passes_the_direction_to_exporter,
			 cpu_dir_gen_params),
	KUNIT_CASE_PARAM(begin_cpu_access_waits_for_fences_of_its_direction,
			 cpu_wait_gen_params),
	KUNIT_CASE(end_cpu_access_does_not_wait),
	KUNIT_CASE(mmap_of_fd_maps_the_buffer_pages),
	KUNIT_CASE_PARAM(mmap_of_fd_stays_within_the_buffer,
			 fd_mmap_range_gen_params),
	KUNIT_CASE_PARAM(mmap_forwarded_by_importer_checks_its_offset,
			 fwd_mmap_range_gen_params),
	KUNIT_CASE(mmap_without_exporter_support_is_einval),
	KUNIT_CASE(test_exporter_refuses_private_mappings),
#if IS_ENABLED(CONFIG_SYNC_FILE)
	KUNIT_CASE(import_sync_file_of_a_chain_adds_its_leaves),
	KUNIT_CASE(import_sync_file_of_nested_containers_adds_only_leaves),
#endif
	KUNIT_CASE_PARAM(failing_callback_leaves_nothing_behind,
			 injection_gen_params),
	KUNIT_CASE_PARAM(control_export_rejects_bad_arguments,
			 bad_control_export_gen_params),
	KUNIT_CASE_PARAM(control_export_hands_out_a_zeroed_buffer_fd,
			 control_export_gen_params),
	KUNIT_CASE(control_attach_rejects_bad_fds_and_flags),
	KUNIT_CASE_PARAM(control_attachment_lasts_until_control_file_closes,
			 control_attach_gen_params),
	KUNIT_CASE_PARAM(attach_and_detach_race_with_maps_elsewhere,
			 exporter_kind_gen_params),
	KUNIT_CASE_PARAM(fd_close_races_with_importers_and_loses_no_reference,
			 keep_ref_gen_params),
	KUNIT_CASE(concurrent_vmaps_share_one_exporter_mapping),
	{}
};

static struct kunit_suite dma_buf_suite = {
	.name = "dma-buf",
	.test_cases = dma_buf_cases,
};

kunit_test_suite(dma_buf_suite);

MODULE_DESCRIPTION("KUnit tests for the dma-buf core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
