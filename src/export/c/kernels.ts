/**
 * The C99 kernels, one per step kind, each with a params struct (sizes fixed at export time, weights
 * as pointers to static const arrays). Float accumulation throughout: the Cortex-M4 FPU is single precision.
 * Layouts are Keras's: row-major, channels last; kernels (kh, kw, in, out) and (in, units).
 */

export type KernelName = 'dense' | 'conv2d' | 'pool2d' | 'global_pool' | 'scale_shift' | 'copy' | 'simple_rnn' | 'lstm' | 'gru';

const DENSE = `typedef struct { int rows, inputs, units; const float *kernel, *bias; } dense_params;

/* y = x kernel + bias over the last axis, for each of \`rows\` rows. */
static void dense(const dense_params *p, const float *x, float *y) {
  for (int r = 0; r < p->rows; r++) {
    const float *xr = x + r * p->inputs;
    float *yr = y + r * p->units;
    for (int u = 0; u < p->units; u++) {
      float acc = p->bias ? p->bias[u] : 0.0f;
      for (int i = 0; i < p->inputs; i++) acc += xr[i] * p->kernel[i * p->units + u];
      yr[u] = acc;
    }
  }
}`;

const CONV2D = `typedef struct {
  int in_h, in_w, in_c, out_h, out_w, out_c;
  int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  const float *kernel, *bias;
} conv2d_params;

/* Channels-last convolution; positions in the padding are skipped (zeros). Conv1D runs with height 1. */
static void conv2d(const conv2d_params *p, const float *x, float *y) {
  for (int oh = 0; oh < p->out_h; oh++) {
    for (int ow = 0; ow < p->out_w; ow++) {
      float *yo = y + (oh * p->out_w + ow) * p->out_c;
      for (int f = 0; f < p->out_c; f++) yo[f] = p->bias ? p->bias[f] : 0.0f;
      for (int i = 0; i < p->kernel_h; i++) {
        int ih = oh * p->stride_h + i * p->dilation_h - p->pad_top;
        if (ih < 0 || ih >= p->in_h) continue;
        for (int j = 0; j < p->kernel_w; j++) {
          int iw = ow * p->stride_w + j * p->dilation_w - p->pad_left;
          if (iw < 0 || iw >= p->in_w) continue;
          const float *xi = x + (ih * p->in_w + iw) * p->in_c;
          const float *w = p->kernel + (i * p->kernel_w + j) * p->in_c * p->out_c;
          for (int c = 0; c < p->in_c; c++) {
            float xv = xi[c];
            const float *wc = w + c * p->out_c;
            for (int f = 0; f < p->out_c; f++) yo[f] += xv * wc[f];
          }
        }
      }
    }
  }
}`;

const POOL2D = `typedef struct {
  int in_h, in_w, channels, out_h, out_w;
  int pool_h, pool_w, stride_h, stride_w, pad_top, pad_left, is_max;
} pool2d_params;

/* Max or average over each window; padded positions are left out (TensorFlow's rule for 'same'). */
static void pool2d(const pool2d_params *p, const float *x, float *y) {
  for (int oh = 0; oh < p->out_h; oh++) {
    for (int ow = 0; ow < p->out_w; ow++) {
      for (int c = 0; c < p->channels; c++) {
        float acc = p->is_max ? -INFINITY : 0.0f;
        int count = 0;
        for (int i = 0; i < p->pool_h; i++) {
          int ih = oh * p->stride_h + i - p->pad_top;
          if (ih < 0 || ih >= p->in_h) continue;
          for (int j = 0; j < p->pool_w; j++) {
            int iw = ow * p->stride_w + j - p->pad_left;
            if (iw < 0 || iw >= p->in_w) continue;
            float v = x[(ih * p->in_w + iw) * p->channels + c];
            if (p->is_max) { if (v > acc) acc = v; } else acc += v;
            count++;
          }
        }
        y[(oh * p->out_w + ow) * p->channels + c] = p->is_max ? acc : acc / (float)count;
      }
    }
  }
}`;

const GLOBAL_POOL = `typedef struct { int positions, channels, is_max; } global_pool_params;

/* Max or average over every position, per channel. */
static void global_pool(const global_pool_params *p, const float *x, float *y) {
  for (int c = 0; c < p->channels; c++) {
    float acc = x[c];
    for (int i = 1; i < p->positions; i++) {
      float v = x[i * p->channels + c];
      if (p->is_max) { if (v > acc) acc = v; } else acc += v;
    }
    y[c] = p->is_max ? acc : acc / (float)p->positions;
  }
}`;

const SCALE_SHIFT = `typedef struct { int size, channels, inner; const float *scale, *shift; } scale_shift_params;

/* y = x * scale[c] + shift[c]: BatchNormalization at inference, channel c = (i / inner) % channels. */
static void scale_shift(const scale_shift_params *p, const float *x, float *y) {
  for (int i = 0; i < p->size; i++) {
    int c = (i / p->inner) % p->channels;
    y[i] = x[i] * p->scale[c] + p->shift[c];
  }
}`;

const COPY = `static void copy(const float *x, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = x[i];
}`;

