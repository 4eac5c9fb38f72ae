// Tutorial 04: dot-product attention (the article's section 2.3)
//
// "The article", here and in the tutorials after this one, is "Attention
// mechanisms in deep learning: how experts use them", whose examples these
// tutorials rebuild, run and, where they fail, repair.
//
// The article scores a decoder state (the query) against each encoder state
// (the keys) with a dot product, turns the scores into weights with softmax,
// and averages the values with those weights. Its NumPy example has two
// defects, which we reproduce on attograd tensors and then fix:
//   1. it multiplies 3-D tensors with a plain matrix product, which is not a
//      batched product: every query is scored against the keys of every
//      example in the batch, so examples leak into each other;
//   2. its softmax exponentiates the raw scores, which overflows to inf/inf =
//      NaN as soon as a score passes ~88 (float) or ~709 (double).
// Then: why scale by 1/sqrt(d), attention weights as a probability
// distribution, and a gradient check of the whole computation.
//
// Built in double precision (the gradient check needs it).
//
// Run it:  build/tutorials/04_dot_product_attention [--quick] [--seed S]
#include "autograd/autograd.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/heatmap.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using atto::tutorial::section;

namespace {

// The article's version, literally: every query row against every key row
// of the flattened batch (np.dot on 3-D arrays), and exp() of raw scores.
Tensor article_attention(const Tensor& query, const Tensor& keys, const Tensor& values) {
  const Index batch = query.shape()[0], tq = query.shape()[1], tv = keys.shape()[1], d = query.shape()[2];
  const Tensor scores = matmul(query.reshape({batch * tq, d}), keys.reshape({batch * tv, d}), Transpose::b);
  const Tensor weights = exp(scores) / sum(exp(scores), -1, true);
  return matmul(weights, values.reshape({batch * tv, -1})).reshape({batch, tq, -1});
}

// The fixed version: a batched product (each example's queries meet only its
// own keys), the max-subtracted softmax, and the 1/sqrt(d) scale.
Var attention(const Var& query, const Var& keys, const Var& values) {
  const Real d = static_cast<Real>(query.shape()[2]);
  const Var scores = matmul(query, keys, Transpose::b) * (1 / std::sqrt(d));  // (B, Tq, Tv)
  return matmul(softmax(scores), values);                                  // (B, Tq, dv)
}

Real entropy(const Tensor& p) {
  Real h = 0;
  for (Index i = 0; i < p.numel(); ++i) h -= p.data()[i] > 0 ? p.data()[i] * std::log(p.data()[i]) : 0;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 04: the article's dot-product attention, its two defects fixed, and why 1/sqrt(d).");
  // The explorer page (full mode or --html): the gradient check of section 5, Jacobian by Jacobian.
  tutorial::ExplorerPage page(options, "Tutorial 04: dot-product attention");
  Generator gen(options.seed);
  const Index batch = 2, tq = 3, tv = 4, d = options.quick ? 8 : 64;
  const Tensor query = gen.normal({batch, tq, d}), keys = gen.normal({batch, tv, d}), values = gen.normal({batch, tv, 2});

  // ## 1. Defect one: the batch leaks
  //
  // Change only the second example's keys. A correct attention for the first
  // example cannot notice; the article's version does, because its scores
  // for example 0 include example 1's keys.
  section("1. A plain matrix product mixes the examples of a batch");
  Tensor other_keys = keys.clone();
  for (Index i = tv * d; i < 2 * tv * d; ++i) other_keys.data()[i] += 1;  // example 1 only
  const Tensor first = article_attention(query, keys, values), second = article_attention(query, other_keys, values);
  const Tensor fixed_first = attention(Var(query), Var(keys), Var(values)).value();
  const Tensor fixed_second = attention(Var(query), Var(other_keys), Var(values)).value();
  fmt::print("example 0's output changes when only example 1's keys change?\n");
  fmt::print("  article: {}   batched: {}\n", allclose(slice(first, 0, 0, 1), slice(second, 0, 0, 1)) ? "no" : "YES",
             allclose(slice(fixed_first, 0, 0, 1), slice(fixed_second, 0, 0, 1), 0, 0) ? "no" : "YES");

  // ## 2. Defect two: exp() overflows
  //
  // Scores grow with the size of the vectors. Scale the query up and the
  // article's softmax computes inf / inf. Subtracting each row's maximum first
  // changes nothing mathematically (the factor exp(-max) cancels) and keeps
  // every exponent <= 0.
  section("2. exp() of raw scores overflows");
  const Tensor loud = query * 100;
  const Tensor article_out = article_attention(loud, keys, values);
  fmt::print("article, query x100: first output row = {}\n", slice(article_out.reshape({-1, 2}), 0, 0, 1));
  fmt::print("fixed,   query x100: first output row = {}\n",
             slice(attention(Var(loud), Var(keys), Var(values)).value().reshape({-1, 2}), 0, 0, 1));

  // ## 3. Why 1/sqrt(d)
  //
  // For random unit-variance vectors, q . k is a sum of d products, so its
  // spread grows like sqrt(d). Unscaled, a softmax over such scores is nearly
  // one-hot: all weight on one key, and gradients to the others vanish
  // (softmax is "saturated"). Dividing by sqrt(d) brings the spread back to
  // about 1. (Keras's Attention(use_scale=True) does NOT do this: it learns a
  // scalar that starts at 1. See tutorial 05.)
  section("3. Scaling scores by 1/sqrt(d) keeps softmax out of saturation");
  // Averaged over 256 random queries, each against 32 random keys:
  fmt::print("{:>6} {:>12} {:>26} {:>24}\n", "d", "std of q.k", "mean max weight, unscaled", "mean max weight, scaled");
  for (Index dim : {4, 16, 64, 256}) {
    const Tensor q = gen.normal({256, dim}), k = gen.normal({32, dim});
    const Tensor raw = matmul(q, k, Transpose::b);
    const Real spread = std::sqrt(mean(raw * raw).item());
    fmt::print("{:>6} {:>12.2f} {:>26.3f} {:>24.3f}\n", dim, spread, mean(max(softmax(raw), -1)).item(),
               mean(max(softmax(raw / std::sqrt(static_cast<Real>(dim))), -1)).item());
  }
  // The same in a picture: one random query against 12 random keys, for each
  // d, its weights without and with the scale. Unscaled, the rows turn
  // one-hot as d grows; scaled, they stay spread.
  {
    Generator picture_gen(options.seed + 4);  // its own stream: the figures below stay as they were
    const std::vector<Index> dims = {4, 16, 64, 256};
    Tensor unscaled = zeros({4, 12}), scaled = zeros({4, 12});
    std::vector<std::string> rows, keys;
    for (Index key = 0; key < 12; ++key) keys.push_back(fmt::format("k{}", key));
    for (Index row = 0; row < 4; ++row) {
      const Index dim = dims[static_cast<std::size_t>(row)];
      const Tensor raw = matmul(picture_gen.normal({1, dim}), picture_gen.normal({12, dim}), Transpose::b);
      const Tensor plain = softmax(raw), divided = softmax(raw / std::sqrt(static_cast<Real>(dim)));
      for (Index key = 0; key < 12; ++key) {
        unscaled.at({row, key}) = plain.at({0, key});
        scaled.at({row, key}) = divided.at({0, key});
      }
      rows.push_back(fmt::format("d = {}", dim));
    }
    const std::string path = options.output_path("04_saturation.svg");
    tutorial::heatmaps_svg("One query's weights over 12 keys as d grows: unscaled scores saturate, scaled ones do not",
                           {{"softmax(q.k)", rows, keys, unscaled}, {"softmax(q.k / sqrt(d))", rows, keys, scaled}},
                           {.row_title = "query width d", .column_title = "keys", .value_title = "attention weight"})
        .save(path);
    fmt::print("wrote {}\n", path);
  }

  // ## 4. The weights are a probability distribution
  //
  // Each query's weights are >= 0 and sum to 1 over the keys: how much each
  // input contributes to this output (the article's section 2.3.1). Entropy
  // measures focus: log(Tv) is uniform attention, 0 is all on one key.
  section("4. Attention weights as a distribution");
  const Tensor weights = softmax(matmul(query, keys, Transpose::b) / std::sqrt(static_cast<Real>(d)));
  fmt::print("weights of example 0:\n{}\n", slice(weights, 0, 0, 1).reshape({tq, tv}));
  fmt::print("row sums: {}\n", sum(weights, -1));
  fmt::print("entropy of each row (uniform would be {:.3f}):", std::log(static_cast<Real>(tv)));
  for (Index i = 0; i < tq; ++i) fmt::print(" {:.3f}", entropy(slice(slice(weights, 0, 0, 1), 1, i, i + 1)));
  fmt::print("\n");

  // ## 5. A gradient check of the whole thing
  section("5. gradcheck over query, keys and values");
  const GradcheckResult check = gradcheck(
      "attention", [](const std::vector<Var>& v) { return attention(v[0], v[1], v[2]); },
      {gen.normal({2, 3, 4}), gen.normal({2, 4, 4}), gen.normal({2, 4, 2})});
  fmt::print("{}\n", check.report());
  page.save("04_dot_product_attention");
  fmt::print("\nnow write the stable softmax and its backward yourself: make exercise 4; then the fixed\n"
             "scoring function, batched, stable and scaled: make exercise 8\n");
  return check.passed ? 0 : 1;
}
