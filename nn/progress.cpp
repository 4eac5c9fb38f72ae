#include "nn/progress.h"

#include <fmt/format.h>

#include <algorithm>

#include <unistd.h>

namespace atto {

Progress::Progress(Index epochs, Index batches_per_epoch, std::FILE* out)
    : epochs_(epochs),
      batches_(batches_per_epoch),
      out_(out),
      live_(isatty(fileno(out)) != 0),
      start_(Clock::now()),
      epoch_start_(start_) {}

void Progress::batch_done(Index examples) {
  ++batch_;
  examples_ += examples;
  if (!live_ || batches_ <= 0) return;
  constexpr int kWidth = 30;
  // More batches than announced fill the bar, never overflow it.
  const auto filled = static_cast<int>(kWidth * std::min(batch_, batches_) / batches_);
  fmt::print(out_, "\repoch {:>4}/{} [{}{}]", epoch_ + 1, epochs_, std::string(filled, '='),
             std::string(kWidth - filled, ' '));
  std::fflush(out_);
}

void Progress::epoch_done(Real loss, std::optional<Real> accuracy) {
  ++epoch_;
  const auto now = Clock::now();
  const double epoch_seconds = std::chrono::duration<double>(now - epoch_start_).count();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = epoch_seconds > 0 ? static_cast<double>(examples_) / epoch_seconds : 0;
  if (live_) fmt::print(out_, "\r\033[K");
  if (epoch_ == 1 || epoch_ == epochs_ || epoch_ % every_ == 0) {
    const std::string acc = accuracy ? fmt::format("  acc {:5.1f}%", *accuracy * 100) : "";
    fmt::print(out_, "epoch {:>4}/{}  loss {:.4f}{}  {:>8.0f} ex/s  {:.1f} s\n", epoch_, epochs_, loss, acc, rate,
               elapsed);
  }
  std::fflush(out_);
  batch_ = 0;
  examples_ = 0;
  epoch_start_ = now;
}

}  // namespace atto
