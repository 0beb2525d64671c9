// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "udmabuf": /dev/udmabuf as user space sees it. The ioctls
 * UDMABUF_CREATE and UDMABUF_CREATE_LIST on the misc device's node, with
 * their arguments in user memory from kunit_vm_mmap(), as a program's
 * would be. A buffer shows the memfd pages it was asked for, in order,
 * and honours UDMABUF_FLAGS_CLOEXEC; a range that is not page aligned or
 * empty, or a memfd that is not sealed against shrinking or is sealed
 * against writing, is -EINVAL; a descriptor that is no memfd is -EBADFD,
 * and a command that is not udmabuf's is -ENOTTY.
 *
 * The node is opened through a private mount of devtmpfs. The memfds are
 * those of udmabuf-kunit.h; udmabuf-internals-kunit.c checks the rules in
 * detail, through udmabuf.c's own functions.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/udmabuf.h>

#include "udmabuf-kunit.h"

/* The devtmpfs superblock, mounted for the suite; NULL without devtmpfs. */
static struct vfsmount *udmabuf_devfs;

/* /dev/udmabuf for the case, or a skip where the node cannot be reached. */
static struct file *udmabuf_node(struct kunit *test)
{
	struct file *file;
	struct path path;

	if (!udmabuf_devfs)
		kunit_skip(test, "needs CONFIG_DEVTMPFS to reach the node");
	if (vfs_path_lookup(udmabuf_devfs->mnt_root, udmabuf_devfs, "udmabuf",
			    0, &path))
		kunit_skip(test, "no /dev/udmabuf");
	file = dentry_open(&path, O_RDWR, current_cred());
	path_put(&path);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	return file;
}

/*
 * Issue @cmd on @node with the @size bytes at @arg copied to user memory,
 * as a program would: the ioctl's return value, a descriptor or an errno.
 */
static long udmabuf_call(struct kunit *test, struct file *node,
			 unsigned int cmd, const void *arg, size_t size)
{
	unsigned long addr;

	addr = dmabuf_kunit_vm_mmap(test, NULL, PAGE_ALIGN(size),
				    PROT_READ | PROT_WRITE,
				    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, !addr || IS_ERR_VALUE(addr),
			       "no user memory: %ld", (long)addr);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)addr, arg, size),
			0UL);
	return node->f_op->unlocked_ioctl(node, cmd, addr);
}

/* UDMABUF_CREATE of one range; the descriptor or an errno. */
static long create_one(struct kunit *test, struct file *node, int memfd,
		       u32 flags, u64 offset, u64 size)
{
	struct udmabuf_create req = {
		.memfd = memfd,
		.flags = flags,
		.offset = offset,
		.size = size,
	};

	return udmabuf_call(test, node, UDMABUF_CREATE, &req, sizeof(req));
}

