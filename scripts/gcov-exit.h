/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libgcov's entry points that gcov-exit.c uses, as coverage.sh's copy of
 * libgcov.a names them.
 */
#ifndef DMABUF_GCOV_EXIT_H
#define DMABUF_GCOV_EXIT_H

struct gcov_info;

/* libgcov's own registration of one object, renamed in the copy */
void __gcov_init_libgcov(struct gcov_info *info);
/* writes the .gcda of every registered object */
void __gcov_exit(void);
/* what each instrumented object's constructor calls */
void __gcov_init(struct gcov_info *info);

#endif
