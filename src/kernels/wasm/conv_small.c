/*
 * Direct convolutions for narrow layers: at most 4 output channels (forward and filter gradient), as in the
 * seed's deconv net (1-4 channels, 2x2 to 3x4 kernels). There the
 * im2col + GEMM path fills 1-4 of the micro-kernel's 8 columns and the generic direct kernel runs a scalar
 * loop per output position; here one f32x4 holds all the channels of one position, with the filter padded
 * to 4 lanes, so each tap is one multiply-add. Per lane the sums run in the reference kernels' order.
 * (The input gradient keeps im2col + GEMM: its GEMM is n = kH*kW*C_in wide, 8-48 here, and a gather
 * kernel written like these measured 1.2-1.4x slower than it, bench/NOTES.md entry 8.)
 */
#include <stdint.h>

#include "kernels.h"

/* Taps (kH*kW*C_in) held on the stack: the filter padded to 4 lanes, or the filter gradient's accumulators. */
#define SMALL_TAPS 512

static inline int imin(int a, int b) { return a < b ? a : b; }

static inline v128_t load_lanes(const float *src, int count) {
  switch (count) {
    case 4: return wasm_v128_load(src);
    case 3: return wasm_v128_load32_lane(src + 2, wasm_v128_load64_zero(src), 2);
    case 2: return wasm_v128_load64_zero(src);
    default: return wasm_v128_load32_zero(src);
  }
}

static inline void store_lanes(float *dst, v128_t v, int count) {
  switch (count) {
    case 4: wasm_v128_store(dst, v); break;
    case 3: wasm_v128_store64_lane(dst, v, 0); wasm_v128_store32_lane(dst + 2, v, 2); break;
    case 2: wasm_v128_store64_lane(dst, v, 0); break;
    default: wasm_v128_store32_lane(dst, v, 0);
  }
}

/*
 * Offsets of the taps (kh, kw, ci) from a window's first element, in the order the sums run, and whether a
 * window at (ih0, iw0) lies inside the input (no tap needs a bounds check; always, for 'valid' padding).
 */
static void tap_offsets(const ConvParams *p, int *offsets) {
  const int C = p->inChannels;
  for (int kh = 0, k = 0; kh < p->kernelHeight; kh++)
    for (int kw = 0; kw < p->kernelWidth; kw++)
      for (int ci = 0; ci < C; ci++, k++)
        offsets[k] = (kh * p->dilationHeight * p->inWidth + kw * p->dilationWidth) * C + ci;
}

static inline int window_inside(const ConvParams *p, int ih0, int iw0) {
  return ih0 >= 0 && iw0 >= 0 && ih0 + (p->kernelHeight - 1) * p->dilationHeight < p->inHeight &&
         iw0 + (p->kernelWidth - 1) * p->dilationWidth < p->inWidth;
}

/* The output position (n, oh, ow) of the next row. */
static inline void next_row(const ConvParams *p, int *n, int *oh, int *ow) {
  if (++*ow == p->outWidth) {
    *ow = 0;
    if (++*oh == p->outHeight) *oh = 0, ++*n;
  }
}

/*
 * For a window at (ih0, iw0) that touches the padding: the taps that read the input, as indices k into
 * the (kh, kw, ci) order and offsets from the window's first element (ih0, iw0); returns how many.
 */
static int window_taps(const ConvParams *p, int ih0, int iw0, const int *offsets, int *taps, int *taken) {
  const int C = p->inChannels;
  int count = 0;
  for (int kh = 0, k = 0; kh < p->kernelHeight; kh++) {
    const int ih = ih0 + kh * p->dilationHeight;
    for (int kw = 0; kw < p->kernelWidth; kw++, k += C) {
      const int iw = iw0 + kw * p->dilationWidth;
      if ((unsigned)ih >= (unsigned)p->inHeight || (unsigned)iw >= (unsigned)p->inWidth) continue;
      for (int ci = 0; ci < C; ci++, count++) taps[count] = k + ci, taken[count] = offsets[k + ci];
    }
  }
  return count;
}

