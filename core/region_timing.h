// The bookkeeping behind core/parallel.h's busy-machine policy, shared by
// parallel_for's region (parallel.cpp) and gemm's (gemm.cpp). Not installed.
#pragma once

namespace atto {

[[nodiscard]] int region_threads();  // num_threads(), or 1 while backing off
// `wall_seconds`: the region, start to end; `ideal_seconds`: how long it would
// have taken had every thread worked at the fastest one's pace.
void report_region_balance(double wall_seconds, double ideal_seconds);
[[nodiscard]] double wall_seconds();  // a monotonic clock for the reports (omp_get_wtime)
[[nodiscard]] int thread_index();     // this thread's number within its region (omp_get_thread_num)

}  // namespace atto
