/*
 * WebAssembly SIMD (128-bit) kernels for kerats: a blocked GEMM and 2-D convolution built on it.
 * Build with scripts/build-wasm.sh (clang --target=wasm32 -msimd128); the bindings are in index.ts.
 *
 * Memory: static packing buffers live in .bss; everything above __heap_base belongs to the JavaScript
 * side, which places inputs, outputs and scratch there. Every entry point takes pointers plus one
 * params struct (int32 fields), never long argument lists.
 *
 * Threads: built twice. The single-thread build (THREADS 1) exports its own memory. The threaded build
 * (THREADS 2, -matomics, shared imported memory) is instantiated once per thread on one shared
 * WebAssembly.Memory. The matmul and conv entry points divide their output into chunks (rows, columns,
 * batch elements or whole images, `grain` units each) and every thread that runs the entry point
 * claims chunks from one shared counter until none is left: work moves to whichever thread is running,
 * so a descheduled or late thread delays nothing, and one thread alone computes everything. Chunks
 * write disjoint output (the filter gradient: one output per thread, summed by the caller), and
 * `thread` picks that thread's own packing buffers. index.ts posts the call to the worker and joins.
 *
 * GEMM follows the BLIS layout (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating
 * BLAS Functionality", 2015): B is packed into KC x NR micro-panels, A into MR x KC micro-panels, and
 * an MR x NR register-blocked micro-kernel accumulates C += A * B. Strided packing absorbs transposes.
 */
#include <wasm_simd128.h>

#include "kernels.h"

/* Block sizes (overridable with -D for tuning runs; bench/NOTES.md entry 2 has the measurements). */
#ifndef MR
#define MR 4
#endif
#ifndef NR
#define NR 8
#endif
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 128
#endif
#ifndef NC
#define NC 2048
#endif
#ifndef THREADS
#define THREADS 1
#endif

static float packA[THREADS][MC * KC] __attribute__((aligned(16)));
static float packB[THREADS][KC * NC] __attribute__((aligned(16)));

static inline int imin(int a, int b) { return a < b ? a : b; }

int claim(const Chunks *c, int *r0, int *r1) {
  const int start = c->begin + __atomic_fetch_add((int *)c->counter, 1, __ATOMIC_SEQ_CST) * c->grain;
  if (start >= c->end) return 0;
  *r0 = start;
  *r1 = imin(start + c->grain, c->end);
  return 1;
}


static void pack_b(int kc, int nc, const float *b, int bRow, int bCol, float *dst) {
  for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int nr = imin(NR, nc - j0);
    if (bCol == 1 && nr == NR) {
      const float *src = b + j0;
      for (int p = 0; p < kc; p++, src += bRow) {
        wasm_v128_store(dst + p * NR, wasm_v128_load(src));
        wasm_v128_store(dst + p * NR + 4, wasm_v128_load(src + 4));
      }
    } else {
      for (int jj = 0; jj < NR; jj++) {
        if (jj < nr) {
          const float *src = b + (j0 + jj) * bCol;
          for (int p = 0; p < kc; p++) dst[p * NR + jj] = src[p * bRow];
        } else {
          for (int p = 0; p < kc; p++) dst[p * NR + jj] = 0.0f;
        }
      }
    }
  }
}

static void pack_a(int mc, int kc, const float *a, int aRow, int aCol, float *dst) {
  for (int i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const int mr = imin(MR, mc - i0);
    if (aRow == 1 && mr == MR) {
      const float *src = a + i0;
      for (int p = 0; p < kc; p++, src += aCol) wasm_v128_store(dst + p * MR, wasm_v128_load(src));
    } else {
      for (int ii = 0; ii < MR; ii++) {
        if (ii < mr) {
          const float *src = a + (i0 + ii) * aRow;
          for (int p = 0; p < kc; p++) dst[p * MR + ii] = src[p * aCol];
        } else {
          for (int p = 0; p < kc; p++) dst[p * MR + ii] = 0.0f;
        }
      }
    }
  }
}

/* The MR x NR micro-kernel: MR*NR/4 accumulators stay in registers across the whole kc loop. */
static void micro_kernel(int kc, const float *restrict a, const float *restrict b, float *c, int ldc, int mr, int nr,
                         int add) {
  v128_t acc[MR][NR / 4];
#pragma unroll
  for (int i = 0; i < MR; i++)
#pragma unroll
    for (int j = 0; j < NR / 4; j++) acc[i][j] = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    v128_t bv[NR / 4];
#pragma unroll
    for (int j = 0; j < NR / 4; j++) bv[j] = wasm_v128_load(b + 4 * j);
#pragma unroll
    for (int i = 0; i < MR; i++) {
      const v128_t av = wasm_v128_load32_splat(a + i);
#pragma unroll
      for (int j = 0; j < NR / 4; j++) acc[i][j] = f32x4_madd(av, bv[j], acc[i][j]);
    }
  }
  if (mr == MR && nr == NR) {
#pragma unroll
    for (int i = 0; i < MR; i++)
#pragma unroll
      for (int j = 0; j < NR / 4; j++) {
        float *cp = c + i * ldc + 4 * j;
        wasm_v128_store(cp, add ? wasm_f32x4_add(wasm_v128_load(cp), acc[i][j]) : acc[i][j]);
      }
  } else {
    float tmp[MR * NR] __attribute__((aligned(16)));
#pragma unroll
    for (int i = 0; i < MR; i++)
#pragma unroll
      for (int j = 0; j < NR / 4; j++) wasm_v128_store(tmp + i * NR + 4 * j, acc[i][j]);
    for (int i = 0; i < mr; i++)
      for (int j = 0; j < nr; j++) c[i * ldc + j] = (add ? c[i * ldc + j] : 0.0f) + tmp[i * NR + j];
  }
}

/*
 * Products up to this many multiply-adds (with k <= KC) skip packing: for the seed's 20-row Dense
 * layers packing A and B costs about what the arithmetic does (bench/NOTES.md, "Small matmuls").
 */
#ifndef SMALL_GEMM
#define SMALL_GEMM (1 << 16)
#endif

