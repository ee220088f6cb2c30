/*
 * A SimpleRNN layer over a whole sequence and its backpropagation through time (Backend.simpleRnnForward
 * / simpleRnnBackward; the JS reference is src/kernels/js/rnn.ts). One call runs the input projection,
 * every timestep and, backward, the weight and input gradients: one GEMM over all timesteps for each of
 * x W, x^T dz and dz W^T, two or three small GEMMs per step (kernels.h, thread 0's packing buffers: these
 * calls never split) and one pass over a (batch, units) block, with no copies or fresh arrays between.
 *
 * Layout: x is (batch, timesteps, features); z (the projected input x W + b), h and their gradients are
 * (batch, timesteps, units): timestep i of every batch row is a (batch x units) block with row stride
 * timesteps * units, which the GEMM reads and writes in place. U is (units, units), h0 and dh0 (batch,
 * units). Step i reads z at time t(i) = i, or timesteps - 1 - i going backwards, and writes h at i.
 *
 * Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh. exp and tanh follow Cephes expf / tanhf on
 * four lanes (~2 ulp; the module links no libm).
 */
#include <wasm_simd128.h>

#include "kernels.h"

typedef struct {
  int batch, timesteps, features, units, activation, goBackwards, hasBias;
} SimpleRnnParams;

/* The forward call's arrays: x (batch, timesteps, features), w (features, units), bias (units, unread
 * without hasBias), u, h0; h the outputs; z scratch for x w + b (batch, timesteps, units). */
typedef struct {
  const float *x, *w, *bias, *u, *h0;
  float *h, *z;
} SimpleRnnForwardBuffers;

/* The backward call's arrays: dh = dL/dh and the forward's h, x, w, u, h0; the gradients dx, dw, du,
 * db, dh0; dz scratch (batch, timesteps, units) and acc scratch (units doubles, 8-byte aligned). */
typedef struct {
  const float *dh, *h, *x, *w, *u, *h0;
  float *dx, *dw, *du, *db, *dh0, *dz;
  double *acc;
} SimpleRnnBackwardBuffers;

/* exp: x = n ln2 + r, |r| <= ln2/2, degree-5 polynomial for e^r, 2^n from the exponent bits; x clamped to [-87.3, 88]. */
static inline v128_t rnn_exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.3f)), wasm_f32x4_splat(88.0f));
  const v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)),
    wasm_f32x4_splat(0.5f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, wasm_f32x4_mul(x, x)), x), wasm_f32x4_splat(1.0f));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

/* sigmoid = e / (1 + e), e = exp(-|x|), numerator 1 for x >= 0 (exp never overflows, as the JS kernel). */
static inline v128_t rnn_sigmoid4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t e = rnn_exp4(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  const v128_t numerator = wasm_v128_bitselect(one, e, wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f)));
  return wasm_f32x4_div(numerator, wasm_f32x4_add(one, e));
}

/* tanh: |x| >= 0.625: sign(x) (1 - 2 / (exp(2|x|) + 1)); below, an odd polynomial (no cancellation). */
static inline v128_t rnn_tanh4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f), a = wasm_f32x4_abs(x);
  const v128_t big = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f),
    wasm_f32x4_add(rnn_exp4(wasm_f32x4_add(a, a)), one)));
  const v128_t signedBig = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  const v128_t s = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s), wasm_f32x4_splat(-3.33332819422e-1f));
  const v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, s), x), x);
  /* ge is false for NaN, so NaN takes the polynomial branch, which propagates it. */
  return wasm_v128_bitselect(signedBig, small, wasm_f32x4_ge(a, wasm_f32x4_splat(0.625f)));
}

static inline v128_t rnn_activate4(v128_t z, int activation) {
  switch (activation) {
    case 1: return wasm_v128_and(z, wasm_f32x4_gt(z, wasm_f32x4_splat(0.0f)));
    case 2: return rnn_sigmoid4(z);
    case 3: return rnn_tanh4(z);
    default: return z;
  }
}

/* dz = dh * activation'(z) from h = activation(z), in the per-step ops' float32 steps. */
static inline v128_t rnn_grad4(v128_t dh, v128_t h, int activation) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  switch (activation) {
    case 1: return wasm_v128_and(dh, wasm_f32x4_gt(h, wasm_f32x4_splat(0.0f)));
    case 2: return wasm_f32x4_mul(dh, wasm_f32x4_mul(h, wasm_f32x4_sub(one, h)));
    case 3: return wasm_f32x4_mul(dh, wasm_f32x4_sub(one, wasm_f32x4_mul(h, h)));
    default: return dh;
  }
}

/* Tails run one lane of the vector code, so every element gets the same arithmetic. */
static inline float rnn_activate1(float z, int activation) {
  return wasm_f32x4_extract_lane(rnn_activate4(wasm_f32x4_splat(z), activation), 0);
}

static inline float rnn_grad1(float dh, float h, int activation) {
  return wasm_f32x4_extract_lane(rnn_grad4(wasm_f32x4_splat(dh), wasm_f32x4_splat(h), activation), 0);
}

/* z = x w (one GEMM over every timestep); then per step h_i = activation((z_t + b) + h_{i-1} U), the
 * per-step ops' order: add(add(matmul(x, w), b), matmul(h, U)), then the activation. */
