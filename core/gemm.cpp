// The matmul kernel, organised as in BLIS (Van Zee and van de Geijn, 2015).
//
// C is computed in tiles. For each block of KC columns of op(A) (and rows of
// op(B)) the operands are copied ("packed") into small contiguous panels laid
// out in exactly the order the micro-kernel reads them:
//   * op(B)'s panel is split into strips of NR columns, stored k-major;
//   * op(A)'s block is split into strips of MR rows, stored k-major;
//   * the micro-kernel keeps an MR x NR tile of C in vector registers and, for
//     each k, multiplies one broadcast value of A by the NR values of B.
// Packing makes every inner-loop load sequential, and lets one kernel serve
// all four transpose combinations. The micro-kernel and the sizes MR, NR, KC,
// MC, NC belong to the instruction set (core/gemm_micro_kernel.cpp); this
// file is compiled once and reads them from the kernel in use.
//
// Determinism: every element of C is summed over k in the same order (KC
// blocks in sequence, k in sequence within the block) whichever thread
// computes it, so results are bitwise identical for any thread count.
#include "core/gemm.h"

#include "core/cpu_kernels.h"
#include "core/parallel.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace atto {

namespace {

using detail::GemmKernel;

Real* aligned_buffer(std::unique_ptr<Real[], decltype(&std::free)>& buffer, Index& capacity, Index size) {
  if (size > capacity) {
    const size_t bytes = (static_cast<size_t>(size) * sizeof(Real) + 63) / 64 * 64;
    buffer.reset(static_cast<Real*>(std::aligned_alloc(64, bytes)));
    capacity = size;
  }
  return buffer.get();
}

// Per-thread packing buffers, grown on demand and kept between calls. The
// calling thread's B buffer is shared with its team for one product; each
// thread packs its blocks of A into its own A buffer.
struct PackBuffers {
  std::unique_ptr<Real[], decltype(&std::free)> a{nullptr, &std::free};
  std::unique_ptr<Real[], decltype(&std::free)> b{nullptr, &std::free};
  Index a_capacity = 0, b_capacity = 0;
};
thread_local PackBuffers tls_buffers;

// Both operands are packed into strips stored depth-major: a strip `width`
// values wide (MR rows of A, NR columns of B) holds, for each depth p, its
// values side by side at out[p * width], zero-padded past `count`. Whether a
// strip's values lie side by side in the stored matrix or each along the
// depth depends on the operand and its transpose; one function for each.

// Values side by side: out[p * width + r] = first[p * ld + r].
void pack_runs(const Real* first, Index ld, Index count, Index kc, Index width, Real* out) {
  for (Index p = 0; p < kc; ++p) {
    std::memcpy(out + p * width, first + p * ld, count * sizeof(Real));
    std::fill(out + p * width + count, out + (p + 1) * width, Real(0));
  }
}

// Four stored rows, each along the depth, written as a strip's columns
// (out[p * width + i] = rows[i][p]): four depths at a time are transposed
// in registers, eight memory operations for sixteen values instead of
// thirty-two. This file is built for every CPU, so the vectors are the
// compiler's generic ones: in float 128-bit, which any x86-64 or ARM64 has
// (in double the compiler splits them in two).
using Quad = Real __attribute__((vector_size(4 * sizeof(Real))));

void pack_four_rows(const Real* const rows[4], Index kc, Index width, Real* out) {
  Index p = 0;
  for (; p + 4 <= kc; p += 4) {
    Quad r[4];
    for (int i = 0; i < 4; ++i) std::memcpy(&r[i], rows[i] + p, sizeof(Quad));
    const Quad low01 = __builtin_shufflevector(r[0], r[1], 0, 4, 1, 5);   // r0[0] r1[0] r0[1] r1[1]
    const Quad high01 = __builtin_shufflevector(r[0], r[1], 2, 6, 3, 7);  // r0[2] r1[2] r0[3] r1[3]
    const Quad low23 = __builtin_shufflevector(r[2], r[3], 0, 4, 1, 5);
    const Quad high23 = __builtin_shufflevector(r[2], r[3], 2, 6, 3, 7);
    const Quad depth[4] = {__builtin_shufflevector(low01, low23, 0, 1, 4, 5),
                           __builtin_shufflevector(low01, low23, 2, 3, 6, 7),
                           __builtin_shufflevector(high01, high23, 0, 1, 4, 5),
                           __builtin_shufflevector(high01, high23, 2, 3, 6, 7)};
    for (int i = 0; i < 4; ++i) std::memcpy(out + (p + i) * width, &depth[i], sizeof(Quad));
  }
  for (; p < kc; ++p) {
    for (int i = 0; i < 4; ++i) out[p * width + i] = rows[i][p];
  }
}

// Each value along the depth: out[p * width + r] = first[r * ld + p].
void pack_rows_as_columns(const Real* first, Index ld, Index count, Index kc, Index width, Real* out) {
  Index r = 0;
  for (; r + 4 <= count; r += 4) {
    const Real* const four[4] = {first + r * ld, first + (r + 1) * ld, first + (r + 2) * ld, first + (r + 3) * ld};
    pack_four_rows(four, kc, width, out + r);
  }
  for (; r < count; ++r) {
    for (Index p = 0; p < kc; ++p) out[p * width + r] = first[r * ld + p];
  }
  for (Index p = 0; p < kc; ++p) std::fill(out + p * width + count, out + (p + 1) * width, Real(0));
}

// Packs rows [i0, i0+mc) x depth [p0, p0+kc) of op(A) into MR-row strips.
// op(A) row i is stored row i, or with a transpose stored column i.
void pack_a(const GemmKernel& kernel, const GemmOperand& a, Index i0, Index mc, Index p0, Index kc, Real* out) {
  const Index MR = kernel.mr;
  for (Index strip = 0; strip < mc; strip += MR) {
    const Index rows = std::min(MR, mc - strip), i = i0 + strip;
    if (a.transposed) {
      pack_runs(a.data + p0 * a.ld + i, a.ld, rows, kc, MR, out);
    } else {
      pack_rows_as_columns(a.data + i * a.ld + p0, a.ld, rows, kc, MR, out);
    }
    out += kc * MR;
  }
}

// Packs depth [p0, p0+kc) x columns [j0, j0+cols) of op(B) into one NR-wide
// strip. op(B) column j is stored column j, or with a transpose stored row j.
void pack_b_strip(const GemmKernel& kernel, const GemmOperand& b, Index p0, Index kc, Index j0, Index cols, Real* out) {
  if (b.transposed) {
    pack_rows_as_columns(b.data + j0 * b.ld + p0, b.ld, cols, kc, kernel.nr, out);
  } else {
    pack_runs(b.data + p0 * b.ld + j0, b.ld, cols, kc, kernel.nr, out);
  }
}

// Packs the panel of op(B) for columns [j0, j0+nc) and depth [p0, p0+kc),
// strips [first, last) of it.
void pack_b_strips(const GemmKernel& kernel, const GemmOperand& b, Index j0, Index nc, Index p0, Index kc, Index first,
                   Index last, Real* panel) {
  const Index NR = kernel.nr;
  for (Index s = first; s < last; ++s) {
    pack_b_strip(kernel, b, p0, kc, j0 + s * NR, std::min(NR, nc - s * NR), panel + s * NR * kc);
  }
}

// One MC x NC tile of C against an already packed B panel.
void tile_product(const GemmKernel& kernel, const GemmOperand& a, const Real* packed_b, Index i0, Index mc, Index j0,
                  Index nc, Index p0, Index kc, Real* c, Index ldc, bool accumulate) {
  const Index MR = kernel.mr, NR = kernel.nr;
  PackBuffers& buffers = tls_buffers;
  Real* packed_a = aligned_buffer(buffers.a, buffers.a_capacity, ((mc + MR - 1) / MR) * MR * kc);
  pack_a(kernel, a, i0, mc, p0, kc, packed_a);
  for (Index jr = 0; jr < nc; jr += NR) {
    const Index cols = std::min(NR, nc - jr);
    for (Index ir = 0; ir < mc; ir += MR) {
      kernel.micro_kernel(kc, packed_a + ir * kc, packed_b + jr * kc, c + (i0 + ir) * ldc + j0 + jr, ldc,
                          std::min(MR, mc - ir), cols, accumulate);
    }
  }
}

void zero_or_keep(Index m, Index n, Real* c, Index ldc, bool accumulate) {
  if (accumulate) return;
  for (Index i = 0; i < m; ++i) std::fill_n(c + i * ldc, n, Real(0));
}

// op(B) packed ahead (a PackedB's panels): panel (j0, p0) starts at
// data + offsets[j0 / NC * depth_blocks + p0 / KC].
struct PrepackedPanels {
  const Real* data;
  const Index* offsets;
  Index depth_blocks;
};

// fn(i) for every i in [0, count): shared out among the threads of the
// enclosing parallel region, which all call it, when `shared` (a barrier
// follows); in order on this thread otherwise.
template <class Fn>
void for_each_item(bool shared, Index count, Fn&& fn) {
  if (!shared) {
    for (Index i = 0; i < count; ++i) fn(i);
    return;
  }
#pragma omp for schedule(dynamic, 1)
  for (Index i = 0; i < count; ++i) fn(i);
}

// Few rows of C and many columns, as in a weight gradient: (inputs x
// outputs) summed over every row of a batch. Sharing out its rows would make
// every thread read every panel of op(B), packed together between barriers
// (a (32 x 256) gradient over 640 rows ran at 1.0-1.1x on two threads what
// it did on one; this way, 1.8x). Instead the team packs op(A), which is
// small, once, and each thread then takes whole column strips of C, packing
// its own strips of op(B) as it goes: one barrier in all. Every element of C
// is still summed over the KC blocks in sequence, so the bits are those of
// the row-wise nest.
void gemm_column_strips(const GemmKernel& kernel, Index m, Index n, Index k, const GemmOperand& a,
                        const GemmOperand& b, Real* c, Index ldc, bool accumulate, int threads) {
  const Index MR = kernel.mr, NR = kernel.nr, KC = kernel.kc;
  const Index padded_rows = (m + MR - 1) / MR * MR;
  const Index depth_blocks = (k + KC - 1) / KC, strips = (n + NR - 1) / NR;
  PackBuffers& caller_buffers = tls_buffers;
  Real* packed_a = aligned_buffer(caller_buffers.a, caller_buffers.a_capacity, padded_rows * k);
#pragma omp parallel num_threads(threads)
  {
    // Depth block p0 of op(A) starts at packed_a + padded_rows * p0.
    for_each_item(true, depth_blocks, [&](Index block) {
      const Index p0 = block * KC;
      pack_a(kernel, a, 0, m, p0, std::min(KC, k - p0), packed_a + padded_rows * p0);
    });
    PackBuffers& own = tls_buffers;
    Real* packed_b = aligned_buffer(own.b, own.b_capacity, NR * KC);
#pragma omp for schedule(dynamic, 1)
    for (Index s = 0; s < strips; ++s) {
      const Index j0 = s * NR, cols = std::min(NR, n - j0);
      for (Index p0 = 0; p0 < k; p0 += KC) {
        const Index kc = std::min(KC, k - p0);
        pack_b_strip(kernel, b, p0, kc, j0, cols, packed_b);
        for (Index ir = 0; ir < m; ir += MR) {
          kernel.micro_kernel(kc, packed_a + padded_rows * p0 + ir * kc, packed_b, c + ir * ldc + j0, ldc,
                              std::min(MR, m - ir), cols, accumulate || p0 > 0);
        }
      }
    }
  }
}

// The loop nest. `parallel` says whether this call may open a parallel
// region; `prepacked`, when given, holds op(B) already packed.
void gemm_impl(const GemmKernel& kernel, Index m, Index n, Index k, GemmOperand a, GemmOperand b,
               const PrepackedPanels* prepacked, Real* c, Index ldc, bool accumulate, bool parallel) {
  if (m == 0 || n == 0) return;
  if (k == 0) return zero_or_keep(m, n, c, ldc, accumulate);
  const Index MR = kernel.mr, NR = kernel.nr, KC = kernel.kc, MC = kernel.mc, NC = kernel.nc;
  // Threads share out C's row tiles, so a product also needs enough of C to
  // share: a (48 x 48) weight gradient summed over 768 rows ran slower on
  // two threads than on one, each of its three depth blocks a barrier with
  // little work between. Products with few rows and a column strip for each
  // thread share out their strips instead, with one barrier, as long as the
  // whole of op(A) packed fits the buffer a row-wise product keeps for B.
  const Index strips = (n + NR - 1) / NR;
  const bool by_column_strips =
      !prepacked && m <= MC && strips >= 2 && (m + MR - 1) / MR * MR * k <= NC * KC;
  const bool worth_threads =
      m * n * k >= kParallelMultiplyAdds && (m * n >= kParallelOutputs || by_column_strips);
  const int threads = parallel && worth_threads ? region_threads() : 1;
  if (threads > 1 && by_column_strips) {
    return gemm_column_strips(kernel, m, n, k, a, b, c, ldc, accumulate,
                              static_cast<int>(std::min<Index>(threads, strips)));
  }
  // Rows per tile: at most MC, with the tile count a multiple of the thread
  // count so that on an idle machine no thread idles at the end. The split
  // changes who computes an element, never the order it is summed in.
  const Index row_tiles_wanted = ((m + MC - 1) / MC + threads - 1) / threads * threads;
  const Index mc = std::clamp(((m + row_tiles_wanted - 1) / row_tiles_wanted + MR - 1) / MR * MR, MR, MC);
  PackBuffers& buffers = tls_buffers;
  Real* packed_b =
      prepacked ? nullptr : aligned_buffer(buffers.b, buffers.b_capacity, std::min(NC, (n + NR - 1) / NR * NR) * KC);
  const Index row_tiles = (m + mc - 1) / mc;
  // One parallel region for the whole product: every thread walks the same
  // block loops, and the two shared loops (each ending in a barrier) share
  // out the packing of B and then the tiles of C. Both hand out their items
  // one at a time (core/parallel.h): a thread slowed down for a moment takes
  // fewer. On one thread there is no region at all: even a team of one costs
  // a few system calls, and a recurrent layer makes thousands of products.
  const auto loop_nest = [&](bool shared) {
    for (Index j0 = 0; j0 < n; j0 += NC) {
      const Index nc = std::min(NC, n - j0);
      const Index strips = (nc + NR - 1) / NR;
      for (Index p0 = 0; p0 < k; p0 += KC) {
        const Index kc = std::min(KC, k - p0);
        if (!prepacked) {
          for_each_item(shared, strips, [&](Index s) { pack_b_strips(kernel, b, j0, nc, p0, kc, s, s + 1, packed_b); });
        }
        const Real* panel =
            prepacked ? prepacked->data + prepacked->offsets[j0 / NC * prepacked->depth_blocks + p0 / KC] : packed_b;
        for_each_item(shared, row_tiles, [&](Index t) {
          tile_product(kernel, a, panel, t * mc, std::min(mc, m - t * mc), j0, nc, p0, kc, c, ldc,
                       accumulate || p0 > 0);
        });
      }
    }
  };
  if (threads == 1) return loop_nest(false);
#pragma omp parallel num_threads(threads)
  loop_nest(true);
}

// The kernel in use, or its narrow tile where that pads n columns less.
const GemmKernel& kernel_for_width(Index n) {
  const GemmKernel& kernel = detail::active_gemm_kernel();
  const auto padded = [n](const GemmKernel& tile) { return (n + tile.nr - 1) / tile.nr * tile.nr; };
  return kernel.narrow != nullptr && padded(*kernel.narrow) < padded(kernel) ? *kernel.narrow : kernel;
}

}  // namespace