/*
 * Four rows of the short-patch forward whose windows lie inside the input (xo[r]: each window's first element),
 * channel vectors [j0, j0 + U) of y: 4 x U accumulators. One row alone sums its K taps as a chain of dependent
 * multiply-adds per accumulator; with a fused multiply-add (4 cycles' latency, relaxed build) that chain bound
 * the one-row loop, which measured 1.5x slower than the baseline build's mul + add. Four rows are four
 * independent chains, as in conv_small_forward's 4-channel loop. U is a constant at each call, so the loops unroll.
 */
static inline __attribute__((always_inline)) void forward_rows4(const float *const *xo, const float *wpad, float *y,
                                                                int CO, int V, int K, const int *offsets, int j0,
                                                                int U) {
  v128_t a[4][2];
  for (int r = 0; r < 4; r++)
    for (int u = 0; u < U; u++) a[r][u] = wasm_f32x4_splat(0.0f);
  for (int k = 0; k < K; k++) {
    const float *wk = wpad + k * 4 * V + 4 * j0;
    const int o = offsets[k];
    v128_t wv[2];
    for (int u = 0; u < U; u++) wv[u] = wasm_v128_load(wk + 4 * u);
    for (int r = 0; r < 4; r++) {
      const v128_t xs = wasm_v128_load32_splat(xo[r] + o);
      for (int u = 0; u < U; u++) a[r][u] = f32x4_madd(xs, wv[u], a[r][u]);
    }
  }
  const int tail = CO - 4 * (V - 1);
  for (int r = 0; r < 4; r++)
    for (int u = 0; u < U; u++) {
      float *d = y + r * CO + 4 * (j0 + u);
      if (j0 + u < V - 1) wasm_v128_store(d, a[r][u]);
      else store_lanes(d, a[r][u], tail);
    }
}

/*
 * Short patches (kH*kW*C_in <= 16) with 5 to 32 output channels (MNIST's first layer: 3x3 on one channel,
 * 32 filters), the filter padded to whole vectors: four rows at a time where all their windows lie inside the
 * input (forward_rows4); otherwise one row, its channels in up to 8 f32x4 accumulators, windows inside the
 * input with the check-free tap loop, border windows with their valid taps.
 */