/*
 * rows (<= MR) x cols (<= 4 * V) block of C from A (strided) and a row-major B (row stride ldb, 4 * V readable
 * columns): the micro-kernel's arithmetic in its order (acc = 0; acc = madd(a, b, acc) for p = 0..k-1, then
 * C = acc or C += acc), so for k <= KC the result is bit for bit what the packed path computes. When A's rows are
 * adjacent (aRow 1, A transposed) one load brings the four rows' values and lanes are splatted from it.
 */
#define SMALL_BLOCK(V)                                                                                         \
  static void small_block_##V(int rows, int cols, int k, const float *a, int aRow, int aCol, const float *b,  \
                              int ldb, float *c, int ldc, int add) {                                           \
    v128_t acc[MR][V];                                                                                         \
    _Pragma("unroll") for (int i = 0; i < MR; i++) _Pragma("unroll") for (int j = 0; j < V; j++)               \
        acc[i][j] = wasm_f32x4_splat(0.0f);                                                                    \
    if (aRow == 1 && rows == MR) {                                                                             \
      for (int p = 0; p < k; p++, b += ldb, a += aCol) {                                                       \
        v128_t bv[V];                                                                                          \
        _Pragma("unroll") for (int j = 0; j < V; j++) bv[j] = wasm_v128_load(b + 4 * j);                       \
        const v128_t a4 = wasm_v128_load(a);                                                                   \
        const v128_t av[MR] = {wasm_i32x4_shuffle(a4, a4, 0, 0, 0, 0), wasm_i32x4_shuffle(a4, a4, 1, 1, 1, 1), \
                               wasm_i32x4_shuffle(a4, a4, 2, 2, 2, 2), wasm_i32x4_shuffle(a4, a4, 3, 3, 3, 3)}; \
        _Pragma("unroll") for (int i = 0; i < MR; i++) _Pragma("unroll") for (int j = 0; j < V; j++)           \
            acc[i][j] = f32x4_madd(av[i], bv[j], acc[i][j]);                               \
      }                                                                                                        \
    } else {                                                                                                   \
      const float *ar[MR];                                                                                     \
      _Pragma("unroll") for (int i = 0; i < MR; i++) ar[i] = a + imin(i, rows - 1) * aRow;                     \
      for (int p = 0; p < k; p++, b += ldb) {                                                                  \
        v128_t bv[V];                                                                                          \
        _Pragma("unroll") for (int j = 0; j < V; j++) bv[j] = wasm_v128_load(b + 4 * j);                       \
        _Pragma("unroll") for (int i = 0; i < MR; i++) {                                                       \
          const v128_t av = wasm_v128_load32_splat(ar[i] + p * aCol);                                          \
          _Pragma("unroll") for (int j = 0; j < V; j++)                                                        \
              acc[i][j] = f32x4_madd(av, bv[j], acc[i][j]);                                \
        }                                                                                                      \
      }                                                                                                        \
    }                                                                                                          \
    if (cols == 4 * V) {                                                                                       \
      for (int i = 0; i < rows; i++)                                                                           \
        _Pragma("unroll") for (int j = 0; j < V; j++) {                                                        \
          float *cp = c + i * ldc + 4 * j;                                                                     \
          wasm_v128_store(cp, add ? wasm_f32x4_add(wasm_v128_load(cp), acc[i][j]) : acc[i][j]);                \
        }                                                                                                      \
    } else {                                                                                                   \
      float tmp[MR * 4 * V] __attribute__((aligned(16)));                                                      \
      _Pragma("unroll") for (int i = 0; i < MR; i++) _Pragma("unroll") for (int j = 0; j < V; j++)             \
          wasm_v128_store(tmp + i * 4 * V + 4 * j, acc[i][j]);                                                 \
      for (int i = 0; i < rows; i++)                                                                           \
        for (int j = 0; j < cols; j++) c[i * ldc + j] = (add ? c[i * ldc + j] : 0.0f) + tmp[i * 4 * V + j];    \
    }                                                                                                          \
  }
SMALL_BLOCK(2)
SMALL_BLOCK(1)

/*
 * One row of C (cols <= 4 * V) with the same arithmetic: for products with fewer than MR rows (predict on
 * one sample), where an MR-row block would compute MR - 1 rows for nothing.
 */
#define SMALL_ROW(V)                                                                                           \
  static void small_row_##V(int cols, int k, const float *a, int aCol, const float *b, int ldb, float *c,     \
                            int add) {                                                                         \
    v128_t acc[V];                                                                                             \
    _Pragma("unroll") for (int j = 0; j < V; j++) acc[j] = wasm_f32x4_splat(0.0f);                             \
    for (int p = 0; p < k; p++, b += ldb) {                                                                    \
      const v128_t av = wasm_v128_load32_splat(a + p * aCol);                                                  \
      _Pragma("unroll") for (int j = 0; j < V; j++) acc[j] = f32x4_madd(av, wasm_v128_load(b + 4 * j), acc[j]); \
    }                                                                                                          \
    float tmp[4 * V] __attribute__((aligned(16)));                                                             \
    _Pragma("unroll") for (int j = 0; j < V; j++) wasm_v128_store(tmp + 4 * j, acc[j]);                        \
    for (int j = 0; j < cols; j++) c[j] = (add ? c[j] : 0.0f) + tmp[j];                                        \
  }
SMALL_ROW(4)
SMALL_ROW(1)

/*
 * The same product without packing: MR x 8 blocks read straight from A and B. B goes through `scratch`
 * only when its rows are strided (transposed: copied row-major) or for the last n % 4 columns (copied
 * into a zero-padded k x 4 panel, so that block's loads stay in bounds).
 */
