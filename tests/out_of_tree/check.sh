#!/bin/sh
# Installs the built library into a scratch directory, builds softplus.cpp
# against it the way docs/extending.md says (pkg-config, nothing from the
# source tree), and checks that the gradient-check table shows softplus passing.
#   check.sh BUILD_DIR SOURCE COMPILER [FLAGS...]
set -eu
build_dir=$1 source=$2
shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
meson install -C "$build_dir" --no-rebuild --quiet --destdir "$scratch" >/dev/null
pc=$(find "$scratch" -name attograd-f64.pc)
[ -n "$pc" ] || { echo "attograd-f64.pc was not installed"; exit 1; }
prefix=${pc%/lib/*}
pkg_flags=$(PKG_CONFIG_PATH=${pc%/*} pkg-config --define-variable=prefix="$prefix" --cflags --libs attograd-f64)
# shellcheck disable=SC2086
"$@" -std=c++20 "$source" $pkg_flags -o "$scratch/softplus"
"$scratch/softplus" --op softplus | tee "$scratch/table"
grep -q '^softplus .*PASS$' "$scratch/table"
