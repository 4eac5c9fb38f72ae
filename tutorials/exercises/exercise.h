// What every exercise file includes: attograd in double precision (the
// checks compare gradients with finite differences) and the marker of a
// function body still to write.
#pragma once

#include "autograd/autograd.h"

#include <stdexcept>
#include <string>

namespace atto::exercise {

// Thrown by each function body a learner has not written yet; the grader
// reports it as "not written yet".
struct NotWrittenYet : std::runtime_error {
  explicit NotWrittenYet(const std::string& function) : std::runtime_error(function + " is not written yet") {}
};

}  // namespace atto::exercise