const RNN_PARAMS = `typedef struct {
  int timesteps, features, units, return_sequences, go_backwards, reset_after;
  const float *kernel, *recurrent_kernel, *bias;
  float (*activation)(float);
  float (*recurrent_activation)(float);
} rnn_params;

/* gates[j] = bias[j] + x kernel[:, j] + h recurrent_kernel[:, j], for j < n (the first n of \`width\` columns). */
static void rnn_gates(const rnn_params *p, const float *x, const float *h, const float *bias, int width, int n, float *gates) {
  for (int j = 0; j < n; j++) {
    float acc = bias ? bias[j] : 0.0f;
    if (x) for (int k = 0; k < p->features; k++) acc += x[k] * p->kernel[k * width + j];
    if (h) for (int k = 0; k < p->units; k++) acc += h[k] * p->recurrent_kernel[k * width + j];
    gates[j] = acc;
  }
}

/* The step's output: every h (return_sequences) or the last. */
static void rnn_emit(const rnn_params *p, int s, const float *h, float *y) {
  if (p->return_sequences) for (int j = 0; j < p->units; j++) y[s * p->units + j] = h[j];
  else if (s == p->timesteps - 1) for (int j = 0; j < p->units; j++) y[j] = h[j];
}`;

const SIMPLE_RNN = `/* SimpleRNN (keras/src/layers/rnn/simple_rnn.py): h = activation(x W + b + h U). state: 2 units. */
static void simple_rnn(const rnn_params *p, const float *x, float *y, float *state) {
  int u = p->units;
  float *h = state, *z = state + u;
  for (int j = 0; j < u; j++) h[j] = 0.0f;
  for (int s = 0; s < p->timesteps; s++) {
    int t = p->go_backwards ? p->timesteps - 1 - s : s;
    rnn_gates(p, x + t * p->features, h, p->bias, u, u, z);
    for (int j = 0; j < u; j++) h[j] = p->activation(z[j]);
    rnn_emit(p, s, h, y);
  }
}`;

const LSTM = `/* LSTM (keras/src/layers/rnn/lstm.py), gates i, f, c, o: c = f c + i act(zc), h = o act(c). state: 6 units. */
static void lstm(const rnn_params *p, const float *x, float *y, float *state) {
  int u = p->units;
  float *h = state, *c = state + u, *z = state + 2 * u;
  for (int j = 0; j < 2 * u; j++) state[j] = 0.0f;
  for (int s = 0; s < p->timesteps; s++) {
    int t = p->go_backwards ? p->timesteps - 1 - s : s;
    rnn_gates(p, x + t * p->features, h, p->bias, 4 * u, 4 * u, z);
    for (int j = 0; j < u; j++) {
      float i = p->recurrent_activation(z[j]);
      float f = p->recurrent_activation(z[u + j]);
      float o = p->recurrent_activation(z[3 * u + j]);
      c[j] = f * c[j] + i * p->activation(z[2 * u + j]);
      h[j] = o * p->activation(c[j]);
    }
    rnn_emit(p, s, h, y);
  }
}`;

const GRU = `/*
 * GRU (keras/src/layers/rnn/gru.py), gates z, r, h. reset_after: hh = act(xh + r (h Uh + bh)), bias (2, 3 units);
 * otherwise hh = act(xh + (r h) Uh), bias (3 units). h = z h + (1 - z) hh. state: 8 units.
 */
static void gru(const rnn_params *p, const float *x, float *y, float *state) {
  int u = p->units, g = 3 * u;
  float *h = state, *xp = state + u, *hp = xp + g, *rh = hp + g;
  for (int j = 0; j < u; j++) h[j] = 0.0f;
  for (int s = 0; s < p->timesteps; s++) {
    int t = p->go_backwards ? p->timesteps - 1 - s : s;
    rnn_gates(p, x + t * p->features, 0, p->bias, g, g, xp);
    if (p->reset_after) {
      rnn_gates(p, 0, h, p->bias ? p->bias + g : 0, g, g, hp);
      for (int j = 0; j < u; j++) {
        float z = p->recurrent_activation(xp[j] + hp[j]);
        float r = p->recurrent_activation(xp[u + j] + hp[u + j]);
        float hh = p->activation(xp[2 * u + j] + r * hp[2 * u + j]);
        h[j] = z * h[j] + (1.0f - z) * hh;
      }
    } else {
      rnn_gates(p, 0, h, 0, g, 2 * u, hp);
      for (int j = 0; j < u; j++) rh[j] = p->recurrent_activation(xp[u + j] + hp[u + j]) * h[j];
      for (int j = 0; j < u; j++) {
        float acc = 0.0f;
        for (int k = 0; k < u; k++) acc += rh[k] * p->recurrent_kernel[k * g + 2 * u + j];
        float z = p->recurrent_activation(xp[j] + hp[j]);
        float hh = p->activation(xp[2 * u + j] + acc);
        h[j] = z * h[j] + (1.0f - z) * hh;
      }
    }
    rnn_emit(p, s, h, y);
  }
}`;

/** Floats of RNN state each cell needs beyond its input and output, per unit. */
export const RNN_STATE_PER_UNIT = { simple: 2, lstm: 6, gru: 8 } as const;

/** C definitions of the kernels used, in dependency order. */
export function kernelSource(used: Set<KernelName>): string {
  const parts: string[] = [];
  if (used.has('dense')) parts.push(DENSE);
  if (used.has('conv2d')) parts.push(CONV2D);
  if (used.has('pool2d')) parts.push(POOL2D);
  if (used.has('global_pool')) parts.push(GLOBAL_POOL);
  if (used.has('scale_shift')) parts.push(SCALE_SHIFT);
  if (used.has('copy')) parts.push(COPY);
  if (used.has('simple_rnn') || used.has('lstm') || used.has('gru')) parts.push(RNN_PARAMS);
  if (used.has('simple_rnn')) parts.push(SIMPLE_RNN);
  if (used.has('lstm')) parts.push(LSTM);
  if (used.has('gru')) parts.push(GRU);
  return parts.join('\n\n');
}
