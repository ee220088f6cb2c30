/**
 * Reference kernels for the layer epilogue y = activation(z + bias) and its gradient, each one pass
 * with one output array. Every step rounds to float32 where the unfused ops (add, then relu/sigmoid/tanh;
 * step or the derivative from the output, then mul, then sum) store a float32 array, so the results
 * equal the unfused composition's bit for bit.
 */
import type { EpilogueActivation } from '../../backend/backend.js';

const fround = Math.fround;

/** activation(t) in float64 (the callers store into float32); shared with the SimpleRNN reference (rnn.ts). */
export function activate(t: number, activation: EpilogueActivation): number {
  switch (activation) {
    case 'relu': return t > 0 ? t : 0;
    // Two branches keep exp from overflowing for large |t| (as the unary kernel).
    case 'sigmoid': if (t >= 0) return 1 / (1 + Math.exp(-t)); else { const e = Math.exp(t); return e / (1 + e); }
    case 'tanh': return Math.tanh(t);
    default: return t;
  }
}

export function biasActivation(z: Float32Array, bias: Float32Array | null, activation: EpilogueActivation,
  out?: Float32Array): Float32Array {
  const n = z.length;
  const y = out ?? new Float32Array(n);
  if (bias === null || bias.length === 0) {
    for (let i = 0; i < n; i++) y[i] = activate(z[i], activation);
    return y;
  }
  const m = bias.length;
  for (let i0 = 0; i0 < n; i0 += m) {
    for (let c = 0; c < m; c++) y[i0 + c] = activate(fround(z[i0 + c] + bias[c]), activation);
  }
  return y;
}

/** dz = dy * activation'(y) in the unfused ops' float32 steps; relu's derivative selects (0 where y <= 0). */
function derivative(dy: number, y: number, activation: EpilogueActivation): number {
  switch (activation) {
    case 'relu': return y > 0 ? dy : 0;
    case 'sigmoid': return dy * fround(y * fround(1 - y));
    case 'tanh': return dy * fround(1 - fround(y * y));
    default: return dy;
  }
}

export function biasActivationGrad(dy: Float32Array, y: Float32Array, activation: EpilogueActivation, channels: number):
  { dz: Float32Array; dbias: Float32Array | null } {
  const n = dy.length;
  const dz = new Float32Array(n);
  if (channels === 0) {
    for (let i = 0; i < n; i++) dz[i] = derivative(dy[i], y[i], activation);
    return { dz, dbias: null };
  }
  // Row by row in double, as the reduce kernel sums the leading axes.
  const acc = new Float64Array(channels);
  for (let i0 = 0; i0 < n; i0 += channels) {
    for (let c = 0; c < channels; c++) {
      dz[i0 + c] = derivative(dy[i0 + c], y[i0 + c], activation);
      acc[c] += dz[i0 + c]; // the stored float32, as the unfused sum reads it
    }
  }
  return { dz, dbias: Float32Array.from(acc) };
}
