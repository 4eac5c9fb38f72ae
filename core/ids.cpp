#include "core/ids.h"

#include "core/errors.h"

#include <cmath>
#include <limits>

namespace atto {

Ids::Ids(const Shape& shape, std::vector<Index> values) : shape_(shape), values_(std::move(values)) {
  if (shape_.numel() != numel()) {
    throw_shape_error("Ids", "{} needs {} ids, got {}", shape_, shape_.numel(), numel());
  }
}

Ids::Ids(std::vector<Index> values) : shape_{static_cast<Index>(values.size())}, values_(std::move(values)) {}

Ids Ids::from_tensor(const Tensor& ids) {
  // From 2^digits on, neighbouring whole numbers round together: an id
  // there may not be the one meant.
  constexpr Real kFirstInexact = static_cast<Real>(Index{1} << std::numeric_limits<Real>::digits);
  std::vector<Index> values(static_cast<std::size_t>(ids.numel()));
  for (Index i = 0; i < ids.numel(); ++i) {
    const Real r = ids.data()[i];
    if (!(std::abs(r) < kFirstInexact) || r != std::floor(r)) {
      throw_argument_error("Ids::from_tensor", "{} at position {} is not a whole number below {} in magnitude", r, i,
                           kFirstInexact);
    }
    values[static_cast<std::size_t>(i)] = static_cast<Index>(r);
  }
  return Ids(ids.shape(), std::move(values));
}

}  // namespace atto
