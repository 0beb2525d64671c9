// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-buf heaps: the registry of named allocators behind /dev/dma_heap/.
 *
 * Each registered heap gets a minor of the "dma_heap" character device
 * region and a device of the "dma_heap" class, whose devnode callback puts
 * the node at /dev/dma_heap/NAME. Opening the node and issuing
 * DMA_HEAP_IOCTL_ALLOC asks the heap for a new dma-buf, which comes back as
 * a file descriptor.
 *
 * Heaps are never removed (the interface offers no way to), so a
 * registered &struct dma_heap lives as long as the kernel and an open
 * file may point at it without holding a reference. Registration is
 * serialised by one mutex, which also makes the name check and the
 * publication of the device a single step: a duplicate is refused before
 * anything becomes visible, so no half-registered node ever appears.
 *
 * Memory accounting: heaps charge their pages to a memory cgroup with
 * __GFP_ACCOUNT when mem_accounting is set (heaps/system_heap.c). Which
 * cgroup is the page allocator's usual choice, the allocating task's,
 * unless the request names another process by pidfd: the core then makes
 * that process's cgroup the task's active memcg for the duration of the
 * heap's allocate call, so that the heap needs to know nothing about it.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/compat.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>
#include <uapi/linux/pidfd.h>

#include "dma-buf-kunit-hooks.h"

#define DMA_HEAP_DEVNAME	"dma_heap"
/* Minors of the region, hence the most heaps a system can have. */
#define DMA_HEAP_MINORS		128

/**
 * struct dma_heap - a registered heap
 * @name: its name, as given to dma_heap_add() (not copied)
 * @ops: its operations
 * @priv: the driver's data
 * @devt: device number of /dev/dma_heap/@name
 * @cdev: the character device opened through that node
 * @link: entry in the list of all heaps, under dma_heap_lock
 */
struct dma_heap {
	const char *name;
	const struct dma_heap_ops *ops;
	void *priv;
	dev_t devt;
	struct cdev cdev;
	struct list_head link;
};

static DEFINE_MUTEX(dma_heap_lock);
static LIST_HEAD(dma_heap_list);	/* every heap, under dma_heap_lock */
static DEFINE_IDA(dma_heap_minor_ida);
static dev_t dma_heap_base;		/* first number of our region */
static bool dma_heap_ready;		/* set once the region and class exist */

bool __read_mostly mem_accounting =
	IS_ENABLED(CONFIG_DMABUF_HEAPS_MEM_ACCOUNTING);
EXPORT_SYMBOL_NS_GPL(mem_accounting, DMA_BUF_HEAP);
module_param(mem_accounting, bool, 0444);
MODULE_PARM_DESC(mem_accounting,
		 "Charge heap buffers to the allocating task's memory cgroup");

static char *dma_heap_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, DMA_HEAP_DEVNAME "/%s", dev_name(dev));
}

static const struct class dma_heap_class = {
	.name = DMA_HEAP_DEVNAME,
	.devnode = dma_heap_devnode,
};

static int dma_heap_open(struct inode *inode, struct file *file)
{
	/* chrdev_open() found our cdev; the heap around it never goes away. */
	file->private_data = container_of(inode->i_cdev, struct dma_heap, cdev);
	return nonseekable_open(inode, file);
}

/*
 * Which requests carry charge_pid_fd and __padding: only those of exactly
 * the struct's size, the DMA_HEAP_IOCTL_ALLOC of the headers that have
 * them (0xc0204800). A request of any other size is read as 6.12 reads
 * it, its first 24 bytes and nothing after them: 6.12's own 24 bytes,
 * and the longer structs of programs that 6.12 promised to ignore the
 * tail of (upstream's kselftest sends 48 bytes, with -1 where
 * charge_pid_fd now is). A later field would be keyed on its struct's
 * exact size in the same way. ABI: userspace sees this.
 */
static bool dma_heap_has_charge_fields(size_t in)
{
	return in == sizeof(struct dma_heap_allocation_data);
}

/*
 * The checks a request passes before the heap sees it. Returns the length
 * rounded up to whole pages, or 0 when the request is invalid: a length
 * that is zero, or that does not fit an unsigned long once rounded, is
 * refused like any unknown flag. @req itself is left as it was, so that
 * user space gets its own length back.
 */
static unsigned long
dma_heap_check_request(const struct dma_heap_allocation_data *req,
		       bool charge_fields)
{
	if (req->fd || (charge_fields && req->__padding))
		return 0;
	if (req->fd_flags & ~DMA_HEAP_VALID_FD_FLAGS)
		return 0;
	if (req->heap_flags & ~DMA_HEAP_VALID_HEAP_FLAGS)
		return 0;
	if (req->len > (ULONG_MAX & PAGE_MASK))
		return 0;
	return PAGE_ALIGN(req->len);
}

