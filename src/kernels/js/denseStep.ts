/**
 * The references for Backend.denseTrainStep and denseForward: one training step of a relu/linear Dense chain
 * with the mean squared error and Adam, and its forward pass alone, in the float32 roundings the wasm kernel
 * (dense_step.c) uses. Forward, loss and
 * backward are the planned step's (src/training/plan/denseChain.ts); Adam rounds every operation to float32,
 * as f32x4 arithmetic does, where src/optimizers/adam.ts rounds from float64.
 */
import type { DenseForward, DenseTrainStep } from '../../backend/backend.js';
import { matmul } from './matmul.js';

const f32 = Math.fround;

/** Every layer's output: z = a W, then bias and relu in one pass (denseChain.ts addBias). */
function forwardLayers(s: DenseForward): Float32Array[] {
  const { rows, units, relu } = s;
  const outputs: Float32Array[] = [];
  let a = s.x;
  for (let l = 0; l + 1 < units.length; l++) {
    const k = units[l], n = units[l + 1], bias = s.weights[2 * l + 1];
    const z = matmul(a, s.weights[2 * l], 1, rows, k, n, false, false, 1);
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0; j < n; j++, o++) {
        const t = f32(z[o] + bias[j]);
        z[o] = relu[l] ? (t > 0 ? t : 0) : t;
      }
    }
    outputs.push(z);
    a = z;
  }
  return outputs;
}

/** The reference for Backend.denseForward. */
export function denseForward(s: DenseForward): boolean {
  const outputs = forwardLayers(s);
  s.output.set(outputs[outputs.length - 1]);
  return true;
}

export function denseTrainStep(s: DenseTrainStep): number {
  const { rows, units, relu, x, y } = s;
  const layers = units.length - 1;
  const outputs = forwardLayers(s);
  const prediction = outputs[layers - 1];
  s.output.set(prediction);
  // losses.ts meanError: float32 terms, float64 sums.
  const cols = units[layers];
  let dy: Float32Array = new Float32Array(rows * cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let rowSum = 0;
    for (let j = r * cols, end = j + cols; j < end; j++) {
      const d = f32(y[j] - prediction[j]);
      rowSum += f32(d * d);
      dy[j] = -f32(s.perElement * f32(d * 2));
    }
    total += f32(f32(rowSum) / cols);
  }
  const loss = f32(f32(total) / rows);
  const gradients: Float32Array[] = [];
  for (let l = layers - 1; l >= 0; l--) {
    const k = units[l], n = units[l + 1], out = outputs[l];
    if (relu[l]) for (let i = 0; i < rows * n; i++) if (!(out[i] > 0)) dy[i] = 0;
    const dBias = new Float64Array(n);
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) dBias[j] += dy[o];
    gradients[2 * l] = matmul(l === 0 ? x : outputs[l - 1], dy, 1, k, rows, n, true, false, 1);
    gradients[2 * l + 1] = Float32Array.from(dBias);
    if (l > 0) dy = matmul(dy, s.weights[2 * l], 1, rows, n, k, false, true, 1);
  }
  const c1 = f32(1 - s.beta1), c2 = f32(1 - s.beta2), alpha = f32(s.alpha), eps = f32(s.epsilon);
  s.weights.forEach((w, p) => {
    const g = gradients[p], m = s.momentum[p], v = s.velocity[p];
    for (let i = 0; i < w.length; i++) {
      const mi = f32(m[i] + f32(f32(g[i] - m[i]) * c1));
      const vi = f32(v[i] + f32(f32(f32(g[i] * g[i]) - v[i]) * c2));
      m[i] = mi;
      v[i] = vi;
      w[i] = f32(w[i] - f32(f32(mi * alpha) / f32(f32(Math.sqrt(vi)) + eps)));
    }
  });
  return loss;
}
