// The gemm micro-kernel, compiled once per instruction set. The build defines
// exactly one ATTO_KERNEL_TARGET_* macro and passes that set's flags
// (core/meson.build), so each copy is free to use the registers its set has
// and no wider ones.
//
// Each copy keeps an MR x NR tile of C in vector registers. Per step of k it
// loads NR / lanes vectors of B, broadcasts MR values of A, and issues
// MR * NR / lanes multiply-adds. The tile is as large as the register file
// allows, leaving room for the B vectors and one broadcast:
//
//   set      registers     float tile   accumulators + B + A
//   avx512   32 x 512-bit  8 x 48       24 + 3 + 1   (BLIS's skylakex shape)
//            and 8 x 32    16 + 2 + 1   (for narrow products, below)
//   avx2     16 x 256-bit  6 x 16       12 + 2 + 1   (BLIS's haswell shape)
//   neon     32 x 128-bit  8 x 12       24 + 3 + 1
//   generic  16 x 128-bit  6 x 8        12 + 2 + 1   (SSE2 has no fused
//            multiply-add, so each product also needs a temporary: all 16
//            registers in use; measured 10% faster than 4 x 8)
//
// A strip of 48 columns is wasteful on the widths learners' layers have:
// 96 columns computed for 64, 288 for 256, 48 for 32. So AVX-512 also has
// an 8 x 32 tile, and a product takes whichever pads its width less (48
// for 40 or 48 columns, 32 for 32, 64 or 256). Its 16 accumulators still
// cover two fused multiply-add units through a 4-cycle latency: measured on
// an AMD EPYC, sgemm 1024^3 ran at the same speed with either, and
// tutorial 09's LSTM backward 14% faster with 8 x 32. The tile changes who
// computes an element, never the order it is summed in.
//
// In double a vector holds half as many lanes, so NR halves. KC is chosen
// so that one B strip (KC x NR) stays in L1 while A streams past it, MC so
// that the packed A block (MC x KC) stays in L2, NC so that the B panel
// (KC x NC) fits in a share of L3.
#include "core/cpu_kernels.h"

#include <cstring>

namespace atto::detail {

namespace {

#if defined(ATTO_KERNEL_TARGET_AVX512)
constexpr const char* kName = "avx512";
constexpr int kVectorBytes = 64;
constexpr Index MR = 8, kVectorsPerRow = 3, kNarrowVectorsPerRow = 2;
#elif defined(ATTO_KERNEL_TARGET_AVX2)
constexpr const char* kName = "avx2";
constexpr int kVectorBytes = 32;
constexpr Index MR = 6, kVectorsPerRow = 2;
#elif defined(ATTO_KERNEL_TARGET_NEON)
constexpr const char* kName = "neon";
constexpr int kVectorBytes = 16;
constexpr Index MR = 8, kVectorsPerRow = 3;
#elif defined(ATTO_KERNEL_TARGET_GENERIC)
constexpr const char* kName = "generic";
constexpr int kVectorBytes = 16;
constexpr Index MR = 6, kVectorsPerRow = 2;
#else
#error "define one ATTO_KERNEL_TARGET_* macro (core/meson.build)"
#endif

using Vec = Real __attribute__((vector_size(kVectorBytes)));
constexpr Index kLanes = kVectorBytes / sizeof(Real);
constexpr Index KC = 256, MC = MR * (96 / MR), NC = 4032;

inline Vec load(const Real* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(Vec));
  return v;
}

inline void store(Real* p, Vec v) { std::memcpy(p, &v, sizeof(Vec)); }

template <Index kVectors>
void micro_kernel(Index kc, const Real* __restrict a, const Real* __restrict b, Real* c, Index ldc, Index rows,
                  Index cols, bool accumulate) {
  constexpr Index NR = kVectors * kLanes;
  Vec acc[MR][kVectors] = {};
  for (Index p = 0; p < kc; ++p) {
    Vec bv[kVectors];
    for (Index v = 0; v < kVectors; ++v) bv[v] = load(b + p * NR + v * kLanes);
    for (Index r = 0; r < MR; ++r) {
      const Vec av = a[p * MR + r] - Vec{};  // x - 0 is x for every x (even -0): one broadcast
      for (Index v = 0; v < kVectors; ++v) acc[r][v] += av * bv[v];
    }
  }
  if (rows == MR && cols == NR) {
    for (Index r = 0; r < MR; ++r) {
      for (Index v = 0; v < kVectors; ++v) {
        Real* dst = c + r * ldc + v * kLanes;
        store(dst, accumulate ? acc[r][v] + load(dst) : acc[r][v]);
      }
    }
    return;
  }
  Real tile[MR][NR];
  std::memcpy(tile, acc, sizeof(tile));
  for (Index r = 0; r < rows; ++r) {
    for (Index col = 0; col < cols; ++col) c[r * ldc + col] = (accumulate ? c[r * ldc + col] : Real(0)) + tile[r][col];
  }
}

template <Index kVectors>
constexpr GemmKernel tile_kernel(const GemmKernel* narrow) {
  constexpr Index NR = kVectors * kLanes;
  static_assert(NC % NR == 0, "B panels are whole strips");
  return {kName, MR, NR, KC, MC, NC, micro_kernel<kVectors>, narrow};
}

#if defined(ATTO_KERNEL_TARGET_AVX512)
constexpr GemmKernel kNarrowKernel = tile_kernel<kNarrowVectorsPerRow>(nullptr);
constexpr GemmKernel kKernel = tile_kernel<kVectorsPerRow>(&kNarrowKernel);
#else
constexpr GemmKernel kKernel = tile_kernel<kVectorsPerRow>(nullptr);
#endif

}  // namespace

#if defined(ATTO_KERNEL_TARGET_AVX512)
const GemmKernel& gemm_kernel_avx512() { return kKernel; }
#elif defined(ATTO_KERNEL_TARGET_AVX2)
const GemmKernel& gemm_kernel_avx2() { return kKernel; }
#elif defined(ATTO_KERNEL_TARGET_NEON)
const GemmKernel& gemm_kernel_neon() { return kKernel; }
#else
const GemmKernel& gemm_kernel_generic() { return kKernel; }
#endif

}  // namespace atto::detail
