#include "autograd/op_checks.h"

#include "autograd/composed.h"
#include "autograd/ops.h"
#include "core/errors.h"
#include "core/random.h"

#include <algorithm>

namespace atto {

namespace {

using Vars = std::vector<Var>;

// Targets for the cross-entropy checks: 4 rows over 5 classes, the last ignored.
Tensor targets() { return tensor({3, 0, 4, -1}); }

// A (2, 4, 4) score bias with a masked position (-1e9) in each batch.
Tensor attention_bias() {
  Tensor bias = Generator(9).uniform({2, 4, 4}, -1, 1);
  bias.at({0, 2, 1}) = -1e9;
  bias.at({1, 3, 0}) = -1e9;
  return bias;
}

// An LSTM step mask for (B=2, T=4): a skipped step in the middle of the first
// sequence, padding at the end of the second.
Tensor lstm_mask() { return tensor({{1, 0, 1, 1}, {1, 1, 0, 0}}); }

// Shapes of lstm_sequence's inputs for B=2, T=4, I=3, U=2.
const std::vector<Shape> kLstmShapes = {{2, 4, 3}, {2, 2}, {2, 2}, {3, 8}, {2, 8}, {8}};

std::vector<OpCheck> make_checks() {
  return {
      {"add", {{3, 4}, {4}}, [](const Vars& v) { return add(v[0], v[1]); }},
      {"sub", {{3, 1}, {1, 4}}, [](const Vars& v) { return sub(v[0], v[1]); }},
      {"mul", {{2, 3, 4}, {3, 1}}, [](const Vars& v) { return mul(v[0], v[1]); }},
      {"div", {{3, 4}, {4}}, [](const Vars& v) { return div(v[0], v[1]); }, 0.5, 2},
      {"neg", {{3, 4}}, [](const Vars& v) { return neg(v[0]); }},
      {"pow", {{3, 4}}, [](const Vars& v) { return pow(v[0], 2.5); }, 0.5, 2},
      {"exp", {{3, 4}}, [](const Vars& v) { return exp(v[0]); }},
      {"log", {{3, 4}}, [](const Vars& v) { return log(v[0]); }, 0.5, 2},
      {"tanh", {{3, 4}}, [](const Vars& v) { return tanh(v[0]); }},
      {"sigmoid", {{3, 4}}, [](const Vars& v) { return sigmoid(v[0]); }},
      {"relu", {{3, 4}}, [](const Vars& v) { return relu(v[0] - 0.5); }},
      {"sum", {{3, 4}}, [](const Vars& v) { return sum(v[0] * v[0]); }},
      {"sum_axis", {{2, 3, 4}}, [](const Vars& v) { return sum(v[0] * v[0], 1); }},
      {"mean", {{3, 4}}, [](const Vars& v) { return mean(v[0] * v[0]); }},
      {"mean_axis", {{2, 3, 4}}, [](const Vars& v) { return mean(v[0] * v[0], -1, true); }},
      {"max", {{3, 5}}, [](const Vars& v) { return max(v[0], 1); }},
      {"matmul", {{3, 4}, {4, 5}}, [](const Vars& v) { return matmul(v[0], v[1]); }},
      {"matmul_trans_a", {{4, 3}, {4, 5}}, [](const Vars& v) { return matmul(v[0], v[1], Transpose::a); }},
      {"matmul_trans_b", {{3, 4}, {5, 4}}, [](const Vars& v) { return matmul(v[0], v[1], Transpose::b); }},
      {"matmul_trans_both", {{2, 4, 3}, {5, 4}}, [](const Vars& v) { return matmul(v[0], v[1], Transpose::both); }},
      {"matmul_batched", {{2, 3, 4}, {2, 4, 2}}, [](const Vars& v) { return matmul(v[0], v[1]); }},
      {"matmul_shared_b", {{2, 3, 4}, {4, 2}}, [](const Vars& v) { return matmul(v[0], v[1]); }},
      {"matmul_broadcast_batch", {{2, 1, 3, 4}, {3, 4, 2}}, [](const Vars& v) { return matmul(v[0], v[1]); }},
      {"reshape", {{3, 4}}, [](const Vars& v) { return reshape(v[0], {2, 6}) * Var(arange(6)); }},
      {"permute", {{2, 3, 4}}, [](const Vars& v) { return permute(v[0], {2, 0, 1}) * Var(arange(3)); }},
      {"slice", {{4, 5}}, [](const Vars& v) { return slice(v[0], 1, 1, 5, 2); }},
      {"concat", {{2, 3}, {2, 2}}, [](const Vars& v) { return concat({v[0], v[1] * v[1]}, 1); }},
      {"expand", {{3, 1}}, [](const Vars& v) { return expand(v[0], {2, 3, 4}) * Var(arange(4)); }},
      {"where", {{3, 4}, {4}}, [](const Vars& v) { return where(tensor({{1, 0, 0, 1}, {0, 1, 0, 1}, {1, 1, 0, 0}}), v[0], v[1]); }},
      {"take_rows", {{5, 3}}, [](const Vars& v) { return take_rows(v[0], tensor({{4, 0}, {4, 2}})); }},
      {"dropout", {{3, 4}}, [](const Vars& v) {
         Generator fixed(3);  // the same mask on every call, as finite differences need
         return dropout(v[0], 0.5, true, fixed);
       }},
      {"scaled_dot_product_attention", {{2, 3, 4}, {2, 5, 4}, {2, 5, 3}},
       [](const Vars& v) { return scaled_dot_product_attention(v[0], v[1], v[2], 0.5); }},
      {"scaled_dot_product_attention_causal_bias", {{2, 4, 3}, {2, 4, 3}, {2, 4, 2}},
       [](const Vars& v) {
         return scaled_dot_product_attention(v[0], v[1], v[2], 0.7, AttentionMask::causal, attention_bias());
       }},
      {"scaled_dot_product_attention_composed", {{2, 4, 3}, {2, 4, 3}, {2, 4, 2}},
       [](const Vars& v) {
         return scaled_dot_product_attention_composed(v[0], v[1], v[2], 0.7, AttentionMask::causal, attention_bias());
       }},
      {"lstm_sequence", kLstmShapes,
       [](const Vars& v) { return lstm_sequence(v[0], v[1], v[2], v[3], v[4], v[5]); }},
      {"lstm_sequence_masked", kLstmShapes,
       [](const Vars& v) { return lstm_sequence(v[0], v[1], v[2], v[3], v[4], v[5], lstm_mask()); }},
      {"lstm_sequence_composed", kLstmShapes,
       [](const Vars& v) { return lstm_sequence_composed(v[0], v[1], v[2], v[3], v[4], v[5], lstm_mask()); }},
      {"layer_norm", {{2, 3, 5}, {5}, {5}}, [](const Vars& v) { return layer_norm(v[0], v[1], v[2], 1e-5); }},
      {"layer_norm_composed", {{2, 3, 5}, {5}, {5}},
       [](const Vars& v) { return layer_norm_composed(v[0], v[1], v[2], 1e-5); }},
      {"sliding_windows", {{2, 5, 4, 2}}, [](const Vars& v) { return sliding_windows(v[0], 2, 2); }},
      {"sliding_windows_composed", {{2, 5, 4, 2}}, [](const Vars& v) { return sliding_windows_composed(v[0], 2, 2); }},
      {"softmax", {{3, 5}}, [](const Vars& v) { return softmax(v[0]); }},
      {"log_softmax", {{3, 5}}, [](const Vars& v) { return log_softmax(v[0]); }},
      {"softmax_cross_entropy", {{4, 5}}, [](const Vars& v) { return softmax_cross_entropy(v[0], targets(), -1); }},
      {"softmax_composed", {{3, 5}}, [](const Vars& v) { return softmax_composed(v[0]); }},
      {"log_softmax_composed", {{3, 5}}, [](const Vars& v) { return log_softmax_composed(v[0]); }},
      {"softmax_cross_entropy_composed", {{4, 5}},
       [](const Vars& v) { return softmax_cross_entropy_composed(v[0], targets(), -1); }},
  };
}

std::vector<OpCheck>& registry() {
  static std::vector<OpCheck> checks = make_checks();
  return checks;
}

}  // namespace

const std::vector<OpCheck>& op_checks() { return registry(); }

void register_op_check(OpCheck check) {
  const bool taken = std::ranges::any_of(registry(), [&](const OpCheck& c) { return c.name == check.name; });
  if (taken) throw_argument_error("register_op_check", "an op check named '{}' is already registered", check.name);
  registry().push_back(std::move(check));
}

std::vector<Tensor> op_check_inputs(const OpCheck& check, std::uint64_t seed) {
  Generator gen(seed);
  std::vector<Tensor> inputs;
  for (const Shape& shape : check.input_shapes) inputs.push_back(gen.uniform(shape, check.low, check.high));
  return inputs;
}

GradcheckResult run_op_check(const OpCheck& check, std::uint64_t seed) {
  return gradcheck(check.name, check.fn, op_check_inputs(check, seed), check.options);
}

}  // namespace atto