static int conv_short_forward(const float *x, const float *w, float *y, const ConvParams *p, int begin, int end) {
  const int C = p->inChannels, CO = p->outChannels, KH = p->kernelHeight, KW = p->kernelWidth, K = KH * KW * C;
  const int V = (CO + 3) / 4, tail = CO - 4 * (V - 1);
  float wpad[16 * 8 * 4] __attribute__((aligned(16)));
  for (int k = 0; k < K; k++)
    for (int j = 0; j < 4 * V; j++) wpad[k * 4 * V + j] = j < CO ? w[k * CO + j] : 0.0f;
  int offsets[16], taps[16], taken[16];
  tap_offsets(p, offsets);
  const int H = p->inHeight, W = p->inWidth, OH = p->outHeight, OW = p->outWidth, OHW = OH * OW;
  int n = begin / OHW, oh = begin % OHW / OW, ow = begin % OW;
  for (int row = begin; row < end; row++) {
    if (end - row >= 4) {
      /* The next four rows together when all their windows lie inside; otherwise this row alone, below. */
      const float *xo[4];
      int inside = 1, n4 = n, oh4 = oh, ow4 = ow;
      for (int r = 0; r < 4 && inside; r++, next_row(p, &n4, &oh4, &ow4)) {
        const int ih0 = oh4 * p->strideHeight - p->padTop, iw0 = ow4 * p->strideWidth - p->padLeft;
        if ((inside = window_inside(p, ih0, iw0))) xo[r] = x + ((n4 * H + ih0) * W + iw0) * C;
      }
      if (inside) {
        for (int j0 = 0; j0 < V; j0 += 2) {
          if (V - j0 >= 2) forward_rows4(xo, wpad, y + row * CO, CO, V, K, offsets, j0, 2);
          else forward_rows4(xo, wpad, y + row * CO, CO, V, K, offsets, j0, 1);
        }
        row += 3, n = n4, oh = oh4, ow = ow4;
        continue;
      }
    }
    v128_t acc[8];
    for (int j = 0; j < V; j++) acc[j] = wasm_f32x4_splat(0.0f);
    const float *xn = x + n * H * W * C;
    const int ih0 = oh * p->strideHeight - p->padTop, iw0 = ow * p->strideWidth - p->padLeft;
    if (window_inside(p, ih0, iw0) && V == 8) {
      /* 32 channels (the common case): a constant trip count keeps the 8 accumulators in registers. */
      const float *xo = xn + (ih0 * W + iw0) * C;
      v128_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
      for (int k = 0; k < K; k++) {
        const v128_t xs = wasm_v128_load32_splat(xo + offsets[k]);
        const float *wk = wpad + k * 32;
        a0 = f32x4_madd(xs, wasm_v128_load(wk), a0);
        a1 = f32x4_madd(xs, wasm_v128_load(wk + 4), a1);
        a2 = f32x4_madd(xs, wasm_v128_load(wk + 8), a2);
        a3 = f32x4_madd(xs, wasm_v128_load(wk + 12), a3);
        a4 = f32x4_madd(xs, wasm_v128_load(wk + 16), a4);
        a5 = f32x4_madd(xs, wasm_v128_load(wk + 20), a5);
        a6 = f32x4_madd(xs, wasm_v128_load(wk + 24), a6);
        a7 = f32x4_madd(xs, wasm_v128_load(wk + 28), a7);
      }
      acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;
    } else if (window_inside(p, ih0, iw0)) {
      const float *xo = xn + (ih0 * W + iw0) * C;
      for (int k = 0; k < K; k++) {
        const v128_t xs = wasm_v128_load32_splat(xo + offsets[k]);
        const float *wk = wpad + k * 4 * V;
        for (int j = 0; j < V; j++) acc[j] = f32x4_madd(xs, wasm_v128_load(wk + 4 * j), acc[j]);
      }
    } else {
      /* The window touches the padding: ih0 or iw0 may be negative, so the offset is summed before indexing. */
      const int at = (ih0 * W + iw0) * C, count = window_taps(p, ih0, iw0, offsets, taps, taken);
      for (int t = 0; t < count; t++) {
        const v128_t xs = wasm_v128_load32_splat(xn + (at + taken[t]));
        const float *wk = wpad + taps[t] * 4 * V;
        for (int j = 0; j < V; j++) acc[j] = f32x4_madd(xs, wasm_v128_load(wk + 4 * j), acc[j]);
      }
    }
    float *yo = y + row * CO;
    for (int j = 0; j < V - 1; j++) wasm_v128_store(yo + 4 * j, acc[j]);
    store_lanes(yo + 4 * (V - 1), acc[V - 1], tail);
    next_row(p, &n, &oh, &ow);
  }
  return 1;
}

/*
 * y[row, 0..CO) = sum over taps (kh, kw, ci) of x * w: lanes are output channels. Four rows run interleaved,
 * each with its own accumulator: one row alone is a chain of dependent multiply-adds (latency-bound).
 */
