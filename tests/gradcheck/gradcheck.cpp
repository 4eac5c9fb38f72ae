// gradcheck: the gradient check of every registered op (autograd/op_checks.cpp),
// in double precision, as a table. Exits 1 if any check fails.
//
//   gradcheck [--op PREFIX] [--list] [--seed S]
#include "autograd/op_checks.h"

int main(int argc, char** argv) { return atto::gradcheck_main(argc, argv); }
