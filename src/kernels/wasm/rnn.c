/*
 * A SimpleRNN layer over a whole sequence and its backpropagation through time (Backend.simpleRnnForward
 * / simpleRnnBackward; the JS reference is src/kernels/js/rnn.ts). One call runs the input projection,
 * every timestep and, backward, the weight and input gradients: one GEMM over all timesteps for each of
 * x W, x^T dz and dz W^T, two or three small GEMMs per step (kernels.h) and one pass over a (batch, units)
 * block, with no copies or fresh arrays between.
 *
 * Threads: batch rows never mix in the recurrence, so a call divides into chunks of batch rows and every
 * thread that runs it claims chunks (as kernels.c's entry points do) and runs the whole sequence for them
 * with its own packing buffers; backward, the sums over the batch (dU, dW, db) go to per-thread buffers.
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

/* Batch rows [begin, end) in chunks of `grain`, claimed from *counter by every thread that runs the call (kernels.c's Chunks). */
typedef struct {
  int begin, end, grain, counter, thread;
} RnnChunks;

typedef struct {
  int batch, timesteps, features, units, activation, goBackwards, hasBias;
  RnnChunks chunks;
} SimpleRnnParams;

/* The forward call's arrays: x (batch, timesteps, features), w (features, units), bias (units, unread
 * without hasBias), u, h0; h the outputs; z scratch for x w + b (batch, timesteps, units). */
typedef struct {
  const float *x, *w, *bias, *u, *h0;
  float *h, *z;
} SimpleRnnForwardBuffers;

/* The backward call's arrays: dh = dL/dh and the forward's h, x, w, u, h0; the gradients dx, dh0 and dz
 * (batch, timesteps, units) shared by the threads (each writes its own batch rows); dw, du, db and acc
 * (units doubles, 8-byte aligned) the calling thread's own partial sums, zeroed by the caller. */
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

/* Claims the next chunk of batch rows [*b0, *b1); 0 when none is left (atomic in the threaded build). */
static int rnn_claim(const RnnChunks *c, int *b0, int *b1) {
  const int start = c->begin + __atomic_fetch_add((int *)c->counter, 1, __ATOMIC_SEQ_CST) * c->grain;
  if (start >= c->end) return 0;
  *b0 = start;
  *b1 = start + c->grain < c->end ? start + c->grain : c->end;
  return 1;
}

/* Batch rows [b0, b1) are independent through every step: z = x w (one GEMM over their timesteps), then
 * per step h_i = activation((z_t + b) + h_{i-1} U), the per-step ops' order: add(add(matmul(x, w), b),
 * matmul(h, U)), then the activation. */
static void forward_rows(const SimpleRnnForwardBuffers *m, const SimpleRnnParams *p, int b0, int b1, int thread) {
  const int rows = b1 - b0, steps = p->timesteps, units = p->units, stride = steps * units, act = p->activation;
  const GemmParams gz = {
    .m = rows * steps, .n = units, .k = p->features, .aRow = p->features, .aCol = 1, .bRow = units, .bCol = 1,
    .ldc = units, .accumulate = 0,
  };
  gemm(m->x + b0 * steps * p->features, m->w, m->z + b0 * stride, &gz, thread);
  float *const h = m->h + b0 * stride;
  const float *const z = m->z + b0 * stride, *const h0 = m->h0 + b0 * units;
  for (int i = 0; i < steps; i++) {
    const int t = p->goBackwards ? steps - 1 - i : i;
    float *hi = h + i * units;
    for (int b = 0; b < rows; b++) {
      float *row = hi + b * stride;
      const float *zRow = z + b * stride + t * units;
      if (!p->hasBias) {
        __builtin_memcpy(row, zRow, (unsigned long)units * sizeof(float));
        continue;
      }
      int j = 0;
      for (; j + 4 <= units; j += 4) wasm_v128_store(row + j, wasm_f32x4_add(wasm_v128_load(zRow + j), wasm_v128_load(m->bias + j)));
      for (; j < units; j++) row[j] = zRow[j] + m->bias[j];
    }
    const GemmParams g = {
      .m = rows, .n = units, .k = units, .aRow = i == 0 ? units : stride, .aCol = 1, .bRow = units, .bCol = 1,
      .ldc = stride, .accumulate = 1,
    };
    gemm(i == 0 ? h0 : hi - units, m->u, hi, &g, thread);
    for (int b = 0; b < rows; b++) {
      float *row = hi + b * stride;
      int j = 0;
      for (; j + 4 <= units; j += 4) wasm_v128_store(row + j, rnn_activate4(wasm_v128_load(row + j), act));
      for (; j < units; j++) row[j] = rnn_activate1(row[j], act);
    }
  }
}