static void small_gemm(const float *a, const float *b, float *c, const GemmParams *g, float *scratch) {
  const int m = g->m, n = g->n, k = g->k, aRow = g->aRow, aCol = g->aCol, ldc = g->ldc, add = g->accumulate;
  int ldb = g->bRow;
  if (g->bCol != 1) {
    for (int p = 0; p < k; p++)
      for (int j = 0; j < n; j++) scratch[p * n + j] = b[p * g->bRow + j * g->bCol];
    b = scratch;
    ldb = n;
  }
  const int n4 = n & ~3, tail = n - n4;
  float *const panel = scratch + k * n;
  if (tail) {
    for (int p = 0; p < k; p++)
      for (int j = 0; j < 4; j++) panel[p * 4 + j] = j < tail ? b[p * ldb + n4 + j] : 0.0f;
  }
  if (m < MR) {
    for (int i = 0; i < m; i++) {
      const float *ai = a + i * aRow;
      float *ci = c + i * ldc;
      int j = 0;
      for (; j + 16 <= n; j += 16) small_row_4(16, k, ai, aCol, b + j, ldb, ci + j, add);
      for (; j + 4 <= n; j += 4) small_row_1(4, k, ai, aCol, b + j, ldb, ci + j, add);
      if (tail) small_row_1(tail, k, ai, aCol, panel, 4, ci + n4, add);
    }
    return;
  }
  for (int i0 = 0; i0 < m; i0 += MR) {
    const int rows = imin(MR, m - i0);
    const float *ai = a + i0 * aRow;
    float *ci = c + i0 * ldc;
    int j = 0;
    for (; j + 8 <= n; j += 8) small_block_2(rows, 8, k, ai, aRow, aCol, b + j, ldb, ci + j, ldc, add);
    for (; j + 4 <= n; j += 4) small_block_1(rows, 4, k, ai, aRow, aCol, b + j, ldb, ci + j, ldc, add);
    if (tail) small_block_1(rows, tail, k, ai, aRow, aCol, panel, 4, ci + n4, ldc, add);
  }
}

void gemm(const float *a, const float *b, float *c, const GemmParams *g, int thread) {
  float *const pA = packA[thread], *const pB = packB[thread];
  if (g->k == 0) {
    if (!g->accumulate)
      for (int i = 0; i < g->m; i++) __builtin_memset(c + i * g->ldc, 0, (unsigned long)g->n * sizeof(float));
    return;
  }
  if (g->k <= KC && (long long)g->m * g->n * g->k <= SMALL_GEMM) {
    small_gemm(a, b, c, g, pB);
    return;
  }
  for (int jc = 0; jc < g->n; jc += NC) {
    const int nc = imin(NC, g->n - jc);
    for (int pc = 0; pc < g->k; pc += KC) {
      const int kc = imin(KC, g->k - pc);
      pack_b(kc, nc, b + pc * g->bRow + jc * g->bCol, g->bRow, g->bCol, pB);
      for (int ic = 0; ic < g->m; ic += MC) {
        const int mc = imin(MC, g->m - ic);
        pack_a(mc, kc, a + ic * g->aRow + pc * g->aCol, g->aRow, g->aCol, pA);
        for (int jr = 0; jr < nc; jr += NR)
          for (int ir = 0; ir < mc; ir += MR)
            micro_kernel(kc, pA + ir * kc, pB + jr * kc, c + (ic + ir) * g->ldc + jc + jr, g->ldc,
                         imin(MR, mc - ir), imin(NR, nc - jr), pc > 0 || g->accumulate);
      }
    }
  }
}

/*
 * C (m x n, ldc) = A B for an A its producer already packed as pack_a lays it out (MR-row panels of k
 * values each, rows past m zero) and a row-major B (k x n), k <= KC: the GEMM without packing A.
 */
void gemm_packed_a(const float *pa, int m, int k, const float *b, int n, float *c, int ldc, int thread) {
  float *const pB = packB[thread];
  for (int jc = 0; jc < n; jc += NC) {
    const int nc = imin(NC, n - jc);
    pack_b(k, nc, b + jc, n, 1, pB);
    for (int jr = 0; jr < nc; jr += NR)
      for (int ir = 0; ir < m; ir += MR)
        micro_kernel(k, pa + ir * k, pB + jr * k, c + ir * ldc + jc + jr, ldc, imin(MR, m - ir), imin(NR, nc - jr), 0);
  }
}

/*
 * Mirrors Backend.matmul: a (batch, m, k) or its transpose, b (bBatch, k, n) or its transpose, bBatch 1
 * broadcasts. Chunks are rows (splitColumns 0) or columns (1) of the stacked C when the batch stacks
 * into one GEMM, else whole batch elements.
 */
typedef struct {
  int batch, m, k, n;
  int transposeA, transposeB, bBatch;
  int splitColumns;
  Chunks chunks;
} MatmulParams;

__attribute__((export_name("matmul")))
void matmul(const float *a, const float *b, float *y, const MatmulParams *p) {
  const int m = p->m, k = p->k, n = p->n;
  GemmParams g = {
    .m = m, .n = n, .k = k,
    .aRow = p->transposeA ? 1 : k, .aCol = p->transposeA ? m : 1,
    .bRow = p->transposeB ? 1 : n, .bCol = p->transposeB ? k : 1,
    .ldc = n, .accumulate = 0,
  };
  /* With a shared B and row-major A, the batches stack into one tall GEMM and B is packed once. */
  const int stacks = (p->bBatch == 1 && !p->transposeA) || p->batch == 1, thread = p->chunks.thread;
  int r0, r1;
  while (claim(&p->chunks, &r0, &r1)) {
    if (stacks && p->splitColumns) {
      g.n = r1 - r0;
      gemm(a, b + r0 * g.bCol, y + r0, &g, thread);
    } else if (stacks) {
      g.m = r1 - r0;
      gemm(a + r0 * g.aRow, b, y + r0 * n, &g, thread);
    } else {
      for (int bi = r0; bi < r1; bi++) gemm(a + bi * m * k, b + (p->bBatch == 1 ? 0 : bi) * k * n, y + bi * m * n, &g, thread);
    }
  }
}

static int is_pointwise(const ConvParams *p) {
  return p->kernelHeight == 1 && p->kernelWidth == 1 && p->strideHeight == 1 && p->strideWidth == 1 &&
         p->padTop == 0 && p->padLeft == 0 && p->outHeight == p->inHeight && p->outWidth == p->inWidth;
}

/* Patch rows [r0, r0+rows) of x into col (rows, kH*kW*C); out-of-range taps read as zero. */
static void im2col(const ConvParams *p, const float *x, int r0, int rows, float *col) {
  const int C = p->inChannels, K = p->kernelHeight * p->kernelWidth * C, OW = p->outWidth, OHW = p->outHeight * OW;
  for (int r = 0; r < rows; r++) {
    const int row = r0 + r, n = row / OHW, oh = (row % OHW) / OW, ow = row % OW;
    float *dst = col + r * K;
    for (int kh = 0; kh < p->kernelHeight; kh++) {
      const int ih = oh * p->strideHeight - p->padTop + kh * p->dilationHeight;
      for (int kw = 0; kw < p->kernelWidth; kw++, dst += C) {
        const int iw = ow * p->strideWidth - p->padLeft + kw * p->dilationWidth;
        if (ih < 0 || ih >= p->inHeight || iw < 0 || iw >= p->inWidth) {
          int c = 0;
          for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_f32x4_splat(0.0f));
          for (; c < C; c++) dst[c] = 0.0f;
        } else {
          const float *src = x + ((n * p->inHeight + ih) * p->inWidth + iw) * C;
          int c = 0;
          for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
          for (; c < C; c++) dst[c] = src[c];
        }
      }
    }
  }
}

