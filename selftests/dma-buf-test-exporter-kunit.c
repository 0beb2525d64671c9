// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_test_exporter": the parts of the test exporter
 * that the userspace kselftests rely on. Its debugfs control file, whose
 * ioctls export buffers, attach a pretend importer to any dma-buf fd and
 * read any dma-buf through a kernel mapping, and its refusal of private
 * mappings.
 *
 * The ioctl arguments live in user memory from kunit_vm_mmap(), as a
 * real caller's would; see dma-buf-kunit.c for how the suites work.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "dma-buf-core-kunit.h"
#include "dmabuf-test-ctl.h"

/* ------------------------------------------------------------------ */
/* Private mappings                                                    */
/* ------------------------------------------------------------------ */

/* The kselftests rely on the test exporter's refusal of private maps. */
static void test_exporter_refuses_private_mappings(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;

	addr = dmabuf_kunit_vm_mmap(test, buf->dmabuf->file, PAGE_SIZE, PROT_READ,
				    MAP_PRIVATE, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
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

/* Issue @cmd on @ctl with @arg copied through user memory and back. */
static long control_call(struct kunit *test, struct file *ctl,
			 unsigned int cmd, void *arg, size_t size)
{
	void __user *uarg = dmabuf_kunit_user_pages(test, 1);
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

/*
 * VMAP_READ: one way it ends, and what the exporter must have seen. Every
 * vmap that worked is undone, and every begin_cpu_access that worked is
 * ended, whatever failed after it. (A failing vmap is left out: 6.12's
 * core WARNs on it, and this suite also runs against stock; the
 * dma_buf_vmap_error suite covers it on ours.)
 */
struct control_vmap_read {
	const char *name;
	unsigned int buf_flags;
	enum dmabuf_test_call fail;	/* DMABUF_TEST_NR_CALLS: none */
	bool bad_data;			/* @data is read-only user memory */
	u64 len;
	long ret;
	int vmaps, begins;		/* calls made of each bracket */
};

static const struct control_vmap_read control_vmap_reads[] = {
	{ "read", 0, DMABUF_TEST_NR_CALLS, false, 16, 0, 1, 1 },
	{ "unwritable destination", 0, DMABUF_TEST_NR_CALLS, true, 16,
	  -EFAULT, 1, 1 },
	{ "begin_cpu_access fails", 0, DMABUF_TEST_BEGIN_CPU, false, 16,
	  -ENOMEM, 1, 1 },
	{ "end_cpu_access fails", 0, DMABUF_TEST_END_CPU, false, 16,
	  -ENOMEM, 1, 1 },
	{ "exporter without vmap", DMABUF_TEST_NO_VMAP, DMABUF_TEST_NR_CALLS,
	  false, 16, -EINVAL, 0, 0 },
	{ "longer than the limit", 0, DMABUF_TEST_NR_CALLS, false,
	  DMABUF_TEST_VMAP_READ_MAX + 1, -EINVAL, 0, 0 },
};

static void control_vmap_read_desc(const struct control_vmap_read *row,
				   char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(control_vmap_read, control_vmap_reads,
		  control_vmap_read_desc);

static void control_vmap_read_undoes_what_it_did(struct kunit *test)
{
	static const u8 marks[] = "vmap-read marks";
	const struct control_vmap_read *row = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, row->buf_flags);
	struct file *ctl = new_control(test);
	void __user *dst = dmabuf_kunit_user_pages(test, 1);
	struct dmabuf_test_vmap_read arg = { .offset = 5, .len = row->len };
	u8 got[sizeof(marks)] = { };
	u8 *page;

	page = kmap_local_page(buf->pages[0]);
	memcpy(page + arg.offset, marks, sizeof(marks));
	kunmap_local(page);
	if (row->bad_data)
		dst = dmabuf_kunit_read_only_user(test, got, sizeof(got));
	if (row->fail != DMABUF_TEST_NR_CALLS)
		dmabuf_test_fail(buf, row->fail, -ENOMEM);
	arg.fd = install_fd(test, buf->dmabuf, O_CLOEXEC);
	arg.data = (u64)(uintptr_t)dst;

	KUNIT_EXPECT_EQ(test, control_call(test, ctl,
					   DMABUF_TEST_IOCTL_VMAP_READ,
					   &arg, sizeof(arg)), row->ret);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP), row->vmaps);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP),
			dmabuf_test_succeeded(buf, DMABUF_TEST_VMAP));
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), row->begins);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU),
			dmabuf_test_succeeded(buf, DMABUF_TEST_BEGIN_CPU));
	KUNIT_EXPECT_NULL(test, buf->vaddr);
	if (!row->ret) {
		KUNIT_ASSERT_EQ(test, copy_from_user(got, dst, sizeof(got)),
				0UL);
		KUNIT_EXPECT_EQ(test, memcmp(got, marks, row->len), 0);
	}
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 2L);
}

static struct kunit_case dma_buf_test_exporter_cases[] = {
	KUNIT_CASE(test_exporter_refuses_private_mappings),
	KUNIT_CASE_PARAM(control_export_rejects_bad_arguments,
			 bad_control_export_gen_params),
	KUNIT_CASE_PARAM(control_export_hands_out_a_zeroed_buffer_fd,
			 control_export_gen_params),
	KUNIT_CASE(control_attach_rejects_bad_fds_and_flags),
	KUNIT_CASE_PARAM(control_attachment_lasts_until_control_file_closes,
			 control_attach_gen_params),
	KUNIT_CASE_PARAM(control_vmap_read_undoes_what_it_did,
			 control_vmap_read_gen_params),
	{}
};

static struct kunit_suite dma_buf_test_exporter_suite = {
	.name = "dma_buf_test_exporter",
	.test_cases = dma_buf_test_exporter_cases,
};

kunit_test_suite(dma_buf_test_exporter_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf test exporter");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
