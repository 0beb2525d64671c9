#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build one flavour's x86_64 kernel: tinyconfig + the shared fragments,
# out of tree, through ccache. Usage: build-x86.sh ours|stock [test|kcsan|bench]
#   test   (default) the debug kernel the tests boot
#   kcsan  the concurrency kernel: PREEMPT, KCSAN, the KUnit suites
#   bench  the benchmark kernel: no debug options, no tests
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:?usage: build-x86.sh ours|stock [test|bench]}
KIND=${2:-test}
TREE=$(tree_of "$FLAVOUR")
BUILD=$(x86_build_dir "$FLAVOUR" "$KIND")
LOG=$OUT/logs/build-$FLAVOUR-x86.log
[ "$KIND" = test ] || LOG=$OUT/logs/build-$FLAVOUR-x86-$KIND.log
case "$KIND" in
test) FRAGMENTS=(x86_64.config test.config debug.config) ;;
kcsan) FRAGMENTS=(x86_64.config kcsan.config) ;;
bench) FRAGMENTS=(x86_64.config bench.config) ;;
*) die "unknown kernel kind '$KIND' (test, kcsan or bench)" ;;
esac
FRAGMENTS=("${FRAGMENTS[@]/#/$REPO/scripts/config/}")
KMAKE=(make -C "$TREE" O="$BUILD" ARCH=x86_64 CC="ccache gcc" -j"$JOBS")
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
	say "configuring $FLAVOUR x86_64 $KIND kernel"
	"${KMAKE[@]}" tinyconfig
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "${FRAGMENTS[@]}"
	"${KMAKE[@]}" olddefconfig
	check_config
}

key=$(config_key | sha256sum | cut -d' ' -f1)
image=$BUILD/arch/x86/boot/bzImage
if [ "$(cat "$BUILD/.dmabuf-config-key" 2>/dev/null)" != "$key" ]; then
	rm -f "$BUILD/.dmabuf-config-key" "$BUILD/.dmabuf-built"
	configure > "$LOG" 2>&1 || { tail -30 "$LOG"; die "configuring $FLAVOUR $KIND; see $LOG"; }
	echo "$key" > "$BUILD/.dmabuf-config-key"
	grep 'does not define' "$LOG" || true
fi

say "building $FLAVOUR x86_64 $KIND kernel (log: $LOG)"
start=$(date +%s)
"${KMAKE[@]}" bzImage >> "$LOG" 2>&1 || { grep -E 'error|Error' "$LOG" | head -30; die "building $FLAVOUR x86_64 $KIND; see $LOG"; }
touch "$BUILD/.dmabuf-built"
say "built $image in $(( $(date +%s) - start ))s"
