// Exercise 5: write topological_order and backward (see 05_backward_order.h),
// then run `make exercise 5`.
#include "tutorials/exercises/05_backward_order.h"

namespace atto::exercise {

std::vector<Scalar*> topological_order([[maybe_unused]] Scalar& root) {
  // Your code here: a depth-first search with your own stack, each node once.
  throw NotWrittenYet("topological_order");
}

void backward([[maybe_unused]] Scalar& root) {
  // Your code here: zero every grad, root.grad = 1, then hand gradients back in order.
  throw NotWrittenYet("backward");
}

}  // namespace atto::exercise