__attribute__((export_name("simpleRnnForward")))
void simpleRnnForward(const SimpleRnnForwardBuffers *m, const SimpleRnnParams *p) {
  const int batch = p->batch, steps = p->timesteps, units = p->units, stride = steps * units, act = p->activation;
  const GemmParams gz = {
    .m = batch * steps, .n = units, .k = p->features, .aRow = p->features, .aCol = 1, .bRow = units, .bCol = 1,
    .ldc = units, .accumulate = 0,
  };
  gemm(m->x, m->w, m->z, &gz, 0);
  for (int i = 0; i < steps; i++) {
    const int t = p->goBackwards ? steps - 1 - i : i;
    float *hi = m->h + i * units;
    for (int b = 0; b < batch; b++) {
      float *row = hi + b * stride;
      const float *zRow = m->z + b * stride + t * units;
      if (!p->hasBias) {
        __builtin_memcpy(row, zRow, (unsigned long)units * sizeof(float));
        continue;
      }
      int j = 0;
      for (; j + 4 <= units; j += 4) wasm_v128_store(row + j, wasm_f32x4_add(wasm_v128_load(zRow + j), wasm_v128_load(m->bias + j)));
      for (; j < units; j++) row[j] = zRow[j] + m->bias[j];
    }
    const GemmParams g = {
      .m = batch, .n = units, .k = units, .aRow = i == 0 ? units : stride, .aCol = 1, .bRow = units, .bCol = 1,
      .ldc = stride, .accumulate = 1,
    };
    gemm(i == 0 ? m->h0 : hi - units, m->u, hi, &g, 0);
    for (int b = 0; b < batch; b++) {
      float *row = hi + b * stride;
      int j = 0;
      for (; j + 4 <= units; j += 4) wasm_v128_store(row + j, rnn_activate4(wasm_v128_load(row + j), act));
      for (; j < units; j++) row[j] = rnn_activate1(row[j], act);
    }
  }
}

/*
 * Backward from the last step: dz_t = (dh_i + carry) * activation'(h_i); dU += h_{i-1}^T dz_t;
 * carry = dz_t U^T, the gradient reaching h_{i-1}; `dh0` holds the carry throughout and ends as dL/dh0.
 * Then over every timestep at once: dw = x^T dz, dx = dz w^T, db = the column sums of dz (in double,
 * row by row, as the JS sum).
 */
__attribute__((export_name("simpleRnnBackward")))
void simpleRnnBackward(const SimpleRnnBackwardBuffers *m, const SimpleRnnParams *p) {
  const int batch = p->batch, steps = p->timesteps, units = p->units, features = p->features;
  const int stride = steps * units, act = p->activation;
  float *dh0 = m->dh0;
  __builtin_memset(dh0, 0, (unsigned long)batch * units * sizeof(float));
  __builtin_memset(m->du, 0, (unsigned long)units * units * sizeof(float));
  for (int i = steps - 1; i >= 0; i--) {
    const int t = p->goBackwards ? steps - 1 - i : i;
    const float *hi = m->h + i * units, *dhi = m->dh + i * units;
    float *dzt = m->dz + t * units;
    for (int b = 0; b < batch; b++) {
      const float *hRow = hi + b * stride, *dhRow = dhi + b * stride, *carry = dh0 + b * units;
      float *dzRow = dzt + b * stride;
      int j = 0;
      for (; j + 4 <= units; j += 4) {
        const v128_t g = wasm_f32x4_add(wasm_v128_load(dhRow + j), wasm_v128_load(carry + j));
        wasm_v128_store(dzRow + j, rnn_grad4(g, wasm_v128_load(hRow + j), act));
      }
      for (; j < units; j++) dzRow[j] = rnn_grad1(dhRow[j] + carry[j], hRow[j], act);
    }
    const GemmParams gu = {
      .m = units, .n = units, .k = batch, .aRow = 1, .aCol = i == 0 ? units : stride, .bRow = stride, .bCol = 1,
      .ldc = units, .accumulate = 1,
    };
    gemm(i == 0 ? m->h0 : hi - units, dzt, m->du, &gu, 0);
    const GemmParams gh = {
      .m = batch, .n = units, .k = units, .aRow = stride, .aCol = 1, .bRow = 1, .bCol = units,
      .ldc = units, .accumulate = 0,
    };
    gemm(dzt, m->u, dh0, &gh, 0);
  }
  const int rows = batch * steps;
  const GemmParams gw = {
    .m = features, .n = units, .k = rows, .aRow = 1, .aCol = features, .bRow = units, .bCol = 1,
    .ldc = units, .accumulate = 0,
  };
  gemm(m->x, m->dz, m->dw, &gw, 0);
  const GemmParams gx = {
    .m = rows, .n = features, .k = units, .aRow = units, .aCol = 1, .bRow = 1, .bCol = units,
    .ldc = features, .accumulate = 0,
  };
  gemm(m->dz, m->w, m->dx, &gx, 0);
  double *acc = m->acc;
  for (int j = 0; j < units; j++) acc[j] = 0.0;
  for (int r = 0; r < rows; r++) {
    const float *row = m->dz + r * units;
    for (int j = 0; j < units; j++) acc[j] += row[j];
  }
  for (int j = 0; j < units; j++) m->db[j] = (float)acc[j];
}
