#!/bin/sh
# exercise_stub.sh GRADER LEARNER_FILE: with the learner's file as the
# repository has it (the untouched stub), every check must fail; a check
# that passes on a stub tests nothing. Once a learner has edited the file,
# this test is skipped (exit 77): `make exercise N` grades their version.
grader=$1
file=$2
if git -C "$(dirname "$file")" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
   ! git -C "$(dirname "$file")" diff --quiet HEAD -- "$file" 2>/dev/null; then
  echo "$file has been edited: skipping the stub check (run make exercise N to grade it)"
  exit 77
fi
exec "$grader" --expect-all-fail
