#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Static checks on this repository's sources, one recorded case per file:
#   cleanroom   overlap with upstream (../shared/tools/cleanroom.py)
#   checkpatch  scripts/checkpatch.pl --strict, clean
#   kernel-doc  scripts/kernel-doc -none -Wall, silent
# and on the ours tree (x86_64, every option of ours on), per file of ours:
#   w1          gcc's warnings with W=1
#   sparse      sparse's, with C=2
#   coccicheck  make coccicheck MODE=report M=drivers/dma-buf
# and then the manual (scripts/docs.sh, its own results).
# A report of the last three fails its file unless scripts/static-known
# keeps it, with the reason.
. "$(dirname "$0")/lib.sh"

reset_results check
CLEANROOM=$REPO/../shared/tools/cleanroom.py
cd "$REPO"
tracked() {
	git ls-files --cached --others --exclude-standard -- "$@" | sort -u |
		while read -r f; do [ -f "$f" ] && echo "$f"; done
}
mapfile -t sources < <(tracked '*.c' '*.h')
mapfile -t texts < <(tracked '*.c' '*.h' '*.py' '*.sh' '*.rst')

say "cleanroom over ${#texts[@]} files"
mkdir -p "$OUT/logs"
if [ -f "$CLEANROOM" ]; then
	UPSTREAM_LINUX=$BASE python3 "$CLEANROOM" --files "${texts[@]}" > "$OUT/logs/cleanroom.log" 2>&1 || true
	while read -r verdict rest; do
		file=${rest##* }
		case "$verdict" in
		ok) record check PASS "cleanroom $file" ;;
		OVER) record check FAIL "cleanroom $file: $rest"; echo "  OVER $rest" ;;
		esac
	done < "$OUT/logs/cleanroom.log"
	grep -q '^cleanroom:' "$OUT/logs/cleanroom.log" ||
		record check FAIL "cleanroom did not finish (see $OUT/logs/cleanroom.log)"
else
	record check FAIL "cleanroom tool missing at $CLEANROOM"
fi

