#include "tutorials/exercises/grading.h"

#include "autograd/jacobian_picture.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <string_view>

namespace atto::exercise {

namespace {

std::string pictures_folder;  // from --pictures; empty: no pictures

}  // namespace

Grader::Grader(int argc, char** argv, std::string title) : title_(std::move(title)) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--expect-all-fail") expect_all_fail_ = true;
    if (arg == "--pictures" && i + 1 < argc) pictures_folder = argv[++i];
  }
  fmt::print("{}\n\n", title_);
}

void Grader::check(const std::string& name, const std::function<std::string()>& body) {
  std::string reason;
  try {
    reason = body();
  } catch (const std::exception& e) {
    reason = e.what();
  }
  if (reason.empty()) {
    ++passed_;
    fmt::print("  PASS  {}\n", name);
  } else {
    ++failed_;
    fmt::print("  FAIL  {}: {}\n", name, reason);
  }
}

int Grader::finish() const {
  fmt::print("\n{} passed, {} failed\n", passed_, failed_);
  if (expect_all_fail_) {
    if (passed_ > 0) fmt::print("(with the stubs every check must fail: a check passed, so it tests nothing)\n");
    return passed_ == 0 && failed_ > 0 ? 0 : 1;
  }
  return failed_ == 0 ? 0 : 1;
}

std::string compare(const std::string& what, const Tensor& got, const Tensor& want) {
  if (!(got.shape() == want.shape())) {
    return fmt::format("{} has shape {}, the right answer has shape {}", what, got.shape(), want.shape());
  }
  Index worst = -1;
  double worst_error = 0;
  for (Index i = 0; i < got.numel(); ++i) {
    const double error = std::abs(static_cast<double>(got.data()[i]) - want.data()[i]);
    const double allowed = 1e-10 * (1 + std::abs(static_cast<double>(want.data()[i])));
    if (!(error <= allowed) && (worst < 0 || error > worst_error || std::isnan(error))) {
      worst = i;
      worst_error = error;
    }
  }
  if (worst < 0) return "";
  return fmt::format("{} is wrong: at flat position {} you give {:.6g}, the right value is {:.6g}", what, worst,
                     got.data()[worst], want.data()[worst]);
}

std::string gradient_check(const std::string& what, const GradcheckFn& forward, const std::vector<Tensor>& inputs) {
  const GradcheckResult result = gradcheck(what, forward, inputs);
  if (result.passed) return "";
  const std::string diagnosis = result.diagnosis();
  std::string reason = diagnosis.empty() ? result.failure : diagnosis;
  if (!pictures_folder.empty() && !result.analytic_jacobian.empty()) {
    std::filesystem::create_directories(pictures_folder);
    const std::string path = (std::filesystem::path(pictures_folder) / (what + "_jacobian.svg")).string();
    write_jacobian_picture(result, path);
    reason += fmt::format(" (the Jacobians side by side: {})", path);
  }
  return reason;
}

}  // namespace atto::exercise
