#!/bin/sh
# Runs docs/extending.md's "Outside the library" word for word: copies
# softplus.cpp and the shell commands out of the doc into a scratch folder
# beside a link to the build, runs the commands there (the libraries'
# meson compile, install to ./stage, pkg-config, compile, run), and checks
# that the table shows softplus passing and that its page holds softplus's
# own formula and the library's. Then builds docs/explorer.md's "Your own
# model's page" against the same install and checks its page. Where strace
# is installed, both programs are watched: neither may open a file of the
# source tree (formulas and the page's script travel inside the programs).
#   check.sh BUILD_DIR DOC COMPILER [FLAGS...]   (DOC: docs/extending.md; docs/explorer.md beside it)
# The doc's `c++` becomes COMPILER with FLAGS (a sanitizer build needs its
# -fsanitize when linking against its own library).
set -eu
build_dir=$(cd "$1" && pwd) doc=$2
explorer_doc=$(dirname "$doc")/explorer.md
source_root=$(cd "$(dirname "$doc")/.." && pwd)
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
awk '/^\/\/ my_model.cpp$/ { inside = 1 } inside && /^```/ { exit } inside' "$explorer_doc" > "$scratch/my_model.cpp"
awk '/^```sh$/ { block = ""; inside = 1; next }
     inside && /^```/ { inside = 0; if (block ~ /my_model.cpp/) { printf "%s", block; exit } next }
     inside { block = block $0 "\n" }' "$explorer_doc" | sed 's/ && xdg-open my_model.html$//' > "$scratch/my_model.sh"
awk '/^```sh$/ { block = ""; inside = 1; next }
     inside && /^```/ { inside = 0; if (block ~ /softplus --op softplus/) { printf "%s", block; exit } next }
     inside { block = block $0 "\n" }' "$doc" > "$scratch/recipe.sh"
[ -s "$scratch/my_model.cpp" ] && [ -s "$scratch/my_model.sh" ] || { echo "the model's page was not found in $explorer_doc"; exit 1; }
awk '/^\/\/ my_training.cpp$/ { inside = 1 } inside && /^```/ { exit } inside' "$explorer_doc" > "$scratch/my_training.cpp"
awk '/^```sh$/ { block = ""; inside = 1; next }
     inside && /^```/ { inside = 0; if (block ~ /my_training.cpp/) { printf "%s", block; exit } next }
     inside { block = block $0 "\n" }' "$explorer_doc" | sed 's/ && xdg-open my_training.html$//' > "$scratch/my_training.sh"
[ -s "$scratch/my_training.cpp" ] && [ -s "$scratch/my_training.sh" ] || { echo "the training's timeline was not found in $explorer_doc"; exit 1; }
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
for formula in '"formula":"y = log(1 + exp(x))  ->  dx = g * sigmoid(x)"' '"formula":"y = tanh(x)  ->  dx = g * (1 - y^2)"'; do
  grep -qF "$formula" softplus.html || { echo "softplus.html lacks $formula"; exit 1; }
done
echo "--- running, from $explorer_doc:"; cat my_model.sh; echo "---"
# The doc's readers have PKG_CONFIG_PATH from the recipe before it.
PKG_CONFIG_PATH="$(dirname "$(find "$scratch/stage" -name attograd.pc)")" PATH="$scratch/bin:$PATH" sh -eu my_model.sh
for expected in '"formula":"y = tanh(x)  ->  dx = g * (1 - y^2)"' '"name":"kernel"' '"title":"loss"'; do
  grep -qF "$expected" my_model.html || { echo "my_model.html lacks $expected"; exit 1; }
done
echo "--- running, from $explorer_doc:"; cat my_training.sh; echo "---"
PKG_CONFIG_PATH="$(dirname "$(find "$scratch/stage" -name attograd.pc)")" PATH="$scratch/bin:$PATH" sh -eu my_training.sh
for expected in '"timelines":[{"title":"training"' '{"name":"kernel","norm":' '"kind":"tanh saturated"' '"caption":"training: the probe at step 199"'; do
  grep -qF "$expected" my_training.html || { echo "my_training.html lacks $expected"; exit 1; }
done
if command -v strace > /dev/null; then
  for program in "./softplus --op softplus --html watched.html" "./my_model"; do
    # LeakSanitizer cannot run under ptrace; leaks are checked by the runs above.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat -o opened $program > /dev/null
    if grep -F "\"$source_root/" opened | grep -vF "\"$build_dir/" | grep -v ENOENT > source_files; [ -s source_files ]; then
      echo "$program opened files of the source tree:"; cat source_files; exit 1
    fi
  done
  echo "neither program opened a file of the source tree"
else
  echo "note: strace is not installed, so which files the programs open was not watched"
fi