static void create_shows_the_range_of_the_memfd(struct kunit *test)
{
	struct file *node = udmabuf_node(test);
	const u64 want[] = { tag(1, 1), tag(1, 2) };
	struct dma_buf *dmabuf;
	struct file *file;
	int memfd, fd;

	memfd = memfd_new(test, 4, &file);
	tag_pages(test, file, 4, 1);
	fd = fd_own(test, create_one(test, node, memfd, UDMABUF_FLAGS_CLOEXEC,
				     PAGE_SIZE, 2 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, cloexec(fd));
	dmabuf = dmabuf_of(test, fd);
	expect_tags(test, dmabuf, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_STREQ(test, dmabuf->exp_name, "udmabuf");
	KUNIT_EXPECT_EQ(test, dmabuf->file->f_flags & O_ACCMODE, O_RDWR);

	fd = fd_own(test, create_one(test, node, memfd, 0, 0, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, cloexec(fd));
}

static void create_list_concatenates_the_ranges(struct kunit *test)
{
	struct file *node = udmabuf_node(test);
	const u64 want[] = { tag(2, 3), tag(3, 0), tag(3, 1), tag(2, 0) };
	struct udmabuf_create_list *head;
	struct file *a, *b;
	int fa, fb, fd;
	size_t size;

	fa = memfd_new(test, 4, &a);
	fb = memfd_new(test, 2, &b);
	tag_pages(test, a, 4, 2);
	tag_pages(test, b, 2, 3);
	size = struct_size(head, list, 3);
	head = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, head);
	head->flags = UDMABUF_FLAGS_CLOEXEC;
	head->count = 3;
	head->list[0] = range(fa, 3 * PAGE_SIZE, PAGE_SIZE);
	head->list[1] = range(fb, 0, 2 * PAGE_SIZE);
	head->list[2] = range(fa, 0, PAGE_SIZE);
	fd = fd_own(test, udmabuf_call(test, node, UDMABUF_CREATE_LIST, head,
				       size));
	KUNIT_EXPECT_TRUE(test, cloexec(fd));
	expect_tags(test, dmabuf_of(test, fd), want, ARRAY_SIZE(want));
}

static const struct file_operations plain_fops = {
	.owner = THIS_MODULE,
};

static void create_refuses_bad_requests(struct kunit *test)
{
	struct file *node = udmabuf_node(test);
	struct file *file, *unsealed, *sealed, *other;
	int memfd;

	memfd = memfd_new(test, 2, &file);
	KUNIT_EXPECT_EQ(test, create_one(test, node, memfd, 0, 1, PAGE_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, create_one(test, node, memfd, 0, 0,
					 PAGE_SIZE / 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, create_one(test, node, memfd, 0, 0, 0), -EINVAL);

	unsealed = shmem_new(test, 1, 0);
	KUNIT_EXPECT_EQ(test, create_one(test, node, install(test, unsealed), 0,
					 0, PAGE_SIZE), -EINVAL);
	sealed = shmem_new(test, 1, F_SEAL_SHRINK | F_SEAL_WRITE);
	KUNIT_EXPECT_EQ(test, create_one(test, node, install(test, sealed), 0,
					 0, PAGE_SIZE), -EINVAL);

	other = anon_inode_getfile("udmabuf-kunit", &plain_fops, NULL, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, other),
			0);
	KUNIT_EXPECT_EQ(test, create_one(test, node, install(test, other), 0,
					 0, PAGE_SIZE), -EBADFD);
}

static void other_commands_are_enotty(struct kunit *test)
{
	struct file *node = udmabuf_node(test);
	struct udmabuf_create req = { .size = PAGE_SIZE };
	const unsigned int cmds[] = {
		_IOW('u', 0x44, struct udmabuf_create),
		_IOW('v', 0x42, struct udmabuf_create),
		_IO('u', 0x42),
		0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, udmabuf_call(test, node, cmds[i], &req,
						       sizeof(req)),
				    -ENOTTY, "cmd %#x", cmds[i]);
}

static int udmabuf_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *devtmpfs = get_fs_type("devtmpfs");
	struct vfsmount *mnt;

	if (!devtmpfs)
		return 0;
	mnt = kern_mount(devtmpfs);
	module_put(devtmpfs->owner);
	udmabuf_devfs = IS_ERR(mnt) ? NULL : mnt;
	return 0;
}

static void udmabuf_suite_exit(struct kunit_suite *suite)
{
	if (udmabuf_devfs)
		kern_unmount(udmabuf_devfs);
	udmabuf_devfs = NULL;
}

static struct kunit_case udmabuf_cases[] = {
	KUNIT_CASE(create_shows_the_range_of_the_memfd),
	KUNIT_CASE(create_list_concatenates_the_ranges),
	KUNIT_CASE(create_refuses_bad_requests),
	KUNIT_CASE(other_commands_are_enotty),
	{}
};

static struct kunit_suite udmabuf_suite = {
	.name = "udmabuf",
	.suite_init = udmabuf_suite_init,
	.suite_exit = udmabuf_suite_exit,
	.test_cases = udmabuf_cases,
};

kunit_test_suite(udmabuf_suite);

MODULE_DESCRIPTION("KUnit tests for udmabuf");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
