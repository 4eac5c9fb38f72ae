#include "nn/nn.h"

#include <doctest/doctest.h>

using namespace atto;

TEST_CASE("Dense: x W + b, for 1-D, 2-D and 3-D inputs") {
  Generator gen(3);
  Dense dense(4, {.units = 3}, gen);
  dense.named_parameters()[1].second.mutable_value().fill(0.5);  // a non-zero bias
  const Tensor x = gen.normal({2, 5, 4});
  const Tensor expected = matmul(x, dense.kernel().value()) + dense.bias().value();
  CHECK(allclose(dense(Var(x)).value(), expected, 1e-12, 1e-12));
  CHECK(dense(Var(x.reshape({10, 4}))).shape() == Shape{10, 3});
  CHECK(dense(Var(tensor({1, 2, 3, 4}))).shape() == Shape{3});
  CHECK_THROWS_WITH_AS(dense(Var(zeros({2, 5}))), "Dense: input (2,5) does not end in 4 features", ShapeError);
  Dense no_bias(4, {.units = 3, .activation = Activation::relu, .use_bias = false}, gen);
  CHECK(no_bias.named_parameters().size() == 1);
  CHECK(-max(-no_bias(Var(x)).value()).item() >= 0);
}

TEST_CASE("Dense: input gradients pass gradcheck, kernel gradient is x^T g") {
  Generator gen(4);
  Dense dense(3, {.units = 2, .activation = Activation::tanh}, gen);
  const GradcheckResult result = gradcheck(
      "Dense", [&](const std::vector<Var>& v) { return dense(v[0]); }, {gen.normal({4, 3})});
  CAPTURE(result.report());
  CHECK(result.passed);
  const Tensor x = gen.normal({4, 3});
  Dense linear(3, {.units = 2}, gen);
  sum(linear(Var(x))).backward();
  CHECK(allclose(linear.kernel().grad(), matmul(x, ones({4, 2}), Transpose::a), 1e-12, 1e-12));
  CHECK(allclose(linear.bias().grad(), full({2}, 4), 0, 0));
}

TEST_CASE("Embedding: lookup, repeated rows add gradients, the padding row gets none") {
  Generator gen(5);
  Embedding embedding(6, 3, 0, gen);
  CHECK(allclose(slice(embedding.table().value(), 0, 0, 1), zeros({1, 3}), 0, 0));
  const Tensor indices = tensor({{1, 0, 1}, {5, 0, 2}});
  Var out = embedding(indices);
  CHECK(out.shape() == Shape{2, 3, 3});
  CHECK(allclose(slice(out.value(), 1, 0, 1).reshape({2, 3}).reshape({2, 3}),
                 concat({slice(embedding.table().value(), 0, 1, 2), slice(embedding.table().value(), 0, 5, 6)}, 0),
                 0, 0));
  sum(out).backward();
  const Tensor& g = embedding.table().grad();
  CHECK(g.at({1, 0}) == 2);  // row 1 read twice
  CHECK(g.at({0, 0}) == 0);  // padding
  CHECK(g.at({3, 0}) == 0);  // never read
  CHECK_THROWS_WITH_AS(embedding(tensor({6})), "take_rows: index 6 at position 0 is not a row of a (6,3) table",
                       ArgumentError);
  CHECK_THROWS_AS(Embedding(4, 2, 4), ArgumentError);
}

TEST_CASE("Embedding is a Layer: it opens a Sequential, and refuses ids that require grad") {
  Generator gen(6);
  Sequential model;
  model.add<Embedding>(10, 4, std::nullopt, gen).add<Dense>(4, DenseOptions{.units = 2}, gen);
  const Var out = model(Var(tensor({{1, 9}, {0, 3}})));
  CHECK(out.shape() == Shape{2, 2, 2});
  CHECK(model.named_parameters().size() == 3);
  Embedding embedding(10, 4, std::nullopt, gen);
  CHECK_THROWS_WITH_AS(embedding(Var(tensor({1, 2}), true)),
                       "Embedding: token ids (2) require grad; ids are constants, pass them as a plain Tensor",
                       ArgumentError);
}

TEST_CASE("activations by name, and as layers") {
  CHECK(activation_from_name("tanh") == Activation::tanh);
  CHECK(activation_name(Activation::softmax) == "softmax");
  CHECK_THROWS_WITH_AS(activation_from_name("gelu"),
                       "activation: unknown activation 'gelu' (linear, relu, tanh, sigmoid, softmax)", ArgumentError);
  ActivationLayer relu_layer(Activation::relu);
  CHECK(allclose(relu_layer(Var(tensor({-1, 2}))).value(), tensor({0, 2}), 0, 0));
  CHECK(relu_layer.type_name() == "Activation(relu)");
}

TEST_CASE("initializers: ranges and orthogonality") {
  Generator gen(6);
  const Tensor g = init::glorot_uniform({100, 50}, gen);
  const Real limit = std::sqrt(6.0 / 150);
  CHECK(max(g).item() <= limit);
  CHECK(-max(-g).item() >= -limit);
  const Tensor h = init::he_normal({400, 300}, gen);
  CHECK(std::sqrt(mean(h * h).item()) == doctest::Approx(std::sqrt(2.0 / 400)).epsilon(0.02));
  CHECK(std::sqrt(mean(pow(init::glorot_normal({400, 200}, gen), 2)).item()) ==
        doctest::Approx(std::sqrt(2.0 / 600)).epsilon(0.02));
  CHECK(max(init::he_uniform({10, 10}, gen)).item() <= std::sqrt(0.6));
  for (const Shape& shape : {Shape{8, 8}, Shape{5, 12}, Shape{12, 5}}) {
    const Tensor q = init::orthogonal(shape, 2, gen);
    CHECK(q.shape() == shape);
    // The shorter side is orthonormal (times the gain squared).
    const bool wide = shape[0] <= shape[1];
    const Tensor gram = wide ? matmul(q, q, Transpose::b) : matmul(q, q, Transpose::a);
    const Index n = std::min(shape[0], shape[1]);
    Tensor identity = zeros({n, n});
    for (Index i = 0; i < n; ++i) identity.at({i, i}) = 4;
    CHECK(allclose(gram, identity, 0, 1e-10));
  }
  CHECK_THROWS_AS(init::orthogonal({3}), ShapeError);
}

TEST_CASE("LayerNorm: zero mean, unit variance per row, then gamma and beta; gradcheck") {
  Generator gen(9);
  LayerNorm norm(5);
  const Tensor x = gen.normal({3, 4, 5}, 2, 3);
  const Tensor y = norm(Var(x)).value();
  CHECK(allclose(mean(y, -1), zeros({3, 4}), 0, 1e-12));
  CHECK(allclose(mean(y * y, -1), ones({3, 4}), 1e-4, 1e-6));  // eps keeps it just under 1
  norm.named_parameters()[0].second.mutable_value() = gen.normal({5});
  norm.named_parameters()[1].second.mutable_value() = gen.normal({5});
  const GradcheckResult result = gradcheck(
      "LayerNorm", [&](const std::vector<Var>& v) { return norm(v[0]) * Var(arange(20).reshape({4, 5})); },
      {gen.normal({4, 5})});
  CAPTURE(result.report());
  CHECK(result.passed);
  CHECK_THROWS_WITH_AS(norm(Var(zeros({2, 4}))), "LayerNorm: input (2,4) does not end in 5 features", ShapeError);
}