int conv_small_forward(const float *x, const float *w, float *y, const ConvParams *p, int begin, int end) {
  const int C = p->inChannels, CO = p->outChannels, KH = p->kernelHeight, KW = p->kernelWidth, K = KH * KW * C;
  if (CO > 4 && CO <= 32 && K <= 16) return conv_short_forward(x, w, y, p, begin, end);
  if (CO > 4 || K > SMALL_TAPS) return 0;
  float wpad[SMALL_TAPS * 4] __attribute__((aligned(16)));
  for (int k = 0; k < K; k++)
    for (int j = 0; j < 4; j++) wpad[k * 4 + j] = j < CO ? w[k * CO + j] : 0.0f;
  int offsets[SMALL_TAPS];
  tap_offsets(p, offsets);
  const int H = p->inHeight, W = p->inWidth, OH = p->outHeight, OW = p->outWidth, OHW = OH * OW;
  int n = begin / OHW, oh = begin % OHW / OW, ow = begin % OW;
  for (int row = begin; row < end; row += 4) {
    const int rows = imin(4, end - row);
    const float *xn[4];
    int ih0[4], iw0[4];
    for (int r = 0; r < 4; r++) {
      /* Rows past `end` repeat the last one (computed, not stored). */
      xn[r] = x + n * H * W * C, ih0[r] = oh * p->strideHeight - p->padTop, iw0[r] = ow * p->strideWidth - p->padLeft;
      if (r < rows - 1 && ++ow == OW) {
        ow = 0;
        if (++oh == OH) oh = 0, n++;
      }
    }
    next_row(p, &n, &oh, &ow);
    v128_t acc[4] = {wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f)};
    if (window_inside(p, ih0[0], iw0[0]) && window_inside(p, ih0[1], iw0[1]) && window_inside(p, ih0[2], iw0[2]) &&
        window_inside(p, ih0[3], iw0[3])) {
      const float *xo[4];
      for (int r = 0; r < 4; r++) xo[r] = xn[r] + (ih0[r] * W + iw0[r]) * C;
      for (int k = 0; k < K; k++) {
        const v128_t wv = wasm_v128_load(wpad + 4 * k);
        const int o = offsets[k];
#pragma unroll
        for (int r = 0; r < 4; r++) acc[r] = f32x4_madd(wasm_v128_load32_splat(xo[r] + o), wv, acc[r]);
      }
      for (int r = 0; r < rows; r++) store_lanes(y + (row + r) * CO, acc[r], CO);
      continue;
    }
    for (int kh = 0; kh < KH; kh++)
      for (int kw = 0; kw < KW; kw++) {
        const float *wo = wpad + (kh * KW + kw) * C * 4;
#pragma unroll
        for (int r = 0; r < 4; r++) {
          const int ih = ih0[r] + kh * p->dilationHeight, iw = iw0[r] + kw * p->dilationWidth;
          if ((unsigned)ih >= (unsigned)H || (unsigned)iw >= (unsigned)W) continue;
          const float *xo = xn[r] + (ih * W + iw) * C;
          for (int ci = 0; ci < C; ci++) acc[r] = f32x4_madd(wasm_v128_load32_splat(xo + ci), wasm_v128_load(wo + 4 * ci), acc[r]);
        }
      }
    for (int r = 0; r < rows; r++) store_lanes(y + (row + r) * CO, acc[r], CO);
  }
  return 1;
}

/*
 * The short-patch filter gradient (kH*kW*C_in <= 16, more than 4 output channels; MNIST's first layer: 9 taps
 * x 32 channels) has up to 16 x 8 accumulators, too many for registers, and keeping them in memory cost a
 * load and a store per multiply-add (bench/NOTES.md entry 15). Here the rows go in blocks of GRAD_ROWS,
 * whose dy (16 KiB at 32 channels) stays in L1 while tiles of up to GRAD_TILE taps x GRAD_TILE vectors
 * (9 accumulators, 3 dy vectors, a splat and a temporary: within x86-64's 16 registers) each pass over the
 * block with their accumulators in registers. Each accumulator still takes the rows in order, so the sums
 * are bit-for-bit those of the row-at-a-time loop below.
 */
#define GRAD_ROWS 128
#define GRAD_TILE 3

/*
 * One tile: taps [k0, k0 + T) x vectors [j0, j0 + U) of acc (acc[k * V + j]) over `rows` rows of dy (row
 * stride CO). off[r] is row r's window start in x (negative at a top or left border); with `borders`,
 * mask[r] holds its taps that read the input (bit k), `full` when the window lies inside. T, U and
 * `borders` are constants at every call, so the loops unroll and the accumulators live in registers.
 */
