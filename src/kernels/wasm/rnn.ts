/**
 * Bindings for the SimpleRNN kernels (rnn.c): one call copies the sequence and weights in, runs the
 * projection and every timestep (backward: and the weight and input gradients) in wasm, and copies the
 * results out, instead of a wasm call (with its copies, packing and fresh output array) per op and step.
 * Large calls run on both threads (module.ts's worker), in chunks of batch rows; when wasm32 memory
 * cannot hold the call, the JS reference runs.
 */
import type { SimpleRnnGradients, SimpleRnnParams } from '../../backend/backend.js';
import { simpleRnnBackward as jsSimpleRnnBackward, simpleRnnForward as jsSimpleRnnForward } from '../js/rnn.js';
import { ACTIVATION_CODES, cut, kernelModule, threading, tryLayout, type KernelModule } from './module.js';

const PARAMS_INTS = 12;
const POINTERS = 16;
/** Chunks: two halves of the batch (whole 4-row groups); more chunks repack U per chunk and step. */
const CHUNKS = 2;

/** How many threads run a call of `flops`, and the batch rows per chunk. */
function plan(m: KernelModule, batch: number, flops: number): { threads: number; grain: number } {
  const grain = Math.max(4, Math.ceil(batch / CHUNKS / 4) * 4);
  const split = flops >= threading.splitFlops && grain < batch && m.helper !== null && m.helper.available();
  return split ? { threads: 2, grain } : { threads: 1, grain: batch };
}

/** Writes thread t's params struct (rnn.c SimpleRnnParams with its chunks) and pointer struct. */
function writeStructs(m: KernelModule, paramsAt: number, pointersAt: number, pointers: number[], p: SimpleRnnParams,
  hasBias: boolean, grain: number, counterAt: number, thread: number): void {
  m.i32.set([p.batch, p.timesteps, p.features, p.units, ACTIVATION_CODES[p.activation], p.goBackwards ? 1 : 0,
    hasBias ? 1 : 0, 0, p.batch, grain, counterAt, thread], paramsAt >> 2);
  m.i32.set(pointers, pointersAt >> 2);
}

/** Runs the kernel with each thread's (pointers, params): on both threads when two are planned. */
function call(m: KernelModule, kernel: 'simpleRnnForward' | 'simpleRnnBackward', pointersAt: number[], paramsAt: number[]): void {
  const own = () => m.exports[kernel](pointersAt[0], paramsAt[0]);
  if (pointersAt.length === 2) m.helper!.runBeside(kernel, [pointersAt[1], paramsAt[1], 0, 0, 0], own);
  else own();
}

export function simpleRnnForward(inputs: Float32Array, kernel: Float32Array, recurrentKernel: Float32Array,
  bias: Float32Array | null, initialState: Float32Array, p: SimpleRnnParams): Float32Array {
  const m = kernelModule();
  const n = p.batch * p.timesteps * p.units;
  const { threads, grain } = m ? plan(m, p.batch, 2 * n * (p.features + p.units)) : { threads: 1, grain: p.batch };
  const at = m && tryLayout(m, [...Array<number>(threads).fill(PARAMS_INTS), ...Array<number>(threads).fill(POINTERS), 1,
    inputs.length, kernel.length, p.units, recurrentKernel.length, initialState.length, n, n]);
  if (!m || !at) return jsSimpleRnnForward(inputs, kernel, recurrentKernel, bias, initialState, p);
  const [paramsAt, pointersAt, [counterAt, xAt, wAt, biasAt, uAt, h0At, hAt, zAt]] = cut(at, [threads, threads, 8]);
  for (let t = 0; t < threads; t++) {
    writeStructs(m, paramsAt[t], pointersAt[t], [xAt, wAt, biasAt, uAt, h0At, hAt, zAt], p, bias !== null, grain, counterAt, t);
  }
  m.i32[counterAt >> 2] = 0;
  m.f32.set(inputs, xAt >> 2);
  m.f32.set(kernel, wAt >> 2);
  if (bias) m.f32.set(bias, biasAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  call(m, 'simpleRnnForward', pointersAt, paramsAt);
  return m.f32.slice(hAt >> 2, (hAt >> 2) + n);
}

export function simpleRnnBackward(dOutputs: Float32Array, outputs: Float32Array, inputs: Float32Array,
  kernel: Float32Array, recurrentKernel: Float32Array, initialState: Float32Array, p: SimpleRnnParams): SimpleRnnGradients {
  const m = kernelModule();
  const n = outputs.length, x = inputs.length, w = kernel.length, u = recurrentKernel.length, h0 = initialState.length;
  const { threads, grain } = m ? plan(m, p.batch, 4 * n * (p.features + p.units)) : { threads: 1, grain: p.batch };
  // Each thread's own sums: dW, dU, db and db's double accumulators (2 floats each; regions are 16-byte aligned).
  const own = [w, u, p.units, 2 * p.units];
  const at = m && tryLayout(m, [...Array<number>(threads).fill(PARAMS_INTS), ...Array<number>(threads).fill(POINTERS), 1,
    n, n, x, w, u, h0, x, h0, n, ...Array<number[]>(threads).fill(own).flat()]);
  if (!m || !at) return jsSimpleRnnBackward(dOutputs, outputs, inputs, kernel, recurrentKernel, initialState, p);
  const [paramsAt, pointersAt, [counterAt, dhAt, hAt, xAt, wAt, uAt, h0At, dxAt, dh0At, dzAt], sums] =
    cut(at, [threads, threads, 10, 4 * threads]);
  for (let t = 0; t < threads; t++) {
    const [dwAt, duAt, dbAt, accAt] = sums.slice(4 * t, 4 * t + 4);
    own.forEach((size, k) => m.f32.fill(0, sums[4 * t + k] >> 2, (sums[4 * t + k] >> 2) + size));
    writeStructs(m, paramsAt[t], pointersAt[t], [dhAt, hAt, xAt, wAt, uAt, h0At, dxAt, dwAt, duAt, dbAt, dh0At, dzAt, accAt],
      p, true, grain, counterAt, t);
  }
  m.i32[counterAt >> 2] = 0;
  m.f32.set(dOutputs, dhAt >> 2);
  m.f32.set(outputs, hAt >> 2);
  m.f32.set(inputs, xAt >> 2);
  m.f32.set(kernel, wAt >> 2);
  m.f32.set(recurrentKernel, uAt >> 2);
  m.f32.set(initialState, h0At >> 2);
  call(m, 'simpleRnnBackward', pointersAt, paramsAt);
  const out = (offset: number, size: number) => m.f32.slice(offset >> 2, (offset >> 2) + size);
  /** Thread 0's sum plus the other thread's (which stayed zero if the worker never started on the call). */
  const summed = (k: number, size: number) => {
    const y = out(sums[k], size);
    for (let t = 1; t < threads; t++) {
      const other = m.f32.subarray(sums[4 * t + k] >> 2, (sums[4 * t + k] >> 2) + size);
      for (let i = 0; i < size; i++) y[i] += other[i];
    }
    return y;
  };
  return {
    dInputs: out(dxAt, x), dKernel: summed(0, w), dRecurrentKernel: summed(1, u), dBias: summed(2, p.units),
    dInitialState: out(dh0At, h0),
  };
}
