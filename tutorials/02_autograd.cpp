// Tutorial 02: automatic differentiation
//
// The neuron below, with its numbers (x1 = 2, w1 = -3, b = 6.88...), is the
// one of Andrej Karpathy's micrograd lecture ("The spelled-out intro to
// neural networks and backpropagation"), so a learner can follow both side
// by side.
//
// Training a model means asking, for every parameter, "if I nudge you, how
// does the loss change?": the gradient. Reverse-mode autograd answers for all
// parameters at once, at the cost of about one extra forward pass. This
// tutorial builds a tiny graph by hand, runs backward, checks every number
// against the derivative worked on paper, then lets gradcheck confirm (and
// catch a wrong derivative), and finally draws the graph.
//
// The tutorial links the double-precision build of attograd: gradcheck
// compares against finite differences, which need double's extra digits.
//
// Run it:  build/tutorials/02_autograd [--quick] [--seed S] [--out DIR]
#include "autograd/autograd.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

using namespace atto;
using atto::tutorial::section;

namespace {

void compare(const char* what, Real autograd, Real paper) {
  fmt::print("  {:<10} autograd {:>9.6f}   paper {:>9.6f}   {}\n", what, autograd, paper,
             std::abs(autograd - paper) < 1e-12 ? "same" : "DIFFERENT");
}

// A sigmoid whose backward has a typo: y * (1 + y) instead of y * (1 - y).
// The kind of bug gradcheck exists to catch.
Var sigmoid_with_typo(const Var& x) {
  Tensor y = atto::sigmoid(x.value());
  return record("sigmoid_with_typo", "y = sigmoid(x)  ->  dx = g * y * (1 + y)   (the typo: 1 + y for 1 - y)", y, {x},
                [y](const Tensor& g) -> Grads {
    return {map("sigmoid_with_typo", y, g, [](Real yv, Real gv) { return gv * yv * (1 + yv); })};
  });
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 02: a graph built by hand, backward, gradient checks, graph export.");
  // The explorer page (02_autograd.html, full mode or --html) shows the
  // neuron's graph to click through and every gradient check below.
  tutorial::ExplorerPage page(options, "Tutorial 02: autograd by hand");

  // ## 1. One neuron, by hand
  //
  // o = tanh(x1*w1 + x2*w2 + b). Leaves are the numbers we start from; those
  // created with requires_grad=true will receive gradients. Each op records
  // a node: its name, its inputs, and how to send a gradient back to them.
  section("1. Forward: one neuron");
  Var x1(scalar(2.0), true), x2(scalar(0.0), true);
  Var w1(scalar(-3.0), true), w2(scalar(1.0), true);
  Var b(scalar(6.8813735870195432), true);
  x1.set_name("x1"), x2.set_name("x2"), w1.set_name("w1"), w2.set_name("w2"), b.set_name("b");
  Var n = x1 * w1 + x2 * w2 + b;
  n.set_name("n");
  n.retain_grad();  // interior nodes drop their gradient unless asked to keep it
  Var o = tanh(n);
  o.set_name("o");
  fmt::print("n = {:.6f}, o = tanh(n) = {:.6f}; o was made by '{}'\n", n.item(), o.item(), o.op());

  // ## 2. Backward
  //
  // o.backward() seeds do/do = 1 and walks the graph from o back to the
  // leaves in reverse topological order; each node's backward function
  // turns the gradient of its output into gradients of its inputs (the chain
  // rule, one link at a time).
  //
  // On paper: do/dn = 1 - tanh(n)^2 = 1 - o^2, and n is a sum, so
  //   do/db = do/dn,  do/dw1 = x1 * do/dn,  do/dx1 = w1 * do/dn,  ...
  section("2. Backward, checked against the paper");
  o.backward(true);  // keep the graph: we go through it again below
  const Real don = 1 - o.item() * o.item();
  compare("do/dn", n.grad().item(), don);
  compare("do/db", b.grad().item(), don);
  compare("do/dw1", w1.grad().item(), x1.item() * don);
  compare("do/dx1", x1.grad().item(), w1.item() * don);
  compare("do/dw2", w2.grad().item(), x2.item() * don);
  compare("do/dx2", x2.grad().item(), w2.item() * don);
  // The graph as it stands now, each node with its value and gradient, for
  // the picture of section 5 (drawn before section 3 changes the gradients).
  const std::string graph = to_dot(o);
  page.add_graph("the neuron o = tanh(x1 w1 + x2 w2 + b)", o);

  // ## 3. Gradients accumulate
  //
  // A second backward adds to .grad() instead of replacing it: that is how a
  // gradient is summed over several batches. Clear it with zero_grad(), as
  // every training loop does before each step.
  section("3. Accumulation and zero_grad");
  o.backward(true);
  fmt::print("after a second backward, w1.grad = {:.4f} (twice {:.4f})\n", w1.grad().item(), x1.item() * don);
  w1.zero_grad();
  fmt::print("after zero_grad, w1.has_grad() = {}\n", w1.has_grad());

  // ## 4. gradcheck
  //
  // Is a backward right? Nudge each input by +-eps, see how each output moves,
  // and compare that numeric slope with the analytic one, element by element
  // over the whole Jacobian. A check where every gradient is zero proves
  // nothing, so gradcheck counts it as a failure.
  section("4. gradcheck: the neuron, then every op");
  const GradcheckResult neuron = gradcheck(
      "neuron", [](const std::vector<Var>& v) { return tanh(sum(v[0] * v[1]) + v[2]); },
      {tensor({2, 0}), tensor({-3, 1}), scalar(6.8813735870195432)});
  fmt::print("{}\n\n", neuron.report());

  fmt::print("{:<32} {:>12} {:>12}  {}\n", "op", "max abs err", "max rel err", "result");
  int shown = 0;
  for (const OpCheck& check : op_checks()) {
    if (options.quick && shown == 6) break;
    const GradcheckResult result = run_op_check(check, options.seed);
    fmt::print("{:<32} {:>12.3e} {:>12.3e}  {}\n", check.name, result.max_abs_error, result.max_rel_error,
               result.passed ? "PASS" : "FAIL");
    ++shown;
  }

  // A wrong derivative does not crash anything: training just goes badly.
  // gradcheck finds it and points at the element.
  const GradcheckResult typo = gradcheck(
      "sigmoid_with_typo", [](const std::vector<Var>& v) { return sigmoid_with_typo(v[0]); }, {tensor({-1, 0.5, 2})});
  fmt::print("\n{}\n", typo.report());
  // Where is it wrong? The diagnosis reads the two Jacobians, and the
  // picture shows them side by side with their difference.
  fmt::print("diagnosis: {}\n", typo.diagnosis());
  const std::string jacobians = options.output_path("02_sigmoid_typo_jacobian.svg");
  write_jacobian_picture(typo, jacobians);
  fmt::print("wrote {}\n", jacobians);

  // ## 5. Drawing the graph
  //
  // to_dot() writes the graph in Graphviz's language: each box is a node with
  // its op, shape, value and gradient (for a tensor of several numbers, the
  // gradient's norm), as they were right after the first backward of
  // section 2. With graphviz installed, `dot` turns it into a picture.
  section("5. The graph after the first backward, as Graphviz DOT");
  const std::string dot_path = options.output_path("02_neuron.dot");
  {
    std::ofstream file(dot_path);
    file << graph;
    if (!file) throw IOError(fmt::format("cannot write '{}'", dot_path));
  }
  fmt::print("{}", graph);
  fmt::print("\nwrote {}\n", dot_path);
  if (std::system("command -v dot > /dev/null 2>&1") == 0) {
    const std::string svg_path = options.output_path("02_neuron.svg");
    const int status = std::system(fmt::format("dot -Tsvg '{}' -o '{}'", dot_path, svg_path).c_str());
    fmt::print("{} {}\n", status == 0 ? "wrote" : "dot could not render", svg_path);
  } else {
    fmt::print("(install graphviz to render it: dot -Tsvg {} -o graph.svg)\n", dot_path);
  }
  page.save("02_autograd");
  // Now write these backward functions yourself, and have them graded:
  fmt::print("\nnow write them yourself: make exercise 1 (broadcasting), 2 (tanh, sigmoid), 3 (matmul),\n"
             "5 (the topological order, and a variable used twice)\n");
  return neuron.passed && !typo.passed ? 0 : 1;
}