static inline __attribute__((always_inline)) void grad_tile(const float *x, const float *dy, int CO, v128_t *acc, int V,
                                                            const int *off, const int *mask, int full, int rows,
                                                            const int *offsets, int k0, int T, int j0, int U,
                                                            int borders) {
  v128_t a[GRAD_TILE][GRAD_TILE];
  /* Each tap's address in a window at x, as an integer (a row adds its offset, possibly negative, modulo 2^32). */
  uintptr_t xk[GRAD_TILE];
  for (int t = 0; t < T; t++) {
    xk[t] = (uintptr_t)x + (uintptr_t)offsets[k0 + t] * sizeof(float);
    for (int u = 0; u < U; u++) a[t][u] = acc[(k0 + t) * V + j0 + u];
  }
  const float *dyr = dy + 4 * j0;
  for (int r = 0; r < rows; r++, dyr += CO) {
    v128_t g[GRAD_TILE];
    for (int u = 0; u < U; u++) g[u] = wasm_v128_load(dyr + 4 * u);
    const uintptr_t o = (uintptr_t)off[r] * sizeof(float);
    const int m = borders ? mask[r] : full;
    for (int t = 0; t < T; t++) {
      /* A border window: only the taps that read the input (the others' o + offset lies outside x). */
      if (borders && m != full && !(m >> (k0 + t) & 1)) continue;
      const v128_t xs = wasm_v128_load32_splat((const float *)(xk[t] + o));
      for (int u = 0; u < U; u++) a[t][u] = f32x4_madd(xs, g[u], a[t][u]);
    }
  }
  for (int t = 0; t < T; t++)
    for (int u = 0; u < U; u++) acc[(k0 + t) * V + j0 + u] = a[t][u];
}

/*
 * Rows [begin, end) of the short-patch filter gradient into acc (K x V vectors). Every dy row is read as
 * whole vectors, so with C_out not a multiple of 4 the caller keeps the last row of dy (whose last vector
 * would run past the array) for the row-at-a-time loop; the lanes past C_out are never stored.
 */
static void grad_short_rows(const float *x, const float *dy, v128_t *acc, const ConvParams *p, const int *offsets,
                            int begin, int end) {
  const int CO = p->outChannels, V = (CO + 3) / 4, K = p->kernelHeight * p->kernelWidth * p->inChannels;
  const int H = p->inHeight, W = p->inWidth, C = p->inChannels, OH = p->outHeight, OW = p->outWidth, OHW = OH * OW;
  const int full = (1 << K) - 1;
  int off[GRAD_ROWS], mask[GRAD_ROWS], taps[16], taken[16];
  int n = begin / OHW, oh = begin % OHW / OW, ow = begin % OW;
  for (int b = begin; b < end; b += GRAD_ROWS) {
    const int rows = imin(GRAD_ROWS, end - b);
    int borders = 0;
    for (int r = 0; r < rows; r++) {
      const int ih0 = oh * p->strideHeight - p->padTop, iw0 = ow * p->strideWidth - p->padLeft;
      off[r] = ((n * H + ih0) * W + iw0) * C;
      if (window_inside(p, ih0, iw0)) {
        mask[r] = full;
      } else {
        const int count = window_taps(p, ih0, iw0, offsets, taps, taken);
        mask[r] = 0, borders = 1;
        for (int t = 0; t < count; t++) mask[r] |= 1 << taps[t];
      }
      next_row(p, &n, &oh, &ow);
    }
    /* Taps and vectors split into near-equal tiles (9 taps: 3, 3, 3; 8 vectors: 2, 3, 3), never a lone 1 after 3s. */
    const float *dyb = dy + b * CO;
    const int tapTiles = (K + GRAD_TILE - 1) / GRAD_TILE, vecTiles = (V + GRAD_TILE - 1) / GRAD_TILE;
    for (int tt = 0; tt < tapTiles; tt++)
      for (int vt = 0; vt < vecTiles; vt++) {
        const int k0 = K * tt / tapTiles, T = K * (tt + 1) / tapTiles - k0;
        const int j0 = V * vt / vecTiles, U = V * (vt + 1) / vecTiles - j0;
        /* One call per (T, U, borders), each with constants, so that each instance unrolls. */
#define GRAD_CALL(t, u)                                                                              \
  if (T == t && U == u) {                                                                            \
    if (borders) grad_tile(x, dyb, CO, acc, V, off, mask, full, rows, offsets, k0, t, j0, u, 1);     \
    else grad_tile(x, dyb, CO, acc, V, off, mask, full, rows, offsets, k0, t, j0, u, 0);             \
    continue;                                                                                        \
  }
        GRAD_CALL(3, 3) GRAD_CALL(3, 2) GRAD_CALL(3, 1)
        GRAD_CALL(2, 3) GRAD_CALL(2, 2) GRAD_CALL(2, 1)
        GRAD_CALL(1, 3) GRAD_CALL(1, 2) GRAD_CALL(1, 1)
#undef GRAD_CALL
      }
  }
}

