#!/bin/sh
# Data-parallel training under mpirun on this machine (oversubscribed: more
# ranks than cores is allowed). Usage: check.sh MPIRUN CHECK_PROGRAM OUT_DIR
#   - 2 and 3 ranks give the parameters of one process, bit for bit;
#   - a checkpoint of 2 ranks resumes on 3, and one of 3 on 2;
#   - ranks holding different models, or averaging different parameters,
#     stop at the start, saying so;
#   - a rank that throws, or is killed, stops every rank within seconds,
#     and the last checkpoint is whole (a run resumes from it), also when
#     rank 0 is killed from outside while saving a checkpoint every step.
set -u
mpirun=$1 check=$2 out=$3
rm -rf "$out" && mkdir -p "$out" || exit 1
# Root is allowed in CI containers; one OpenMP thread per rank.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
# No cross-process memory attach in containers: copy through shared memory.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ranks() { n=$1; shift; timeout 60 "$mpirun" --oversubscribe -np "$n" "$check" "$@"; }

for n in 1 2 3; do
  ranks "$n" equal 30 > "$out/equal_$n.txt" 2>&1 || fail "$n ranks are not bitwise equal to one process"
  cat "$out/equal_$n.txt"
done

ranks 2 save 12 "$out/two.ckpt" > "$out/save2.txt" 2>&1 || fail "2 ranks could not train and save"
ranks 3 resume "$out/two.ckpt" 2 12 > "$out/resume3.txt" 2>&1 || fail "3 ranks resumed from 2 differ"
cat "$out/resume3.txt"
ranks 3 save 12 "$out/three.ckpt" > "$out/save3.txt" 2>&1 || fail "3 ranks could not train and save"
ranks 2 resume "$out/three.ckpt" 3 12 > "$out/resume2.txt" 2>&1 || fail "2 ranks resumed from 3 differ"
cat "$out/resume2.txt"

if ranks 3 different-models > "$out/different.txt" 2>&1; then fail "different models were not refused"; fi
grep -q "the ranks hold different models: rank 0 has 6 parameters" "$out/different.txt" ||
  { fail "no clear error for different models"; cat "$out/different.txt"; }

if ranks 2 different-gradients > "$out/different.txt" 2>&1; then fail "different parameters were not refused"; fi
grep -Eq "GradientAverager: rank 0 averages 645 numbers, rank 1 640: every rank must pass the same parameters" \
  "$out/different.txt" || { fail "no clear error for different parameters"; cat "$out/different.txt"; }

if ranks 2 small-buckets > "$out/small.txt" 2>&1; then fail "buckets smaller than the ranks were not refused"; fi
grep -q "GradientAverager: bucket_elements 1 must be from the number of ranks (2) to 2^28" "$out/small.txt" ||
  { fail "no clear error for buckets smaller than the ranks"; cat "$out/small.txt"; }
if ranks 1 second-world > "$out/second.txt" 2>&1; then fail "a second World was not refused"; fi
grep -q "World: MPI is already started: make one World per process" "$out/second.txt" ||
  { fail "no clear error for a second World"; cat "$out/second.txt"; }

# A failure at step 5: every rank gone, with a message, in seconds; the
# checkpoint of step 5 (written after step 4) loads and resumes.
for how in throw kill; do
  for rank in 0 2; do
    rm -f "$out/fail.ckpt"
    start=$(date +%s)
    ranks 3 fail "$how" "$rank" 5 "$out/fail.ckpt" > "$out/fail.txt" 2>&1
    status=$? seconds=$(($(date +%s) - start))
    echo "rank $rank of 3 ${how}s at step 5: exit status $status after $seconds s"
    if [ $status = 0 ] || [ $status = 124 ] || [ $seconds -gt 20 ]; then
      fail "rank $rank ${how}: exit status $status after $seconds s"; cat "$out/fail.txt"
    fi
    if [ $how = throw ] && ! grep -q "rank $rank of 3: stopping every rank: a failure on purpose at step 5" "$out/fail.txt"; then
      fail "no message from the rank that threw"; cat "$out/fail.txt"
    fi
    ranks 2 resume "$out/fail.ckpt" 3 3 > "$out/after_fail.txt" 2>&1 ||
      { fail "the checkpoint left by the failed run does not resume"; cat "$out/after_fail.txt"; }
  done
done
# Rank 0 killed from outside at whatever it was doing, a checkpoint written
# every step (a few hundred of them a second): the job ends within seconds
# and the checkpoint on disk is whole.
rm -f "$out/killed.ckpt" "$out/rank0.pid"
start=$(date +%s)
ranks 3 save-until-killed "$out/killed.ckpt" "$out/rank0.pid" > "$out/killed.txt" 2>&1 &
job=$!
waited=0
while [ ! -s "$out/rank0.pid" ] && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
sleep 1
kill -KILL "$(cat "$out/rank0.pid")"
wait $job
status=$? seconds=$(($(date +%s) - start))
echo "rank 0 of 3 killed while saving every step: exit status $status after $seconds s"
if [ $status = 0 ] || [ $status = 124 ] || [ $seconds -gt 20 ]; then
  fail "rank 0 killed: exit status $status after $seconds s"; cat "$out/killed.txt"
fi
ranks 2 resume "$out/killed.ckpt" 3 3 > "$out/after_kill.txt" 2>&1 ||
  { fail "the checkpoint left by the killed rank does not resume"; cat "$out/after_kill.txt"; }
tail -1 "$out/after_kill.txt"
exit $failed
