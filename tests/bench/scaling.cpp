// The same workloads on 1 and 2 threads: the speedup, and a check that the
// results are the same bits (kernels cut work into blocks that depend only
// on its size, never on the thread count).
#include "autograd/autograd.h"
#include "tests/bench/common.h"
#include "tests/bench/training.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef ATTO_BENCH_CBLAS
#include <cblas.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

namespace {

struct ScalingCase {
  std::string name;
  std::function<atto::Tensor()> run;  // returns what must not depend on the thread count
  double target = 0;                  // the speedup to reach, 0 if none
  std::function<void()> timed = {};   // what is timed, when not `run` itself
};

bool same_bits(const atto::Tensor& a, const atto::Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(Real) * a.numel()) == 0;
}

atto::Tensor flat(const atto::Tensor& t) { return t.reshape({t.numel()}); }

// A training step's model made, three Adam steps taken: its parameters, flat.
// The bits are compared on these; the time is one step of a model made once,
// since making the model is not part of training.
template <class Step>
atto::Tensor three_steps() {
  Step step;
  for (int i = 0; i < 3; ++i) step();
  std::vector<atto::Tensor> values;
  for (const atto::Var& p : step.parameters) values.push_back(flat(p.value()));
  return atto::concat(values, 0);
}

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
         atto::sum(atto::scaled_dot_product_attention(qv, kv, vv, 0.125, atto::AttentionMask::causal)).backward();
         return atto::concat({flat(qv.grad()), flat(kv.grad()), flat(vv.grad())}, 0);
       }},
      {"LSTM fwd+bwd (I=128 H=256 T=64)", [=, lstm = std::make_shared<atto::LSTM>(128, 256, atto::LSTMOptions{
                                                                                        .return_sequences = true})] {
         lstm->zero_grad();
         const atto::Var x(sequence, true);
         atto::sum((*lstm)(x).output).backward();
         return atto::concat({flat(x.grad()), flat(lstm->cell().recurrent_kernel().grad())}, 0);
       }},
      {"seq2seq: one Adam step", three_steps<Seq2seqStep>, 1.4, [step = std::make_shared<Seq2seqStep>()] { (*step)(); }},
      {"GPT: one Adam step", three_steps<GptStep>, 1.5, [step = std::make_shared<GptStep>()] { (*step)(); }},
  };
}

std::function<void()> timed(const ScalingCase& c) {
  if (c.timed) return c.timed;
  return [&c] { c.run(); };
}

// Another program spinning on one core until destroyed, as a browser does on
// a learner's laptop: a child process, so that it is not this one's own
// CPU time. Waits a little, so that the kernels' load sampling
// (core/parallel.h) has seen it before the first timing.
class BackgroundLoad {
 public:
  BackgroundLoad() : child_(fork()) {
    if (child_ == 0) {
      volatile unsigned counter = 0;
      for (;;) counter = counter * 1664525u + 1013904223u;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~BackgroundLoad() {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
  }
  BackgroundLoad(const BackgroundLoad&) = delete;
  BackgroundLoad& operator=(const BackgroundLoad&) = delete;

 private:
  pid_t child_;
};

// Median ms at 1 and at 2 threads, the two timed in turn (1, 2, 1, 2, ...)
// so that a slow spell of a shared machine falls on both alike.
// `set_threads` sets the thread count of whatever `run` runs.
std::pair<double, double> one_and_two_threads(int reps, const std::function<void()>& run,
                                              const std::function<void(int)>& set_threads = atto::set_num_threads) {
  std::vector<double> ms[2];
  for (int threads : {1, 2, 1, 2}) {  // warm-up: caches, and the thread pool at both sizes
    set_threads(threads);
    run();
  }
  for (int rep = 0; rep < reps; ++rep) {
    for (int threads : {1, 2}) {
      set_threads(threads);
      const auto start = std::chrono::steady_clock::now();
      run();
      ms[threads - 1].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
  }
  for (auto& m : ms) std::sort(m.begin(), m.end());
  return {ms[0][ms[0].size() / 2], ms[1][ms[1].size() / 2]};
}

}  // namespace

void bench_scaling(const Options& options) {
  if (!selected(options, "scaling")) return;
  fmt::print("\n## thread scaling: median ms at 1 and 2 threads (timed in turn), and whether the results are the same bits\n");
  fmt::print("{:<34} {:>10} {:>10} {:>9} {:>14}\n", "workload", "1 thread", "2 threads", "speedup", "same bits");
  for (const ScalingCase& c : cases()) {
    std::vector<atto::Tensor> results;
    for (int threads : {1, 2}) {
      atto::set_num_threads(threads);
      results.push_back(c.run());
    }
    const auto [one, two] = one_and_two_threads(options.reps, timed(c));
    fmt::print("{:<34} {:>10.3f} {:>10.3f} {:>8.2f}x {:>14}{}\n", c.name, one, two, one / two,
               same_bits(results[0], results[1]) ? "yes" : "NO", c.target > 0 ? fmt::format("   (target >= {}x)", c.target) : "");
  }
  // The product alone, ten times over: a ratio that holds in one run only
  // is not a property of the kernel. OpenBLAS's own ratio in each round,
  // when it is installed, tells a slow spell of the machine from the kernel.
  fmt::print("\n## sgemm 1024^3, 2 threads vs 1, ten rounds of {} runs each (target >= 1.8x in every round)\n", options.reps);
  const std::vector<ScalingCase> all = cases();
  const ScalingCase& product = all.front();
  std::vector<double> rounds, peer_rounds;
  for (int round = 0; round < 10; ++round) {
    const auto [one, two] = one_and_two_threads(options.reps, [&] { product.run(); });
    rounds.push_back(one / two);
#ifdef ATTO_BENCH_CBLAS
    if constexpr (std::is_same_v<Real, float>) {
      const atto::Tensor a = atto::Generator(9).uniform({1024, 1024}, -1, 1);
      atto::Tensor c = atto::Tensor::empty({1024, 1024});
      const auto [peer_one, peer_two] = one_and_two_threads(
          options.reps,
          [&] {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1024, 1024, 1024, 1.0f, a.data(), 1024, a.data(),
                        1024, 0.0f, c.data(), 1024);
          },
          [](int threads) { openblas_set_num_threads(threads); });
      peer_rounds.push_back(peer_one / peer_two);
    }
#endif
  }
  fmt::print("attograd: ");
  for (double r : rounds) fmt::print("{:.2f}x ", r);
  fmt::print("  lowest {:.2f}x\n", *std::min_element(rounds.begin(), rounds.end()));
  if (!peer_rounds.empty()) {
    fmt::print("OpenBLAS: ");
    for (double r : peer_rounds) fmt::print("{:.2f}x ", r);
    fmt::print("  lowest {:.2f}x\n", *std::min_element(peer_rounds.begin(), peer_rounds.end()));
  }
  // The same with one core busy: 2 threads must not lose to 1 by more than a
  // few percent (core/parallel.h says how the kernels share work).
  fmt::print("\n## thread scaling with one core busy (a spinning child process)\n");
  fmt::print("{:<34} {:>10} {:>10} {:>9}\n", "workload", "1 thread", "2 threads", "2 vs 1");
  const BackgroundLoad load;
  for (const ScalingCase& c : cases()) {
    const auto [one, two] = one_and_two_threads(options.reps, timed(c));
    fmt::print("{:<34} {:>10.3f} {:>10.3f} {:>8.2f}x   (target >= 0.95x)\n", c.name, one, two, one / two);
  }
}

}  // namespace bench
