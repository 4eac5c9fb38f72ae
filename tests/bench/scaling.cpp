// The same workloads on 1 and 2 threads: the speedup, and a check that the
// results are the same bits (kernels cut work into blocks that depend only
// on its size, never on the thread count).
#include "autograd/autograd.h"
#include "tests/bench/common.h"
#include "tests/bench/training.h"

#include <fmt/format.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace bench {

namespace {

struct ScalingCase {
  std::string name;
  std::function<atto::Tensor()> run;  // returns what must not depend on the thread count
  double target = 0;                  // the speedup to reach, 0 if none
};

bool same_bits(const atto::Tensor& a, const atto::Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(Real) * a.numel()) == 0;
}

atto::Tensor flat(const atto::Tensor& t) { return t.reshape({t.numel()}); }

std::vector<ScalingCase> cases() {
  atto::Generator gen(9);
  const atto::Tensor a = gen.uniform({1024, 1024}, -1, 1), b = gen.uniform({1024, 1024}, -1, 1);
  const atto::Tensor big = gen.uniform({Index{1} << 25}, -1, 1);
  const atto::Tensor logits = gen.normal({4096, 1024});
  const atto::Tensor q = gen.normal({8, 4, 256, 64}), k = gen.normal({8, 4, 256, 64}), v = gen.normal({8, 4, 256, 64});
  const atto::Tensor sequence = gen.normal({32, 64, 128});
  return {
      {"sgemm 1024^3", [=] { return atto::matmul(a, b); }, 1.8},
      {"elementwise add 32M", [=] { return atto::add(big, big); }},
      {"softmax (4096, 1024)", [=] { return atto::softmax(logits); }},
      {"causal attention fwd+bwd", [=] {
         const atto::Var qv(q, true), kv(k, true), vv(v, true);
         atto::sum(atto::scaled_dot_product_attention(qv, kv, vv, 0.125, true)).backward();
         return atto::concat({flat(qv.grad()), flat(kv.grad()), flat(vv.grad())}, 0);
       }},
      {"LSTM fwd+bwd (I=128 H=256 T=64)", [=, lstm = std::make_shared<atto::LSTM>(128, 256, atto::LSTMOptions{
                                                                                        .return_sequences = true})] {
         lstm->zero_grad();
         const atto::Var x(sequence, true);
         atto::sum((*lstm)(x).output).backward();
         return atto::concat({flat(x.grad()), flat(lstm->cell().recurrent_kernel().grad())}, 0);
       }},
      {"seq2seq: model + 3 Adam steps", [] {
         Seq2seqStep step;
         for (int i = 0; i < 3; ++i) step();
         std::vector<atto::Tensor> values;
         for (const atto::Var& p : step.parameters) values.push_back(flat(p.value()));
         return atto::concat(values, 0);
       }},
  };
}

// Spins on one core until destroyed: another program holding a core, as a
// browser does on a learner's laptop.
class BackgroundLoad {
 public:
  BackgroundLoad()
      : spinner_([this] {
          unsigned counter = 0;
          while (!stop_.load(std::memory_order_relaxed)) counter = counter * 1664525u + 1013904223u;
          sink_ = counter;
        }) {}
  ~BackgroundLoad() {
    stop_ = true;
    spinner_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> sink_{0};
  std::thread spinner_;
};

}  // namespace

void bench_scaling(const Options& options) {
  if (!selected(options, "scaling")) return;
  fmt::print("\n## thread scaling: median ms at 1 and 2 threads, and whether the results are the same bits\n");
  fmt::print("{:<34} {:>10} {:>10} {:>9} {:>14}\n", "workload", "1 thread", "2 threads", "speedup", "same bits");
  for (const ScalingCase& c : cases()) {
    std::vector<atto::Tensor> results;
    std::vector<double> ms;
    for (int threads : {1, 2}) {
      atto::set_num_threads(threads);
      atto::Tensor result;
      ms.push_back(measure(options.reps, [&] { result = c.run(); }).median * 1e3);
      results.push_back(result);
    }
    const double speedup = ms[0] / ms[1];
    fmt::print("{:<34} {:>10.3f} {:>10.3f} {:>8.2f}x {:>14}{}\n", c.name, ms[0], ms[1], speedup,
               same_bits(results[0], results[1]) ? "yes" : "NO", c.target > 0 ? fmt::format("   (target >= {}x)", c.target) : "");
  }
  // The same with one core busy: 2 threads must not lose to 1 by more than a
  // few percent (core/parallel.h says how the kernels back off).
  fmt::print("\n## thread scaling with one core busy (a spinning thread of this process)\n");
  fmt::print("{:<34} {:>10} {:>10} {:>9}\n", "workload", "1 thread", "2 threads", "2 vs 1");
  const BackgroundLoad load;
  for (const ScalingCase& c : cases()) {
    std::vector<double> ms;
    for (int threads : {1, 2}) {
      atto::set_num_threads(threads);
      ms.push_back(measure(options.reps, [&] { c.run(); }).median * 1e3);
    }
    fmt::print("{:<34} {:>10.3f} {:>10.3f} {:>8.2f}x   (target >= 0.95x)\n", c.name, ms[0], ms[1], ms[0] / ms[1]);
  }
}

}  // namespace bench