say "checkpatch --strict and kernel-doc"
for f in "${sources[@]}"; do
	if out=$("$BASE/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types -f "$f" 2>&1) && [ -z "$out" ]; then
		record check PASS "checkpatch $f"
	else
		record check FAIL "checkpatch $f"
		echo "$out" | head -20
	fi
	case "$f" in
	scripts/*) continue ;;
	esac
	out=$("$BASE/scripts/kernel-doc" -none -Wall "$f" 2>&1)
	if [ -z "$out" ]; then
		record check PASS "kernel-doc $f"
	else
		record check FAIL "kernel-doc $f"
		echo "$out" | head -20
	fi
done

# The manual pulls DOC: sections out of our sources by title; a title we
# dropped or renamed would silently vanish from the built documentation.
say "kernel-doc sections the manual includes"
grep -rn -A1 '^\.\. kernel-doc:: ' "$OURS/Documentation" --include='*.rst' |
	awk '/kernel-doc::/ { file = $NF } /:doc:/ { sub(/.*:doc: */, ""); print file "\t" $0 }' |
	sort -u | while IFS=$'\t' read -r file title; do
		case "$file" in
		drivers/dma-buf/*) ours=${file#drivers/dma-buf/} ;;
		include/linux/dma-buf.h | include/linux/dma-fence*.h | include/linux/dma-resv.h | \
		include/linux/dma-heap.h | include/linux/sync_file.h | include/uapi/linux/dma-buf.h | \
		include/uapi/linux/dma-heap.h | \
		include/uapi/linux/sync_file.h | include/uapi/linux/udmabuf.h | \
		include/trace/events/dma_fence.h) ours=$file ;;
		*) continue ;;
		esac
		if [ ! -f "$REPO/$ours" ]; then
			if [ "$ours" = dma-buf-sysfs-stats.c ]; then
				# Deliberately not provided: see the note on it in Kconfig.
				record check SKIP "doc section '$title' of $ours (DMABUF_SYSFS_STATS is left out)"
			else
				record check FAIL "the manual includes $file, which we lack"
			fi
			continue
		fi
		if grep -qF "DOC: $title" "$REPO/$ours"; then
			record check PASS "doc section '$title' in $ours"
		else
			record check FAIL "doc section '$title' missing from $ours"
		fi
	done

# The build the compilers and checkers see: the test kernel's fragments and
# the options they leave off, in a directory of its own.
STATIC_BUILD=$OURS/.build-check-x86
STATIC_FRAGMENTS=("$REPO"/scripts/config/{guest,x86_64,test}.config)
STATIC_OPTIONS=(-e DMABUF_MOVE_NOTIFY -e PROVE_LOCKING -e FTRACE -e ENABLE_DEFAULT_TRACERS)
KMAKE=(make -C "$OURS" O="$STATIC_BUILD" ARCH=x86_64 CC="ccache gcc" -j"$JOBS")

static_configure() {
	local key
	key=$( (cat "${STATIC_FRAGMENTS[@]}"; echo "${STATIC_OPTIONS[*]}"
		find "$REPO" -name Kconfig -not -path "$REPO/build/*" | sort | xargs cat) |
		sha256sum | cut -d' ' -f1)
	[ "$(cat "$STATIC_BUILD/.dmabuf-config-key" 2>/dev/null)" = "$key" ] && return
	mkdir -p "$STATIC_BUILD"
	"${KMAKE[@]}" tinyconfig
	"$OURS/scripts/kconfig/merge_config.sh" -m -O "$STATIC_BUILD" \
		"$STATIC_BUILD/.config" "${STATIC_FRAGMENTS[@]}"
	"$OURS/scripts/config" --file "$STATIC_BUILD/.config" "${STATIC_OPTIONS[@]}"
	"${KMAKE[@]}" olddefconfig
	echo "$key" > "$STATIC_BUILD/.dmabuf-config-key"
}

# judge CHECKER LOG FILE...: one recorded case per file.
judge() {
	local checker=$1 log=$2 status name
	shift 2
	while read -r status name; do
		record check "$status" "$name"
		[ "$status" = PASS ] || echo "  $status $name" | cut -c1-400
	done < <(python3 "$REPO/scripts/static-reports.py" "$checker" "$log" \
		"$REPO/scripts/static-known" "$@")
}

static_checks() {
	local logs=$OUT/logs/static start objects=() kernel_c=() f
	mkdir -p "$logs"
	# The ours tree is shared: hold the build lock while it is ours.
	exec 9> "$CACHE/try-compile.lock"
	flock 9
	start=$(date +%s)
	"$REPO/scripts/tree.sh" ours > /dev/null
	if ! static_configure > "$logs/configure.log" 2>&1; then
		record check FAIL "static checks: configuring $STATIC_BUILD (see $logs/configure.log)"
		flock -u 9
		return
	fi
	# From scratch every time, so that every warning is printed again;
	# ccache replays the compiler's output for unchanged files.
	rm -rf "$STATIC_BUILD/drivers/dma-buf"
	"${KMAKE[@]}" W=1 drivers/dma-buf/ > "$logs/w1.log" 2>&1 ||
		record check FAIL "W=1 build of drivers/dma-buf (see $logs/w1.log)"
	# Same flags, so nothing recompiles: this log is sparse's alone.
	"${KMAKE[@]}" W=1 C=2 drivers/dma-buf/ > "$logs/sparse.log" 2>&1 ||
		record check FAIL "sparse over drivers/dma-buf (see $logs/sparse.log)"
	make -C "$OURS" coccicheck MODE=report M=drivers/dma-buf J="$JOBS" \
		> "$logs/coccicheck.log" 2>&1 ||
		record check FAIL "coccicheck over drivers/dma-buf (see $logs/coccicheck.log)"
	flock -u 9

	# The build checkers saw what was compiled; coccinelle every file.
	mapfile -t kernel_c < <(tracked '*.c' '*.h' |
		grep -v -e '^scripts/' -e '^include/' -e '^Documentation/' -e '/user/')
	for f in "${kernel_c[@]}"; do
		case "$f" in
		*.c) [ -f "$STATIC_BUILD/drivers/dma-buf/${f%.c}.o" ] && objects+=("$f") ;;
		esac
	done
	judge w1 "$logs/w1.log" "${objects[@]}"
	judge sparse "$logs/sparse.log" "${objects[@]}"
	judge coccicheck "$logs/coccicheck.log" "${kernel_c[@]}"
	say "W=1, sparse and coccicheck took $(( $(date +%s) - start ))s (logs: $logs)"
}

say "W=1 build, sparse and coccicheck of drivers/dma-buf on the ours tree"
if command -v sparse > /dev/null && command -v spatch > /dev/null; then
	static_checks
else
	record check FAIL "sparse or spatch missing (scripts/deps.sh installs them)"
fi

# The manual: built with Sphinx, every export and DOC section in it.
"$REPO/scripts/docs.sh" || record check FAIL "docs.sh (status $?)"