__attribute__((export_name("simpleRnnForward")))
void simpleRnnForward(const SimpleRnnForwardBuffers *m, const SimpleRnnParams *p) {
  int b0, b1;
  while (rnn_claim(&p->chunks, &b0, &b1)) forward_rows(m, p, b0, b1, p->chunks.thread);
}

/*
 * Backward for batch rows [b0, b1), from the last step: dz_t = (dh_i + carry) * activation'(h_i);
 * dU += h_{i-1}^T dz_t; carry = dz_t U^T, the gradient reaching h_{i-1} (held in those rows of dh0, which
 * end as dL/dh0). Then over their timesteps at once: dw += x^T dz, dx = dz w^T, acc += the column sums of
 * dz (in double, row by row, as the JS sum).
 */
static void backward_rows(const SimpleRnnBackwardBuffers *m, const SimpleRnnParams *p, int b0, int b1, int thread) {
  const int rows = b1 - b0, steps = p->timesteps, units = p->units, features = p->features;
  const int stride = steps * units, act = p->activation;
  const float *const h = m->h + b0 * stride, *const dh = m->dh + b0 * stride, *const h0 = m->h0 + b0 * units;
  const float *const x = m->x + b0 * steps * features;
  float *const dz = m->dz + b0 * stride, *const dh0 = m->dh0 + b0 * units;
  __builtin_memset(dh0, 0, (unsigned long)rows * units * sizeof(float));
  for (int i = steps - 1; i >= 0; i--) {
    const int t = p->goBackwards ? steps - 1 - i : i;
    const float *hi = h + i * units, *dhi = dh + i * units;
    float *dzt = dz + t * units;
    for (int b = 0; b < rows; b++) {
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
      .m = units, .n = units, .k = rows, .aRow = 1, .aCol = i == 0 ? units : stride, .bRow = stride, .bCol = 1,
      .ldc = units, .accumulate = 1,
    };
    gemm(i == 0 ? h0 : hi - units, dzt, m->du, &gu, thread);
    const GemmParams gh = {
      .m = rows, .n = units, .k = units, .aRow = stride, .aCol = 1, .bRow = 1, .bCol = units,
      .ldc = units, .accumulate = 0,
    };
    gemm(dzt, m->u, dh0, &gh, thread);
  }
  const int flat = rows * steps;
  const GemmParams gw = {
    .m = features, .n = units, .k = flat, .aRow = 1, .aCol = features, .bRow = units, .bCol = 1,
    .ldc = units, .accumulate = 1,
  };
  gemm(x, dz, m->dw, &gw, thread);
  const GemmParams gx = {
    .m = flat, .n = features, .k = units, .aRow = units, .aCol = 1, .bRow = 1, .bCol = units,
    .ldc = features, .accumulate = 0,
  };
  gemm(dz, m->w, m->dx + b0 * steps * features, &gx, thread);
  double *acc = m->acc;
  for (int r = 0; r < flat; r++) {
    const float *row = dz + r * units;
    for (int j = 0; j < units; j++) acc[j] += row[j];
  }
}

/* Each thread sums its chunks' dU, dW and db into its own buffers (db from its double accumulators once
 * its chunks are done); the caller adds the threads' sums. */
__attribute__((export_name("simpleRnnBackward")))
void simpleRnnBackward(const SimpleRnnBackwardBuffers *m, const SimpleRnnParams *p) {
  int b0, b1;
  while (rnn_claim(&p->chunks, &b0, &b1)) backward_rows(m, p, b0, b1, p->chunks.thread);
  for (int j = 0; j < p->units; j++) m->db[j] = (float)m->acc[j];
}
