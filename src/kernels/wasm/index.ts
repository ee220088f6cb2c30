/**
 * The WebAssembly SIMD backend: matmul, the three conv2d kernels and same-shape add/sub/mul run in
 * wasm (kernels.c); every other kernel is the JS reference, spread in so the backend stays complete as
 * the interface grows.
 */
import type { Backend, BinaryOp, Conv2DParams } from '../../backend/backend.js';
import { jsBackend } from '../js/index.js';
import { kernelModule, type KernelModule } from './module.js';

/** True when WebAssembly SIMD is available and the kernels module instantiated. */
export function wasmAvailable(): boolean {
  return kernelModule() !== null;
}

function module(): KernelModule {
  const m = kernelModule();
  if (m === null) throw new Error('The wasm backend needs WebAssembly SIMD, which this engine lacks.');
  return m;
}

const PARAMS_INTS = 16;

/**
 * Copies `inputs` into wasm memory, lays out the output and scratch, runs `call`, copies the output out.
 * Returns null when wasm32 memory cannot hold the call, so the caller can use the JS kernel instead.
 */
function run(inputs: Float32Array[], outputSize: number, scratchSize: number, params: number[],
  call: (m: KernelModule, inputs: number[], output: number, scratch: number, params: number) => void): Float32Array | null {
  const m = module();
  let offsets: number[];
  try {
    offsets = m.layout([PARAMS_INTS, ...inputs.map((x) => x.length), outputSize, scratchSize]);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  const [paramsAt, ...rest] = offsets;
  m.i32.set(params, paramsAt >> 2);
  inputs.forEach((x, i) => m.f32.set(x, rest[i] >> 2));
  const outputAt = rest[inputs.length];
  call(m, rest.slice(0, inputs.length), outputAt, rest[inputs.length + 1], paramsAt);
  return m.f32.slice(outputAt >> 2, (outputAt >> 2) + outputSize);
}

function matmul(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, bBatch: number): Float32Array {
  const params = [batch, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, bBatch];
  return run([a, b], batch * m * n, 0, params, (w, [ap, bp], y, _s, p) => w.exports.matmul(ap, bp, y, p))
    ?? jsBackend.matmul(a, b, batch, m, k, n, transposeA, transposeB, bBatch);
}

// Patch-matrix rows built per chunk: ~1 MiB of patches, so a chunk is still in cache when the GEMM packs it.
const CHUNK_FLOATS = 1 << 18;

function convLayout(p: Conv2DParams): { params: number[]; scratch: number } {
  const k = p.kernelHeight * p.kernelWidth * p.inChannels;
  const rows = p.batch * p.outHeight * p.outWidth;
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_FLOATS / k)));
  const params = [p.batch, p.inHeight, p.inWidth, p.inChannels, p.outHeight, p.outWidth, p.outChannels,
    p.kernelHeight, p.kernelWidth, p.strideHeight, p.strideWidth, p.dilationHeight, p.dilationWidth,
    p.padTop, p.padLeft, chunkRows];
  return { params, scratch: chunkRows * k };
}

function conv2d(x: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array {
  const { params, scratch } = convLayout(p);
  return run([x, filter], p.batch * p.outHeight * p.outWidth * p.outChannels, scratch, params,
    (w, [xp, fp], y, col, pp) => w.exports.conv2d(xp, fp, y, col, pp)) ?? jsBackend.conv2d(x, filter, p);
}

function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array {
  const { params, scratch } = convLayout(p);
  return run([dy, filter], p.batch * p.inHeight * p.inWidth * p.inChannels, scratch, params,
    (w, [dyp, fp], dx, col, pp) => w.exports.conv2dBackpropInput(dyp, fp, dx, col, pp))
    ?? jsBackend.conv2dBackpropInput(dy, filter, p);
}

function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, p: Conv2DParams): Float32Array {
  const { params, scratch } = convLayout(p);
  return run([x, dy], p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels, scratch, params,
    (w, [xp, dyp], dw, col, pp) => w.exports.conv2dBackpropFilter(xp, dyp, dw, col, pp))
    ?? jsBackend.conv2dBackpropFilter(x, dy, p);
}

const SAME_SHAPE_OPS: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2 };
// Below this many elements the wasm call and copies cost about what the JS loop does (bench/NOTES.md).
const SAME_SHAPE_MIN = 1024;

function binary(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], outShape: number[]): Float32Array {
  const code = SAME_SHAPE_OPS[op];
  if (code === undefined || a.length < SAME_SHAPE_MIN || a.length !== b.length || !sameShape(aShape, bShape)) {
    return jsBackend.binary(op, a, aShape, b, bShape, outShape);
  }
  return run([a, b], a.length, 0, [], (w, [ap, bp], y) => w.exports.binarySameShape(ap, bp, y, a.length, code))
    ?? jsBackend.binary(op, a, aShape, b, bShape, outShape);
}

const sameShape = (s: number[], t: number[]) => s.length === t.length && s.every((d, i) => d === t[i]);

export const wasmBackend: Backend = {
  ...jsBackend,
  name: 'wasm',
  matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter, binary,
};
