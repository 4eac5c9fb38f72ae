// One AVX-512 instruction, executed: the control for `make test-x86-cpus`.
// Run under an emulated CPU without AVX-512 it must die with an illegal
// instruction; if it did not, the emulator would not be checking, and the
// core tests passing on that CPU would prove nothing.
#include <immintrin.h>

int main() {
  volatile float input[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  float copy[16];
  for (int i = 0; i < 16; ++i) copy[i] = input[i];
  const __m512 sum = _mm512_add_ps(_mm512_loadu_ps(copy), _mm512_loadu_ps(copy));
  return _mm512_reduce_add_ps(sum) == 272.0f ? 0 : 1;
}
