// Progress display for training loops. One line per epoch:
//   epoch  12/200  loss 0.4123  acc 91.3%  1843 ex/s  0.8 s
// On a terminal, a bar also fills in place while an epoch runs; when the
// output is a file or a pipe only the epoch lines are written.
#pragma once

#include "core/real.h"

#include <chrono>
#include <cstdio>
#include <optional>

namespace atto {

class Progress {
 public:
  // `out` is where lines go; live bars are drawn only if it is a terminal.
  Progress(Index epochs, Index batches_per_epoch, std::FILE* out = stdout);

  // After each batch: its size in examples (drives the live bar and ex/s).
  void batch_done(Index examples);
  // After each epoch: prints the epoch line; accuracy is optional.
  void epoch_done(Real loss, std::optional<Real> accuracy = std::nullopt);
  // Print only every n-th epoch line (the first and last always print).
  void print_every(Index n) { every_ = n < 1 ? 1 : n; }

 private:
  using Clock = std::chrono::steady_clock;
  Index epochs_, batches_, every_ = 1;
  Index epoch_ = 0, batch_ = 0, examples_ = 0;
  std::FILE* out_;
  bool live_;
  Clock::time_point start_, epoch_start_;
};

}  // namespace atto
