// Grades exercise 11 against the library's AdditiveAttention: the scores by
// their definition, the attention they give, and the gradients of the
// query, the key and the scale.
#include "tutorials/exercises/11_bahdanau.h"
#include "tutorials/exercises/grading.h"

#include "nn/additive_attention.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

// The definition, one pair at a time.
Tensor scores_by_loops(const Tensor& q, const Tensor& k, const Tensor& scale) {
  const Index batch = q.dim(0), tq = q.dim(1), tk = k.dim(1), d = q.dim(2);
  Tensor s = zeros({batch, tq, tk});
  for (Index b = 0; b < batch; ++b)
    for (Index i = 0; i < tq; ++i)
      for (Index j = 0; j < tk; ++j)
        for (Index f = 0; f < d; ++f) s.at({b, i, j}) += scale.at({f}) * std::tanh(q.at({b, i, f}) + k.at({b, j, f}));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 11: Bahdanau's additive score");
  grader.check("scores by their definition, (2,3,4) queries against (2,5,4) keys", [] {
    Generator gen(1);
    const Tensor q = gen.normal({2, 3, 4}), k = gen.normal({2, 5, 4}), scale = gen.normal({4});
    return compare("the scores", additive_scores(Var(q), Var(k), Var(scale)).value(), scores_by_loops(q, k, scale));
  });
  grader.check("Tq = 1 (one decoder step) and Tk = 1 (one encoder state)", [] {
    Generator gen(2);
    const Tensor q = gen.normal({3, 1, 2}), k = gen.normal({3, 1, 2}), scale = gen.normal({2});
    return compare("the scores", additive_scores(Var(q), Var(k), Var(scale)).value(), scores_by_loops(q, k, scale));
  });
  grader.check("softmax of your scores is AdditiveAttention's distribution; gradients match", [] {
    Generator gen(3);
    AdditiveAttention layer(4, {}, gen);
    const Tensor qv = gen.normal({2, 3, 4}), kv = gen.normal({2, 5, 4}), g = gen.normal({2, 3, 4});
    const Var scale_param = layer.named_parameters().at(0).second;
    Var q(qv, true), k(kv, true), scale(scale_param.value().clone(), true);
    Var q2(qv.clone(), true), k2(kv.clone(), true);
    const Var weights = softmax(additive_scores(q, k, scale));
    const auto library = layer(q2, k2);
    const std::string wrong = compare("the attention weights", weights.value(), library.weights.value());
    if (!wrong.empty()) return wrong;
    matmul(weights, k).backward(g);
    library.output.backward(g);
    std::string grads = compare("dL/dquery", q.grad(), q2.grad());
    if (grads.empty()) grads = compare("dL/dkey (as the value too)", k.grad(), k2.grad());
    return grads.empty() ? compare("dL/dscale", scale.grad(), scale_param.grad()) : grads;
  });
  grader.check("gradcheck of your scores", [] {
    Generator gen(4);
    return gradient_check("additive_scores",
                          [](const std::vector<Var>& v) { return additive_scores(v[0], v[1], v[2]); },
                          {gen.normal({2, 2, 3}), gen.normal({2, 4, 3}), gen.normal({3})});
  });
  return grader.finish();
}
