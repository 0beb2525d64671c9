#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make docs": our manual (Documentation/driver-api/dma-buf.rst and the
# pages under Documentation/userspace-api/dma-buf/) built by the ours
# tree's own Sphinx machinery, "make htmldocs SPHINXDIRS=...", into
# build/docs/. SPHINXDIRS takes a directory with an index.rst, so the
# pages are staged, through symlinks, in Documentation/dmabuf-manual of
# the ours tree for the build and the directory removed again. Recorded
# cases, in results/docs:
#   sphinx      the build ran, and printed no warning
#   exported    every symbol our sources export has its entry (a function
#               or struct) or, without kernel-doc, its name in the text
#   doc         every DOC: section of our sources is pulled in somewhere
#   example     every example program compiles against our UAPI headers
. "$(dirname "$0")/lib.sh"

STEP=docs
DEST=$OUT/docs
LOG=$OUT/logs/docs.log
STAGE=$OURS/Documentation/dmabuf-manual
mkdir -p "$OUT/logs"
reset_results "$STEP"
"$REPO/scripts/tree.sh" ours > /dev/null

stage() {
	rm -rf "$STAGE"
	mkdir -p "$STAGE/driver-api" "$STAGE/userspace-api"
	cat > "$STAGE/index.rst" <<-'EOF'
	.. SPDX-License-Identifier: GPL-2.0

	=====================
	The dma-buf subsystem
	=====================

	.. toctree::
	   :maxdepth: 2

	   driver-api/dma-buf
	EOF
	local f
	for f in "$OURS"/Documentation/driver-api/dma-buf.rst "$REPO"/Documentation/driver-api/*.dot; do
		ln -s "../../driver-api/${f##*/}" "$STAGE/driver-api/"
	done
	ln -s ../../userspace-api/dma-buf "$STAGE/userspace-api/dma-buf"
}

# Sphinx reports a page's warnings only when it reads the page, and keeps
# what it read in BUILDDIR: build from nothing every time.
say "Sphinx: our manual into $DEST (log: $LOG)"
trap 'rm -rf "$STAGE"' EXIT
stage
rm -rf "$DEST"
rc=0
make -C "$OURS" htmldocs SPHINXDIRS=dmabuf-manual BUILDDIR="$DEST" > "$LOG" 2>&1 || rc=$?
rm -rf "$STAGE"
HTML=$DEST/dmabuf-manual
PROBLEMS='warning|error|critical|severe'
warnings=$(grep -ciE "$PROBLEMS" "$LOG" || true)
if [ "$rc" = 0 ] && [ "$warnings" = 0 ] && [ -f "$HTML/index.html" ]; then
	record "$STEP" PASS "sphinx builds the manual without warnings"
else
	record "$STEP" FAIL "sphinx: status $rc, $warnings warning lines (see $LOG)"
	grep -iE "$PROBLEMS" "$LOG" | head -20 || true
fi

# Every exported symbol: kernel-doc gives a function or struct the anchor
# "c.NAME"; the few exports without kernel-doc (ops tables, the ww class,
# tracepoints) must at least be named in the text.
cd "$REPO"
mapfile -t pages < <(find "$HTML" -name '*.html' 2>/dev/null || true)
grep -rhoE 'EXPORT_SYMBOL(_GPL)?(_NS)?(_GPL)?\([a-z_0-9]+' -- *.c heaps/*.c |
	sed 's/.*(//' | sort -u | while read -r sym; do
		sym=${sym#__tracepoint_}
		if grep -qF "id=\"c.$sym\"" "${pages[@]}" /dev/null; then
			record "$STEP" PASS "exported $sym has its entry"
		elif grep -qwF "$sym" "${pages[@]}" /dev/null; then
			record "$STEP" PASS "exported $sym is named in the manual"
		else
			record "$STEP" FAIL "exported $sym is not in the manual"
		fi
	done

# Every DOC: section of ours, by file and title, in a ":doc:" directive.
grep -rn -A1 '^\.\. kernel-doc:: ' Documentation --include='*.rst' |
	awk '/kernel-doc::/ { file = $NF } /:doc:/ { sub(/.*:doc: */, ""); print file "\t" $0 }' |
	sort -u > "$OUT/logs/docs-sections"
grep -rlE '^ \* DOC: ' -- *.c *.h heaps include | sort | while read -r f; do
	case "$f" in
	include/*) path=$f ;;
	*) path=drivers/dma-buf/$f ;;
	esac
	sed -n 's/^ \* DOC: *//p' "$f" | while read -r title; do
		if grep -qxF "$path	$title" "$OUT/logs/docs-sections"; then
			record "$STEP" PASS "DOC '$title' of $f is in the manual"
		else
			record "$STEP" FAIL "DOC '$title' of $f is in no page"
		fi
	done
done

# The examples the pages include must keep compiling.
for src in Documentation/userspace-api/dma-buf/examples/*.c; do
	if gcc -O2 -Wall -Wextra -Werror -isystem "$REPO/include/uapi" \
		-o "$OUT/docs-example" "$src" >> "$LOG" 2>&1; then
		record "$STEP" PASS "example $src compiles"
	else
		record "$STEP" FAIL "example $src does not compile (see $LOG)"
	fi
done
rm -f "$OUT/docs-example"
say "manual: $HTML/index.html"
