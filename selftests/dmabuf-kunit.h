/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the DMA-BUF KUnit suites.
 *
 * The harness also builds these suites against upstream's implementation,
 * with DMABUF_KUNIT_ON_STOCK defined, to prove that they test the 6.12
 * contract rather than our reading of it. A case that checks behaviour we
 * changed on purpose says so with dmabuf_kunit_ours_only(), which skips
 * it there, so that every such change is listed where it is tested.
 */
#ifndef DMABUF_KUNIT_H
#define DMABUF_KUNIT_H

#include <kunit/test.h>
#include <linux/types.h>

#ifdef DMABUF_KUNIT_ON_STOCK
#define DMABUF_KUNIT_TESTING_STOCK true
#else
#define DMABUF_KUNIT_TESTING_STOCK false
#endif

/**
 * dmabuf_kunit_ours_only() - skip a case when testing upstream's code
 * @test: the running case
 * @change: what we deliberately do differently from Linux 6.12
 */
#define dmabuf_kunit_ours_only(test, change)				\
	do {								\
		if (DMABUF_KUNIT_TESTING_STOCK)				\
			kunit_skip(test, "differs from 6.12 on purpose: %s", \
				   change);				\
	} while (0)

#endif /* DMABUF_KUNIT_H */
