#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
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

TEST_CASE("Json: commas, escapes, no '<' in a page, NaN and Inf as strings, misuse refused") {
  Json json;
  json.begin_object().key("a").value(Index{1}).key("b").begin_array().value(0.5).value(true).null().end_array();
  json.key("text").value("say \"</script>\"\n\t\\ <!-- x<y").key("bad").begin_array();
  json.value(std::nan("")).value(HUGE_VAL).value(-HUGE_VAL).end_array().end_object();
  CHECK(json.str() == R"({"a":1,"b":[0.5,true,null],"text":"say \"\u003c/script>\"\n\t\\ \u003c!-- x\u003cy",)"
                      R"("bad":["NaN","Infinity","-Infinity"]})");
  CHECK(json.str().find('<') == std::string::npos);
  Json after_root;
  after_root.begin_array().end_array();
  CHECK_THROWS_AS(after_root.value(1.0), ArgumentError);
  CHECK_THROWS_AS(after_root.begin_object(), ArgumentError);
  Json two_roots;
  CHECK_THROWS_AS(two_roots.value(1.0).value(2.0), ArgumentError);
  Json unbalanced;
  CHECK_THROWS_AS(unbalanced.end_object(), ArgumentError);
  CHECK_THROWS_AS(unbalanced.begin_array().key("k").end_array(), ArgumentError);
  Json crossed;
  CHECK_THROWS_AS(crossed.begin_array().end_object(), ArgumentError);
  Json keyless;
  CHECK_THROWS_AS(keyless.begin_object().value(1.0), ArgumentError);
  Json two_keys;
  CHECK_THROWS_AS(two_keys.begin_object().key("a").key("b"), ArgumentError);
}

TEST_CASE("Json: exact() reads back as the same double; value() keeps 5 digits") {
  for (const double x : {0.1, 1.0 / 3.0, -2.5e-10, 6.02214076e23, 1e-300, 5e-324, 0.0}) {
    Json json;
    json.exact(x);
    CAPTURE(json.str());
    CHECK(std::strtod(json.str().c_str(), nullptr) == x);
  }
  Json rounded;
  rounded.value(1.0 / 3.0);
  CHECK(rounded.str() == "0.33333");
}

TEST_CASE("GraphScope: nodes remember the scopes they were recorded in; NoGradGuard opens none") {
  const ScopeRecording recording;
  Var x(tensor({1.0, 2.0}), true);
  Var outside = x * 2.0;
  Var inner_node, second;
  {
    const GraphScope layer("layer");
    {
      const GraphScope step("step");
      inner_node = tanh(outside);
    }
    second = exp(inner_node);
  }
  CHECK(outside.node()->picture.scope == nullptr);
  REQUIRE(inner_node.node()->picture.scope != nullptr);
  CHECK(inner_node.node()->picture.scope->name == "step");
  REQUIRE(inner_node.node()->picture.scope->parent != nullptr);
  CHECK(inner_node.node()->picture.scope->parent->name == "layer");
  CHECK(second.node()->picture.scope == inner_node.node()->picture.scope->parent);
  CHECK(current_graph_scope() == nullptr);
  const NoGradGuard no_graph;
  const GraphScope ignored("ignored");
  CHECK(current_graph_scope() == nullptr);
}

TEST_CASE("GraphScope: records nothing, and labels stay off, when no picture is wanted") {
  REQUIRE_FALSE(graph_pictures_wanted());
  Var x(tensor({1.0, 2.0}), true);
  const GraphScope unseen("layer");
  CHECK(current_graph_scope() == nullptr);
  const Var y = name_for_pictures(tanh(x), "a label");
  CHECK(y.node()->picture.scope == nullptr);
  CHECK(y.name().empty());
  const ScopeRecording recording;
  CHECK(graph_pictures_wanted());
  CHECK(name_for_pictures(tanh(x), "a label").name() == "a label");
}

