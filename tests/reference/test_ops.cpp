// Every differentiable op against PyTorch: values and the gradients of every
// input, from the fixtures written by generate.py. The fused ops are checked
// twice, as fused and as their composed twins.
#include <doctest/doctest.h>

#include <functional>

#include "autograd/autograd.h"
#include "fixture.h"

using namespace atto;
using reference::Fixture;

namespace {

using Inputs = std::map<std::string, Var>;

// Runs `op` on the fixture's inputs and checks its one output, "y".
void check_op(const std::string& name, const std::function<Var(const Fixture&, const Inputs&)>& op) {
  CAPTURE(name);
  const Fixture fixture(name);
  const Inputs inputs = fixture.inputs();
  fixture.check({{"y", op(fixture, inputs)}}, inputs);
}

}  // namespace

TEST_CASE("reference: arithmetic with broadcasting") {
  check_op("add_broadcast", [](const Fixture&, const Inputs& in) { return in.at("a") + in.at("b"); });
  check_op("sub_broadcast", [](const Fixture&, const Inputs& in) { return in.at("a") - in.at("b"); });
  check_op("mul_broadcast", [](const Fixture&, const Inputs& in) { return in.at("a") * in.at("b"); });
  check_op("div_broadcast", [](const Fixture&, const Inputs& in) { return in.at("a") / in.at("b"); });
  check_op("neg", [](const Fixture&, const Inputs& in) { return -in.at("x"); });
  check_op("pow", [](const Fixture& f, const Inputs& in) { return pow(in.at("x"), f.option("exponent")); });
}

TEST_CASE("reference: elementwise functions") {
  check_op("exp", [](const Fixture&, const Inputs& in) { return exp(in.at("x")); });
  check_op("log", [](const Fixture&, const Inputs& in) { return log(in.at("x")); });
  check_op("tanh", [](const Fixture&, const Inputs& in) { return tanh(in.at("x")); });
  check_op("sigmoid", [](const Fixture&, const Inputs& in) { return sigmoid(in.at("x")); });
  check_op("relu", [](const Fixture&, const Inputs& in) { return relu(in.at("x")); });
}

TEST_CASE("reference: reductions") {
  check_op("sum_all", [](const Fixture&, const Inputs& in) { return sum(in.at("x")); });
  check_op("mean_all", [](const Fixture&, const Inputs& in) { return mean(in.at("x")); });
  for (const char* name : {"sum_axis", "sum_axis_keepdim"}) {
    check_op(name, [](const Fixture& f, const Inputs& in) {
      return sum(in.at("x"), static_cast<int>(f.index_option("axis")), f.flag("keepdim"));
    });
  }
  check_op("mean_axis_keepdim", [](const Fixture& f, const Inputs& in) {
    return mean(in.at("x"), static_cast<int>(f.index_option("axis")), f.flag("keepdim"));
  });
  check_op("max_axis", [](const Fixture& f, const Inputs& in) {
    return max(in.at("x"), static_cast<int>(f.index_option("axis")), f.flag("keepdim"));
  });
}

TEST_CASE("reference: matmul, transposed, batched and broadcast") {
  for (const char* name : {"matmul", "matmul_trans_a", "matmul_trans_b", "matmul_batched", "matmul_broadcast"}) {
    check_op(name, [](const Fixture& f, const Inputs& in) {
      return matmul(in.at("a"), in.at("b"), transpose_of(f.flag("trans_a"), f.flag("trans_b")));
    });
  }
}

TEST_CASE("reference: moving elements") {
  check_op("reshape", [](const Fixture&, const Inputs& in) { return reshape(in.at("x"), {4, 6}); });
  check_op("permute", [](const Fixture&, const Inputs& in) { return permute(in.at("x"), {2, 0, 1}); });
  check_op("transpose", [](const Fixture&, const Inputs& in) { return transpose(in.at("x")); });
  check_op("slice_step", [](const Fixture& f, const Inputs& in) {
    return slice(in.at("x"), static_cast<int>(f.index_option("axis")), f.index_option("start"), f.index_option("stop"),
                 f.index_option("step"));
  });
  check_op("concat", [](const Fixture&, const Inputs& in) { return concat({in.at("a"), in.at("b"), in.at("c")}, 1); });
  check_op("expand", [](const Fixture&, const Inputs& in) { return expand(in.at("x"), {2, 3, 4}); });

  const Fixture fixture("unsqueeze_squeeze");
  const Inputs inputs = fixture.inputs();
  const Var unsqueezed = unsqueeze(inputs.at("x"), 1);
  fixture.check({{"unsqueezed", unsqueezed}, {"squeezed", squeeze(unsqueezed, 1) * Real(2)}}, inputs);
}

TEST_CASE("reference: take_rows, where and masked_fill") {
  check_op("take_rows", [](const Fixture& f, const Inputs& in) {
    return take_rows(in.at("table"), f.tensor("const.indices"), f.index_option("skip_row"));
  });
  check_op("where", [](const Fixture& f, const Inputs& in) {
    return where(f.tensor("const.condition"), in.at("a"), in.at("b"));
  });
  check_op("masked_fill", [](const Fixture& f, const Inputs& in) {
    return masked_fill(in.at("x"), f.tensor("const.mask"), f.option("value"));
  });
}

TEST_CASE("reference: softmax, log_softmax and cross-entropy, fused and composed") {
  check_op("softmax", [](const Fixture&, const Inputs& in) { return softmax(in.at("x")); });
  check_op("softmax", [](const Fixture&, const Inputs& in) { return softmax_composed(in.at("x")); });
  check_op("log_softmax", [](const Fixture&, const Inputs& in) { return log_softmax(in.at("x")); });
  check_op("log_softmax", [](const Fixture&, const Inputs& in) { return log_softmax_composed(in.at("x")); });
  for (bool fused : {true, false}) {
    CAPTURE(fused);
    const Fixture fixture("softmax_cross_entropy");
    const Inputs inputs = fixture.inputs();
    const Tensor& targets = fixture.tensor("const.targets");
    const Index ignore = fixture.index_option("ignore_index");
    const Var loss = fused ? softmax_cross_entropy(inputs.at("logits"), targets, ignore)
                           : softmax_cross_entropy_composed(inputs.at("logits"), targets, ignore);
    fixture.check({{"loss", loss}}, inputs);
  }
}

TEST_CASE("reference: scaled dot-product attention, fused and composed") {
  for (const char* name : {"sdpa", "sdpa_causal", "sdpa_bias"}) {
    for (bool fused : {true, false}) {
      CAPTURE(fused);
      check_op(name, [fused](const Fixture& f, const Inputs& in) {
        const Tensor bias = f.has("const.bias") ? f.tensor("const.bias") : Tensor();
        const auto attend = fused ? scaled_dot_product_attention : scaled_dot_product_attention_composed;
        return attend(in.at("q"), in.at("k"), in.at("v"), f.option("scale"),
                      f.flag("causal") ? AttentionMask::causal : AttentionMask::none, bias);
      });
    }
  }
}

TEST_CASE("reference: lstm_sequence with a mask and an initial state, fused and composed") {
  for (bool fused : {true, false}) {
    CAPTURE(fused);
    check_op("lstm_sequence", [fused](const Fixture& f, const Inputs& in) {
      const auto run = fused ? lstm_sequence : lstm_sequence_composed;
      return run(in.at("x"), in.at("h0"), in.at("c0"), in.at("kernel"), in.at("recurrent"), in.at("bias"),
                 f.tensor("const.mask"));
    });
  }
}
