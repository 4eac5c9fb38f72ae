// Exercise 7: write MyDense's constructor and forward (see 07_dense.h), then
// run `make exercise 7`.
#include "tutorials/exercises/07_dense.h"

namespace atto::exercise {

MyDense::MyDense([[maybe_unused]] Index input_dim, [[maybe_unused]] Index units, [[maybe_unused]] Generator& gen) {
  // Your code here: kernel_ and bias_ as trainable Vars, then register_parameter for each.
  throw NotWrittenYet("MyDense's constructor");
}

Var MyDense::forward([[maybe_unused]] const Var& x) {
  // Your code here: check the input's last axis, then x W + b.
  throw NotWrittenYet("MyDense::forward");
}

}  // namespace atto::exercise
