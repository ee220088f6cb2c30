/**
 * Reference kernels for a SimpleRNN layer over a whole sequence (Backend.simpleRnnForward and
 * simpleRnnBackward; the geometry is SimpleRnnParams): the input projection, the recurrence, and backward
 * the gradients of every input. Each step rounds to float32 where the per-step ops (matmul, add,
 * activation; activation gradient, mul, matmul) store a float32 array, so the forward pass equals the
 * per-step composition on this backend; sums over steps may differ in the last bits.
 */
import type { RecurrentActivation, SimpleRnnGradients, SimpleRnnParams } from '../../backend/backend.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';
import { activate } from './epilogue.js';

const fround = Math.fround;

/** activation'(z) from the output h = activation(z): relu (h > 0), sigmoid h (1 - h), tanh 1 - h². */
function derivative(h: number, activation: RecurrentActivation): number {
  switch (activation) {
    case 'relu': return h > 0 ? 1 : 0;
    case 'sigmoid': return fround(h * fround(1 - h));
    case 'tanh': return fround(1 - fround(h * h));
    default: return 1;
  }
}

/** Step i's input time: i, or T - 1 - i going backwards. */
const timeOf = (i: number, p: SimpleRnnParams) => (p.goBackwards ? p.timesteps - 1 - i : i);

export function simpleRnnForward(inputs: Float32Array, kernel: Float32Array, recurrentKernel: Float32Array,
  bias: Float32Array | null, initialState: Float32Array, p: SimpleRnnParams): Float32Array {
  const { batch, timesteps, features, units, activation } = p;
  const rowStride = timesteps * units;
  // z = x W + b for every timestep, as the per-step path's matmul then add.
  const projected = matmul(inputs, kernel, 1, batch * timesteps, features, units, false, false, 1);
  if (bias) for (let r = 0; r < projected.length; r += units) for (let j = 0; j < units; j++) projected[r + j] += bias[j];
  const h = new Float32Array(batch * rowStride);
  const acc = new Float32Array(units);
  for (let i = 0; i < timesteps; i++) {
    const t = timeOf(i, p);
    for (let b = 0; b < batch; b++) {
      // acc = h_{i-1}[b] U, in the matmul kernel's i-k-j order.
      const prev = i === 0 ? initialState : h;
      const prevAt = i === 0 ? b * units : b * rowStride + (i - 1) * units;
      acc.fill(0);
      for (let k = 0; k < units; k++) {
        const v = prev[prevAt + k];
        if (v === 0) continue;
        const row = k * units;
        for (let j = 0; j < units; j++) acc[j] += v * recurrentKernel[row + j];
      }
      const zAt = b * rowStride + t * units, hAt = b * rowStride + i * units;
      for (let j = 0; j < units; j++) h[hAt + j] = activate(fround(projected[zAt + j] + acc[j]), activation);
    }
  }
  return h;
}

export function simpleRnnBackward(dOutputs: Float32Array, outputs: Float32Array, inputs: Float32Array,
  kernel: Float32Array, recurrentKernel: Float32Array, initialState: Float32Array, p: SimpleRnnParams): SimpleRnnGradients {
  const { batch, timesteps, features, units, activation } = p;
  const rowStride = timesteps * units;
  const dProjected = new Float32Array(batch * rowStride);
  const dRecurrentKernel = new Float32Array(units * units);
  // dL/dh_{i-1} carried back from step i; after step 0 it is dL/dh_{-1}.
  let carry = new Float32Array(batch * units);
  let next = new Float32Array(batch * units);
  for (let i = timesteps - 1; i >= 0; i--) {
    const t = timeOf(i, p);
    next.fill(0);
    for (let b = 0; b < batch; b++) {
      const hAt = b * rowStride + i * units, zAt = b * rowStride + t * units, cAt = b * units;
      const prev = i === 0 ? initialState : outputs;
      const prevAt = i === 0 ? b * units : hAt - units;
      for (let j = 0; j < units; j++) {
        const dh = fround(dOutputs[hAt + j] + carry[cAt + j]);
        dProjected[zAt + j] = dh * derivative(outputs[hAt + j], activation);
      }
      // dU += h_{i-1}[b]^T dz[b]; dh_{i-1}[b] = dz[b] U^T.
      for (let k = 0; k < units; k++) {
        const v = prev[prevAt + k];
        const row = k * units;
        let s = 0;
        for (let j = 0; j < units; j++) {
          const dz = dProjected[zAt + j];
          dRecurrentKernel[row + j] += v * dz;
          s += dz * recurrentKernel[row + j];
        }
        next[cAt + k] = s;
      }
    }
    [carry, next] = [next, carry];
  }
  // Over every timestep at once: dx = dz W^T, dW = x^T dz, db = sum of dz over (batch, timesteps).
  const rows = batch * timesteps;
  return {
    dInputs: matmul(dProjected, kernel, 1, rows, units, features, false, true, 1),
    dKernel: matmul(inputs, dProjected, 1, features, rows, units, true, false, 1),
    dRecurrentKernel,
    dBias: reduce('sum', dProjected, [rows, units], [0]),
    dInitialState: carry,
  };
}