/*
 * dw[k, 0..CO) += sum over rows of patch(row, k) * dy[row, 0..CO): one accumulator per (tap, 4 output
 * channels), kept across rows; lanes are output channels. Taken when C_out <= 4, or when the patch is short
 * (kH*kW*C_in <= 16, e.g. MNIST's first layer, 3x3 on one channel): the GEMM is then only K rows tall, and
 * packing the long patch and dy matrices costs more than the multiply-adds. Short patches with more than 4
 * channels go through grad_short_rows (register tiles) first; the loop below takes what it leaves.
 */
int conv_small_backprop_filter(const float *x, const float *dy, float *dw, const ConvParams *p, int begin, int end) {
  const int C = p->inChannels, CO = p->outChannels, KH = p->kernelHeight, KW = p->kernelWidth, K = KH * KW * C;
  const int V = (CO + 3) / 4, tail = CO - 4 * (V - 1);
  if (K * V > SMALL_TAPS || V > SMALL_TAPS / 16 || (CO > 4 && K > 16)) return 0;
  v128_t acc[SMALL_TAPS];
  for (int k = 0; k < K * V; k++) acc[k] = wasm_f32x4_splat(0.0f);
  const int H = p->inHeight, W = p->inWidth, OH = p->outHeight, OW = p->outWidth, OHW = OH * OW;
  v128_t g[SMALL_TAPS / 16];
  int offsets[SMALL_TAPS], taps[SMALL_TAPS], taken[SMALL_TAPS];
  tap_offsets(p, offsets);
  if (CO > 4) {
    const int stop = tail < 4 && end == p->batch * OHW ? end - 1 : end;
    grad_short_rows(x, dy, acc, p, offsets, begin, stop);
    begin = stop;
  }
  int n = begin / OHW, oh = begin % OHW / OW, ow = begin % OW;
  for (int row = begin; row < end; row++) {
    const float *dyr = dy + row * CO;
    for (int j = 0; j < V - 1; j++) g[j] = wasm_v128_load(dyr + 4 * j);
    g[V - 1] = load_lanes(dyr + 4 * (V - 1), tail);
    const float *xn = x + n * H * W * C;
    const int ih0 = oh * p->strideHeight - p->padTop, iw0 = ow * p->strideWidth - p->padLeft;
    if (window_inside(p, ih0, iw0)) {
      const float *xo = xn + (ih0 * W + iw0) * C;
      if (V == 1) {
        for (int k = 0; k < K; k++) acc[k] = f32x4_madd(wasm_v128_load32_splat(xo + offsets[k]), g[0], acc[k]);
      } else {
        for (int k = 0; k < K; k++) {
          const v128_t xs = wasm_v128_load32_splat(xo + offsets[k]);
          for (int j = 0; j < V; j++) acc[k * V + j] = f32x4_madd(xs, g[j], acc[k * V + j]);
        }
      }
    } else {
      const int at = (ih0 * W + iw0) * C, count = window_taps(p, ih0, iw0, offsets, taps, taken);
      for (int t = 0; t < count; t++) {
        const v128_t xs = wasm_v128_load32_splat(xn + (at + taken[t]));
        v128_t *a = acc + taps[t] * V;
        for (int j = 0; j < V; j++) a[j] = f32x4_madd(xs, g[j], a[j]);
      }
    }
    next_row(p, &n, &oh, &ow);
  }
  for (int k = 0; k < K; k++) {
    float *d = dw + k * CO;
    for (int j = 0; j < V - 1; j++) wasm_v128_store(d + 4 * j, wasm_f32x4_add(wasm_v128_load(d + 4 * j), acc[k * V + j]));
    store_lanes(d + 4 * (V - 1), wasm_f32x4_add(load_lanes(d + 4 * (V - 1), tail), acc[k * V + V - 1]), tail);
  }
  return 1;
}
