// The grader every exercise's checks use: each check prints PASS or FAIL
// with its reason in a learner's words, then one summary line. With
// --expect-all-fail (what `make test` runs on the untouched stubs) it exits
// 0 only if every check failed: a check that passes on a stub is a bug.
// With --pictures DIR (what `make exercise N` passes), a failed gradient
// check also writes the Jacobians as a picture into DIR and names the file.
#pragma once

#include "autograd/autograd.h"

#include <functional>
#include <string>

namespace atto::exercise {

class Grader {
 public:
  Grader(int argc, char** argv, std::string title);

  // Runs one check: it returns "" when the learner's code is right, else the
  // reason. An exception from the learner's code fails the check with its
  // message ("mul_backward is not written yet").
  void check(const std::string& name, const std::function<std::string()>& body);

  // Prints "N passed, M failed" and returns the exit status.
  [[nodiscard]] int finish() const;

 private:
  std::string title_;
  bool expect_all_fail_ = false;
  int passed_ = 0, failed_ = 0;
};

// "" when `got` equals `want` to 1e-10 (relative), else a sentence naming
// `what`, the shapes, or the worst element and how far off it is.
[[nodiscard]] std::string compare(const std::string& what, const Tensor& got, const Tensor& want);

// "" when the learner's backward, run through record(), passes gradcheck on
// `inputs`; else gradcheck's diagnosis ("your gradient for input 1 is 2x too
// large everywhere", ...) and, under --pictures, where the picture of the
// Jacobians went. `forward` builds the op from the learner's pieces.
[[nodiscard]] std::string gradient_check(const std::string& what, const GradcheckFn& forward,
                                         const std::vector<Tensor>& inputs);

}  // namespace atto::exercise