void gemm(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate) {
  gemm_impl(kernel_for_width(n), m, n, k, a, b, nullptr, c, ldc, accumulate, true);
}

void gemm_serial(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate) {
  gemm_impl(kernel_for_width(n), m, n, k, a, b, nullptr, c, ldc, accumulate, false);
}

// The panels in the order gemm_impl visits them, each exactly as it would
// have packed it, for the kernel in use now; products with this PackedB use
// that kernel even if another is chosen later.
PackedB::PackedB(Index k, Index n, GemmOperand b) : kernel_(&kernel_for_width(n)), k_(k), n_(n) {
  const Index NR = kernel_->nr, KC = kernel_->kc, NC = kernel_->nc;
  Index size = 0;
  for (Index j0 = 0; j0 < n; j0 += NC) {
    for (Index p0 = 0; p0 < k; p0 += KC) {
      offsets_.push_back(size);
      size += (std::min(NC, n - j0) + NR - 1) / NR * NR * std::min(KC, k - p0);
    }
  }
  Index capacity = 0;
  Real* out = aligned_buffer(data_, capacity, std::max<Index>(size, 1));
  std::size_t panel = 0;
  for (Index j0 = 0; j0 < n; j0 += NC) {
    const Index nc = std::min(NC, n - j0);
    for (Index p0 = 0; p0 < k; p0 += KC) {
      const Index kc = std::min(KC, k - p0);
      pack_b_strips(*kernel_, b, j0, nc, p0, kc, 0, (nc + NR - 1) / NR, out + offsets_[panel++]);
    }
  }
}

void gemm(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate) {
  const PrepackedPanels panels{b.data_.get(), b.offsets_.data(), (b.k_ + b.kernel_->kc - 1) / b.kernel_->kc};
  gemm_impl(*b.kernel_, m, b.cols(), b.rows(), a, {nullptr, 0, false}, &panels, c, ldc, accumulate, true);
}

void gemm_serial(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate) {
  const PrepackedPanels panels{b.data_.get(), b.offsets_.data(), (b.k_ + b.kernel_->kc - 1) / b.kernel_->kc};
  gemm_impl(*b.kernel_, m, b.cols(), b.rows(), a, {nullptr, 0, false}, &panels, c, ldc, accumulate, false);
}

}  // namespace atto