TEST_CASE("graph_json: every node with its gradient, formula and place; leaf gradients left as they were") {
  Var w(tensor({{1.0, -2.0}, {0.5, 3.0}}), true);
  w.set_name("w");
  Var x(tensor({{1.0, 1.0}}));
  Var loss;
  const ScopeRecording recording;
  {
    const GraphScope scope("model");
    loss = sum(tanh(matmul(x, w)));
  }
  loss.backward(true);
  const Tensor before = w.grad().clone();
  const std::string json = graph_json(loss, {{x.node().get(), "input x"}});
  CHECK(allclose(w.grad(), before, 0, 0));  // put back, not doubled
  for (const char* expected : {R"("op":"tanh")", R"("name":"w")", R"("name":"input x")", R"("name":"model")",
                               R"("where":"autograd/ops/primitives.cpp:)", R"-("formula":"y = tanh(x)  ->  dx = g * (1 - y^2)")-",
                               R"("grad":{"min":)"}) {
    CAPTURE(expected);
    CHECK(json.find(expected) != std::string::npos);
  }
  // x needs no gradient: it has none in the page.
  const std::size_t x_at = json.find(R"("name":"input x")");
  CHECK(json.find(R"("grad")", x_at) > json.find(R"("id":)", x_at));
}

TEST_CASE("GradcheckWatch: sees every check on its thread while it lives, the innermost one only") {
  std::vector<std::string> outer_seen, inner_seen;
  const auto fn = [](const std::vector<Var>& v) { return tanh(v[0]); };
  {
    const GradcheckWatch outer([&](const GradcheckResult& r) { outer_seen.push_back(r.op); });
    (void)gradcheck("first", fn, {tensor({0.5})});
    {
      const GradcheckWatch inner([&](const GradcheckResult& r) { inner_seen.push_back(r.op); });
      (void)gradcheck("second", fn, {tensor({0.5})});
    }
    (void)gradcheck("third", fn, {tensor({0.5})});
  }
  (void)gradcheck("unseen", fn, {tensor({0.5})});
  CHECK(outer_seen == std::vector<std::string>{"first", "third"});
  CHECK(inner_seen == std::vector<std::string>{"second"});
  const std::string json = gradcheck_json(gradcheck("tanh", fn, {tensor({0.5, -1.0})}));
  CHECK(json.find(R"("passed":true)") != std::string::npos);
  CHECK(json.find(R"("analytic":[)") != std::string::npos);
}

TEST_CASE("graph_json: a fused op shows its internals, worked out for the picture (attention weights, LSTM gates)") {
  Generator gen(3);
  Var q(gen.normal({2, 3, 4}), true), k(gen.normal({2, 5, 4}), true), v(gen.normal({2, 5, 2}), true);
  const Var out = scaled_dot_product_attention(q, k, v, Real(0.5), AttentionMask::causal);
  const auto internals = out.node()->picture.internals();
  REQUIRE(internals.size() == 1);
  CHECK(internals[0].first == "attention weights");
  // The weights the fused forward never stores, against softmax(scale q k^T) with the causal mask.
  Tensor scores = matmul(q.value(), k.value(), Transpose::b) * Real(0.5);
  for (Index b = 0; b < 2; ++b)
    for (Index i = 0; i < 3; ++i)
      for (Index j = i + 1; j < 5; ++j) scores.data()[(b * 3 + i) * 5 + j] = -INFINITY;
  CHECK(allclose(internals[0].second, softmax(scores), 1e-12, 1e-12));
  CHECK(graph_json(sum(out)).find(R"("internals":[{"name":"attention weights","shape":[2,3,5])") != std::string::npos);

  Var x(gen.normal({2, 3, 4}), true), h0(zeros({2, 5})), c0(zeros({2, 5}));
  Var kernel(gen.normal({4, 20}), true), recurrent(gen.normal({5, 20}), true), bias(zeros({20}), true);
  const std::string lstm = graph_json(sum(lstm_sequence(x, h0, c0, kernel, recurrent, bias)));
  for (const char* gate : {"input gate i", "forget gate f", "candidate g", "output gate o"}) {
    CAPTURE(gate);
    CHECK(lstm.find(fmt::format(R"("name":"{}","shape":[2,3,5])", gate)) != std::string::npos);
  }
}
