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

// The base of every exception attograd throws: `catch (const atto::Error&)`
// catches them all (ShapeError, ArgumentError, IOError, AnomalyError,
// CheckpointError).
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A shape, rank or axis that does not fit the op.
struct ShapeError : Error {
  using Error::Error;
};

// Any other bad argument: a negative size, a step of zero, an unknown option.
struct ArgumentError : Error {
  using Error::Error;
};

// A file that cannot be opened, read or written; the message names the file
// and the reason.
struct IOError : Error {
  using Error::Error;
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
