// Layers forward + backward, fused and composed, beside PyTorch: causal
// attention, nn's LSTM, and tutorial 12's GRU.
#include "nn/nn.h"
#include "tests/bench/common.h"
#include "tutorials/12_your_own_layer/gru.h"

#include <fmt/format.h>

namespace bench {

// Causal attention B=8 H=4 T=256 d=64, forward + backward, fused and composed,
// beside PyTorch's composed attention.
void bench_attention(const Options& options) {
  if (!selected(options, "attention")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## causal attention B=8 H=4 T=256 d=64, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(2);
  const atto::Shape shape{8, 4, 256, 64};
  atto::Var q(gen.normal(shape), true), k(gen.normal(shape), true), v(gen.normal(shape), true);
  const auto step = [&](bool fused) {
    for (atto::Var* t : {&q, &k, &v}) t->zero_grad();
    const atto::Var out = fused ? atto::scaled_dot_product_attention(q, k, v, 0.125, atto::AttentionMask::causal)
                                : atto::scaled_dot_product_attention_composed(q, k, v, 0.125, atto::AttentionMask::causal);
    atto::sum(out).backward();
  };
  const double fused_ms = measure_fused_and_composed(options.reps, step);
  compare_with_torch("causal_attention", "PyTorch 1.13 composed", threads, options.reps, fused_ms, 0.6);
  fmt::print("memory: attograd = peak live heap during one step; PyTorch = growth of the process's peak RSS\n");
}

// An LSTM layer I=128 H=256 over (B=32, T=64), forward + backward of the sum
// of its output sequence, fused and composed, beside PyTorch's nn.LSTM.
void bench_lstm(const Options& options) {
  if (!selected(options, "lstm")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## LSTM I=128 H=256 T=64 B=32, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(3);
  atto::Var x(gen.normal({32, 64, 128}), true);
  atto::LSTM fused(128, 256, {.return_sequences = true}, gen);
  atto::LSTM composed(128, 256, {.return_sequences = true, .implementation = atto::LSTMImplementation::composed}, gen);
  const double fused_ms = measure_fused_and_composed(options.reps, [&](bool use_fused) {
    atto::LSTM& lstm = use_fused ? fused : composed;
    lstm.zero_grad();
    x.zero_grad();
    atto::sum(lstm(x).output).backward();
  });
  compare_with_torch("lstm", "PyTorch 1.13 nn.LSTM", threads, options.reps, fused_ms, 0.8);
}

// Tutorial 12's GRU, the same shape and work as the LSTM above, beside
// PyTorch's nn.GRU.
void bench_gru(const Options& options) {
  if (!selected(options, "gru")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## GRU (tutorial 12) I=128 H=256 T=64 B=32, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(4);
  atto::Var x(gen.normal({32, 64, 128}), true);
  atto::tutorial::GRU fused(128, 256, atto::tutorial::GRUImplementation::fused, gen);
  atto::tutorial::GRU composed(128, 256, atto::tutorial::GRUImplementation::composed, gen);
  const double fused_ms = measure_fused_and_composed(options.reps, [&](bool use_fused) {
    atto::tutorial::GRU& gru = use_fused ? fused : composed;
    gru.zero_grad();
    x.zero_grad();
    atto::sum(gru.run(x).outputs).backward();
  });
  compare_with_torch("gru", "PyTorch 1.13 nn.GRU", threads, options.reps, fused_ms, 0);
}

}  // namespace bench
