#include "core/parallel.h"

#include "core/errors.h"

#include <omp.h>

namespace atto {

void set_num_threads(int threads) {
  if (threads < 1) throw_argument_error("set_num_threads", "thread count {} must be >= 1", threads);
  omp_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace atto
