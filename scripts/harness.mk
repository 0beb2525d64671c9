# SPDX-License-Identifier: GPL-2.0-only
#
# The harness's targets, included by the top-level Makefile when it is run
# from a checkout of this repository rather than by kbuild.

SHELL := /bin/bash
S := scripts

.PHONY: all run test test-full bench kunit coverage kselftest conformance shell clean deps tree check docs
all: run

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh ours

# The main job: build our kernel, boot it and run the end-to-end demo.
run: tree
	@$(S)/build-kernel.sh ours
	@$(S)/boot.sh ours demo

# Everything; the last line printed is "N passed, N failed". x86_64 and
# arm64 with 64K pages (and the device tree's CMA regions).
test: deps
	@$(S)/test.sh

# The whole matrix: test's platforms, and arm64 with 4K pages too.
test-full: deps
	@FULL=1 $(S)/test.sh

# Ours against stock: both benchmark kernels, alternately, >= 5 rounds;
# the table, build/bench/bench.csv and build/bench/ratios.png.
bench: deps
	@$(S)/bench.sh

# Our KUnit suites on UML, against our code and against upstream's.
kunit: deps
	@$(S)/kunit-uml.sh ours
	@$(S)/kunit-uml.sh stock

# Line coverage of our sources by the KUnit suites (UML, gcov): the table,
# build/coverage/coverage.txt and build/coverage/html. Not part of test.
coverage: deps
	@$(S)/coverage.sh

# Boots ours and stock on x86_64: KUnit, upstream conformance, kselftests.
kselftest conformance: tree
	@$(S)/build-kernel.sh ours
	@$(S)/build-kernel.sh stock
	@$(S)/boot.sh ours test
	@$(S)/boot.sh stock test

check:
	@$(S)/check.sh

# The manual, built by the kernel's Sphinx machinery into build/docs/.
docs: tree
	@$(S)/docs.sh

shell: tree
	@$(S)/build-kernel.sh ours
	@$(S)/boot.sh ours shell

clean:
	rm -rf build
