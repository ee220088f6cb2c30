/*
 * What kernels.c shares with the other kernel files of the wasm module (scripts/build-wasm.sh links every
 * .c file in src/kernels/wasm into one module).
 */
#ifndef KERATS_KERNELS_H
#define KERATS_KERNELS_H

#include <wasm_simd128.h>

/*
 * a * b + c. The relaxed-SIMD build (-mrelaxed-simd, clang 16) uses f32x4.relaxed_madd, which engines
 * lower to a fused multiply-add where the CPU has one (one rounding instead of two, twice the
 * multiply-adds per cycle); the baseline build multiplies, then adds.
 */
static inline v128_t f32x4_madd(v128_t a, v128_t b, v128_t c) {
#ifdef __wasm_relaxed_simd__
  return __builtin_wasm_relaxed_madd_f32x4(a, b, c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

/*
 * C (m x n, row stride ldc) = A (m x k) * B (k x n), or C += A * B when `accumulate`;
 * A(i,p) = a[i*aRow + p*aCol], B(p,j) = b[p*bRow + j*bCol].
 */
typedef struct {
  int m, n, k;
  int aRow, aCol, bRow, bCol;
  int ldc;
  int accumulate;
} GemmParams;

/* The blocked GEMM on one thread, with that thread's packing buffers (thread < THREADS). */
void gemm(const float *a, const float *b, float *c, const GemmParams *g, int thread);

#endif
