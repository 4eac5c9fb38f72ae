#include "naive.h"

#include <algorithm>
#include <limits>
#include <cmath>
#include <functional>

namespace naive {

namespace {

// Calls f with every multi-index of shape, in row-major order.
void for_each_index(const Shape& shape, const std::function<void(const std::vector<Index>&)>& f) {
  for (Index d : shape) {
    if (d == 0) return;
  }
  std::vector<Index> index(shape.rank(), 0);
  while (true) {
    f(index);
    int axis = shape.rank() - 1;
    while (axis >= 0 && ++index[axis] == shape[axis]) index[axis--] = 0;
    if (axis < 0) return;
  }
}

Index offset(const Shape& shape, const std::vector<Index>& index) {
  Index at = 0;
  for (int i = 0; i < shape.rank(); ++i) at = at * shape[i] + index[i];
  return at;
}

Index count(const Shape& shape) {
  Index n = 1;
  for (Index d : shape) n *= d;
  return n;
}

// The element of x that broadcasting reads for an index into `to`.
double read_broadcast(const Array& x, const Shape& to, const std::vector<Index>& index) {
  std::vector<Index> mine(x.shape.rank());
  for (int i = 0; i < x.shape.rank(); ++i) {
    const Index outer = index[to.rank() - x.shape.rank() + i];
    mine[i] = x.shape[i] == 1 ? 0 : outer;
  }
  return x.values[offset(x.shape, mine)];
}

bool axis_ok(int axis, int rank) { return rank > 0 && axis >= -rank && axis < rank; }
int wrap(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

Array zeros(const Shape& shape) { return {shape, std::vector<double>(count(shape), 0.0)}; }

}  // namespace

std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  const int rank = std::max(a.rank(), b.rank());
  Shape out;
  for (int i = 0; i < rank; ++i) {
    const int ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    const Index da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

Result binary(Binary op, const Array& a, const Array& b) {
  const auto shape = broadcast(a.shape, b.shape);
  if (!shape) return std::nullopt;
  Array out = zeros(*shape);
  for_each_index(*shape, [&](const std::vector<Index>& i) {
    const double x = read_broadcast(a, *shape, i), y = read_broadcast(b, *shape, i);
    out.values[offset(*shape, i)] = op == Binary::add ? x + y : op == Binary::sub ? x - y : x * y;
  });
  return out;
}

Array unary(Unary op, const Array& x) {
  Array out = x;
  for (double& v : out.values) {
    switch (op) {
      case Unary::neg:
        v = -v;
        break;
      case Unary::tanh:
        v = std::tanh(v);
        break;
      case Unary::sigmoid:
        v = 1 / (1 + std::exp(-v));
        break;
      case Unary::relu:
        v = v > 0 || std::isnan(v) ? v : 0;
        break;
      case Unary::exp_of_tanh:
        v = std::exp(std::tanh(v));
        break;
    }
  }
  return out;
}

namespace {

Result reduce(const Array& x, int axis, bool keepdim, bool is_max) {
  if (!axis_ok(axis, x.shape.rank())) return std::nullopt;
  const int a = wrap(axis, x.shape.rank());
  if (is_max && x.shape[a] == 0) return std::nullopt;
  Shape kept = x.shape;
  kept[a] = 1;
  Array out = zeros(kept);
  std::vector<bool> seen(out.values.size(), false);
  for_each_index(x.shape, [&](const std::vector<Index>& i) {
    std::vector<Index> o = i;
    o[a] = 0;
    double& slot = out.values[offset(kept, o)];
    const double v = x.values[offset(x.shape, i)];
    if (!is_max) {
      slot += v;
    } else if (!seen[offset(kept, o)] || v > slot || (std::isnan(v) && !std::isnan(slot))) {
      slot = v;
      seen[offset(kept, o)] = true;
    }
  });
  if (!keepdim) out.shape = kept.without_axis(a);
  return out;
}

}  // namespace

Result sum(const Array& x, int axis, bool keepdim) { return reduce(x, axis, keepdim, false); }
Result max(const Array& x, int axis, bool keepdim) { return reduce(x, axis, keepdim, true); }

Result matmul(const Array& a, const Array& b) {
  const int ra = a.shape.rank(), rb = b.shape.rank();
  if (ra < 2 || rb < 2 || ra > 4 || rb > 4 || a.shape[ra - 1] != b.shape[rb - 2]) return std::nullopt;
  const Shape batch_a(std::span<const Index>(a.shape.begin(), ra - 2));
  const Shape batch_b(std::span<const Index>(b.shape.begin(), rb - 2));
  const auto batch = broadcast(batch_a, batch_b);
  if (!batch) return std::nullopt;
  const Index m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
  Shape shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  Array out = zeros(shape);
  for_each_index(shape, [&](const std::vector<Index>& i) {
    std::vector<Index> ia(i.begin(), i.end() - 2), ib(i.begin(), i.end() - 2);
    double total = 0;
    for (Index p = 0; p < k; ++p) {
      std::vector<Index> at_a(ia), at_b(ib);
      at_a.push_back(i[i.size() - 2]);
      at_a.push_back(p);
      at_b.push_back(p);
      at_b.push_back(i.back());
      Shape full_a = *batch, full_b = *batch;
      full_a.push_back(m), full_a.push_back(k), full_b.push_back(k), full_b.push_back(n);
      total += read_broadcast(a, full_a, at_a) * read_broadcast(b, full_b, at_b);
    }
    out.values[offset(shape, i)] = total;
  });
  return out;
}

Result transpose(const Array& x) {
  const int r = x.shape.rank();
  if (r < 2) return std::nullopt;
  Shape shape = x.shape;
  std::swap(shape[r - 1], shape[r - 2]);
  Array out = zeros(shape);
  for_each_index(x.shape, [&](const std::vector<Index>& i) {
    std::vector<Index> o = i;
    std::swap(o[r - 1], o[r - 2]);
    out.values[offset(shape, o)] = x.values[offset(x.shape, i)];
  });
  return out;
}

Result reshape(const Array& x, const Shape& shape) {
  if (count(shape) != count(x.shape)) return std::nullopt;
  return Array{shape, x.values};
}

Result slice(const Array& x, int axis, Index start, Index stop, Index step) {
  if (!axis_ok(axis, x.shape.rank()) || step <= 0) return std::nullopt;
  const int a = wrap(axis, x.shape.rank());
  const Index n = x.shape[a];
  // Python's rules: negative bounds count from the end, then clamp to [0, n].
  const auto clamp = [n](Index i) { return std::clamp(i < 0 ? i + n : i, Index(0), n); };
  std::vector<Index> picked;
  for (Index i = clamp(start); i < clamp(stop); i += step) picked.push_back(i);
  Shape shape = x.shape;
  shape[a] = static_cast<Index>(picked.size());
  Array out = zeros(shape);
  for_each_index(shape, [&](const std::vector<Index>& i) {
    std::vector<Index> from = i;
    from[a] = picked[i[a]];
    out.values[offset(shape, i)] = x.values[offset(x.shape, from)];
  });
  return out;
}

Result concat(const Array& a, const Array& b, int axis) {
  const int r = a.shape.rank();
  if (b.shape.rank() != r || !axis_ok(axis, r)) return std::nullopt;
  const int ax = wrap(axis, r);
  for (int i = 0; i < r; ++i) {
    if (i != ax && a.shape[i] != b.shape[i]) return std::nullopt;
  }
  Shape shape = a.shape;
  shape[ax] = a.shape[ax] + b.shape[ax];
  Array out = zeros(shape);
  for_each_index(shape, [&](const std::vector<Index>& i) {
    std::vector<Index> from = i;
    const bool first = i[ax] < a.shape[ax];
    if (!first) from[ax] -= a.shape[ax];
    out.values[offset(shape, i)] = first ? a.values[offset(a.shape, from)] : b.values[offset(b.shape, from)];
  });
  return out;
}

Result softmax(const Array& x) {
  if (x.shape.rank() == 0) return std::nullopt;
  Array out = x;
  const Index n = x.shape[x.shape.rank() - 1];
  // The documented limits (core/softmax.h): a NaN makes the row NaN, +inf
  // entries share the weight equally, a row of nothing but -inf gives zeros.
  for (size_t row = 0; n > 0 && row < x.values.size(); row += n) {
    const auto first = x.values.begin() + static_cast<std::ptrdiff_t>(row), last = first + n;
    const double inf = std::numeric_limits<double>::infinity();
    if (std::any_of(first, last, [](double v) { return std::isnan(v); })) {
      std::fill_n(out.values.begin() + static_cast<std::ptrdiff_t>(row), n, std::nan(""));
      continue;
    }
    const double top = *std::max_element(first, last);
    if (top == -inf || top == inf) {
      const double count = static_cast<double>(std::count(first, last, inf));
      for (Index j = 0; j < n; ++j) out.values[row + j] = top == inf && x.values[row + j] == inf ? 1 / count : 0;
      continue;
    }
    double total = 0;
    for (Index j = 0; j < n; ++j) total += out.values[row + j] = std::exp(x.values[row + j] - top);
    for (Index j = 0; j < n; ++j) out.values[row + j] /= total;
  }
  return out;
}

Result unsqueeze(const Array& x, int axis) {
  const int r = x.shape.rank();
  if (axis < -(r + 1) || axis > r || r == atto::kMaxRank) return std::nullopt;
  const int a = axis < 0 ? axis + r + 1 : axis;
  Shape shape;
  for (int i = 0; i <= r; ++i) shape.push_back(i == a ? 1 : x.shape[i < a ? i : i - 1]);
  return Array{shape, x.values};
}

Result squeeze(const Array& x, int axis) {
  if (!axis_ok(axis, x.shape.rank()) || x.shape[wrap(axis, x.shape.rank())] != 1) return std::nullopt;
  return Array{x.shape.without_axis(wrap(axis, x.shape.rank())), x.values};
}

Result expand(const Array& x, const Shape& shape) {
  const auto joined = broadcast(x.shape, shape);
  if (!joined || !(*joined == shape)) return std::nullopt;
  Array out = zeros(shape);
  for_each_index(shape,
                 [&](const std::vector<Index>& i) { out.values[offset(shape, i)] = read_broadcast(x, shape, i); });
  return out;
}

}  // namespace naive
