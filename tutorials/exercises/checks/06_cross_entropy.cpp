// Grades exercise 6 against the library's softmax_cross_entropy: values,
// huge logits, ignored rows, a bad target, the backward and its properties.
#include "tutorials/exercises/06_cross_entropy.h"
#include "tutorials/exercises/checks/your_cross_entropy.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

const Ids kTargets({3, 0, 4, 1});

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 6: cross-entropy from logits, and its backward");
  grader.check("the loss on (4,5) logits", [] {
    const Tensor z = Generator(1).normal({4, 5});
    return compare("the loss", cross_entropy(z, kTargets), softmax_cross_entropy(Var(z), kTargets).value());
  });
  grader.check("logits around 1000: no overflow", [] {
    const Tensor z = Generator(2).normal({4, 5}) + Real(1000);
    const Tensor loss = cross_entropy(z, kTargets);
    if (!std::isfinite(loss.item())) return std::string("the loss is not finite: take each row's maximum out first");
    return compare("the loss", loss, softmax_cross_entropy(Var(z), kTargets).value());
  });
  grader.check("rows with the ignored target are left out; all ignored gives 0", [] {
    const Tensor z = Generator(3).normal({4, 5});
    const Ids padded({3, -1, 4, -1});
    const std::string some = compare("the loss without rows 1 and 3", cross_entropy(z, padded, -1),
                                     softmax_cross_entropy(Var(z), padded, -1).value());
    return some.empty() ? compare("the loss with every row ignored", cross_entropy(z, Ids({-1, -1, -1, -1}), -1),
                                  full({}, 0))
                        : some;
  });
  grader.check("a target outside the classes is refused (an exception, not a wrong number)", [] {
    try {
      (void)cross_entropy(zeros({2, 3}), Ids({1, 3}));
    } catch (const NotWrittenYet&) {
      throw;
    } catch (const std::exception&) {
      return std::string();
    }
    return std::string("target 3 with 3 classes gave a loss; throw instead");
  });
  grader.check("the backward against the library", [] {
    Var z(Generator(4).normal({4, 5}), true);
    softmax_cross_entropy(z, kTargets).backward();
    return compare("dloss/dlogits", cross_entropy_backward(z.value(), kTargets), z.grad());
  });
  grader.check("each row of the gradient sums to 0 (softmax sums to 1, so does the onehot)", [] {
    const Tensor grad = cross_entropy_backward(Generator(5).normal({4, 5}), kTargets);
    return compare("the row sums of your gradient", sum(grad, 1), zeros({4}));
  });
  grader.check("gradcheck of your loss with your backward", [] {
    return gradient_check("cross_entropy", [](const std::vector<Var>& v) { return your_cross_entropy(v[0], Ids({2, 0, 1})); },
                          {Generator(6).normal({3, 4})});
  });
  return grader.finish();
}
