// SPDX-License-Identifier: GPL-2.0-only
/*
 * Added to the copy of libgcov.a that the coverage build of UML links
 * (see coverage.sh). gcc 7 and later write the .gcda files from a
 * destructor of priority 100, which lands in .fini_array.00100; UML's
 * linker script keeps only .fini_array, so the C library never runs it
 * and no .gcda appears. In that copy, libgcov's __gcov_init is renamed
 * __gcov_init_libgcov and this one takes its place: on the first object
 * registered it asks the C library to run __gcov_exit at exit, when UML
 * has already stopped allocating from the kernel (kmalloc_ok is 0).
 */
#include <stdlib.h>

#include "gcov-exit.h"

void __gcov_init(struct gcov_info *info)
{
	static int registered;

	if (!registered) {
		registered = 1;
		atexit(__gcov_exit);
	}
	__gcov_init_libgcov(info);
}