/* The adjoint of im2col: adds each patch row of dcol back onto the input positions it was read from. */
static void col2im(const ConvParams *p, const float *dcol, int r0, int rows, float *dx) {
  const int C = p->inChannels, K = p->kernelHeight * p->kernelWidth * C, OW = p->outWidth, OHW = p->outHeight * OW;
  for (int r = 0; r < rows; r++) {
    const int row = r0 + r, n = row / OHW, oh = (row % OHW) / OW, ow = row % OW;
    const float *src = dcol + r * K;
    for (int kh = 0; kh < p->kernelHeight; kh++) {
      const int ih = oh * p->strideHeight - p->padTop + kh * p->dilationHeight;
      for (int kw = 0; kw < p->kernelWidth; kw++, src += C) {
        const int iw = ow * p->strideWidth - p->padLeft + kw * p->dilationWidth;
        if (ih < 0 || ih >= p->inHeight || iw < 0 || iw >= p->inWidth) continue;
        float *dst = dx + ((n * p->inHeight + ih) * p->inWidth + iw) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
        for (; c < C; c++) dst[c] += src[c];
      }
    }
  }
}

/*
 * Direct forward convolution, vectorised over output channels: no patch matrix and no packing, which
 * wins when K = kH*kW*C_in is small (<= 16) and the GEMM's per-tile overhead is not amortised.
 * Measured (bench/NOTES.md, 2026-11-28): 1.3-1.8x faster than im2col+GEMM on the seed deconv net's
 * shapes (K 4-16, C_out 2-4), tied on MNIST conv1 (K 9, C_out 32), 1.2x slower on MNIST conv2 (K 288).
 */
static void conv2d_direct(const float *x, const float *w, float *y, const ConvParams *p, int begin, int end) {
  const int C = p->inChannels, CO = p->outChannels, OW = p->outWidth, OHW = p->outHeight * OW;
  for (int row = begin; row < end; row++) {
        const int n = row / OHW, oh = (row % OHW) / OW, ow = row % OW;
        float *yo = y + row * CO;
        int co = 0;
        for (; co < CO; co += 16) {
          const int wide = CO - co >= 16;
          v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
          float tail[16] __attribute__((aligned(16))) = {0};
          for (int kh = 0; kh < p->kernelHeight; kh++) {
            const int ih = oh * p->strideHeight - p->padTop + kh * p->dilationHeight;
            if (ih < 0 || ih >= p->inHeight) continue;
            for (int kw = 0; kw < p->kernelWidth; kw++) {
              const int iw = ow * p->strideWidth - p->padLeft + kw * p->dilationWidth;
              if (iw < 0 || iw >= p->inWidth) continue;
              const float *xo = x + ((n * p->inHeight + ih) * p->inWidth + iw) * C;
              const float *wo = w + (kh * p->kernelWidth + kw) * C * CO + co;
              if (wide) {
                for (int ci = 0; ci < C; ci++, wo += CO) {
                  const v128_t xv = wasm_v128_load32_splat(xo + ci);
                  acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(xv, wasm_v128_load(wo)));
                  acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(xv, wasm_v128_load(wo + 4)));
                  acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(xv, wasm_v128_load(wo + 8)));
                  acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(xv, wasm_v128_load(wo + 12)));
                }
              } else {
                for (int ci = 0; ci < C; ci++, wo += CO)
                  for (int j = 0; j < CO - co; j++) tail[j] += xo[ci] * wo[j];
              }
            }
          }
          if (wide) {
            wasm_v128_store(yo + co, acc0);
            wasm_v128_store(yo + co + 4, acc1);
            wasm_v128_store(yo + co + 8, acc2);
            wasm_v128_store(yo + co + 12, acc3);
          } else {
            for (int j = 0; j < CO - co; j++) yo[co + j] = tail[j];
          }
        }
  }
}

/* y (rows, C_out) = patches (rows, K) * filter (K, C_out), piece by piece; direct when K is tiny. */
static void conv2d_rows(const float *x, const float *w, float *y, float *col, const ConvParams *p, int begin, int end) {
  const int K = p->kernelHeight * p->kernelWidth * p->inChannels, CO = p->outChannels, thread = p->chunks.thread;
  if (conv_small_forward(x, w, y, p, begin, end)) return;
  if (K <= 16) {
    conv2d_direct(x, w, y, p, begin, end);
    return;
  }
  if (is_pointwise(p)) {
    GemmParams g = { .m = end - begin, .n = CO, .k = K, .aRow = K, .aCol = 1, .bRow = CO, .bCol = 1, .ldc = CO };
    gemm(x + begin * K, w, y + begin * CO, &g, thread);
    return;
  }
  for (int r0 = begin; r0 < end; r0 += p->chunkRows) {
    const int rows = imin(p->chunkRows, end - r0);
    im2col(p, x, r0, rows, col);
    GemmParams g = { .m = rows, .n = CO, .k = K, .aRow = K, .aCol = 1, .bRow = CO, .bCol = 1, .ldc = CO };
    gemm(col, w, y + r0 * CO, &g, thread);
  }
}

__attribute__((export_name("conv2d")))
void conv2d(const float *x, const float *w, float *y, float *col, const ConvParams *p) {
  const int CO = p->outChannels;
  int r0, r1;
  while (claim(&p->chunks, &r0, &r1)) {
    conv2d_rows(x, w, y, col, p, r0, r1);
    if (p->epilogue > 0) {
      float *yo = y + (long)r0 * CO;
      biasActivation(yo, (const float *)(long)p->bias, yo, (r1 - r0) * CO, p->bias ? CO : 0, p->epilogue - 1);
    }
  }
}

