#include "nn/nn.h"

#include <doctest/doctest.h>

using namespace atto;

namespace {

// The ten-line custom layer of nn/module.h and docs/nn.md.
class Scale : public Layer {
 public:
  explicit Scale(Index n) : factor_(ones({n}), true) { register_parameter("factor", factor_); }
  Var forward(const Var& x) override { return x * factor_; }
  std::string type_name() const override { return "Scale"; }

 private:
  Var factor_;
};

class Encoder : public Module {
 public:
  Encoder() : dense(4, {.units = 3}), scale(3) {
    register_module("dense", dense);
    register_module("scale", scale);
  }
  std::string type_name() const override { return "Encoder"; }
  Dense dense;
  Scale scale;
};

class Model : public Module {
 public:
  Model() {
    register_module("encoder", encoder);
    head.add<Dense>(3, DenseOptions{.units = 2}).add<Dropout>(0.5).add<Dense>(2, DenseOptions{.units = 1, .activation = Activation::sigmoid, .use_bias = false});
    register_module("head", head);
  }
  std::string type_name() const override { return "Model"; }
  Encoder encoder;
  Sequential head;
};

}  // namespace

TEST_CASE("module: parameters are collected recursively with dotted names") {
  Model model;
  std::vector<std::string> names;
  for (const auto& [name, _] : model.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"encoder.dense.kernel", "encoder.dense.bias", "encoder.scale.factor",
                                          "head.0.kernel", "head.0.bias", "head.2.kernel"});
  CHECK(model.parameter_count() == 4 * 3 + 3 + 3 + 3 * 2 + 2 + 2 * 1);
  CHECK(model.parameters().size() == 6);
}

TEST_CASE("module: each module knows its place in the model, and a call's graph scope says it") {
  Model model;
  CHECK(model.path().empty());
  CHECK(model.encoder.dense.path() == "encoder.dense");
  CHECK(model.head.path() == "head");
  const ScopeRecording recording;  // as an Explorer page holds while it is written
  const Var out = model.encoder.dense(Var(ones({1, 4})));
  REQUIRE(out.node()->picture.scope != nullptr);
  CHECK(out.node()->picture.scope->name == "Dense");
  CHECK(out.node()->picture.scope->path == "encoder.dense");
  CHECK(graph_json(sum(out)).find(R"("name":"Dense","path":"encoder.dense")") != std::string::npos);
}

TEST_CASE("module: summary lists the tree, shapes and counts") {
  Model model;
  const std::string text = model.summary();
  CHECK(text.find("encoder (Encoder)") != std::string::npos);
  CHECK(text.find("dense (Dense)") != std::string::npos);
  CHECK(text.find("kernel(4,3) bias(3)") != std::string::npos);
  CHECK(text.find("1 (Dropout)") != std::string::npos);
  CHECK(text.find("Total parameters: 28") != std::string::npos);
}

TEST_CASE("module: train/eval reach every child; zero_grad clears every parameter") {
  Model model;
  model.eval();
  CHECK_FALSE(model.head.is_training());
  const Var x(ones({5, 4}));
  // In eval mode dropout is the identity: two forwards agree exactly.
  CHECK(allclose(model.head(model.encoder.scale(model.encoder.dense(x))).value(),
                 model.head(model.encoder.scale(model.encoder.dense(x))).value(), 0, 0));
  model.train();
  CHECK(model.encoder.dense.is_training());
  sum(model.head(model.encoder.scale(model.encoder.dense(x)))).backward();
  CHECK(model.encoder.dense.kernel().has_grad());
  model.zero_grad();
  for (const Var& p : model.parameters()) CHECK_FALSE(p.has_grad());
}

TEST_CASE("module: a custom layer is a few lines and trains like any other") {
  Scale scale(3);
  Var y = scale(Var(tensor({1, 2, 3})));
  sum(y).backward();
  CHECK(allclose(scale.named_parameters()[0].second.grad(), tensor({1, 2, 3}), 0, 0));
}

TEST_CASE("module: registration errors") {
  struct Bad : Module {
    std::string type_name() const override { return "Bad"; }
    void twice() {
      Var p(ones({1}), true);
      register_parameter("p", p);
      register_parameter("p", p);
    }
    void constant() { register_parameter("c", Var(ones({1}))); }
  } bad;
  CHECK_THROWS_WITH_AS(bad.twice(), "register_parameter: 'p' is registered twice", ArgumentError);
  CHECK_THROWS_WITH_AS(bad.constant(), "register_parameter: 'c' must be a leaf Var that requires grad", ArgumentError);
}
