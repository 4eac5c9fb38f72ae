// The exceptions every op throws on misuse.
//
// Messages start with the op's name and show the shapes involved, e.g.
//   matmul: (2,3) x (4,5): inner dims 3 != 4
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace atto {

// A shape, rank or axis that does not fit the op.
struct ShapeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Any other bad argument: a negative size, a step of zero, an unknown option.
struct ArgumentError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

template <class... Args>
[[noreturn]] void throw_shape_error(std::string_view op, fmt::format_string<Args...> what, Args&&... args) {
  throw ShapeError(fmt::format("{}: {}", op, fmt::format(what, std::forward<Args>(args)...)));
}

template <class... Args>
[[noreturn]] void throw_argument_error(std::string_view op, fmt::format_string<Args...> what, Args&&... args) {
  throw ArgumentError(fmt::format("{}: {}", op, fmt::format(what, std::forward<Args>(args)...)));
}

}  // namespace atto