/* dpatches (rows, K) = dy (rows, C_out) * filter^T, then col2im onto dx (rows: whole images unless pointwise). */
static void conv2d_backprop_input_rows(const float *dy, const float *w, float *dx, float *col, const ConvParams *p,
                                       int begin, int end) {
  const int K = p->kernelHeight * p->kernelWidth * p->inChannels, CO = p->outChannels, thread = p->chunks.thread;
  if (is_pointwise(p)) {
    GemmParams g = { .m = end - begin, .n = K, .k = CO, .aRow = CO, .aCol = 1, .bRow = 1, .bCol = CO, .ldc = K };
    gemm(dy + begin * CO, w, dx + begin * K, &g, thread);
    return;
  }
  const int image = p->inHeight * p->inWidth * p->inChannels, OHW = p->outHeight * p->outWidth;
  __builtin_memset(dx + begin / OHW * image, 0, (unsigned long)(end - begin) / OHW * image * sizeof(float));
  for (int r0 = begin; r0 < end; r0 += p->chunkRows) {
    const int rows = imin(p->chunkRows, end - r0);
    GemmParams g = { .m = rows, .n = K, .k = CO, .aRow = CO, .aCol = 1, .bRow = 1, .bCol = CO, .ldc = K };
    gemm(dy + r0 * CO, w, col, &g, thread);
    col2im(p, col, r0, rows, dx);
  }
}

__attribute__((export_name("conv2dBackpropInput")))
void conv2dBackpropInput(const float *dy, const float *w, float *dx, float *col, const ConvParams *p) {
  int r0, r1;
  while (claim(&p->chunks, &r0, &r1)) conv2d_backprop_input_rows(dy, w, dx, col, p, r0, r1);
}

/*
 * dfilter (K, C_out) += patches^T (K, rows) * dy (rows, C_out) over every chunk this thread claims: the
 * caller zeroes each thread's dfilter and sums them.
 */
__attribute__((export_name("conv2dBackpropFilter")))
void conv2dBackpropFilter(const float *x, const float *dy, float *dw, float *col, const ConvParams *p) {
  const int K = p->kernelHeight * p->kernelWidth * p->inChannels, CO = p->outChannels, thread = p->chunks.thread;
  int begin, end;
  while (claim(&p->chunks, &begin, &end)) {
    if (is_pointwise(p)) {
      GemmParams g = { .m = K, .n = CO, .k = end - begin, .aRow = 1, .aCol = K, .bRow = CO, .bCol = 1, .ldc = CO, .accumulate = 1 };
      gemm(x + begin * K, dy + begin * CO, dw, &g, thread);
      continue;
    }
    if (conv_small_backprop_filter(x, dy, dw, p, begin, end)) continue;
    for (int r0 = begin; r0 < end; r0 += p->chunkRows) {
      const int rows = imin(p->chunkRows, end - r0);
      im2col(p, x, r0, rows, col);
      GemmParams g = { .m = K, .n = CO, .k = rows, .aRow = 1, .aCol = K, .bRow = CO, .bCol = 1, .ldc = CO, .accumulate = 1 };
      gemm(col, dy + r0 * CO, dw, &g, thread);
    }
  }
}

/* y = a op b elementwise on equal shapes; op 0 add, 1 sub, 2 mul (Backend.binary without broadcasting). */
__attribute__((export_name("binarySameShape")))
void binarySameShape(const float *a, const float *b, float *y, int n, int op) {
  int i = 0;
  switch (op) {
    case 0:
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
      for (; i < n; i++) y[i] = a[i] + b[i];
      break;
    case 1:
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i)));
      for (; i < n; i++) y[i] = a[i] - b[i];
      break;
    default:
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
      for (; i < n; i++) y[i] = a[i] * b[i];
  }
}

/*
 * Mirrors Backend Pool2DParams (NHWC). Max pooling scans each window row-major and keeps the first
 * maximum, NaN winning as TensorFlow's; windows are clipped to the input (padding is never a candidate).
 * Measured (bench/NOTES.md entry 5): in JS these two were a quarter of a W5 training step.
 */
typedef struct {
  int batch, inHeight, inWidth, channels, outHeight, outWidth;
  int poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft;
} PoolParams;

static inline int imax(int a, int b) { return a > b ? a : b; }
/* v replaces best: the first candidate, a larger value, or a NaN over a number. */
static inline int takes(float v, float best) { return v > best || (v != v && best == best); }
/* The same on four lanes: all-ones where v replaces best. */
static inline v128_t takes4(v128_t v, v128_t best) {
  return wasm_v128_or(wasm_f32x4_gt(v, best), wasm_v128_andnot(wasm_f32x4_eq(best, best), wasm_f32x4_eq(v, v)));
}

/*
 * The common case, Keras's default MaxPooling2D: 2x2 windows, stride 2, no padding, every window inside
 * the input (so they tile it without overlap) and whole vectors of channels. Each window's four pixels
 * are loaded directly, in the general loop's row-major order, with no per-window bounds or index sums.
 */
static int isPool2x2(const PoolParams *p) {
  return p->poolHeight == 2 && p->poolWidth == 2 && p->strideHeight == 2 && p->strideWidth == 2 && p->padTop == 0 &&
    p->padLeft == 0 && 2 * p->outHeight <= p->inHeight && 2 * p->outWidth <= p->inWidth && p->channels % 4 == 0;
}

/* Max of a 2x2 window's four pixels (row-major: a, a + C, b, b + C), first maximum and NaN winning. */
static void maxPool2x2(const float *x, float *y, const PoolParams *p) {
  const int H = p->inHeight, W = p->inWidth, C = p->channels, OH = p->outHeight, OW = p->outWidth;
  for (int n = 0; n < p->batch; n++)
    for (int oh = 0; oh < OH; oh++) {
      const float *a = x + (n * H + 2 * oh) * W * C, *b = a + W * C;
      float *yo = y + (n * OH + oh) * OW * C;
      for (int ow = 0; ow < OW; ow++, a += 2 * C, b += 2 * C, yo += C)
        for (int c = 0; c < C; c += 4) {
          v128_t best = wasm_v128_load(a + c), v = wasm_v128_load(a + C + c);
          best = wasm_v128_bitselect(v, best, takes4(v, best));
          v = wasm_v128_load(b + c);
          best = wasm_v128_bitselect(v, best, takes4(v, best));
          v = wasm_v128_load(b + C + c);
          wasm_v128_store(yo + c, wasm_v128_bitselect(v, best, takes4(v, best)));
        }
    }
}

