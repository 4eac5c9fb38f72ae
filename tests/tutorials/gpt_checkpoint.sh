#!/bin/sh
# gpt_checkpoint.sh TUTORIAL DIR: tutorial 14's checkpoint, kept and refused.
# A quick run writes DIR/out/14_gpt.ckpt; `--load it --sample` generates
# without training; the same file is refused (exit 2, a message, the file
# unchanged) by a full-mode run, whose model has other sizes; a file that is
# not a checkpoint, a missing one, and a model over another text's
# vocabulary refuse it too.
set -u
tutorial=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir/out" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
"$tutorial" --quick --out "$dir/out" > "$dir/train.log" 2>&1 || { cat "$dir/train.log"; fail "the quick run"; }
checkpoint=$dir/out/14_gpt.ckpt
[ -s "$checkpoint" ] || fail "no checkpoint written"
cksum < "$checkpoint" > "$dir/before"
"$tutorial" --quick --load "$checkpoint" --sample --samples 1 --temperature 0.7 --top-k 5 > "$dir/sample.log" 2>&1 ||
  { cat "$dir/sample.log"; fail "--load --sample"; }
grep -q "^loaded " "$dir/sample.log" && grep -q "^temperature 0.7, top 5:" "$dir/sample.log" ||
  { cat "$dir/sample.log"; fail "--load --sample printed no samples at temperature 0.7, top 5"; }
! grep -q "training took" "$dir/sample.log" || fail "--load --sample trained a model"
printf 'not a checkpoint' > "$dir/garbage.ckpt"
# Another text, of other characters: its vocabulary is not the checkpoint's.
i=0; while [ $i -lt 40 ]; do printf 'abc abc cab bac %s\n\n' "$i"; i=$((i + 1)); done > "$dir/other.txt"
i=0; while [ $i -lt 5 ]; do cat "$dir/other.txt"; i=$((i + 1)); done > "$dir/other_text.txt"
refuse() {
  "$tutorial" "$@" --sample > "$dir/refused.log" 2> "$dir/refused.err"
  status=$?
  [ "$status" = 2 ] && [ -s "$dir/refused.err" ] || { cat "$dir/refused.log" "$dir/refused.err"; fail "$*: exit $status, wanted 2 and a message"; }
  ! grep -q "^temperature" "$dir/refused.log" || fail "$*: sampled from a refused checkpoint"
  echo "refused as it should: $*: $(head -c 300 "$dir/refused.err")"
}
refuse --load "$checkpoint"
refuse --quick --load "$dir/garbage.ckpt"
refuse --quick --load "$dir/missing.ckpt"
refuse --quick --text "$dir/other_text.txt" --load "$checkpoint"
cksum < "$checkpoint" | cmp -s - "$dir/before" || fail "a refused load changed the checkpoint"
echo "the checkpoint generates without training, and is refused by a model of other sizes or another vocabulary"
