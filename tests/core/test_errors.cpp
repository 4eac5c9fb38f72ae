#include "core/core.h"

#include "check_throws.h"

using namespace atto;

TEST_CASE("errors: matmul names the op and the shapes") {
  check_throws<ShapeError>([] { return matmul(zeros({2, 3}), zeros({4, 5})); }, "matmul: (2,3) x (4,5): inner dims 3 != 4");
  check_throws<ShapeError>([] { return matmul(zeros({2, 3}), zeros({2, 5}), Transpose::both); },
                           "matmul: (2,3)^T x (2,5)^T: inner dims 2 != 5");
  check_throws<ShapeError>([] { return matmul(zeros({3}), zeros({3, 2})); },
                           "matmul: (3) x (3,2): operands must have rank 2, 3 or 4");
  check_throws<ShapeError>([] { return matmul(zeros({2, 2, 3}), zeros({3, 3, 4})); },
                           "matmul: (2,2,3) x (3,3,4): batch dims (2) and (3) do not broadcast");
  Tensor out = zeros({2, 2});
  check_throws<ShapeError>([&] { matmul_into(out, zeros({2, 3}), zeros({3, 4})); },
                           "matmul: (2,3) x (3,4) gives (2,4), but the output is (2,2)");
}

TEST_CASE("errors: broadcasting and elementwise") {
  check_throws<ShapeError>([] { return add(zeros({2, 3}), zeros({4})); }, "add: (2,3) and (4) do not broadcast: dim 3 vs 4");
  check_throws<ShapeError>([] { return mul(zeros({2}), zeros({3})); }, "mul: (2) and (3) do not broadcast: dim 2 vs 3");
  check_throws<ShapeError>([] { return where(zeros({2}), zeros({3}), zeros({1})); },
                           "where: (2) and (3) do not broadcast: dim 2 vs 3");
  check_throws<ShapeError>([] { return expand(zeros({2}), {3}); }, "expand: (2) and (3) do not broadcast: dim 2 vs 3");
  check_throws<ShapeError>([] { return expand(zeros({2, 3}), {3}); }, "expand: (2,3) cannot be broadcast to (3)");
}

TEST_CASE("errors: tensor construction and access") {
  check_throws<ShapeError>([] { return zeros({2, -1}); }, "Shape: negative dimension -1");
  check_throws<ShapeError>([] { return zeros({1, 1, 1, 1, 1, 1, 1, 1, 1}); }, "Shape: rank 9 exceeds the maximum rank 8");
  check_throws<ShapeError>([] { return tensor({{1, 2}, {3}}); },
                           "tensor: ragged nested list: 1 elements at depth 1 where 2 were expected");
  check_throws<ShapeError>([] { return tensor({{}, {1}}); }, "tensor: ragged nested list: 1 elements at depth 1 where 0 were expected");
  check_throws<ShapeError>([] { return tensor({{1}, 2}); }, "tensor: ragged nested list: a number at depth 1 where lists of 1 were expected");
  check_throws<ArgumentError>([] { return arange(0, 1, 0); }, "arange: start 0, stop 1, step 0: need finite values and a non-zero step");
  check_throws<ShapeError>([] { return zeros({2}).item(); }, "item: tensor of shape (2) has 2 elements, not 1");
  check_throws<ShapeError>([] { zeros({2, 3}).at({2, 0}); }, "at: index 2 is out of range for axis 0 of shape (2,3)");
  check_throws<ShapeError>([] { zeros({2, 3}).at({1}); }, "at: 1 indices for a tensor of shape (2,3)");
  check_throws<ShapeError>([] { return zeros({2, 3}).reshape({4, 2}); }, "reshape: (2,3) to (4,2): 6 elements != 8");
  check_throws<ShapeError>([] { return zeros({2, 3}).reshape({-1, -1}); }, "reshape: (2,3) to (-1,-1): more than one -1");
  check_throws<ShapeError>([] { return zeros({2, 3}).reshape({4, -1}); }, "reshape: cannot infer -1 reshaping (2,3) of 6 elements");
  check_throws<ShapeError>([] { return zeros({2, 3}).dim(2); }, "dim: axis 2 is out of range for rank 2");
}

TEST_CASE("errors: shape ops") {
  check_throws<ShapeError>([] { return permute(zeros({2, 3}), {0}); }, "permute: 1 axes given for shape (2,3)");
  check_throws<ShapeError>([] { return permute(zeros({2, 3}), {1, 1}); }, "permute: axis 1 repeated for shape (2,3)");
  check_throws<ShapeError>([] { return transpose(zeros({2})); }, "transpose: axis -2 is out of range for rank 1");
  check_throws<ArgumentError>([] { return slice(zeros({4}), 0, 0, 4, 0); }, "slice: (4) axis 0: step 0 must be positive");
  check_throws<ShapeError>([] { return slice(zeros({4}), 1, 0, 4); }, "slice: axis 1 is out of range for rank 1");
  check_throws<ShapeError>([] { return concat({zeros({2, 3}), zeros({2, 4})}, 0); }, "concat: (2,3) and (2,4) differ outside axis 0");
  check_throws<ArgumentError>([] { return concat(std::span<const Tensor>{}, 0); }, "concat: no tensors to join");
  check_throws<ShapeError>([] { return stack({zeros({2}), zeros({3})}, 0); }, "stack: (2) and (3) differ");
  const Index sizes[] = {1, 1};
  check_throws<ShapeError>([&] { return split(zeros({3}), 0, sizes); }, "split: (3) axis 0: piece sizes add up to 2, not 3");
  check_throws<ShapeError>([] { return squeeze(zeros({2}), 0); }, "squeeze: (2) axis 0 has size 2, not 1");
}

TEST_CASE("errors: reductions and softmax") {
  check_throws<ShapeError>([] { return sum(zeros({2}), 1); }, "sum: axis 1 is out of range for rank 1");
  check_throws<ShapeError>([] { return max(zeros({0})); }, "max: max of an empty tensor (0)");
  check_throws<ShapeError>([] { return mean(zeros({0})); }, "mean: mean of an empty tensor (0)");
  check_throws<ShapeError>([] { return argmax(zeros({2, 0}), 1); }, "argmax: (2,0) axis 1 is empty");
  check_throws<ShapeError>([] { return sum_to(zeros({2, 3}), {2}); }, "sum_to: (2) and (2,3) do not broadcast: dim 2 vs 3");
  check_throws<ShapeError>([] { return softmax(scalar(1)); }, "softmax: needs at least one axis, got a scalar");
}

TEST_CASE("errors: random and threads") {
  check_throws<ArgumentError>([] { return Generator().uniform({2}, 1, 0); }, "uniform: low 1 > high 0");
  check_throws<ArgumentError>([] { return Generator().normal({2}, 0, -1); }, "normal: stddev -1 must be >= 0");
  check_throws<ArgumentError>([] { return Generator().randint(0); }, "randint: upper bound 0 must be positive");
  check_throws<ArgumentError>([] { set_num_threads(0); }, "set_num_threads: thread count 0 is not in [1, 1024]");
}