/* Whether @memcg is the caller's memory cgroup or one below it. */
static bool dma_heap_memcg_is_callers(struct mem_cgroup *memcg)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *own;
	bool below;

	if (!memcg)		/* memory cgroups are disabled */
		return true;
	own = get_mem_cgroup_from_mm(current->mm);
	below = own && mem_cgroup_is_descendant(memcg, own);
	mem_cgroup_put(own);
	return below;
#else
	return true;
#endif
}

/*
 * Who may charge whom. A process may always charge itself, and one with
 * CAP_SYS_RESOURCE anyone (an allocator service). Otherwise the target
 * must satisfy two conditions:
 *  - its cgroup is the caller's or below it, so that the charge still
 *    counts against every limit the caller is under: naming a process
 *    elsewhere, in an unlimited cgroup or the root (never charged), would
 *    let the caller escape its own memory.max;
 *  - the caller could ptrace it (PTRACE_MODE_ATTACH_REALCREDS, the check
 *    pidfd_getfd() makes): the charge uses up the target's limit, which
 *    only someone with that power over it may do.
 * @memcg is the target's cgroup, NULL when memory cgroups are disabled.
 */
static int dma_heap_may_charge(struct task_struct *task,
			       struct mem_cgroup *memcg)
{
	if (same_thread_group(task, current) || capable(CAP_SYS_RESOURCE))
		return 0;
	if (!dma_heap_memcg_is_callers(memcg))
		return -EPERM;
	return ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS) ? 0 :
								      -EPERM;
}

/*
 * The memory cgroup of @task's process, with a reference; see below. Any
 * of its threads will do, as they share one mm: the leader's is gone once
 * it has exited, while the others may still run.
 */
