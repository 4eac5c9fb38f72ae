#include "core/ids.h"

#include "core/errors.h"

namespace atto {

Ids::Ids(const Shape& shape, std::vector<Index> values) : shape_(shape), values_(std::move(values)) {
  if (shape_.numel() != numel()) {
    throw_shape_error("Ids", "{} needs {} ids, got {}", shape_, shape_.numel(), numel());
  }
}

Ids::Ids(std::vector<Index> values) : shape_{static_cast<Index>(values.size())}, values_(std::move(values)) {}

}  // namespace atto
