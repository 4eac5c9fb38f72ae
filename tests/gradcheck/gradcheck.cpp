// gradcheck: the gradient check of every registered op (autograd/op_checks.cpp)
// and of the layers that register theirs (nn/layer_checks.cpp), in double
// precision, as a table. Exits 1 if any check fails.
//
//   gradcheck [--op PREFIX] [--list] [--seed S]
#include "autograd/op_checks.h"
#include "nn/layer_checks.h"

int main(int argc, char** argv) {
  atto::register_layer_checks();
  return atto::gradcheck_main(argc, argv);
}