/*
 * The gradient for the same windows: they do not overlap, so each dx element is written exactly once,
 * dy at the window's first maximum and 0 at its other pixels and at the rows and columns no window
 * covers, with no zeroing pass first. The winner is 0 + dy as the general kernel's dx += dy (so -0
 * becomes +0 there too).
 */
static inline __attribute__((always_inline)) void pool2x2Backprop(const float *dy, const float *x, float *dx,
  const PoolParams *p, int n0, int n1, double *acc) {
  const int H = p->inHeight, W = p->inWidth, C = p->channels, OH = p->outHeight, OW = p->outWidth;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int n = n0; n < n1; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const long row = ((long)n * H + 2 * oh) * W * C;
      const float *a = x + row, *b = a + W * C, *g = dy + ((long)n * OH + oh) * OW * C;
      float *da = dx + row, *db = da + W * C;
      for (int ow = 0; ow < OW; ow++, a += 2 * C, b += 2 * C, da += 2 * C, db += 2 * C, g += C)
        for (int c = 0; c < C; c += 4) {
          const v128_t v0 = wasm_v128_load(a + c), v1 = wasm_v128_load(a + C + c);
          const v128_t v2 = wasm_v128_load(b + c), v3 = wasm_v128_load(b + C + c);
          const v128_t t1 = takes4(v1, v0), best1 = wasm_v128_bitselect(v1, v0, t1);
          const v128_t t2 = takes4(v2, best1), best2 = wasm_v128_bitselect(v2, best1, t2);
          const v128_t t3 = takes4(v3, best2);
          /* The winner is the last pixel that took over: 3 if t3, else 2 if t2, else 1 if t1, else 0. */
          const v128_t later2 = t3, later1 = wasm_v128_or(t2, t3), later0 = wasm_v128_or(t1, later1);
          v128_t d = wasm_v128_load(g + c);
          /* With acc, relu's gradient from the winner (the relu output): dy where it is > 0 (NaN gives 0). */
          if (acc) d = wasm_v128_and(d, wasm_f32x4_gt(wasm_v128_bitselect(v3, best2, t3), zero));
          wasm_v128_store(da + c, wasm_f32x4_add(wasm_v128_andnot(d, later0), zero));
          wasm_v128_store(da + C + c, wasm_f32x4_add(wasm_v128_and(wasm_v128_andnot(d, later1), t1), zero));
          wasm_v128_store(db + c, wasm_f32x4_add(wasm_v128_and(wasm_v128_andnot(d, later2), t2), zero));
          wasm_v128_store(db + C + c, wasm_f32x4_add(wasm_v128_and(d, t3), zero));
          if (acc) {
            const v128_t s = wasm_f32x4_add(d, zero);
            wasm_v128_store(acc + c, wasm_f64x2_add(wasm_v128_load(acc + c), wasm_f64x2_promote_low_f32x4(s)));
            wasm_v128_store(acc + c + 2, wasm_f64x2_add(wasm_v128_load(acc + c + 2),
              wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(s, s, 2, 3, 0, 1))));
          }
        }
      /* Columns right of the last window (odd W), in both rows. */
      __builtin_memset(da, 0, (unsigned long)(W - 2 * OW) * C * sizeof(float));
      __builtin_memset(db, 0, (unsigned long)(W - 2 * OW) * C * sizeof(float));
    }
    /* Rows below the last window (odd H). */
    __builtin_memset(dx + ((long)n * H + 2 * OH) * W * C, 0, (unsigned long)(H - 2 * OH) * W * C * sizeof(float));
  }
}

static void maxPool2x2Backprop(const float *dy, const float *x, float *dx, const PoolParams *p) {
  pool2x2Backprop(dy, x, dx, p, 0, p->batch, 0);
}

__attribute__((export_name("maxPool2d")))
void maxPool2d(const float *x, float *y, const PoolParams *p) {
  if (isPool2x2(p)) {
    maxPool2x2(x, y, p);
    return;
  }
  const int H = p->inHeight, W = p->inWidth, C = p->channels, OH = p->outHeight, OW = p->outWidth;
  for (int n = 0; n < p->batch; n++)
    for (int oh = 0; oh < OH; oh++) {
      const int r0 = oh * p->strideHeight - p->padTop, rs = imax(r0, 0), re = imin(r0 + p->poolHeight, H);
      for (int ow = 0; ow < OW; ow++) {
        const int c0 = ow * p->strideWidth - p->padLeft, cs = imax(c0, 0), ce = imin(c0 + p->poolWidth, W);
        float *yo = y + ((n * OH + oh) * OW + ow) * C;
        if (rs >= re || cs >= ce) {
          for (int c = 0; c < C; c++) yo[c] = -__builtin_inff();
          continue;
        }
        const float *first = x + ((n * H + rs) * W + cs) * C;
        for (int c = 0; c < C; c++) yo[c] = first[c];
        for (int r = rs; r < re; r++)
          for (int col = (r == rs ? cs + 1 : cs); col < ce; col++) {
            const float *xo = x + ((n * H + r) * W + col) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4) {
              const v128_t v = wasm_v128_load(xo + c), best = wasm_v128_load(yo + c);
              wasm_v128_store(yo + c, wasm_v128_bitselect(v, best, takes4(v, best)));
            }
            for (; c < C; c++) {
              const float v = xo[c], best = yo[c];
              yo[c] = takes(v, best) ? v : best;
            }
          }
      }
    }
}

