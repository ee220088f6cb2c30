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

#include "activations.h"
#include "kernels.h"


typedef struct {
  int batch, timesteps, features, units, activation, goBackwards, hasBias;
  Chunks chunks; /* batch rows */
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
      for (; j + 4 <= units; j += 4) wasm_v128_store(row + j, activate4(wasm_v128_load(row + j), act));
      for (; j < units; j++) row[j] = activate1(row[j], act);
    }
  }
}

__attribute__((export_name("simpleRnnForward")))
void simpleRnnForward(const SimpleRnnForwardBuffers *m, const SimpleRnnParams *p) {
  int b0, b1;
  while (claim(&p->chunks, &b0, &b1)) forward_rows(m, p, b0, b1, p->chunks.thread);
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
        wasm_v128_store(dzRow + j, grad4(g, wasm_v128_load(hRow + j), act));
      }
      for (; j < units; j++) dzRow[j] = grad1(dhRow[j] + carry[j], hRow[j], act);
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
  while (claim(&p->chunks, &b0, &b1)) backward_rows(m, p, b0, b1, p->chunks.thread);
  for (int j = 0; j < p->units; j++) m->db[j] = (float)m->acc[j];
}
