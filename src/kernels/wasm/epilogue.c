/*
 * The layer epilogue, y = activation(z + bias), and its gradient in one pass each (Backend.biasActivation
 * and biasActivationGrad; the JS reference is src/kernels/js/epilogue.ts). Unfused, a conv layer's
 * bias add, activation, activation gradient and bias-gradient sum were four passes with four fresh
 * arrays (bench/NOTES.md entry 5: on this VM a fresh 11 MB array costs ~7 ms in page faults).
 *
 * Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh. The bias (`channels` floats) repeats along z's
 * leading axes; channels 0 means no bias. The gradient uses the output y only: relu' = (y > 0),
 * sigmoid' = y (1 - y), tanh' = 1 - y², evaluated in the same float32 steps as the unfused ops.
 */
#include "activations.h"
#include "kernels.h"

/* y (n) = activation(z + bias); y may be z (in place). n % channels == 0 when channels > 0. */
static inline __attribute__((always_inline)) void biasActivationWith(const float *z, const float *bias, float *y, int n,
  int channels, int activation) {
  if (channels == 0) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, activate4(wasm_v128_load(z + i), activation));
    for (; i < n; i++) y[i] = activate1(z[i], activation);
    return;
  }
  for (int i0 = 0; i0 < n; i0 += channels) {
    const float *zo = z + i0;
    float *yo = y + i0;
    int c = 0;
    for (; c + 4 <= channels; c += 4) {
      wasm_v128_store(yo + c, activate4(wasm_f32x4_add(wasm_v128_load(zo + c), wasm_v128_load(bias + c)), activation));
    }
    for (; c < channels; c++) yo[c] = activate1(zo[c] + bias[c], activation);
  }
}

/*
 * One copy of the loops per activation code, chosen once: left to itself clang switched on the code
 * per vector inside the loop (a br_table each), and the relu call took 1.3 ms instead of 0.75 ms on
 * W5's first conv output, resident in cache (bench/ab-epilogue.ts). The gradient's loops showed no
 * such difference.
 */
__attribute__((export_name("biasActivation")))
void biasActivation(const float *z, const float *bias, float *y, int n, int channels, int activation) {
  switch (activation) {
    case 1: biasActivationWith(z, bias, y, n, channels, 1); break;
    case 2: biasActivationWith(z, bias, y, n, channels, 2); break;
    case 3: biasActivationWith(z, bias, y, n, channels, 3); break;
    default: biasActivationWith(z, bias, y, n, channels, 0);
  }
}

/*
 * dz (n) = dy * activation'(y) and, when channels > 0, dbias (channels) = dz summed over the leading
 * axes, accumulated in double row by row as the JS reduce (so bit-identical to the unfused sum).
 * `acc` (`channels` doubles, 8-byte aligned) holds the running sums: the caller zeroes it once and may
 * then pass the rows in consecutive pieces, one call each (the binding streams cache-sized pieces);
 * every call leaves dbias = (float)acc, so the last one leaves the whole sum.
 *
 * The sums stay in registers: rows go in tiles of about 8 KiB per array (in L1), and within a tile the
 * channels in blocks of 8 (four f64x2 sums) run down all the tile's rows, so each accumulator is loaded
 * and stored once a tile instead of once a row. Each channel still adds its rows in order.
 */
#define GRAD_TILE_FLOATS 2048

/* Channels [c, c + 8) of rows [r0, r1): dz and the four f64x2 sums of those channels. */
static inline void gradBlock8(const float *dy, const float *y, float *dz, double *acc, int r0, int r1, int channels,
  int c, int activation) {
  v128_t a0 = wasm_v128_load(acc + c), a1 = wasm_v128_load(acc + c + 2);
  v128_t a2 = wasm_v128_load(acc + c + 4), a3 = wasm_v128_load(acc + c + 6);
  for (int i = r0 * channels + c, end = r1 * channels + c; i < end; i += channels) {
    const v128_t g0 = grad4(wasm_v128_load(dy + i), wasm_v128_load(y + i), activation);
    const v128_t g1 = grad4(wasm_v128_load(dy + i + 4), wasm_v128_load(y + i + 4), activation);
    wasm_v128_store(dz + i, g0);
    wasm_v128_store(dz + i + 4, g1);
    a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(g0));
    a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(g0, g0, 2, 3, 0, 1)));
    a2 = wasm_f64x2_add(a2, wasm_f64x2_promote_low_f32x4(g1));
    a3 = wasm_f64x2_add(a3, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(g1, g1, 2, 3, 0, 1)));
  }
  wasm_v128_store(acc + c, a0);
  wasm_v128_store(acc + c + 2, a1);
  wasm_v128_store(acc + c + 4, a2);
  wasm_v128_store(acc + c + 6, a3);
}

__attribute__((export_name("biasActivationGrad")))
void biasActivationGrad(const float *dy, const float *y, float *dz, float *dbias, double *acc, int n, int channels,
  int activation) {
  if (channels == 0) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(dz + i, grad4(wasm_v128_load(dy + i), wasm_v128_load(y + i), activation));
    for (; i < n; i++) dz[i] = grad1(dy[i], y[i], activation);
    return;
  }
  const int rows = n / channels;
  const int tile = channels >= GRAD_TILE_FLOATS ? 1 : GRAD_TILE_FLOATS / channels;
  for (int r0 = 0; r0 < rows; r0 += tile) {
    const int r1 = r0 + tile < rows ? r0 + tile : rows;
    int c = 0;
    for (; c + 8 <= channels; c += 8) gradBlock8(dy, y, dz, acc, r0, r1, channels, c, activation);
    if (c + 4 <= channels) {
      v128_t a0 = wasm_v128_load(acc + c), a1 = wasm_v128_load(acc + c + 2);
      for (int i = r0 * channels + c, end = r1 * channels + c; i < end; i += channels) {
        const v128_t g = grad4(wasm_v128_load(dy + i), wasm_v128_load(y + i), activation);
        wasm_v128_store(dz + i, g);
        a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(g));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(g, g, 2, 3, 0, 1)));
      }
      wasm_v128_store(acc + c, a0);
      wasm_v128_store(acc + c + 2, a1);
      c += 4;
    }
    for (; c < channels; c++) {
      double a = acc[c];
      for (int i = r0 * channels + c, end = r1 * channels + c; i < end; i += channels) {
        const float g = grad1(dy[i], y[i], activation);
        dz[i] = g;
        a += g;
      }
      acc[c] = a;
    }
  }
  for (int c = 0; c < channels; c++) dbias[c] = (float)acc[c];
}

/* biasActivationGrad over chunks of rows (units: rows of `channels`), for a call split across threads. */
typedef struct {
  int n, channels, activation;
  Chunks chunks;
} EpilogueRows;

/*
 * biasActivationGrad on the rows this thread claims, onto its own running sums: `sums` holds `channels`
 * doubles (zeroed by the caller), then the thread's dbias (`channels` floats, their float32 value). The
 * caller adds the threads' sums. On one thread with one chunk this is biasActivationGrad itself.
 */
__attribute__((export_name("biasActivationGradRows")))
void biasActivationGradRows(const float *dy, const float *y, float *dz, float *sums, const EpilogueRows *p) {
  const int channels = p->channels;
  double *acc = (double *)sums;
  float *dbias = sums + 2 * channels;
  int r0, r1;
  while (claim(&p->chunks, &r0, &r1)) {
    const long at = (long)r0 * channels;
    biasActivationGrad(dy + at, y + at, dz + at, dbias, acc, (r1 - r0) * channels, channels, p->activation);
  }
}
