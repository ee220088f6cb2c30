/**
 * Bindings for the layer epilogue kernels (epilogue.c): y = activation(z + bias) in one pass, written
 * back into the caller's array when asked, and its gradient with the bias gradient in the same pass.
 * Single thread; below SMALL elements, or when wasm32 memory cannot hold the call, the JS reference runs.
 *
 * Both stream the call through wasm memory in pieces of whole rows, about PIECE floats each: copy a
 * piece in, run the kernel on it while it is in cache, copy its result into the output. Copying whole
 * arrays in, running the kernel over them, and `slice`-ing the result out made three passes over
 * memory-sized arrays (W5's first conv output is 11 MB per array); pieces make one. They run on the
 * plain-memory instance (small.ts) where the main module's memory is shared: V8 copies into and out of
 * a shared buffer about 20% slower (measured, 64 Ki-float pieces).
 */
import type { EpilogueActivation } from '../../backend/backend.js';
import { biasActivation as jsBiasActivation, biasActivationGrad as jsBiasActivationGrad } from '../js/epilogue.js';
import { ACTIVATION_CODES, kernelModule, tryLayout, uninitializedFloats } from './module.js';
import { oneThreadModule } from './small.js';

// Below this many elements the copies in and out cost about what the JS loop does (bench/NOTES.md entry 2).
const SMALL = 1024;
/**
 * Floats per piece: 256 KiB per array, so a piece's inputs and output stay in L2 between the copy and the
 * kernel. Measured (bench/ab-epilogue.ts): 16 Ki and 64 Ki floats alike, 256 Ki slower.
 */
export const PIECE = 1 << 16;

/** Floats per piece for rows of `channels` floats (0: no rows): whole rows, at least one. */
const pieceFloats = (n: number, channels: number) =>
  Math.min(n, channels > 0 ? Math.max(1, Math.floor(PIECE / channels)) * channels : PIECE);

export function biasActivation(z: Float32Array, bias: Float32Array | null, activation: EpilogueActivation,
  out?: Float32Array): Float32Array {
  const n = z.length;
  const channels = bias?.length ?? 0;
  const m = oneThreadModule() ?? kernelModule();
  const piece = pieceFloats(n, channels);
  const at = m !== null && n >= SMALL ? tryLayout(m, [piece, channels]) : null;
  if (m === null || at === null) return jsBiasActivation(z, bias, activation, out);
  const [zAt, biasAt] = at;
  if (bias !== null) m.f32.set(bias, biasAt >> 2);
  // A piece is read before its part of the output is written: out may be z, but not another view that overlaps it.
  const overlaps = out !== undefined && out !== z && out.buffer === z.buffer;
  const y = out === undefined || overlaps ? uninitializedFloats(n) : out;
  const code = ACTIVATION_CODES[activation], f32 = m.f32, zBase = zAt >> 2;
  for (let i = 0; i < n; i += piece) {
    const len = Math.min(piece, n - i);
    f32.set(z.subarray(i, i + len), zBase);
    // In place in wasm memory: the result overwrites the copy of z.
    m.exports.biasActivation(zAt, biasAt, zAt, len, channels, code);
    y.set(f32.subarray(zBase, zBase + len), i);
  }
  if (y === out) return out;
  if (out === undefined) return y;
  out.set(y);
  return out;
}

export function biasActivationGrad(dy: Float32Array, y: Float32Array, activation: EpilogueActivation, channels: number):
  { dz: Float32Array; dbias: Float32Array | null } {
  const n = dy.length;
  const m = oneThreadModule() ?? kernelModule();
  const piece = pieceFloats(n, channels);
  // dz overwrites the copy of dy; the double accumulators (2 floats each) sit past dbias, 8-byte aligned.
  const at = m !== null && n >= SMALL ? tryLayout(m, [piece, piece, channels, 2 * channels]) : null;
  if (m === null || at === null) return jsBiasActivationGrad(dy, y, activation, channels);
  const [dyAt, yAt, dbiasAt, accAt] = at;
  const dz = uninitializedFloats(n);
  const code = ACTIVATION_CODES[activation], f32 = m.f32, dyBase = dyAt >> 2, yBase = yAt >> 2;
  // The kernel adds each piece's rows onto the running sums in acc and leaves dbias = their float32 value.
  f32.fill(0, accAt >> 2, (accAt >> 2) + 2 * channels);
  for (let i = 0; i < n; i += piece) {
    const len = Math.min(piece, n - i);
    f32.set(dy.subarray(i, i + len), dyBase);
    f32.set(y.subarray(i, i + len), yBase);
    m.exports.biasActivationGrad(dyAt, yAt, dyAt, dbiasAt, accAt, len, channels, code);
    dz.set(f32.subarray(dyBase, dyBase + len), i);
  }
  const dbias = channels > 0 ? f32.slice(dbiasAt >> 2, (dbiasAt >> 2) + channels) : null;
  return { dz, dbias };
}
