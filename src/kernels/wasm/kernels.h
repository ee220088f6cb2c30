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

/* The part of a call shared by its threads: units [begin, end), `grain` per chunk, chunks claimed from *counter. */
typedef struct {
  int begin, end, grain, counter, thread;
} Chunks;

/* Claims the next chunk [*r0, *r1); 0 when none is left. Atomic in the threaded build (-matomics). */
int claim(const Chunks *c, int *r0, int *r1);

/*
 * Mirrors Backend Conv2DParams (NHWC, filter (kH, kW, C_in, C_out)), plus the im2col piece height and
 * the chunks: rows of the (batch*outH*outW, kH*kW*C_in) patch matrix. For the input gradient of a
 * non-pointwise conv a chunk must be whole images (col2im adds onto inputs that neighbouring rows share).
 */
typedef struct {
  int batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels;
  int kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft;
  int chunkRows; /* patch rows built at a time in `col` */
  Chunks chunks;
  /*
   * conv2d only: 0, or 1 + an activation code (activations.h) to apply y = activation(y + bias) to each chunk
   * as it is finished, while it is in cache (`bias` a pointer, or 0 for none). Zeroed memory means none.
   */
  int epilogue;
  int bias;
} ConvParams;

/* The layer epilogue (epilogue.c): y = activation(z + bias), bias (channels; 0 for none) repeating. */
void biasActivation(const float *z, const float *bias, float *y, int n, int channels, int activation);
/* Its gradient (epilogue.c), adding onto the running sums `acc` (channels doubles) and leaving dbias = (float)acc. */
void biasActivationGrad(const float *dy, const float *y, float *dz, float *dbias, double *acc, int n, int channels,
  int activation);

/*
 * Direct convolutions (conv_small.c) over output rows [begin, end): layers with at most 4 output channels, and
 * short patches (kH*kW*C_in <= 16) with up to 32; each returns 0, doing nothing, when the shape is not one it handles.
 */
int conv_small_forward(const float *x, const float *w, float *y, const ConvParams *p, int begin, int end);
int conv_small_backprop_filter(const float *x, const float *dy, float *dw, const ConvParams *p, int begin, int end);

/* The blocked GEMM on one thread, with that thread's packing buffers (thread < THREADS). */
void gemm(const float *a, const float *b, float *c, const GemmParams *g, int thread);
/* The same with A already in pack_a's layout (MR-row panels, zero-padded), B row-major (k x n), k <= KC (kernels.c). */
void gemm_packed_a(const float *pa, int m, int k, const float *b, int n, float *c, int ldc, int thread);

#endif