static struct mem_cgroup *dma_heap_task_memcg(struct task_struct *task)
{
	struct mm_struct *mm = NULL;
	struct mem_cgroup *memcg;
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(task, t) {
		mm = get_task_mm(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	if (!mm)
		return ERR_PTR(-ESRCH);

	memcg = get_mem_cgroup_from_mm(mm);
	mmput(mm);
	return memcg;
}

/*
 * The memory cgroup that a request's charge_pid_fd names, with a
 * reference, or NULL for the caller's own: @pidfd is 0, or memory
 * cgroups are disabled. A thread's pidfd (PIDFD_THREAD) names its
 * process while the thread lives. Errors: -EBADF for anything but an open
 * pidfd, -ESRCH for a process that has exited (or a kernel thread, which
 * has no memory of its own), -EPERM from dma_heap_may_charge().
 */
VISIBLE_IF_KUNIT struct mem_cgroup *dma_heap_charge_target(u32 pidfd)
{
	struct task_struct *task;
	struct mem_cgroup *memcg;
	unsigned int flags;
	struct pid *pid;
	int err;

	KUNIT_STATIC_STUB_REDIRECT(dma_heap_charge_target, pidfd);
	if (!pidfd)
		return NULL;

	pid = pidfd_get_pid(pidfd, &flags);
	if (IS_ERR(pid))
		return ERR_CAST(pid);
	task = get_pid_task(pid, flags & PIDFD_THREAD ? PIDTYPE_PID :
							 PIDTYPE_TGID);
	put_pid(pid);
	if (!task)
		return ERR_PTR(-ESRCH);

	memcg = task->flags & PF_KTHREAD ? ERR_PTR(-ESRCH) :
					   dma_heap_task_memcg(task);
	if (!IS_ERR(memcg)) {
		err = dma_heap_may_charge(task, memcg);
		if (err) {
			mem_cgroup_put(memcg);
			memcg = ERR_PTR(err);
		}
	}
	put_task_struct(task);
	return memcg;
}
EXPORT_SYMBOL_IF_KUNIT(dma_heap_charge_target);

/*
 * The heap's allocate call, with @memcg (when not NULL, and accounting is
 * on) as the active memcg: every accounted allocation the heap makes in
 * it, its pages and the dma-buf's file alike, is charged there instead of
 * to the caller. The reference held on @memcg keeps it alive throughout.
 */
static struct dma_buf *
dma_heap_call_allocate(struct dma_heap *heap, unsigned long len,
		       const struct dma_heap_allocation_data *req,
		       struct mem_cgroup *memcg)
{
	struct mem_cgroup *old;
	struct dma_buf *dmabuf;

	if (!memcg || !mem_accounting)
		return heap->ops->allocate(heap, len, req->fd_flags,
					   req->heap_flags);

	old = set_active_memcg(memcg);
	dmabuf = heap->ops->allocate(heap, len, req->fd_flags, req->heap_flags);
	set_active_memcg(old);
	return dmabuf;
}

/*
 * Allocate the buffer @req describes from @heap and reserve a descriptor
 * for it, reported in @req->fd. The descriptor is not installed yet: the
 * caller does that once the answer has reached user space. A bad
 * charge_pid_fd fails the request before the heap is asked, whether or
 * not mem_accounting is set, so that the same request gets the same
 * answer on every system.
 */
static struct dma_buf *dma_heap_allocate(struct dma_heap *heap,
					 struct dma_heap_allocation_data *req,
					 bool charge_fields)
{
	unsigned long len = dma_heap_check_request(req, charge_fields);
	struct mem_cgroup *memcg;
	struct dma_buf *dmabuf;
	int fd;

	if (!len)
		return ERR_PTR(-EINVAL);

	memcg = dma_heap_charge_target(charge_fields ? req->charge_pid_fd : 0);
	if (IS_ERR(memcg))
		return ERR_CAST(memcg);
	dmabuf = dma_heap_call_allocate(heap, len, req, memcg);
	mem_cgroup_put(memcg);
	if (IS_ERR(dmabuf))
		return dmabuf;

	fd = get_unused_fd_flags(req->fd_flags);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return ERR_PTR(fd);
	}
	req->fd = fd;
	return dmabuf;
}

/*
 * DMA_HEAP_IOCTL_ALLOC with whatever argument size @cmd encodes. A caller
 * built against an older, shorter struct gets the missing fields as
 * zeroes; a newer, longer one has its extra bytes read (they must be
 * readable) and written back unchanged. Only the directions @cmd names are
 * copied: without _IOC_WRITE nothing is read, so the all-zero request is
 * refused; without _IOC_READ the new descriptor is installed but not
 * reported. ABI: userspace sees this for every size and direction.
 */
static long dma_heap_ioctl_alloc(struct file *file, unsigned int cmd,
				 void __user *uarg)
{
	struct dma_heap_allocation_data local = {};
	size_t usize = _IOC_SIZE(cmd);
	size_t in = (_IOC_DIR(cmd) & _IOC_WRITE) ? usize : 0;
	size_t out = (_IOC_DIR(cmd) & _IOC_READ) ? usize : 0;
	struct dma_heap_allocation_data *req = &local;
	struct dma_buf *dmabuf;
	long ret = 0;

	/* Room for the whole of a longer struct, zeroed beyond its input. */
	if (usize > sizeof(local)) {
		req = kzalloc(usize, GFP_KERNEL);
		if (!req)
			return -ENOMEM;
	}

	if (copy_from_user(req, uarg, in)) {
		ret = -EFAULT;
		goto out;
	}

	dmabuf = dma_heap_allocate(file->private_data, req,
				   dma_heap_has_charge_fields(in));
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto out;
	}

	if (copy_to_user(uarg, req, out)) {
		/* Nobody learnt the number: take it back, free the buffer. */
		put_unused_fd(req->fd);
		dma_buf_put(dmabuf);
		ret = -EFAULT;
		goto out;
	}
	fd_install(req->fd, dmabuf->file);
out:
	if (req != &local)
		kfree(req);
	return ret;
}

static long dma_heap_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	/*
	 * Another driver's command is not ours: -ENOTTY. ABI: userspace
	 * sees -EINVAL for a number of ours beyond the table, and number 0
	 * is the allocation whatever its size and direction.
	 */
	if (_IOC_TYPE(cmd) != DMA_HEAP_IOC_MAGIC)
		return -ENOTTY;
	if (_IOC_NR(cmd) != _IOC_NR(DMA_HEAP_IOCTL_ALLOC))
		return -EINVAL;
	return dma_heap_ioctl_alloc(file, cmd, (void __user *)arg);
}

