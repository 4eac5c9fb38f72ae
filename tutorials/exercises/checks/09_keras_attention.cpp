// Grades exercise 9 against the library's Attention(use_scale=true), which
// follows Keras: no mask, each mask alone, all together, a fully masked row,
// and the gradients of the query, the value and the scale.
#include "tutorials/exercises/09_keras_attention.h"
#include "tutorials/exercises/grading.h"

#include "nn/attention.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

const Tensor kValueMask = tensor({{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
const Tensor kQueryMask = tensor({{1, 1, 0, 0}, {1, 1, 1, 0}});

std::string against_library(const KerasMasks& masks, std::uint64_t seed) {
  Generator gen(seed);
  const Tensor qv = gen.normal({2, 4, 3}), vv = gen.normal({2, 5, 3}), g = gen.normal({2, 4, 3});
  Var q(qv, true), v(vv, true), scale(full({}, 0.7), true);
  Var q2(qv.clone(), true), v2(vv.clone(), true);
  Attention layer({.use_scale = true});
  layer.named_parameters().at(0).second.mutable_value().fill(0.7);
  const KerasAttentionResult yours = keras_attention(q, v, scale, masks);
  const auto library = layer(q2, v2, {.query_mask = masks.query_mask, .value_mask = masks.value_mask,
                                      .use_causal_mask = masks.causal});
  std::string wrong = compare("the weights", yours.weights.value(), library.weights.value());
  if (wrong.empty()) wrong = compare("the output", yours.output.value(), library.output.value());
  if (!wrong.empty()) return wrong;
  yours.output.backward(g);
  library.output.backward(g);
  wrong = compare("dL/dquery", q.grad(), q2.grad());
  if (wrong.empty()) wrong = compare("dL/dvalue", v.grad(), v2.grad());
  if (wrong.empty()) wrong = compare("dL/dscale", scale.grad(), layer.named_parameters().at(0).second.grad().reshape({}));
  return wrong;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 9: Keras's Attention with masks");
  grader.check("no mask: values and gradients (query, value, scale)", [] { return against_library({}, 1); });
  grader.check("a value mask: padded keys get no weight", [] {
    const std::string wrong = against_library({.value_mask = kValueMask}, 2);
    if (!wrong.empty()) return wrong;
    Generator gen(2);
    const KerasAttentionResult yours = keras_attention(Var(gen.normal({2, 4, 3})), Var(gen.normal({2, 5, 3})),
                                                       Var(full({}, 1)), {.value_mask = kValueMask});
    const Real on_padding = sum(slice(slice(yours.weights.value(), 0, 0, 1), 2, 3, 5)).item();
    return on_padding < 1e-12 ? std::string() : fmt::format("the padded keys get {:.3g} of the weight", on_padding);
  });
  grader.check("a causal mask: query i sees keys j <= i only", [] { return against_library({.causal = true}, 3); });
  grader.check("a query mask: padded queries give zero rows", [] { return against_library({.query_mask = kQueryMask}, 4); });
  grader.check("all three masks together", [] {
    return against_library({.query_mask = kQueryMask, .value_mask = kValueMask, .causal = true}, 5);
  });
  grader.check("every key masked: a finite distribution, never NaN (Keras's -1e9)", [] {
    Generator gen(6);
    const KerasAttentionResult yours = keras_attention(Var(gen.normal({1, 2, 3})), Var(gen.normal({1, 3, 3})),
                                                       Var(full({}, 1)), {.value_mask = zeros({1, 3})});
    for (Index i = 0; i < yours.weights.value().numel(); ++i) {
      if (!std::isfinite(yours.weights.value().data()[i])) return std::string("a weight is NaN: subtract 1e9, do not set -inf");
    }
    return compare("the row sums", sum(yours.weights.value(), -1), ones({1, 2}));
  });
  return grader.finish();
}
