#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Static checks on this repository's sources, one recorded case per file:
#   cleanroom   overlap with upstream (../shared/tools/cleanroom.py)
#   checkpatch  scripts/checkpatch.pl --strict, clean
#   kernel-doc  scripts/kernel-doc -none -Wall, silent
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
