#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build one flavour's kernel for $PLATFORM (lib.sh; x86_64 by default):
# tinyconfig + the shared fragments, out of tree, through ccache.
# Usage: [PLATFORM=x86_64|arm64|arm64-64k] build-kernel.sh ours|stock [KIND]
#   test   (default) the debug kernel the tests boot
#   kcsan  the concurrency kernel: PREEMPT, KCSAN, the KUnit suites
#   bench  the benchmark kernel: no debug options, no tests
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:?usage: build-kernel.sh ours|stock [test|kcsan|bench]}
KIND=${2:-test}
TREE=$(tree_of "$FLAVOUR")
BUILD=$(kernel_build_dir "$FLAVOUR" "$KIND")
LOG=$OUT/logs/build-$FLAVOUR-$BUILD_TAG.log
[ "$KIND" = test ] || LOG=$OUT/logs/build-$FLAVOUR-$BUILD_TAG-$KIND.log
case "$KIND" in
test) FRAGMENTS=("${PLATFORM_CONFIGS[@]}" test.config debug.config) ;;
kcsan) FRAGMENTS=("${PLATFORM_CONFIGS[@]}" kcsan.config) ;;
bench) FRAGMENTS=("${PLATFORM_CONFIGS[@]}" bench.config) ;;
*) die "unknown kernel kind '$KIND' (test, kcsan or bench)" ;;
esac
FRAGMENTS=("${FRAGMENTS[@]/#/$REPO/scripts/config/}")
KMAKE=(make -C "$TREE" O="$BUILD" ARCH="$KARCH" CROSS_COMPILE="$CROSS"
	CC="ccache ${CROSS}gcc" -j"$JOBS")
mkdir -p "$BUILD" "$OUT/logs"

# One kernel build at a time on this machine (try-compile.sh shares it).
exec 9> "$CACHE/try-compile.lock"
flock 9
if [ "$FLAVOUR" = ours ]; then
	"$REPO/scripts/tree.sh" ours > /dev/null
else
	"$REPO/scripts/tree.sh" stock-tests > /dev/null
fi

# What the configuration depends on: the fragments and our Kconfig files
# (a new symbol needs a new configuration); stock has only the tests'.
config_key() {
	cat "${FRAGMENTS[@]}"
	if [ "$FLAVOUR" = ours ]; then
		find "$REPO" -name Kconfig -not -path "$REPO/build/*" | sort | xargs cat
	else
		cat "$REPO/selftests/Kconfig" "$REPO/bench/Kconfig"
	fi
}

# A requested option that did not make it into .config is an error, unless
# this flavour's Kconfig does not define the symbol at all (yet).
check_config() {
	local line sym want
	grep -E '^(CONFIG_\w+=|# CONFIG_\w+ is not set)' "${FRAGMENTS[@]}" -h | while read -r line; do
		sym=$(echo "$line" | grep -oE 'CONFIG_\w+' | head -1)
		want=$line
		grep -qxF "$want" "$BUILD/.config" && continue
		if ! grep -rqE "^(menu)?config ${sym#CONFIG_}\$" --include='Kconfig*' "$TREE"; then
			echo "  $FLAVOUR does not define $sym (feature not provided yet)"
			continue
		fi
		echo "config: wanted '$want', got '$(grep -E "$sym[= ]" "$BUILD/.config" || echo unset)'" >&2
		return 1
	done
}

configure() {
	say "configuring $FLAVOUR $PLATFORM $KIND kernel"
	"${KMAKE[@]}" tinyconfig
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "${FRAGMENTS[@]}"
	"${KMAKE[@]}" olddefconfig
	check_config
}

key=$(config_key | sha256sum | cut -d' ' -f1)
image=$BUILD/$KIMAGE
if [ "$(cat "$BUILD/.dmabuf-config-key" 2>/dev/null)" != "$key" ]; then
	rm -f "$BUILD/.dmabuf-config-key" "$BUILD/.dmabuf-built"
	configure > "$LOG" 2>&1 || { tail -30 "$LOG"; die "configuring $FLAVOUR $KIND; see $LOG"; }
	echo "$key" > "$BUILD/.dmabuf-config-key"
	grep 'does not define' "$LOG" || true
fi

say "building $FLAVOUR $PLATFORM $KIND kernel (log: $LOG)"
start=$(date +%s)
"${KMAKE[@]}" "${KIMAGE##*/}" >> "$LOG" 2>&1 || { grep -E 'error|Error' "$LOG" | head -30; die "building $FLAVOUR $PLATFORM $KIND; see $LOG"; }
touch "$BUILD/.dmabuf-built"
say "built $image in $(( $(date +%s) - start ))s"