/* dx (zeroed here) += dy at the first maximum of each window; overlapping windows add up. */
__attribute__((export_name("maxPool2dBackprop")))
void maxPool2dBackprop(const float *dy, const float *x, float *dx, const PoolParams *p) {
  if (isPool2x2(p)) {
    maxPool2x2Backprop(dy, x, dx, p);
    return;
  }
  const int H = p->inHeight, W = p->inWidth, C = p->channels, OH = p->outHeight, OW = p->outWidth;
  __builtin_memset(dx, 0, (unsigned long)p->batch * H * W * C * sizeof(float));
  for (int n = 0; n < p->batch; n++)
    for (int oh = 0; oh < OH; oh++) {
      const int r0 = oh * p->strideHeight - p->padTop, rs = imax(r0, 0), re = imin(r0 + p->poolHeight, H);
      for (int ow = 0; ow < OW; ow++) {
        const int c0 = ow * p->strideWidth - p->padLeft, cs = imax(c0, 0), ce = imin(c0 + p->poolWidth, W);
        if (rs >= re || cs >= ce) continue;
        const float *dyo = dy + ((n * OH + oh) * OW + ow) * C;
        const int firstAt = ((n * H + rs) * W + cs) * C;
        int c = 0;
        /* Four channels at a time: the running maximum and, per lane, the flat offset of its pixel. */
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_v128_load(x + firstAt + c), at = wasm_i32x4_splat(firstAt);
          for (int r = rs; r < re; r++)
            for (int col = (r == rs ? cs + 1 : cs); col < ce; col++) {
              const int pixel = ((n * H + r) * W + col) * C;
              const v128_t v = wasm_v128_load(x + pixel + c), take = takes4(v, best);
              best = wasm_v128_bitselect(v, best, take);
              at = wasm_v128_bitselect(wasm_i32x4_splat(pixel), at, take);
            }
          dx[wasm_i32x4_extract_lane(at, 0) + c] += dyo[c];
          dx[wasm_i32x4_extract_lane(at, 1) + c + 1] += dyo[c + 1];
          dx[wasm_i32x4_extract_lane(at, 2) + c + 2] += dyo[c + 2];
          dx[wasm_i32x4_extract_lane(at, 3) + c + 3] += dyo[c + 3];
        }
        for (; c < C; c++) {
          int at = ((n * H + rs) * W + cs) * C + c;
          float best = x[at];
          for (int r = rs; r < re; r++)
            for (int col = (r == rs ? cs + 1 : cs); col < ce; col++) {
              const int i = ((n * H + r) * W + col) * C + c;
              if (takes(x[i], best)) { best = x[i]; at = i; }
            }
          dx[at] += dyo[c];
        }
      }
    }
}

/* Pool params and chunks of whole images (units: images), for a pooling call split across threads. */
typedef struct {
  PoolParams pool;
  Chunks chunks;
} PoolImages;

/* Claims this thread's next chunk of images: *n0 its first, *q the pool params of just those; 0 when none is left. */
static int claim_images(const PoolImages *p, int *n0, PoolParams *q) {
  int n1;
  if (!claim(&p->chunks, n0, &n1)) return 0;
  *q = p->pool;
  q->batch = n1 - *n0;
  return 1;
}

static long in_image(const PoolParams *p) { return (long)p->inHeight * p->inWidth * p->channels; }
static long out_image(const PoolParams *p) { return (long)p->outHeight * p->outWidth * p->channels; }

/* maxPool2d on the images this thread claims (the arguments in the conv kernels' order; two unused). */
__attribute__((export_name("maxPool2dImages")))
void maxPool2dImages(const float *x, const float *unused, float *y, float *scratch, const PoolImages *p) {
  PoolParams q;
  int n0;
  (void)unused;
  (void)scratch;
  while (claim_images(p, &n0, &q)) maxPool2d(x + n0 * in_image(&q), y + n0 * out_image(&q), &q);
}

/* maxPool2dBackprop on the images this thread claims. */
__attribute__((export_name("maxPool2dBackpropImages")))
void maxPool2dBackpropImages(const float *dy, const float *x, float *dx, float *scratch, const PoolImages *p) {
  PoolParams q;
  int n0;
  (void)scratch;
  while (claim_images(p, &n0, &q)) maxPool2dBackprop(dy + n0 * out_image(&q), x + n0 * in_image(&q), dx + n0 * in_image(&q), &q);
}

/*
 * maxPool2dBackprop followed by the relu epilogue's gradient, for a relu layer's output x pooled: dz = dy at
 * each window's first maximum where that maximum is > 0, else 0, and the bias gradient's running sums
 * (`sums`: `channels` doubles, then dbias = their float32 value), on the images this thread claims. The
 * 2x2 stride-2 windows take one pass; other windows run the two kernels one after the other on each chunk.
 * The same dz as the two kernels; the sums add the same terms in window order instead of row order.
 */
__attribute__((export_name("maxPool2dBackpropReluImages")))
void maxPool2dBackpropReluImages(const float *dy, const float *x, float *dz, float *sums, const PoolImages *p) {
  const int C = p->pool.channels;
  const long inImage = in_image(&p->pool), outImage = out_image(&p->pool);
  double *acc = (double *)sums;
  float *dbias = sums + 2 * C;
  PoolParams q;
  int n0;
  while (claim_images(p, &n0, &q)) {
    if (isPool2x2(&q)) {
      pool2x2Backprop(dy, x, dz, &q, n0, n0 + q.batch, acc);
      for (int c = 0; c < C; c++) dbias[c] = (float)acc[c];
    } else {
      maxPool2dBackprop(dy + n0 * outImage, x + n0 * inImage, dz + n0 * inImage, &q);
      biasActivationGrad(dz + n0 * inImage, x + n0 * inImage, dz + n0 * inImage, dbias, acc, (int)(q.batch * inImage), C, 1);
    }
  }
}

/*
 * A dropout mask from the global generator's stream (src/core/random.ts bernoulliFillFrom, mulberry32):
 * y[i] = value where draw i from state `state` is below `threshold` (p 2^32, so draw < threshold exactly
 * when draw / 2^32 < p), else 0. Unsigned arithmetic wraps as JavaScript's Math.imul and ToInt32 do.
 */
__attribute__((export_name("bernoulliFill")))
void bernoulliFill(float *y, int n, unsigned state, double threshold, float value) {
  for (int i = 0; i < n; i++) {
    state += 0x6d2b79f5u;
    unsigned t = state;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    y[i] = (double)(t ^ (t >> 14)) < threshold ? value : 0.0f;
  }
}

/* y = f(x) elementwise: op 0 relu (x > 0 ? x : 0), 1 step (x > 0 ? 1 : 0); NaN gives 0, as the JS kernels. */
__attribute__((export_name("unaryMap")))
void unaryMap(const float *x, float *y, int n, int op) {
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  int i = 0;
  if (op == 0) {
    for (; i + 4 <= n; i += 4) {
      const v128_t v = wasm_v128_load(x + i);
      wasm_v128_store(y + i, wasm_v128_and(v, wasm_f32x4_gt(v, zero)));
    }
    for (; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  } else {
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_v128_and(one, wasm_f32x4_gt(wasm_v128_load(x + i), zero)));
    for (; i < n; i++) y[i] = x[i] > 0.0f ? 1.0f : 0.0f;
  }
}

