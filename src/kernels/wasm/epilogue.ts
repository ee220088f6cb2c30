/**
 * Bindings for the layer epilogue kernels (epilogue.c): y = activation(z + bias) in one pass, written
 * back into the caller's array when asked (no fresh array), and its gradient with the bias gradient in
 * the same pass. Single thread; below SMALL elements, or when wasm32 memory cannot hold the call, the
 * JS reference runs.
 */
import type { EpilogueActivation } from '../../backend/backend.js';
import { biasActivation as jsBiasActivation, biasActivationGrad as jsBiasActivationGrad } from '../js/epilogue.js';
import { ACTIVATION_CODES, kernelModule, tryLayout } from './module.js';

// Below this many elements the copies in and out cost about what the JS loop does (bench/NOTES.md entry 2).
const SMALL = 1024;

export function biasActivation(z: Float32Array, bias: Float32Array | null, activation: EpilogueActivation,
  out?: Float32Array): Float32Array {
  const n = z.length;
  const channels = bias?.length ?? 0;
  const m = kernelModule();
  const at = m !== null && n >= SMALL ? tryLayout(m, [n, channels]) : null;
  if (m === null || at === null) return jsBiasActivation(z, bias, activation, out);
  const [zAt, biasAt] = at;
  m.f32.set(z, zAt >> 2);
  if (bias !== null) m.f32.set(bias, biasAt >> 2);
  // In place in wasm memory too: the result overwrites the copy of z.
  m.exports.biasActivation(zAt, biasAt, zAt, n, channels, ACTIVATION_CODES[activation]);
  const result = m.f32.subarray(zAt >> 2, (zAt >> 2) + n);
  if (out === undefined) return result.slice();
  out.set(result);
  return out;
}

export function biasActivationGrad(dy: Float32Array, y: Float32Array, activation: EpilogueActivation, channels: number):
  { dz: Float32Array; dbias: Float32Array | null } {
  const n = dy.length;
  const m = kernelModule();
  // dz overwrites the copy of dy; the double accumulators (2 floats each) sit past dbias, 8-byte aligned.
  const at = m !== null && n >= SMALL ? tryLayout(m, [n, n, channels, 2 * channels]) : null;
  if (m === null || at === null) return jsBiasActivationGrad(dy, y, activation, channels);
  const [dyAt, yAt, dbiasAt, accAt] = at;
  m.f32.set(dy, dyAt >> 2);
  m.f32.set(y, yAt >> 2);
  m.exports.biasActivationGrad(dyAt, yAt, dyAt, dbiasAt, accAt, n, channels, ACTIVATION_CODES[activation]);
  const dz = m.f32.slice(dyAt >> 2, (dyAt >> 2) + n);
  const dbias = channels > 0 ? m.f32.slice(dbiasAt >> 2, (dbiasAt >> 2) + channels) : null;
  return { dz, dbias };
}
