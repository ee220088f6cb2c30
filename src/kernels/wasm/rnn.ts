/**
 * Bindings for the SimpleRNN kernels (rnn.c): one call copies the sequence and weights in, runs the
 * projection and every timestep (backward: and the weight and input gradients) in wasm, and copies the
 * results out, instead of a wasm call (with its copies, packing and fresh output array) per op and step.
 * Single thread; when wasm32 memory cannot hold the call, the JS reference runs.
 */
import type { RecurrentActivation, SimpleRnnGradients, SimpleRnnParams } from '../../backend/backend.js';
import { simpleRnnBackward as jsSimpleRnnBackward, simpleRnnForward as jsSimpleRnnForward } from '../js/rnn.js';
import { kernelModule, type KernelModule } from './module.js';

const ACTIVATION_CODES: Record<RecurrentActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };
const PARAMS_INTS = 8;
const POINTERS = 16;

/** Byte offsets for regions of the given float counts, or null when wasm32 memory cannot hold them. */
function layout(m: KernelModule, floatCounts: number[]): number[] | null {
  try {
    return m.layout(floatCounts);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Writes the params struct and the pointer struct (rnn.c's *Buffers, in field order). */
function writeStructs(m: KernelModule, paramsAt: number, pointersAt: number, pointers: number[], p: SimpleRnnParams,
  hasBias: boolean): void {
  m.i32.set([p.batch, p.timesteps, p.features, p.units, ACTIVATION_CODES[p.activation], p.goBackwards ? 1 : 0,
    hasBias ? 1 : 0], paramsAt >> 2);
  m.i32.set(pointers, pointersAt >> 2);
}

export function simpleRnnForward(inputs: Float32Array, kernel: Float32Array, recurrentKernel: Float32Array,
  bias: Float32Array | null, initialState: Float32Array, p: SimpleRnnParams): Float32Array {
  const m = kernelModule();
  const n = p.batch * p.timesteps * p.units;
  const at = m && layout(m, [PARAMS_INTS, POINTERS, inputs.length, kernel.length, p.units, recurrentKernel.length,
    initialState.length, n, n]);
  if (!m || !at) return jsSimpleRnnForward(inputs, kernel, recurrentKernel, bias, initialState, p);
  const [paramsAt, pointersAt, xAt, wAt, biasAt, uAt, h0At, hAt, zAt] = at;
  writeStructs(m, paramsAt, pointersAt, [xAt, wAt, biasAt, uAt, h0At, hAt, zAt], p, bias !== null);
  m.f32.set(inputs, xAt >> 2);
  m.f32.set(kernel, wAt >> 2);
  if (bias) m.f32.set(bias, biasAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  m.exports.simpleRnnForward(pointersAt, paramsAt);
  return m.f32.slice(hAt >> 2, (hAt >> 2) + n);
}

export function simpleRnnBackward(dOutputs: Float32Array, outputs: Float32Array, inputs: Float32Array,
  kernel: Float32Array, recurrentKernel: Float32Array, initialState: Float32Array, p: SimpleRnnParams): SimpleRnnGradients {
  const m = kernelModule();
  const n = outputs.length, x = inputs.length, w = kernel.length, u = recurrentKernel.length, h0 = initialState.length;
  // The double accumulators (2 floats each) are the last region, so 16-byte aligned.
  const at = m && layout(m, [PARAMS_INTS, POINTERS, n, n, x, w, u, h0, x, w, u, p.units, h0, n, 2 * p.units]);
  if (!m || !at) return jsSimpleRnnBackward(dOutputs, outputs, inputs, kernel, recurrentKernel, initialState, p);
  const [paramsAt, pointersAt, dhAt, hAt, xAt, wAt, uAt, h0At, dxAt, dwAt, duAt, dbAt, dh0At, dzAt, accAt] = at;
  writeStructs(m, paramsAt, pointersAt, [dhAt, hAt, xAt, wAt, uAt, h0At, dxAt, dwAt, duAt, dbAt, dh0At, dzAt, accAt], p, true);
  m.f32.set(dOutputs, dhAt >> 2);
  m.f32.set(outputs, hAt >> 2);
  m.f32.set(inputs, xAt >> 2);
  m.f32.set(kernel, wAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  m.exports.simpleRnnBackward(pointersAt, paramsAt);
  const out = (offset: number, size: number) => m.f32.slice(offset >> 2, (offset >> 2) + size);
  return {
    dInputs: out(dxAt, x), dKernel: out(dwAt, w), dRecurrentKernel: out(duAt, u), dBias: out(dbAt, p.units),
    dInitialState: out(dh0At, h0),
  };
}
