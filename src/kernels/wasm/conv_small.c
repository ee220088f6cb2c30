/*
 * Direct convolutions for narrow layers: at most 4 output channels (forward and filter gradient), as in the
 * seed's deconv net (1-4 channels, 2x2 to 3x4 kernels). There the
 * im2col + GEMM path fills 1-4 of the micro-kernel's 8 columns and the generic direct kernel runs a scalar
 * loop per output position; here one f32x4 holds all the channels of one position, with the filter padded
 * to 4 lanes, so each tap is one multiply-add. Per lane the sums run in the reference kernels' order.
 * (The input gradient keeps im2col + GEMM: its GEMM is n = kH*kW*C_in wide, 8-48 here, and a gather
 * kernel written like these measured 1.2-1.4x slower than it, bench/NOTES.md entry 8.)
 */
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
 * y[row, 0..CO) = sum over taps (kh, kw, ci) of x * w: lanes are output channels. Four rows run interleaved,
 * each with its own accumulator: one row alone is a chain of dependent multiply-adds (latency-bound).
 */
/*
 * Short patches (kH*kW*C_in <= 16) with 5 to 32 output channels (MNIST's first layer: 3x3 on one channel,
 * 32 filters): one row at a time, its channels in up to 8 f32x4 accumulators, the filter padded to whole
 * vectors; windows inside the input take the check-free tap loop.
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
    if (++ow == OW) {
      ow = 0;
      if (++oh == OH) oh = 0, n++;
    }
  }
  return 1;
}

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
    if (++ow == OW) {
      ow = 0;
      if (++oh == OH) oh = 0, n++;
    }
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
 * dw[k, 0..CO) += sum over rows of patch(row, k) * dy[row, 0..CO): one accumulator per (tap, 4 output
 * channels), kept across rows; lanes are output channels. Taken when C_out <= 4, or when the patch is short
 * (kH*kW*C_in <= 16, e.g. MNIST's first layer, 3x3 on one channel): the GEMM is then only K rows tall, and
 * packing the long patch and dy matrices costs more than the multiply-adds.
 */
int conv_small_backprop_filter(const float *x, const float *dy, float *dw, const ConvParams *p, int begin, int end) {
  const int C = p->inChannels, CO = p->outChannels, KH = p->kernelHeight, KW = p->kernelWidth, K = KH * KW * C;
  const int V = (CO + 3) / 4, tail = CO - 4 * (V - 1);
  if (K * V > SMALL_TAPS || V > SMALL_TAPS / 16 || (CO > 4 && K > 16)) return 0;
  v128_t acc[SMALL_TAPS];
  for (int k = 0; k < K * V; k++) acc[k] = wasm_f32x4_splat(0.0f);
  const int H = p->inHeight, W = p->inWidth, OH = p->outHeight, OW = p->outWidth, OHW = OH * OW;
  int n = begin / OHW, oh = begin % OHW / OW, ow = begin % OW;
  v128_t g[SMALL_TAPS / 16];
  int offsets[SMALL_TAPS], taps[SMALL_TAPS], taken[SMALL_TAPS];
  tap_offsets(p, offsets);
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
    if (++ow == OW) {
      ow = 0;
      if (++oh == OH) oh = 0, n++;
    }
  }
  for (int k = 0; k < K; k++) {
    float *d = dw + k * CO;
    for (int j = 0; j < V - 1; j++) wasm_v128_store(d + 4 * j, wasm_f32x4_add(wasm_v128_load(d + 4 * j), acc[k * V + j]));
    store_lanes(d + 4 * (V - 1), wasm_f32x4_add(load_lanes(d + 4 * (V - 1), tail), acc[k * V + V - 1]), tail);
  }
  return 1;
}
