#include "core/core.h"

#include <doctest/doctest.h>

#include <cstring>
#include <functional>

using namespace atto;

namespace {

// Runs `op` on 1 and on 2 threads and requires bitwise-identical results.
void same_bits_on_1_and_2_threads(const char* name, const std::function<Tensor()>& op) {
  CAPTURE(name);
  set_num_threads(1);
  const Tensor serial = op();
  set_num_threads(2);
  const Tensor parallel = op();
  REQUIRE(serial.shape() == parallel.shape());
  CHECK(std::memcmp(serial.data(), parallel.data(), sizeof(Real) * serial.numel()) == 0);
}

}  // namespace

TEST_CASE("threads: every kernel gives the same bits on 1 and 2 threads") {
  const int saved = num_threads();
  set_yield_to_other_programs(false);  // two threads even while other tests run
  Generator gen(9);
  const Tensor big = gen.normal({700, 900});
  const Tensor other = gen.normal({900, 300});
  const Tensor row = gen.normal({900});
  same_bits_on_1_and_2_threads("matmul", [&] { return matmul(big, other); });
  same_bits_on_1_and_2_threads("matmul A^T B", [&] { return matmul(big, big, Transpose::a); });
  same_bits_on_1_and_2_threads("matmul A B^T", [&] { return matmul(other, other, Transpose::b); });
  same_bits_on_1_and_2_threads("batched matmul", [&] {
    return matmul(big.reshape({7, 100, 900}), other);
  });
  // A weight gradient: few rows, many columns, shared out by column strips.
  same_bits_on_1_and_2_threads("matmul, few rows", [&] {
    return matmul(slice(big, 1, 0, 40), slice(other, 0, 0, 700), Transpose::a);
  });
  // Attention's many small products: 32 of (10 x 64)(64 x 20).
  const Tensor queries = gen.normal({32, 10, 64}), keys = gen.normal({32, 20, 64});
  same_bits_on_1_and_2_threads("batched small matmuls", [&] { return matmul(queries, keys, Transpose::b); });
  same_bits_on_1_and_2_threads("sum", [&] { return sum(big); });
  same_bits_on_1_and_2_threads("sum axis 0", [&] { return sum(big, 0); });
  same_bits_on_1_and_2_threads("sum axis 1", [&] { return sum(big, 1); });
  same_bits_on_1_and_2_threads("mean", [&] { return mean(big); });
  same_bits_on_1_and_2_threads("softmax", [&] { return softmax(big); });
  same_bits_on_1_and_2_threads("log_softmax", [&] { return log_softmax(big); });
  same_bits_on_1_and_2_threads("broadcast add", [&] { return big + row; });
  same_bits_on_1_and_2_threads("tanh", [&] { return tanh(big); });
  same_bits_on_1_and_2_threads("permute", [&] { return transpose(big); });
  // Every copy of 614k elements or more: above the copy grain
  // (core/parallel.h), so on two threads.
  const Tensor wide = gen.normal({2048, 900});
  same_bits_on_1_and_2_threads("slice", [&] { return slice(wide, 1, 100, 800); });
  same_bits_on_1_and_2_threads("slice with a step", [&] { return slice(wide, 1, 1, 900, 3); });
  same_bits_on_1_and_2_threads("unslice", [&] { return unslice(slice(wide, 1, 0, 450), wide.shape(), 1, 0, 450); });
  same_bits_on_1_and_2_threads("concat", [&] { return concat({wide, wide}, 1); });
  same_bits_on_1_and_2_threads("uniform", [&] { return Generator(4).uniform({1 << 18}); });
  same_bits_on_1_and_2_threads("normal", [&] { return Generator(4).normal({1 << 18}); });
  set_num_threads(saved);
  set_yield_to_other_programs(true);
}

TEST_CASE("threads: a region takes the threads asked for, fewer only while other programs hold cores") {
  const int saved = num_threads();
  set_num_threads(2);
  set_yield_to_other_programs(false);
  CHECK(region_threads() == 2);
  set_yield_to_other_programs(true);
  set_num_threads(1);
  CHECK(region_threads() == 1);
  set_num_threads(saved);
}
