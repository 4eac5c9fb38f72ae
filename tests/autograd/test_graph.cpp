#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace atto;

TEST_CASE("dot: ops, names, shapes and gradient norms appear") {
  Var x(tensor({{1, 2}}), true);
  x.set_name("x");
  Var w(tensor({{3}, {4}}), true);
  w.set_name("w");
  Var loss = sum(tanh(matmul(x, w)));
  const std::string before = to_dot(loss);
  CHECK(before.find("digraph attograd") != std::string::npos);
  CHECK(before.find("leaf 'x'\\n(1,2)") != std::string::npos);
  CHECK(before.find("matmul\\n(1,1)") != std::string::npos);
  CHECK(before.find("tanh") != std::string::npos);
  CHECK(before.find("|grad|") == std::string::npos);
  loss.backward(true);
  const std::string after = to_dot(loss);
  CHECK(after.find("leaf 'w'\\n(2,1)\\n|grad| = ") != std::string::npos);
  // 4 nodes and 3 edges: x -> matmul, w -> matmul, matmul -> tanh, tanh -> sum.
  CHECK(std::count(after.begin(), after.end(), '>') == 4);
}

TEST_CASE("dot: write_dot writes the file, and says when it cannot") {
  Var x(tensor({1}), true);
  const Var y = exp(x);
  const std::string path = "test_graph_output.dot";
  write_dot(y, path);
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  CHECK(text.str() == to_dot(y));
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(write_dot(y, "/no/such/folder/graph.dot"),
                       "write_dot: cannot open '/no/such/folder/graph.dot' for writing", IOError);
}
