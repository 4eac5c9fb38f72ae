// Grades exercise 12: the split by its definition, the round trip, the
// refusal of a bad head count, multi-head attention built from your split
// and merge against head-by-head attention, and a gradient check.
#include "tutorials/exercises/12_multi_head.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

// All heads at once, through your split and merge: (B, T, F) each -> (B, Tq, F).
Var multi_head(const Var& q, const Var& k, const Var& v, Index heads) {
  const Real scale = 1 / std::sqrt(static_cast<Real>(q.shape()[2] / heads));
  return merge_heads(scaled_dot_product_attention(split_heads(q, heads), split_heads(k, heads), split_heads(v, heads), scale));
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 12: multi-head split and merge");
  grader.check("split (2,3,6) into 3 heads: head h holds features 2h and 2h + 1", [] {
    const Tensor x = arange(36).reshape({2, 3, 6});
    const Tensor got = split_heads(Var(x), 3).value();
    if (!(got.shape() == Shape{2, 3, 3, 2})) return fmt::format("the split has shape {}, it should be (2,3,3,2)", got.shape());
    Tensor want = zeros({2, 3, 3, 2});
    for (Index b = 0; b < 2; ++b)
      for (Index h = 0; h < 3; ++h)
        for (Index t = 0; t < 3; ++t)
          for (Index f = 0; f < 2; ++f) want.at({b, h, t, f}) = x.at({b, t, h * 2 + f});
    return compare("the split", got, want);
  });
  grader.check("merge undoes split", [] {
    const Tensor x = Generator(1).normal({2, 4, 8});
    return compare("merge_heads(split_heads(x, 4))", merge_heads(split_heads(Var(x), 4)).value(), x);
  });
  grader.check("7 features into 2 heads is refused with a ShapeError", [] {
    try {
      (void)split_heads(Var(zeros({1, 2, 7})), 2);
    } catch (const ShapeError&) {
      return std::string();
    }
    return std::string("split_heads cut 7 features into 2 heads without complaint");
  });
  grader.check("multi-head attention from your split and merge equals attention head by head", [] {
    Generator gen(2);
    const Index heads = 2, dim = 3;
    const Tensor q = gen.normal({2, 4, heads * dim}), k = gen.normal({2, 5, heads * dim}), v = gen.normal({2, 5, heads * dim});
    const Var together = multi_head(Var(q), Var(k), Var(v), heads);
    std::vector<Var> each;
    for (Index h = 0; h < heads; ++h) {
      const auto part = [&](const Tensor& x) { return Var(slice(x, 2, h * dim, (h + 1) * dim)); };
      each.push_back(scaled_dot_product_attention(part(q), part(k), part(v), 1 / std::sqrt(Real(dim))));
    }
    return compare("the merged heads", together.value(), concat(each, 2).value());
  });
  grader.check("gradcheck of multi-head attention through your split and merge", [] {
    Generator gen(3);
    return gradient_check("multi_head",
                          [](const std::vector<Var>& v) { return multi_head(v[0], v[1], v[2], 2); },
                          {gen.normal({1, 3, 4}), gen.normal({1, 2, 4}), gen.normal({1, 2, 4})});
  });
  return grader.finish();
}
