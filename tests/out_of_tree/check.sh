#!/bin/sh
# Runs docs/extending.md's "Outside the library" word for word: copies
# softplus.cpp and the shell commands out of the doc into a scratch folder
# beside a link to the build, runs the commands there (the libraries'
# meson compile, install to ./stage, pkg-config, compile, run), and checks
# that the table shows softplus passing.
#   check.sh BUILD_DIR DOC COMPILER [FLAGS...]
# The doc's `c++` becomes COMPILER with FLAGS (a sanitizer build needs its
# -fsanitize when linking against its own library).
set -eu
build_dir=$(cd "$1" && pwd) doc=$2
shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
real_compiler=$(command -v "$1")
shift
# A launcher (ccache) finds the compiler it is given on PATH, where the
# wrapper named c++ will come first: resolve that compiler too, now.
launcher=
if [ "${real_compiler##*/}" = ccache ]; then
  launcher=$real_compiler
  real_compiler=$(command -v "$1")
  shift
fi
mkdir "$scratch/bin"
{
  echo '#!/bin/sh'
  printf 'exec %s"%s"' "${launcher:+\"$launcher\" }" "$real_compiler"
  for flag in "$@"; do printf ' "%s"' "$flag"; done
  echo ' "$@"'
} > "$scratch/bin/c++"
chmod +x "$scratch/bin/c++"
# The code block that starts with "// softplus.cpp", and the sh block that runs it.
awk '/^\/\/ softplus.cpp$/ { inside = 1 } inside && /^```/ { exit } inside' "$doc" > "$scratch/softplus.cpp"
awk '/^```sh$/ { block = ""; inside = 1; next }
     inside && /^```/ { inside = 0; if (block ~ /softplus --op softplus/) { printf "%s", block; exit } next }
     inside { block = block $0 "\n" }' "$doc" > "$scratch/recipe.sh"
# The build step before it: its `meson compile` line, which names the
# library targets (on the build under test, already built, it checks that
# they exist; `meson setup` is left out, the build being there).
awk '/^```sh$/ { inside = 1; next } inside && /^```/ { inside = 0; next }
     inside && /^meson compile / { print; exit }' "$doc" > "$scratch/build.sh"
[ -s "$scratch/softplus.cpp" ] && [ -s "$scratch/recipe.sh" ] && [ -s "$scratch/build.sh" ] ||
  { echo "the recipe was not found in $doc"; exit 1; }
ln -s "$build_dir" "$scratch/build"
echo "--- running, from $doc:"; cat "$scratch/build.sh" "$scratch/recipe.sh"; echo "---"
cd "$scratch"
sh -eu build.sh
PATH="$scratch/bin:$PATH" sh -eu recipe.sh | tee table
grep -q '^softplus .*PASS$' table