/* y (n) = a (n) op b (m) repeated along a's leading axes (the bias add): op 0 add, 1 sub, 2 mul; n % m == 0. */
__attribute__((export_name("binaryTrailing")))
void binaryTrailing(const float *a, const float *b, float *y, int n, int m, int op) {
  for (int i0 = 0; i0 < n; i0 += m) {
    const float *ao = a + i0;
    float *yo = y + i0;
    int j = 0;
    switch (op) {
      case 0:
        for (; j + 4 <= m; j += 4) wasm_v128_store(yo + j, wasm_f32x4_add(wasm_v128_load(ao + j), wasm_v128_load(b + j)));
        for (; j < m; j++) yo[j] = ao[j] + b[j];
        break;
      case 1:
        for (; j + 4 <= m; j += 4) wasm_v128_store(yo + j, wasm_f32x4_sub(wasm_v128_load(ao + j), wasm_v128_load(b + j)));
        for (; j < m; j++) yo[j] = ao[j] - b[j];
        break;
      default:
        for (; j + 4 <= m; j += 4) wasm_v128_store(yo + j, wasm_f32x4_mul(wasm_v128_load(ao + j), wasm_v128_load(b + j)));
        for (; j < m; j++) yo[j] = ao[j] * b[j];
    }
  }
}

/*
 * y (outer, inner) = sum over mid of x (outer, mid, inner): the contiguous-axes sum (the bias gradient),
 * accumulated in double as the JS kernel; `acc` is scratch of `inner` doubles.
 */
__attribute__((export_name("reduceSum")))
void reduceSum(const float *x, float *y, double *acc, int outer, int mid, int inner) {
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < inner; i++) acc[i] = 0.0;
    const float *xo = x + (long)o * mid * inner;
    for (int mm = 0; mm < mid; mm++, xo += inner) {
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v128_t v = wasm_v128_load(xo + i);
        wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), wasm_f64x2_promote_low_f32x4(v)));
        wasm_v128_store(acc + i + 2, wasm_f64x2_add(wasm_v128_load(acc + i + 2),
          wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
      }
      for (; i < inner; i++) acc[i] += xo[i];
    }
    for (int i = 0; i < inner; i++) y[o * inner + i] = (float)acc[i];
  }
}

/*
 * y (outer, inner) = the max (isMax) or min over mid of x (outer, mid, inner), as the JS kernel: a value
 * replaces the running one only when strictly greater (less), so NaNs are skipped and the first of equal
 * values stays.
 */
__attribute__((export_name("reduceExtreme")))
void reduceExtreme(const float *x, float *y, int outer, int mid, int inner, int isMax) {
  const float init = isMax ? __builtin_inff() : -__builtin_inff();
  for (int o = 0; o < outer; o++) {
    float *yo = y + (long)o * inner;
    for (int i = 0; i < inner; i++) yo[i] = -init;
    const float *xo = x + (long)o * mid * inner;
    for (int mm = 0; mm < mid; mm++, xo += inner) {
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v128_t v = wasm_v128_load(xo + i), best = wasm_v128_load(yo + i);
        const v128_t take = isMax ? wasm_f32x4_gt(v, best) : wasm_f32x4_lt(v, best);
        wasm_v128_store(yo + i, wasm_v128_bitselect(v, best, take));
      }
      for (; i < inner; i++)
        if (isMax ? xo[i] > yo[i] : xo[i] < yo[i]) yo[i] = xo[i];
    }
  }
}

/*
 * The gradient of reduceExtreme over contiguous axes, as the JS kernel (TensorFlow's _MinOrMaxGrad): each
 * dy goes to the inputs equal to their output y, split evenly between ties. `share` is scratch of
 * outer * inner floats.
 */
__attribute__((export_name("extremeGradContiguous")))
void extremeGradContiguous(const float *x, const float *y, const float *dy, float *dx, float *share, int outer,
                           int mid, int inner) {
  const long out = (long)outer * inner;
  for (long i = 0; i < out; i++) share[i] = 0.0f;
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (long)o * mid * inner, *yo = y + (long)o * inner;
    float *so = share + (long)o * inner;
    for (int mm = 0; mm < mid; mm++, xo += inner) {
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v128_t eq = wasm_f32x4_eq(wasm_v128_load(xo + i), wasm_v128_load(yo + i));
        wasm_v128_store(so + i, wasm_f32x4_add(wasm_v128_load(so + i), wasm_v128_and(eq, wasm_f32x4_splat(1.0f))));
      }
      for (; i < inner; i++) so[i] += xo[i] == yo[i];
    }
  }
  for (long i = 0; i < out; i++) share[i] = dy[i] / share[i];
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (long)o * mid * inner, *yo = y + (long)o * inner, *so = share + (long)o * inner;
    float *dxo = dx + (long)o * mid * inner;
    for (int mm = 0; mm < mid; mm++, xo += inner, dxo += inner) {
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v128_t eq = wasm_f32x4_eq(wasm_v128_load(xo + i), wasm_v128_load(yo + i));
        wasm_v128_store(dxo + i, wasm_v128_and(eq, wasm_v128_load(so + i)));
      }
      for (; i < inner; i++) dxo[i] = xo[i] == yo[i] ? so[i] : 0.0f;
    }
  }
}

/* dx (outer, mid, inner) = dy (outer, inner) / mid at every position of mid: the gradient of a mean over mid. */
__attribute__((export_name("meanGradMiddle")))
void meanGradMiddle(const float *dy, float *dx, int outer, int mid, int inner) {
  const float count = (float)mid;
  const v128_t cv = wasm_f32x4_splat(count);
  for (int o = 0; o < outer; o++) {
    const float *d = dy + (long)o * inner;
    float *out = dx + (long)o * mid * inner;
    for (int mm = 0; mm < mid; mm++, out += inner) {
      int i = 0;
      for (; i + 4 <= inner; i += 4) wasm_v128_store(out + i, wasm_f32x4_div(wasm_v128_load(d + i), cv));
      for (; i < inner; i++) out[i] = d[i] / count;
    }
  }
}
