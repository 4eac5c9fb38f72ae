#!/bin/sh
# The gradcheck program behaves like a tool:
#   check_tool.sh GRADCHECK SCRATCH
# --help prints usage and exits 0; --pictures makes its folder, or exits 2
# saying why when it cannot (never an abort that loses the table); --html
# writes the table as a page holding each check with its exact difference
# and each op's graph with the formula the op gave; a bad page path exits 2
# before any check runs.
set -u
gradcheck=$1 scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch"
fail() { echo "FAIL: $*"; exit 1; }

"$gradcheck" --help > "$scratch/help" || fail "--help exited $?"
grep -q "usage: gradcheck" "$scratch/help" || fail "--help printed no usage"

"$gradcheck" --op tanh --pictures "$scratch/made/by/gradcheck" > "$scratch/table" || fail "--pictures into a new folder exited $?"
[ -d "$scratch/made/by/gradcheck" ] || fail "--pictures did not make its folder"
touch "$scratch/a_file"
"$gradcheck" --op tanh --pictures "$scratch/a_file/below" > "$scratch/out" 2>&1
status=$?
[ "$status" = 2 ] || fail "--pictures below a file exited $status, not 2"
grep -q "cannot make that folder" "$scratch/out" || fail "--pictures below a file did not say why"

"$gradcheck" --op softmax --html "$scratch/no/such/folder/page.html" > "$scratch/out" 2>&1
status=$?
[ "$status" = 2 ] || fail "--html into a missing folder exited $status, not 2"
grep -q "^softmax" "$scratch/out" && fail "--html into a missing folder ran the checks first"

"$gradcheck" --op softmax --html "$scratch/page.html" > "$scratch/table" || fail "--html exited $?"
for expected in '"op":"softmax"' '"difference":[' '"formula":"y_j = exp(x_j) / sum_k exp(x_k)' '"passed":true'; do
  grep -qF "$expected" "$scratch/page.html" || fail "the page lacks $expected"
done
echo "gradcheck behaves: --help, --pictures, --html"
