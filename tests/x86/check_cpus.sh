#!/bin/sh
# check_cpus.sh BUILD_DIR: the portable build on x86-64 CPUs older than this
# one, emulated by qemu-x86_64: a baseline x86-64 (SSE2 only, qemu64) and a
# Haswell (AVX2 and FMA, no AVX-512). On each, the library must choose the
# kernel that CPU can run, and the core tests must pass; an instruction the
# CPU lacks would stop them with an illegal instruction. First the control:
# an AVX-512 instruction must die on the emulated Haswell.
set -eu
build=$1
control=$build/avx512_instruction
${CXX:-c++} -O1 -mavx512f tests/x86/avx512_instruction.cpp -o "$control"
if qemu-x86_64 -cpu Haswell "$control" 2>/dev/null; then
  echo "qemu ran an AVX-512 instruction on an emulated Haswell: this check cannot see illegal instructions"
  exit 1
fi
echo "control: an AVX-512 instruction dies on the emulated Haswell, as it must"
for cpu in qemu64:generic Haswell:avx2; do
  model=${cpu%%:*}
  kernel=${cpu#*:}
  chosen=$(qemu-x86_64 -cpu "$model" "$build/tutorials/01_tensors" --quick 2>/dev/null | grep "matrix kernel in use")
  echo "$model: $chosen"
  case "$chosen" in
    *"in use: $kernel "*) ;;
    *) echo "on $model the kernel should be $kernel"; exit 1 ;;
  esac
  for suite in test_core_f32 test_core_f64; do
    if ! output=$(qemu-x86_64 -cpu "$model" "$build/tests/$suite" 2>&1); then
      echo "$output" | tail -30
      echo "$suite failed on $model"
      exit 1
    fi
    echo "  $suite: $(echo "$output" | grep "test cases:")"
  done
done