static const struct file_operations dma_heap_fops = {
	.unlocked_ioctl = dma_heap_ioctl,
	/* The argument has the same layout for 32-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
	.open = dma_heap_open,
	.owner = THIS_MODULE,
};

/**
 * dma_heap_get_drvdata() - the driver data of a heap
 * @heap: a heap returned by dma_heap_add()
 *
 * Typically called by a heap's &dma_heap_ops.allocate to find its own
 * state. Needs no lock: the value never changes.
 *
 * Return: the &dma_heap_export_info.priv the heap was registered with.
 */
void *dma_heap_get_drvdata(struct dma_heap *heap)
{
	return heap->priv;
}
EXPORT_SYMBOL_IF_KUNIT(dma_heap_get_drvdata);

/**
 * dma_heap_get_name() - the name of a heap
 * @heap: a heap returned by dma_heap_add()
 *
 * Heaps use it as the exporter name of their dma-bufs. Needs no lock.
 *
 * Return: the &dma_heap_export_info.name the heap was registered with
 * (the same pointer), which is also the name of its device node.
 */
const char *dma_heap_get_name(struct dma_heap *heap)
{
	return heap->name;
}
EXPORT_SYMBOL_IF_KUNIT(dma_heap_get_name);

/* Under dma_heap_lock: is @name taken? */
static bool dma_heap_name_taken(const char *name)
{
	struct dma_heap *heap;

	lockdep_assert_held(&dma_heap_lock);
	list_for_each_entry(heap, &dma_heap_list, link)
		if (!strcmp(heap->name, name))
			return true;
	return false;
}

/*
 * Under dma_heap_lock: give @heap a device number, its character device
 * and its class device, which makes /dev/dma_heap/NAME appear. Nothing is
 * left behind on failure.
 */
static int dma_heap_publish(struct dma_heap *heap)
{
	struct device *dev;
	int minor, err;

	minor = ida_alloc_max(&dma_heap_minor_ida, DMA_HEAP_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		/* A full region is -EBUSY, as dma_heap_add() documents. */
		return minor == -ENOSPC ? -EBUSY : minor;
	}
	heap->devt = MKDEV(MAJOR(dma_heap_base), minor);

	cdev_init(&heap->cdev, &dma_heap_fops);
	err = cdev_add(&heap->cdev, heap->devt, 1);
	if (err)
		goto free_minor;

	dev = device_create(&dma_heap_class, NULL, heap->devt, NULL, "%s",
			    heap->name);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto del_cdev;
	}
	return 0;

del_cdev:
	cdev_del(&heap->cdev);
free_minor:
	ida_free(&dma_heap_minor_ida, minor);
	return err;
}

/**
 * dma_heap_add() - register a heap and create its device node
 * @exp_info: the heap's name, operations and driver data
 *
 * Called once per heap by heap drivers, usually from their initcall, in
 * process context; it sleeps. The heap is usable as /dev/dma_heap/NAME as
 * soon as this returns, and stays so until the system shuts down: heaps
 * cannot be removed, so a name registered once stays taken.
 *
 * Return: the new heap, or an ERR_PTR(): -EINVAL for a missing or empty
 * name or a missing &dma_heap_ops.allocate, -EEXIST when a heap of that
 * name exists already, -EBUSY when all device minors are taken, -ENOMEM,
 * or the error of the character or class device.
 */
struct dma_heap *dma_heap_add(const struct dma_heap_export_info *exp_info)
{
	struct dma_heap *heap;
	int err;

	if (!exp_info->name || !exp_info->name[0]) {
		pr_err("dma_heap: refusing a heap without a name\n");
		return ERR_PTR(-EINVAL);
	}
	if (!exp_info->ops || !exp_info->ops->allocate) {
		pr_err("dma_heap: heap %s has no allocate operation\n",
		       exp_info->name);
		return ERR_PTR(-EINVAL);
	}
	if (!READ_ONCE(dma_heap_ready))
		return ERR_PTR(-ENODEV);

	heap = kzalloc(sizeof(*heap), GFP_KERNEL);
	if (!heap)
		return ERR_PTR(-ENOMEM);
	*heap = (struct dma_heap) {
		.name = exp_info->name,
		.ops = exp_info->ops,
		.priv = exp_info->priv,
	};

	mutex_lock(&dma_heap_lock);
	if (dma_heap_name_taken(heap->name)) {
		pr_err("dma_heap: a heap named %s exists already\n",
		       heap->name);
		err = -EEXIST;
	} else {
		err = dma_heap_publish(heap);
		if (!err)
			list_add_tail(&heap->link, &dma_heap_list);
	}
	mutex_unlock(&dma_heap_lock);

	if (err) {
		if (err != -EEXIST)
			pr_err("dma_heap: cannot create heap %s: %d\n",
			       heap->name, err);
		kfree(heap);
		return ERR_PTR(err);
	}
	return heap;
}
EXPORT_SYMBOL_IF_KUNIT(dma_heap_add);

static int __init dma_heap_init(void)
{
	int err;

	err = alloc_chrdev_region(&dma_heap_base, 0, DMA_HEAP_MINORS,
				  DMA_HEAP_DEVNAME);
	if (err)
		return err;

	err = class_register(&dma_heap_class);
	if (err) {
		unregister_chrdev_region(dma_heap_base, DMA_HEAP_MINORS);
		return err;
	}
	WRITE_ONCE(dma_heap_ready, true);
	return 0;
}

/* Before the heaps' own initcalls, which register them. */
subsys_initcall(dma_heap_init);
