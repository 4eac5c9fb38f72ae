// Printing tensors with fmt, NumPy style:
//   fmt::print("{}\n", t);
//   tensor([[1, 2, 3],
//           [4, 5, 6]])  shape=(2,3)
// Tensors of more than 1000 elements are summarised: along each long axis
// only the first and last three entries are shown, around "...".
#pragma once

#include "core/tensor.h"

#include <fmt/format.h>

#include <string>

namespace atto {

[[nodiscard]] std::string to_string(const Tensor& t);

}  // namespace atto

template <>
struct fmt::formatter<atto::Tensor> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const atto::Tensor& t, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}", atto::to_string(t));
  }
};
