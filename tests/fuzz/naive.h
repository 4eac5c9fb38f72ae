// Plain-loop reference versions of the tensor ops, written from the
// documented rules alone (NumPy broadcasting, Python slicing), in double, one
// element at a time. std::nullopt means "the rules say this is an error".
#pragma once

#include <optional>
#include <vector>

#include "core/shape.h"

namespace naive {

using atto::Index;
using atto::Shape;

struct Array {
  Shape shape;
  std::vector<double> values;  // row-major
};

using Result = std::optional<Array>;

std::optional<Shape> broadcast(const Shape& a, const Shape& b);
enum class Binary { add, sub, mul };
Result binary(Binary op, const Array& a, const Array& b);
enum class Unary { neg, tanh, sigmoid, relu, exp_of_tanh };
Array unary(Unary op, const Array& x);
Result sum(const Array& x, int axis, bool keepdim);
Result max(const Array& x, int axis, bool keepdim);
// Ranks 2 to 4 (core/matmul.h), batch axes broadcast.
Result matmul(const Array& a, const Array& b);
Result transpose(const Array& x);
Result reshape(const Array& x, const Shape& shape);
Result slice(const Array& x, int axis, Index start, Index stop, Index step);
Result concat(const Array& a, const Array& b, int axis);
Result softmax(const Array& x);
Result unsqueeze(const Array& x, int axis);
Result squeeze(const Array& x, int axis);
Result expand(const Array& x, const Shape& shape);

}  // namespace naive
