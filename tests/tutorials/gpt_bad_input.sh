#!/bin/sh
# gpt_bad_input.sh TUTORIAL DIR: tutorial 14 refuses what it cannot use, with
# exit status 2, a message saying what is wrong, and nothing written: a
# --text that is empty, binary (a NUL byte), not UTF-8 or too short, and
# sampling flags out of their range, a prompt that is not UTF-8 or holds a
# character the text lacks, a device for a text, a text whose split leaves
# too little on one side.
set -u
tutorial=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir/out" || exit 1
: > "$dir/empty.txt"
printf 'text\000more text' > "$dir/nul.bin"
printf 'caf\351 au lait' > "$dir/latin1.txt"
printf 'too short\n' > "$dir/short.txt"
failed=0
refuse() {
  message=$1
  shift
  "$tutorial" --quick --out "$dir/out" "$@" > /dev/null 2> "$dir/err"
  status=$?
  if [ "$status" != 2 ] || ! grep -qF -- "$message" "$dir/err" || [ -n "$(ls -A "$dir/out")" ]; then
    echo "FAIL: $*: exit $status, wanted 2, '$message' and nothing written; stderr:"; cat "$dir/err"; ls "$dir/out"
    failed=1
  fi
}
refuse "is empty" --text "$dir/empty.txt"
refuse "is binary: a NUL byte at offset 4" --text "$dir/nul.bin"
refuse "is not UTF-8 text: a bad byte at offset 3" --text "$dir/latin1.txt"
refuse "is too short" --text "$dir/short.txt"
refuse "cannot read" --text "$dir/missing.txt"
refuse "--top-k needs a whole number from 0 to 100000, got '2.5'" --top-k 2.5
refuse "--samples needs a whole number from 1 to 100, got '0'" --samples 0
refuse "--temperature needs a number from 0 to 10, got '-1'" --temperature -1
refuse "--temperature needs a number from 0 to 10, got 'nan'" --temperature nan
refuse "--prompt needs from 1 to 31 characters of the training text's, got 40" --prompt "0123456789012345678901234567890123456789"
refuse "--prompt needs a value" --prompt ""
refuse "--load and --sample go together" --sample
refuse "--prompt is not UTF-8 text: a bad byte at offset 0" --prompt "$(printf '\200Z')"
refuse "(1 not in it)" --prompt "A $(printf '\342\202\254')"
refuse "not a regular file" --text /dev/zero
# Ten documents, nearly all the text in the first: the one held out (the
# sixth) is one short line, too short for a window.
i=0; while [ $i -lt 10 ]; do if [ $i = 0 ]; then printf 'x%.0s' $(seq 2100); printf '\n\n'; else printf 'a%s\n\n' $i; fi; i=$((i + 1)); done > "$dir/lopsided.txt"
refuse "a window of 33 needs more of each" --text "$dir/lopsided.txt"
exit $failed
