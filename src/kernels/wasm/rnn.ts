/**
 * Bindings for the SimpleRNN recurrence kernels (rnn.c): one call copies the sequence in, runs every
 * timestep in wasm and copies the result out, instead of a wasm matmul call (with its copies and
 * packing) per step. Single thread; when wasm32 memory cannot hold the call, the JS reference runs.
 */
import type { RecurrentActivation, SimpleRnnGradients, SimpleRnnParams } from '../../backend/backend.js';
import { simpleRnnBackward as jsSimpleRnnBackward, simpleRnnForward as jsSimpleRnnForward } from '../js/rnn.js';
import { kernelModule, type KernelModule } from './module.js';

const ACTIVATION_CODES: Record<RecurrentActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };
const PARAMS_INTS = 8;

/** Byte offsets for regions of the given float counts, or null when wasm32 memory cannot hold them. */
function layout(m: KernelModule, floatCounts: number[]): number[] | null {
  try {
    return m.layout(floatCounts);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

function writeParams(m: KernelModule, at: number, p: SimpleRnnParams): void {
  m.i32.set([p.batch, p.timesteps, p.units, ACTIVATION_CODES[p.activation], p.goBackwards ? 1 : 0], at >> 2);
}

export function simpleRnnForward(projected: Float32Array, recurrentKernel: Float32Array, initialState: Float32Array,
  p: SimpleRnnParams): Float32Array {
  const m = kernelModule();
  const at = m && layout(m, [PARAMS_INTS, projected.length, recurrentKernel.length, initialState.length, projected.length]);
  if (!m || !at) return jsSimpleRnnForward(projected, recurrentKernel, initialState, p);
  const [paramsAt, zAt, uAt, h0At, hAt] = at;
  writeParams(m, paramsAt, p);
  m.f32.set(projected, zAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  m.exports.simpleRnnForward(zAt, uAt, h0At, hAt, paramsAt);
  return m.f32.slice(hAt >> 2, (hAt >> 2) + projected.length);
}

export function simpleRnnBackward(dOutputs: Float32Array, outputs: Float32Array, recurrentKernel: Float32Array,
  initialState: Float32Array, p: SimpleRnnParams): SimpleRnnGradients {
  const m = kernelModule();
  const n = outputs.length, uSize = recurrentKernel.length, h0Size = initialState.length;
  const at = m && layout(m, [PARAMS_INTS, n, n, uSize, h0Size, n, uSize, h0Size]);
  if (!m || !at) return jsSimpleRnnBackward(dOutputs, outputs, recurrentKernel, initialState, p);
  const [paramsAt, dhAt, hAt, uAt, h0At, dzAt, duAt, dh0At] = at;
  writeParams(m, paramsAt, p);
  m.f32.set(dOutputs, dhAt >> 2);
  m.f32.set(outputs, hAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  m.exports.simpleRnnBackward(dhAt, hAt, uAt, h0At, dzAt, duAt, dh0At, paramsAt);
  return {
    dProjected: m.f32.slice(dzAt >> 2, (dzAt >> 2) + n),
    dRecurrentKernel: m.f32.slice(duAt >> 2, (duAt >> 2) + uSize),
    dInitialState: m.f32.slice(dh0At >> 2, (dh0At >> 2) + h0Size),
  };
}
