/*
 * One training step of a chain of Dense layers (relu or linear) with the mean squared error and Adam, as
 * one call: forward, the loss and its gradient, backward, the update (bench/NOTES.md entry 13). It
 * computes what the planned step of src/training/plan/denseChain.ts computes, with the same GEMMs and
 * float32 roundings, except Adam's update, which runs in float32 (f32x4, square root included) where the
 * JS loop rounds from float64: the weights agree to float32 rounding, not bit for bit.
 *
 * Weights, Adam's two slots and the gradients are each one block, every layer's kernel then its bias in
 * the model's order, so the update is one pass over all parameters.
 */
#include <wasm_simd128.h>

#include "kernels.h"

#define DENSE_MAX_LAYERS 8

/* Mirrors index.ts denseTrainStep's layout. Pointers are wasm32 byte addresses. */
typedef struct {
  int rows, layers;
  int units[DENSE_MAX_LAYERS + 1]; /* units[0]: the input features */
  int relu[DENSE_MAX_LAYERS];
  const float *x, *y;
  float *weights, *m, *v, *gradients;
  float *outputs;   /* every layer's output, rows x units[l + 1] each, one after another */
  float *dy, *dx;   /* rows x (widest layer) each */
  double *sums;     /* widest layer */
  float perElement; /* d loss / d prediction = -perElement * 2 (t - p): the loss weight / rows / columns */
  float alpha;      /* lr sqrt(1 - beta2^t) / (1 - beta1^t) (adam.ts) */
  float oneMinusBeta1, oneMinusBeta2, epsilon;
} DenseStepParams;

static void product(const float *a, const float *b, float *c, int m, int k, int n, int aRow, int aCol, int bRow,
                    int bCol) {
  GemmParams g = {.m = m, .n = n, .k = k, .aRow = aRow, .aCol = aCol, .bRow = bRow, .bCol = bCol, .ldc = n,
                  .accumulate = 0};
  gemm(a, b, c, &g, 0);
}

/* keras/src/optimizers/adam.py, epsilon added to sqrt(v) as Keras does; n parameters in one pass. */
static void adam(const DenseStepParams *p, int n) {
  float *w = p->weights, *m = p->m, *v = p->v;
  const float *g = p->gradients;
  const v128_t c1 = wasm_f32x4_splat(p->oneMinusBeta1), c2 = wasm_f32x4_splat(p->oneMinusBeta2);
  const v128_t alpha = wasm_f32x4_splat(p->alpha), eps = wasm_f32x4_splat(p->epsilon);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i), mi0 = wasm_v128_load(m + i), vi0 = wasm_v128_load(v + i);
    const v128_t mi = wasm_f32x4_add(mi0, wasm_f32x4_mul(wasm_f32x4_sub(gi, mi0), c1));
    const v128_t vi = wasm_f32x4_add(vi0, wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_mul(gi, gi), vi0), c2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(mi, alpha), wasm_f32x4_add(wasm_f32x4_sqrt(vi), eps));
    wasm_v128_store(w + i, wasm_f32x4_sub(wasm_v128_load(w + i), step));
  }
  for (; i < n; i++) {
    const float mi = m[i] + (g[i] - m[i]) * p->oneMinusBeta1;
    const float vi = v[i] + (g[i] * g[i] - v[i]) * p->oneMinusBeta2;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (mi * p->alpha) / (__builtin_sqrtf(vi) + p->epsilon);
  }
}

/* The batch loss (losses.ts meanError's roundings: float32 terms, float64 sums) and d loss / d output into dy. */
static float mse(const DenseStepParams *p, const float *out, int cols, float *dy) {
  double total = 0;
  for (int r = 0; r < p->rows; r++) {
    double rowSum = 0;
    for (int j = r * cols, end = j + cols; j < end; j++) {
      const float d = p->y[j] - out[j];
      rowSum += (float)(d * d);
      dy[j] = -(p->perElement * (d * 2.0f));
    }
    total += (float)((double)(float)rowSum / cols);
  }
  return (float)((double)(float)total / p->rows);
}

/* Each layer's kernel, bias and output inside the params' blocks; returns the number of parameters. */
static int layer_pointers(const DenseStepParams *p, float **kernel, float **bias, float **out) {
  int offset = 0, outAt = 0;
  for (int l = 0; l < p->layers; l++) {
    kernel[l] = p->weights + offset;
    bias[l] = kernel[l] + p->units[l] * p->units[l + 1];
    offset += (p->units[l] + 1) * p->units[l + 1];
    out[l] = p->outputs + outAt;
    outAt += p->rows * p->units[l + 1];
  }
  return offset;
}

/* Forward: z = a W, then bias and relu in one pass (denseChain.ts addBias), every layer's output kept. */
static void forward(const DenseStepParams *p, float **kernel, float **bias, float **out) {
  const int rows = p->rows;
  const float *a = p->x;
  for (int l = 0; l < p->layers; l++) {
    const int k = p->units[l], n = p->units[l + 1];
    product(a, kernel[l], out[l], rows, k, n, k, 1, n, 1);
    const float *b = bias[l];
    float *z = out[l];
    for (int r = 0, o = 0; r < rows; r++)
      for (int j = 0; j < n; j++, o++) {
        const float t = z[o] + b[j];
        z[o] = p->relu[l] ? (t > 0 ? t : 0.0f) : t;
      }
    a = z;
  }
}

/* The chain's forward pass alone (predict, evaluate): reads rows, layers, units, relu, x, weights; writes outputs. */
__attribute__((export_name("denseForward")))
void denseForward(const DenseStepParams *p) {
  float *kernel[DENSE_MAX_LAYERS], *bias[DENSE_MAX_LAYERS], *out[DENSE_MAX_LAYERS];
  layer_pointers(p, kernel, bias, out);
  forward(p, kernel, bias, out);
}

/* Returns the loss before the update; the last layer's output (the predictions) stays in `outputs`. */
__attribute__((export_name("denseTrainStep")))
float denseTrainStep(const DenseStepParams *p) {
  const int rows = p->rows, L = p->layers;
  float *kernel[DENSE_MAX_LAYERS], *bias[DENSE_MAX_LAYERS], *out[DENSE_MAX_LAYERS];
  const int offset = layer_pointers(p, kernel, bias, out);
  forward(p, kernel, bias, out);
  float *dy = p->dy, *dx = p->dx;
  const float loss = mse(p, out[L - 1], p->units[L], dy);
  /* Backward: dz = dy where the relu passed; dW = a^T dz, db = column sums of dz (float64), dx = dz W^T. */
  for (int l = L - 1; l >= 0; l--) {
    const int k = p->units[l], n = p->units[l + 1];
    if (p->relu[l])
      for (int i = 0; i < rows * n; i++)
        if (!(out[l][i] > 0)) dy[i] = 0.0f;
    const float *in = l == 0 ? p->x : out[l - 1];
    float *dKernel = p->gradients + (kernel[l] - p->weights), *dBias = dKernel + k * n;
    product(in, dy, dKernel, k, rows, n, 1, k, n, 1);
    for (int j = 0; j < n; j++) p->sums[j] = 0;
    for (int r = 0, o = 0; r < rows; r++)
      for (int j = 0; j < n; j++, o++) p->sums[j] += dy[o];
    for (int j = 0; j < n; j++) dBias[j] = (float)p->sums[j];
    if (l > 0) {
      product(dy, kernel[l], dx, rows, n, k, n, 1, 1, n);
      float *t = dy;
      dy = dx;
      dx = t;
    }
  }
  adam(p, offset);
  return loss;
}
