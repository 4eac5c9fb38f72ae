// Grades exercise 14: the mask against its definition, causal attention
// against the library's fused op (values, gradients, and the future never
// reaching the past), the distribution against softmax worked by hand at
// several temperatures and k, and the sampler against the cumulative sum.
#include "tutorials/exercises/14_causal_sampling.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

// softmax(logits / t) over the tokens listed, 0 elsewhere.
std::vector<double> softmax_over(const std::vector<double>& logits, double t, const std::vector<Index>& kept) {
  std::vector<double> p(logits.size(), 0.0);
  double total = 0;
  for (Index i : kept) total += p[static_cast<std::size_t>(i)] = std::exp(logits[static_cast<std::size_t>(i)] / t);
  for (double& x : p) x /= total;
  return p;
}

std::string same_distribution(const std::vector<double>& got, const std::vector<double>& want) {
  if (got.size() != want.size()) {
    return fmt::format("{} probabilities for a vocabulary of {}", got.size(), want.size());
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::abs(got[i] - want[i]) > 1e-12) {
      return fmt::format("token {} has probability {:.6g}, the right value is {:.6g}", i, got[i], want[i]);
    }
  }
  return "";
}

const std::vector<double> kLogits = {1.5, -0.5, 3.0, 0.25, 3.0, -2.0};

Tensor logits_tensor() {
  Tensor t = Tensor::empty({static_cast<Index>(kLogits.size())});
  for (std::size_t i = 0; i < kLogits.size(); ++i) t.data()[i] = static_cast<Real>(kLogits[i]);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 14: the causal mask, causal attention, temperature and top-k sampling");
  grader.check("causal_mask(4): ones on and below the diagonal", [] {
    Tensor want = zeros({4, 4});
    for (Index i = 0; i < 4; ++i)
      for (Index j = 0; j <= i; ++j) want.at({i, j}) = 1;
    return compare("causal_mask(4)", causal_mask(4), want);
  });
  grader.check("causal attention equals the library's (a batch of 2, 5 steps)", [] {
    Generator gen(1);
    const Var q(gen.normal({2, 5, 4})), k(gen.normal({2, 5, 4})), v(gen.normal({2, 5, 3}));
    return compare("the output", causal_attention(q, k, v).value(),
                   scaled_dot_product_attention(q, k, v, Real(0.5), AttentionMask::causal).value());
  });
  grader.check("the future never reaches the past: changing step 3's value leaves steps 0-2 as they were", [] {
    Generator gen(2);
    const Tensor q = gen.normal({1, 5, 4}), k = gen.normal({1, 5, 4}), v = gen.normal({1, 5, 2});
    Tensor changed = v.clone();
    for (Index c = 0; c < 2; ++c) changed.at({0, 3, c}) += 10;
    const Tensor before = causal_attention(Var(q), Var(k), Var(v)).value();
    const Tensor after = causal_attention(Var(q), Var(k), Var(changed)).value();
    const std::string past = compare("steps 0-2", slice(after, 1, 0, 3), slice(before, 1, 0, 3));
    if (!past.empty()) return "a later value changed an earlier output: " + past;
    if (allclose(slice(after, 1, 3, 5), slice(before, 1, 3, 5), 0, 1e-9)) {
      return std::string("changing step 3's value changed nothing at steps 3 and 4: is anything attended at all?");
    }
    return std::string();
  });
  grader.check("gradients of q, k and v against the library's", [] {
    Generator gen(3);
    const Tensor qv = gen.normal({2, 4, 3}), kv = gen.normal({2, 4, 3}), vv = gen.normal({2, 4, 2}),
                 g = gen.normal({2, 4, 2});
    Var q(qv, true), k(kv, true), v(vv, true), q2(qv.clone(), true), k2(kv.clone(), true), v2(vv.clone(), true);
    causal_attention(q, k, v).backward(g);
    scaled_dot_product_attention(q2, k2, v2, 1 / std::sqrt(Real(3)), AttentionMask::causal).backward(g);
    std::string wrong = compare("dL/dq", q.grad(), q2.grad());
    if (wrong.empty()) wrong = compare("dL/dk", k.grad(), k2.grad());
    return wrong.empty() ? compare("dL/dv", v.grad(), v2.grad()) : wrong;
  });
  grader.check("temperature 1, every token kept: the softmax of the logits", [] {
    return same_distribution(next_token_distribution(logits_tensor(), 1.0, 0), softmax_over(kLogits, 1.0, {0, 1, 2, 3, 4, 5}));
  });
  grader.check("temperature 0.5 sharpens, 4 flattens", [] {
    std::string wrong = same_distribution(next_token_distribution(logits_tensor(), 0.5, 0),
                                          softmax_over(kLogits, 0.5, {0, 1, 2, 3, 4, 5}));
    return wrong.empty() ? same_distribution(next_token_distribution(logits_tensor(), 4.0, 0),
                                             softmax_over(kLogits, 4.0, {0, 1, 2, 3, 4, 5}))
                         : wrong;
  });
  grader.check("top-k 3 keeps the 3 largest logits (two tied at 3.0, then 1.5), renormalised", [] {
    return same_distribution(next_token_distribution(logits_tensor(), 1.0, 3), softmax_over(kLogits, 1.0, {0, 2, 4}));
  });
  grader.check("top-k 1 with a tie keeps the lower index; top-k beyond the vocabulary keeps all", [] {
    std::string wrong = same_distribution(next_token_distribution(logits_tensor(), 0.7, 1), softmax_over(kLogits, 0.7, {2}));
    return wrong.empty() ? same_distribution(next_token_distribution(logits_tensor(), 1.0, 100),
                                             softmax_over(kLogits, 1.0, {0, 1, 2, 3, 4, 5}))
                         : wrong;
  });
  grader.check("a temperature of 0 or below is refused with an exception", [] {
    for (double t : {0.0, -1.0}) {
      try {
        (void)next_token_distribution(logits_tensor(), t, 0);
      } catch (const NotWrittenYet&) {
        throw;
      } catch (const std::exception&) {
        continue;
      }
      return fmt::format("temperature {} gave a distribution", t);
    }
    return std::string();
  });
  grader.check("sampling walks the cumulative sum and never draws a token of probability 0", [] {
    const std::vector<double> p = {0.0, 0.25, 0.0, 0.5, 0.25};
    const std::pair<double, Index> cases[] = {{0.0, 1}, {0.2499, 1}, {0.25, 3}, {0.7499, 3}, {0.75, 4}, {0.999999, 4}};
    for (const auto& [u, want] : cases) {
      const Index got = sample_token(p, u);
      if (got != want) return fmt::format("u = {} drew token {}, the right token is {}", u, got, want);
    }
    return std::string();
  });
  return grader.finish();
}
