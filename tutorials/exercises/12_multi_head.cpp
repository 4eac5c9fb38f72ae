// Exercise 12: write split_heads and merge_heads (see 12_multi_head.h), then
// run `make exercise 12`.
#include "tutorials/exercises/12_multi_head.h"

namespace atto::exercise {

Var split_heads([[maybe_unused]] const Var& x, [[maybe_unused]] Index heads) {
  // Your code here: check F % heads, reshape, permute.
  throw NotWrittenYet("split_heads");
}

Var merge_heads([[maybe_unused]] const Var& x) {
  // Your code here: permute back, reshape.
  throw NotWrittenYet("merge_heads");
}

}  // namespace atto::exercise
