/**
 * The WebAssembly SIMD backend: matmul, the three conv2d kernels, max pooling and its gradient, relu and
 * step, add/sub/mul on equal shapes or with a trailing broadcast (the bias add), and sums over contiguous
 * axes run in wasm (kernels.c); every other kernel is the JS reference, spread in so the backend stays complete as
 * the interface grows.
 *
 * Large matmuls and convs run on two threads when the threaded build loaded (module.ts): the same
 * kernel call runs here and on the worker, each with its own params struct, scratch and packing
 * buffers, and both claim chunks of the output (rows; columns for short, wide products; batch elements
 * or whole images where rows would overlap) from one counter in wasm memory until none is left.
 */
import type {
  Backend, BinaryOp, Conv2DParams, DenseForward, DenseTrainStep, Pool2DParams, Program, ProgramIO, ReduceOp, UnaryOp,
} from '../../backend/backend.js';
import { checkProgramIO } from '../js/program.js';
import { jsBackend } from '../js/index.js';
import {
  ACTIVATION_CODES, cut, kernelModule, threading, tryLayout, uninitializedFloats, type KernelModule, type KernelName,
} from './module.js';
import { oneThreadModule, type OneThreadModule } from './small.js';
import { simpleRnnBackward, simpleRnnForward } from './rnn.js';
import { biasActivation, biasActivationGrad, PIECE } from './epilogue.js';
import { denseForwardOneThread, denseTrainStepOneThread } from './denseStep.js';

/** True when WebAssembly SIMD is available and the kernels module instantiated. */
export function wasmAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * Starts the second thread now and resolves with whether it runs; sets the split threshold when given.
 * For tests and benchmarks: kernels start the thread themselves on their first large call.
 */
export async function wasmThreads(options: { splitFlops?: number } = {}): Promise<boolean> {
  if (options.splitFlops !== undefined) threading.splitFlops = options.splitFlops;
  return (await kernelModule()?.helper?.whenReady()) ?? false;
}

/**
 * Which build of the kernels runs: `threads` when the two-thread build loaded (a worker shares its
 * memory), `relaxed` when the engine validated the relaxed-SIMD build (fused multiply-add: Node >= 22,
 * Chrome >= 114, or Node 20 started with --experimental-wasm-relaxed-simd). Null without wasm SIMD.
 */
export function wasmBuild(): { threads: boolean; relaxed: boolean } | null {
  const m = kernelModule();
  return m === null ? null : { threads: m.helper !== null, relaxed: m.relaxed };
}

/**
 * Kernel calls posted to the second thread so far in this process (`splitCalls`), and how many of
 * those the calling thread finished alone because the worker had not started on them (`withdrawn`).
 */
export function wasmThreadStats(): { splitCalls: number; withdrawn: number } {
  const helper = kernelModule()?.helper;
  return { splitCalls: helper?.splitCalls ?? 0, withdrawn: helper?.withdrawn ?? 0 };
}

function module(): KernelModule {
  const m = kernelModule();
  if (m === null) throw new Error('The wasm backend needs WebAssembly SIMD, which this engine lacks.');
  return m;
}

const PARAMS_INTS = 32;
/** Chunks a split call aims for: enough for the threads to even out, few enough that re-packing is cheap. */
const CHUNKS = 8;

/** How a call divides into chunks (kernels.c `Chunks`): units [0, total), `grain` units per chunk. */
interface Chunks {
  total: number;
  grain: number;
  /** Each thread adds its chunks into its own zeroed output (the filter gradient): sum them after. */
  outputPerThread?: boolean;
}

const roundUp = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;
/** A grain giving about CHUNKS chunks, at least `least` units and a multiple of `multiple`. */
const grainFor = (total: number, multiple: number, least: number) =>
  roundUp(Math.max(least, Math.ceil(total / CHUNKS)), multiple);

/**
 * What an elementwise op over n floats counts as against `threading.splitFlops`: 8n, so ops over 250 Ki floats
 * and more (W5's first conv output, 2.8 M, takes ~4 ms on one thread) split across the two threads.
 */
const ELEMENTWISE_WORK = 8;

/** ConvParams' epilogue fields: none. Else [1 + activation code, bias offset or 0]. */
const NO_EPILOGUE: readonly number[] = [0, 0];

/** Chunks of whole images (units: images), about CHUNKS of them. */
const imageChunks = (batch: number): Chunks => ({ total: batch, grain: grainFor(batch, 1, 1) });

/** Whether a call of `flops` with these chunks runs on two threads: large, more than one chunk, the worker up. */
function splits(m: KernelModule, flops: number, chunks: Chunks): boolean {
  return flops >= threading.splitFlops && chunks.grain < chunks.total && m.helper !== null && m.helper.available();
}

/**
 * Runs `kernel` on operands already in wasm memory (byte offsets): on both threads when `split`, each with its
 * own params block and scratch, the two claiming chunks from one counter. `outputsAt` holds one output per
 * thread when the kernel adds into a per-thread output (the filter gradient: the caller zeroes and sums them).
 */
function callAt(m: KernelModule, kernel: KernelName, inputsAt: number[], outputsAt: number[], scratchAt: number[],
  paramsAt: number[], counterAt: number, params: number[], split: boolean, chunks: Chunks, epilogue = NO_EPILOGUE): void {
  const grain = split ? chunks.grain : chunks.total;
  m.i32[counterAt >> 2] = 0;
  const args = (t: number) => {
    // The epilogue fields follow the chunks (kernels.h ConvParams); written for every kernel, since params blocks are reused.
    m.i32.set([...params, 0, chunks.total, grain, counterAt, t, ...epilogue], paramsAt[t] >> 2);
    const out = outputsAt[Math.min(t, outputsAt.length - 1)];
    return kernel === 'matmul' ? [inputsAt[0], inputsAt[1], out, paramsAt[t]]
      : [inputsAt[0], inputsAt[1], out, scratchAt[t], paramsAt[t]];
  };
  const call = (a: number[]) => (m.exports[kernel] as (...p: number[]) => void)(...a);
  const first = args(0);
  if (split) m.helper!.runBeside(kernel, args(1), () => call(first));
  else call(first);
}

/**
 * Copies `inputs` into wasm memory, lays out params, output and scratch, runs the kernel (on two
 * threads when it is large, the worker is up and there is more than one chunk), copies the output out.
 * Returns null when wasm32 memory cannot hold the call, so the caller can use the JS kernel instead.
 */
function run(kernel: KernelName, inputs: Float32Array[], outputSize: number, scratchSize: number,
  params: number[], flops: number, chunks: Chunks): Float32Array | null {
  const m = module();
  const split = splits(m, flops, chunks);
  const threads = split ? 2 : 1;
  const outputs = chunks.outputPerThread ? threads : 1;
  const offsets = tryLayout(m, [...Array<number>(threads).fill(PARAMS_INTS), 1, ...inputs.map((x) => x.length),
    ...Array<number>(outputs).fill(outputSize), ...Array<number>(threads).fill(scratchSize)]);
  if (offsets === null) return null;
  const [paramsAt, [counterAt], inputsAt, outputAt, scratchAt] = cut(offsets, [threads, 1, inputs.length, outputs, threads]);
  inputs.forEach((x, i) => m.f32.set(x, inputsAt[i] >> 2));
  if (chunks.outputPerThread) for (const at of outputAt) m.f32.fill(0, at >> 2, (at >> 2) + outputSize);
  callAt(m, kernel, inputsAt, outputAt, scratchAt, paramsAt, counterAt, params, split, chunks);
  const y = m.f32.slice(outputAt[0] >> 2, (outputAt[0] >> 2) + outputSize);
  for (let t = 1; t < outputs; t++) {
    const other = m.f32.subarray(outputAt[t] >> 2, (outputAt[t] >> 2) + outputSize);
    for (let i = 0; i < outputSize; i++) y[i] += other[i];
  }
  return y;
}

/*
 * Chunks mirror kernels.c `matmul`: when the batch stacks into one GEMM (shared B with row-major A, or
 * batch 1) they are rows of C, at least 64 (each chunk re-packs B), or columns when C has too few rows
 * for two such chunks; otherwise whole batch elements.
 */
function matmul(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, bBatch: number, out?: Float32Array): Float32Array {
  if (2 * batch * m * k * n < threading.splitFlops) {
    const y = matmulOneThread(a, b, batch, m, k, n, transposeA, transposeB, bBatch, out);
    if (y !== null) return y;
  }
  const { params, flops, chunks } = matmulLayout(batch, m, k, n, transposeA, transposeB, bBatch);
  const y = run('matmul', [a, b], batch * m * n, 0, params, flops, chunks);
  if (y === null) return jsBackend.matmul(a, b, batch, m, k, n, transposeA, transposeB, bBatch, out);
  if (out === undefined) return y;
  out.set(y);
  return out;
}

/** A matmul's params (kernels.c MatmulParams before its chunks), work and chunks. */
function matmulLayout(batch: number, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
  bBatch: number): { params: number[]; flops: number; chunks: Chunks } {
  const stacks = (bBatch === 1 && !transposeA) || batch === 1;
  const rows = batch * m;
  const byColumns = stacks && rows < 128 && n >= 128;
  const chunks = !stacks ? { total: batch, grain: grainFor(batch, 1, 1) }
    : byColumns ? { total: n, grain: grainFor(n, 8, 64) } : { total: rows, grain: grainFor(rows, 4, 64) };
  const params = [batch, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, bBatch, byColumns ? 1 : 0];
  return { params, flops: 2 * batch * m * k * n, chunks };
}

/** Region sizes (floats) of a one-thread matmul call: params, counter, a, b, y; reused between calls. */
const oneThreadRegions = [PARAMS_INTS, 1, 0, 0, 0];

/**
 * `run` for a matmul that stays on this thread, without its general bookkeeping, on the plain-memory
 * module (small.ts): the seed's products are so small (20 x 30 x 100) that building argument lists and
 * copying into shared memory cost as much as the arithmetic (bench/NOTES.md, "Small matmuls"). The call
 * is one chunk of the whole output.
 */
function matmulOneThread(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, bBatch: number, out?: Float32Array): Float32Array | null {
  const mod = oneThreadModule() ?? module();
  const size = batch * m * n;
  oneThreadRegions[2] = a.length;
  oneThreadRegions[3] = b.length;
  oneThreadRegions[4] = size;
  const at = tryLayout(mod, oneThreadRegions);
  if (at === null) return null;
  const [paramsAt, counterAt, aAt, bAt, yAt] = at;
  const f32 = mod.f32, i32 = mod.i32;
  f32.set(a, aAt >> 2);
  f32.set(b, bAt >> 2);
  // MatmulParams (kernels.c): batch, m, k, n, transposeA, transposeB, bBatch, splitColumns, then Chunks.
  const stacks = (bBatch === 1 && !transposeA) || batch === 1;
  const total = stacks ? batch * m : batch;
  const p = paramsAt >> 2;
  i32[p] = batch; i32[p + 1] = m; i32[p + 2] = k; i32[p + 3] = n;
  i32[p + 4] = transposeA ? 1 : 0; i32[p + 5] = transposeB ? 1 : 0; i32[p + 6] = bBatch; i32[p + 7] = 0;
  i32[p + 8] = 0; i32[p + 9] = total; i32[p + 10] = total; i32[p + 11] = counterAt; i32[p + 12] = 0;
  i32[counterAt >> 2] = 0;
  mod.exports.matmul(aAt, bAt, yAt, paramsAt);
  if (out === undefined) return f32.slice(yAt >> 2, (yAt >> 2) + size);
  out.set(f32.subarray(yAt >> 2, (yAt >> 2) + size));
  return out;
}

// Patch-matrix rows built per piece: ~1 MiB of patches, so a piece is still in cache when the GEMM packs it.
const CHUNK_FLOATS = 1 << 18;

type ConvKernel = 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter';

interface ConvLayout { kernel: KernelName; params: number[]; scratch: number; flops: number; chunks: Chunks }

/** The Winograd export that takes each conv kernel's place for a Conv1D (conv1d_winograd.c). */
const WINOGRAD_1D: Record<ConvKernel, KernelName> = {
  conv2d: 'conv1dWinograd', conv2dBackpropInput: 'conv1dWinogradBackpropInput',
  conv2dBackpropFilter: 'conv1dWinogradBackpropFilter',
};

/**
 * The kernel for `op` on this conv, its params, scratch per thread, work, and chunks: Winograd F(m, m) for a
 * large Conv1D of 3 taps or more with stride 1 and no dilation (whole images per chunk), else im2col and the
 * GEMM over chunks of patch rows (whole images for a non-pointwise input gradient: col2im adds onto input
 * positions that neighbouring rows share).
 */
function convLayout(p: Conv2DParams, op: ConvKernel): ConvLayout {
  const k = p.kernelHeight * p.kernelWidth * p.inChannels;
  const rows = p.batch * p.outHeight * p.outWidth;
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_FLOATS / k)));
  const params = [p.batch, p.inHeight, p.inWidth, p.inChannels, p.outHeight, p.outWidth, p.outChannels,
    p.kernelHeight, p.kernelWidth, p.strideHeight, p.strideWidth, p.dilationHeight, p.dilationWidth,
    p.padTop, p.padLeft, chunkRows];
  const flops = 2 * rows * k * p.outChannels;
  const winograd = winograd1dScratch(p, flops);
  if (winograd > 0) return { kernel: WINOGRAD_1D[op], params, scratch: winograd, flops, chunks: imageChunks(p.batch) };
  const images = op === 'conv2dBackpropInput' && !isPointwise(p);
  const grain = images ? p.outHeight * p.outWidth * imageChunks(p.batch).grain : Math.min(chunkRows, grainFor(rows, 4, 16));
  return { kernel: op, params, scratch: chunkRows * k, flops, chunks: { total: rows, grain } };
}

/**
 * Scratch floats per thread for a Conv1D run as Winograd F(m, m) (conv1d_winograd.c), or 0 when it keeps
 * im2col: height 1, stride 1, no dilation, a filter of 3 taps or more (the C picks m and declines shorter
 * filters) and at least WINOGRAD_FLOPS of work. Measured on W3's second Conv1D (64 x 119 x 100 -> 100, 10 taps):
 * see bench/NOTES.md entry 24.
 */
function winograd1dScratch(p: Conv2DParams, flops: number): number {
  if (p.inHeight !== 1 || p.kernelHeight !== 1 || p.strideWidth !== 1 || p.dilationWidth !== 1 || p.padTop !== 0
    || p.padLeft < 0 || flops < WINOGRAD_FLOPS) return 0;
  return module().exports.winograd1dScratch(p.kernelWidth, p.inChannels, p.outChannels, p.outWidth);
}

const isPointwise = (p: Conv2DParams) => p.kernelHeight === 1 && p.kernelWidth === 1 && p.strideHeight === 1 &&
  p.strideWidth === 1 && p.padTop === 0 && p.padLeft === 0 && p.outHeight === p.inHeight && p.outWidth === p.inWidth;

function conv2d(x: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array {
  const { kernel, params, scratch, flops, chunks } = convLayout(p, 'conv2d');
  return run(kernel, [x, filter], p.batch * p.outHeight * p.outWidth * p.outChannels, scratch, params, flops, chunks)
    ?? jsBackend.conv2d(x, filter, p);
}

function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, p: Conv2DParams): Float32Array {
  const { kernel, params, scratch, flops, chunks } = convLayout(p, 'conv2dBackpropInput');
  return run(kernel, [dy, filter], p.batch * p.inHeight * p.inWidth * p.inChannels, scratch, params,
    flops, chunks) ?? jsBackend.conv2dBackpropInput(dy, filter, p);
}

function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, p: Conv2DParams): Float32Array {
  const { kernel, params, scratch, flops, chunks } = convLayout(p, 'conv2dBackpropFilter');
  return run(kernel, [x, dy], p.kernelHeight * p.kernelWidth * p.inChannels * p.outChannels, scratch,
    params, flops, { ...chunks, outputPerThread: true }) ?? jsBackend.conv2dBackpropFilter(x, dy, p);
}

const SAME_SHAPE_OPS: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2 };
// Below this many elements the wasm call and copies cost about what the JS loop does (bench/NOTES.md).
const SAME_SHAPE_MIN = 1024;

/**
 * One call of a single-thread kernel: copies `inputs` in, lays out the output (and `scratch` floats),
 * calls `call(inputOffsets, outputOffset, scratchOffset)`, copies the output out. Null when wasm32
 * memory cannot hold the call.
 */
function runSingle(inputs: Float32Array[], outputSize: number, scratch: number,
  call: (m: KernelModule, inputsAt: number[], outputAt: number, scratchAt: number) => void): Float32Array | null {
  const m = module();
  const at = tryLayout(m, [...inputs.map((x) => x.length), outputSize, scratch]);
  if (at === null) return null;
  inputs.forEach((x, i) => m.f32.set(x, at[i] >> 2));
  const outputAt = at[inputs.length];
  call(m, at.slice(0, inputs.length), outputAt, at[inputs.length + 1]);
  return m.f32.slice(outputAt >> 2, (outputAt >> 2) + outputSize);
}

function binary(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], outShape: number[]): Float32Array {
  const code = SAME_SHAPE_OPS[op];
  const n = a.length;
  if (code === undefined || n < SAME_SHAPE_MIN || n !== outShape.reduce((p, d) => p * d, 1)) {
    return jsBackend.binary(op, a, aShape, b, bShape, outShape);
  }
  let y: Float32Array | null = null;
  if (b.length === n && sameShape(aShape, bShape)) {
    y = runSingle([a, b], n, 0, (m, [aAt, bAt], yAt) => m.exports.binarySameShape(aAt, bAt, yAt, n, code));
  } else if (b.length > 1 && n % b.length === 0 && trailingMatches(aShape, bShape)) {
    // b repeats along a's leading axes: the bias add.
    y = runSingle([a, b], n, 0, (m, [aAt, bAt], yAt) => m.exports.binaryTrailing(aAt, bAt, yAt, n, b.length, code));
  }
  return y ?? jsBackend.binary(op, a, aShape, b, bShape, outShape);
}

/** b's shape without leading 1s equals a's trailing axes. */
function trailingMatches(aShape: number[], bShape: number[]): boolean {
  let k = 0;
  while (k < bShape.length && bShape[k] === 1) k++;
  const core = bShape.slice(k);
  const off = aShape.length - core.length;
  return off >= 0 && core.every((d, i) => d === aShape[off + i]);
}

const UNARY_OPS: Partial<Record<UnaryOp, number>> = { relu: 0, step: 1 };

function unary(op: UnaryOp, x: Float32Array): Float32Array {
  const code = UNARY_OPS[op];
  const n = x.length;
  if (code === undefined || n < SAME_SHAPE_MIN) return jsBackend.unary(op, x);
  return runSingle([x], n, 0, (m, [xAt], yAt) => m.exports.unaryMap(xAt, yAt, n, code)) ?? jsBackend.unary(op, x);
}

// The double accumulators live on the wasm side as scratch (2 floats each); wider rows stay in JS.
const REDUCE_MAX_INNER = 1 << 16;

/** (outer, mid, inner) of `shape` reduced over `axes`, or null when the axes are not contiguous. */
function contiguousAxes(shape: number[], axes: number[]): [number, number, number] | null {
  if (axes.length === 0 || !axes.every((a, i) => a === axes[0] + i)) return null;
  const product = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
  const first = axes[0], last = axes[axes.length - 1];
  return [product(0, first), product(first, last + 1), product(last + 1, shape.length)];
}

/** Sums, maxima and minima over contiguous axes in wasm (bias gradients, global pooling); others the JS kernel. */
function reduce(op: ReduceOp, x: Float32Array, shape: number[], axes: number[]): Float32Array {
  const dims = contiguousAxes(shape, axes);
  if (dims === null || x.length < SAME_SHAPE_MIN) return jsBackend.reduce(op, x, shape, axes);
  const [outer, mid, inner] = dims;
  if (op !== 'sum') {
    return runSingle([x], outer * inner, 0, (m, [xAt], yAt) =>
      m.exports.reduceExtreme(xAt, yAt, outer, mid, inner, op === 'max' ? 1 : 0)) ?? jsBackend.reduce(op, x, shape, axes);
  }
  if (inner > REDUCE_MAX_INNER) return jsBackend.reduce(op, x, shape, axes);
  return runSingle([x], outer * inner, 2 * inner + 2, (m, [xAt], yAt, accAt) =>
    m.exports.reduceSum(xAt, yAt, (accAt + 7) & ~7, outer, mid, inner)) ?? jsBackend.reduce(op, x, shape, axes);
}

/** The gradient of a max or min over contiguous axes in wasm (ties split as the JS kernel does); else the JS kernel. */
function extremeGrad(x: Float32Array, shape: number[], axes: number[], y: Float32Array, dy: Float32Array): Float32Array {
  const dims = contiguousAxes(shape, axes);
  if (dims === null || x.length < SAME_SHAPE_MIN) return jsBackend.extremeGrad(x, shape, axes, y, dy);
  const [outer, mid, inner] = dims;
  return runSingle([x, y, dy], x.length, outer * inner, (m, [xAt, yAt, dyAt], dxAt, shareAt) =>
    m.exports.extremeGradContiguous(xAt, yAt, dyAt, dxAt, shareAt, outer, mid, inner))
    ?? jsBackend.extremeGrad(x, shape, axes, y, dy);
}

const poolParams = (p: Pool2DParams) => [p.batch, p.inHeight, p.inWidth, p.channels, p.outHeight, p.outWidth,
  p.poolHeight, p.poolWidth, p.strideHeight, p.strideWidth, p.padTop, p.padLeft];

/**
 * A pooling call streamed through wasm memory a few whole images at a time (images are independent,
 * and overlapping windows stay within one): copy a piece of each input in, run the kernel on it while it
 * is in cache, copy its output into the result. Copying whole inputs in and `slice`-ing the output made
 * three passes over arrays of up to 11 MB (W5's first pool); this makes one. Null when wasm32 memory
 * cannot hold a piece. The pool params struct (12 int32 fields, its batch the piece's) takes 16 floats.
 * On the plain-memory instance (small.ts), as the epilogue: copies into shared memory are slower.
 */
function poolPieces(inputs: Float32Array[], p: Pool2DParams, outputImage: number,
  call: (m: OneThreadModule, inputsAt: number[], outputAt: number, paramsAt: number) => void): Float32Array | null {
  if (p.batch === 0) return new Float32Array(0);
  const m = oneThreadModule() ?? module();
  const inputImages = inputs.map((x) => x.length / p.batch);
  const largest = Math.max(1, outputImage, ...inputImages);
  const images = Math.max(1, Math.min(p.batch, Math.floor(PIECE / largest)));
  const at = tryLayout(m, [...inputImages.map((f) => f * images), outputImage * images, 16]);
  if (at === null) return null;
  const [inputsAt, [outputAt, paramsAt]] = cut(at, [inputs.length, 2]);
  // Every element is written: the kernels write all of y (the gradient's zeros included).
  const y = uninitializedFloats(p.batch * outputImage);
  const params = poolParams(p), outBase = outputAt >> 2;
  for (let n = 0; n < p.batch; n += images) {
    const k = Math.min(images, p.batch - n);
    inputs.forEach((x, i) => m.f32.set(x.subarray(n * inputImages[i], (n + k) * inputImages[i]), inputsAt[i] >> 2));
    params[0] = k;
    m.i32.set(params, paramsAt >> 2);
    call(m, inputsAt, outputAt, paramsAt);
    y.set(m.f32.subarray(outBase, outBase + k * outputImage), n * outputImage);
  }
  return y;
}

function maxPool2d(x: Float32Array, p: Pool2DParams): Float32Array {
  return poolPieces([x], p, p.outHeight * p.outWidth * p.channels, (m, [xAt], yAt, paramsAt) =>
    m.exports.maxPool2d(xAt, yAt, paramsAt)) ?? jsBackend.maxPool2d(x, p);
}

function maxPool2dBackprop(dy: Float32Array, x: Float32Array, p: Pool2DParams): Float32Array {
  return poolPieces([dy, x], p, p.inHeight * p.inWidth * p.channels, (m, [dyAt, xAt], dxAt, paramsAt) =>
    m.exports.maxPool2dBackprop(dyAt, xAt, dxAt, paramsAt)) ?? jsBackend.maxPool2dBackprop(dy, x, p);
}

/**
 * Whether a product of a Dense chain on `rows` rows is large enough to split across the two threads: then the
 * one-call step and forward pass decline and the layers run as separate (threaded) kernels.
 */
function splitsAcrossThreads(rows: number, units: number[]): boolean {
  let largest = 0;
  for (let l = 0; l + 1 < units.length; l++) largest = Math.max(largest, 2 * rows * units[l] * units[l + 1]);
  return largest >= threading.splitFlops && module().helper !== null;
}

/** The Dense training step in one call (denseStep.ts), on one thread; null when the chain splits across threads. */
function denseTrainStep(s: DenseTrainStep): number | null {
  return splitsAcrossThreads(s.rows, s.units) ? null : denseTrainStepOneThread(s);
}

/** The chain's forward pass in one call; false when the chain splits across threads. */
function denseForward(s: DenseForward): boolean {
  return !splitsAcrossThreads(s.rows, s.units) && denseForwardOneThread(s);
}

/** Tiles per block in winograd.c (TILES): each thread's scratch holds 16 * TILES * (C_in + C_out) floats. */
const WINOGRAD_TILES = 128;

/**
 * Whether a program runs this forward conv with Winograd F(2x2, 3x3) (winograd.c): 3x3 filters, stride 1, no
 * dilation, channels in multiples of 4, at most 256 input channels (one GEMM k block), and enough work; else
 * im2col and the GEMM. Measured on W5's second conv (128 x 13 x 13 x 32 -> 64, 2026-11-28, one process, min of 9): 42.6 ->
 * 26.5 ms on one thread, 22.0 -> 12.8 on two. Its input gradient as a Winograd conv (the flipped filter, 64 -> 32
 * channels, 13x13 from 11x11 padded by 2) measured 35.1 against im2col's 38.4 ms on one thread and 22.0 against
 * 21.3 on two: no gain, so gradients keep im2col (bench/NOTES.md entry 23).
 */
function winograd(p: Conv2DParams): boolean {
  return p.kernelHeight === 3 && p.kernelWidth === 3 && p.strideHeight === 1 && p.strideWidth === 1
    && p.dilationHeight === 1 && p.dilationWidth === 1 && p.inChannels % 4 === 0 && p.outChannels % 4 === 0
    && p.inChannels <= 256 && p.padTop >= 0 && p.padTop <= 2 && p.padLeft >= 0 && p.padLeft <= 2
    && 2 * p.batch * p.outHeight * p.outWidth * 9 * p.inChannels * p.outChannels >= WINOGRAD_FLOPS;
}

/** Below this much work a conv keeps im2col: the transforms' overhead is not repaid. */
const WINOGRAD_FLOPS = 2e7;

/**
 * Backend.runProgram: every buffer of the program is a region of wasm memory for the whole call, so each op
 * is a kernel call on offsets, with nothing copied but the program's inputs and outputs; the large ones
 * split across the two threads as the separate kernels do, with the same chunks. Each op gives its separate
 * kernel's floats, except: on fewer than 1,024 floats the separate epilogue kernels run in JS (sigmoid and
 * tanh round differently); bias gradients split across threads add two partial sums; large 3x3 stride-1
 * forward convs run as Winograd F(2x2, 3x3) (winograd.c), equal to float32 rounding. A conv followed by its
 * epilogue, and a pooling gradient followed by relu's, run as one call. Falls back to the JS reference when
 * wasm32 memory cannot hold it.
 */
function runProgram(program: Program, inputs: readonly ProgramIO[], outputs: readonly ProgramIO[]): void {
  checkProgramIO(program, inputs, 'input');
  checkProgramIO(program, outputs, 'output');
  const m = module();
  const size = program.buffers;
  // Past the buffers: each thread's params and scratch, the chunk counter, and the filter gradient's
  // second-thread output.
  let scratch = 0, extra = 0, filters = 0;
  for (const op of program.ops) {
    if (op.op === 'conv2d' || op.op === 'conv2dBackpropInput' || op.op === 'conv2dBackpropFilter') {
      scratch = Math.max(scratch, convLayout(op.p, op.op).scratch);
    }
    if (op.op === 'conv2dBackpropFilter') extra = Math.max(extra, size[op.dfilter]);
    if (op.op === 'conv2d' && winograd(op.p)) {
      scratch = Math.max(scratch, WINOGRAD_TILES * 16 * (op.p.inChannels + op.p.outChannels));
      filters = Math.max(filters, 16 * op.p.inChannels * op.p.outChannels);
    }
    // The max gradient's tie counts.
    if (op.op === 'reduceMaxGrad') scratch = Math.max(scratch, op.outer * op.inner);
    // The mean's double sums (2 floats each), 8-byte aligned.
    if (op.op === 'reduceMean') scratch = Math.max(scratch, 2 * op.inner + 2);
    // Each thread's bias-gradient sums: `channels` doubles, then its dbias.
    if (op.op === 'biasActivationGrad' && op.dbias !== null) scratch = Math.max(scratch, 3 * op.channels);
  }
  const at = tryLayout(m, [...size, PARAMS_INTS, PARAMS_INTS, 1, scratch, scratch, extra, filters]);
  if (at === null) {
    jsBackend.runProgram(program, inputs, outputs);
    return;
  }
  const [buf, [params0, params1, counterAt, scratch0, scratch1, extraAt, filtersAt]] = cut(at, [size.length, 7]);
  const paramsAt = [params0, params1], scratchAt = [scratch0, scratch1];
  const e = m.exports;
  for (const [i, x] of inputs) m.f32.set(x, buf[i] >> 2);
  const ops = program.ops;
  for (let o = 0; o < ops.length; o++) {
    const op = ops[o];
    switch (op.op) {
      case 'conv2d': case 'conv2dBackpropInput': {
        const { kernel, params, flops, chunks } = convLayout(op.p, op.op);
        const [x, y] = op.op === 'conv2d' ? [op.x, op.y] : [op.dy, op.dx];
        // A conv followed by the epilogue in place on its output: the conv applies it to each chunk as it
        // finishes it, while it is in cache, and on both threads; the same function on the same floats.
        const next = ops[o + 1];
        const fuse = op.op === 'conv2d' && next?.op === 'biasActivation' && next.z === y && next.y === y
          && (next.bias === null || size[next.bias] === op.p.outChannels);
        const epilogue = fuse ? [1 + ACTIVATION_CODES[next.activation], next.bias === null ? 0 : buf[next.bias]] : NO_EPILOGUE;
        if (fuse) o++;
        if (op.op === 'conv2d' && winograd(op.p)) {
          // The filter transformed once, then whole images in chunks.
          e.winogradFilter(buf[op.filter], filtersAt, op.p.inChannels, op.p.outChannels);
          const images = imageChunks(op.p.batch);
          callAt(m, 'conv2dWinograd', [buf[x], filtersAt], [buf[y]], scratchAt, paramsAt, counterAt, params,
            splits(m, flops, images), images, epilogue);
          break;
        }
        callAt(m, kernel, [buf[x], buf[op.filter]], [buf[y]], scratchAt, paramsAt, counterAt, params, splits(m, flops, chunks),
          chunks, epilogue);
        break;
      }
      case 'conv2dBackpropFilter': {
        const { kernel, params, flops, chunks } = convLayout(op.p, op.op);
        const split = splits(m, flops, chunks), n = size[op.dfilter], dw = buf[op.dfilter];
        m.f32.fill(0, dw >> 2, (dw >> 2) + n);
        if (split) m.f32.fill(0, extraAt >> 2, (extraAt >> 2) + n);
        callAt(m, kernel, [buf[op.x], buf[op.dy]], [dw, extraAt], scratchAt, paramsAt, counterAt, params, split, chunks);
        // The two threads' sums added as `run` adds them.
        if (split) e.binarySameShape(dw, extraAt, dw, n, 0);
        break;
      }
      case 'matmul': {
        const { params, flops, chunks } = matmulLayout(1, op.m, op.k, op.n, op.transposeA, op.transposeB, 1);
        callAt(m, 'matmul', [buf[op.a], buf[op.b]], [buf[op.y]], scratchAt, paramsAt, counterAt, params, splits(m, flops, chunks), chunks);
        break;
      }
      case 'reduceMax':
        e.reduceExtreme(buf[op.x], buf[op.y], op.outer, op.mid, op.inner, 1);
        break;
      case 'reduceMaxGrad':
        e.extremeGradContiguous(buf[op.x], buf[op.y], buf[op.dy], buf[op.dx], scratch0, op.outer, op.mid, op.inner);
        break;
      case 'reduceMean': {
        e.reduceSum(buf[op.x], buf[op.y], (scratch0 + 7) & ~7, op.outer, op.mid, op.inner);
        const y = m.f32.subarray(buf[op.y] >> 2, (buf[op.y] >> 2) + op.outer * op.inner);
        for (let i = 0; i < y.length; i++) y[i] /= op.mid;
        break;
      }
      case 'reduceMeanGrad':
        e.meanGradMiddle(buf[op.dy], buf[op.dx], op.outer, op.mid, op.inner);
        break;
      case 'biasActivation':
        e.biasActivation(buf[op.z], op.bias === null ? 0 : buf[op.bias], buf[op.y], size[op.z],
          op.bias === null ? 0 : size[op.bias], ACTIVATION_CODES[op.activation]);
        break;
      case 'biasActivationGrad': {
        const code = ACTIVATION_CODES[op.activation], n = size[op.dy];
        if (op.dbias === null) {
          e.biasActivationGrad(buf[op.dy], buf[op.y], buf[op.dz], 0, 0, n, 0, code);
          break;
        }
        // Rows in chunks on both threads when large, each onto its own sums, added here.
        const c = op.channels, rows = n / c, chunks = { total: rows, grain: grainFor(rows, 1, 16) };
        const split = splits(m, ELEMENTWISE_WORK * n, chunks);
        sumsOnThreads(split, c, () => callAt(m, 'biasActivationGradRows', [buf[op.dy], buf[op.y]], [buf[op.dz]], scratchAt,
          paramsAt, counterAt, [n, c, code], split, chunks), buf[op.dbias]);
        break;
      }
      case 'maxPool2d': case 'maxPool2dBackprop': {
        // Pooling a relu layer's output, whose gradient follows in place: one pass for both (sums as above).
        const next = ops[o + 1];
        if (op.op === 'maxPool2dBackprop' && next?.op === 'biasActivationGrad' && next.activation === 'relu'
          && next.dy === op.dx && next.dz === op.dx && next.y === op.x && next.dbias !== null && next.channels === op.p.channels) {
          const p = op.p, chunks = imageChunks(p.batch);
          const split = splits(m, ELEMENTWISE_WORK * size[op.dx], chunks);
          sumsOnThreads(split, p.channels, () => callAt(m, 'maxPool2dBackpropReluImages', [buf[op.dy], buf[op.x]], [buf[op.dx]],
            scratchAt, paramsAt, counterAt, poolParams(p), split, chunks), buf[next.dbias]);
          o++;
          break;
        }
        // Whole images in chunks, on both threads when large.
        const p = op.p, chunks = imageChunks(p.batch);
        const work = ELEMENTWISE_WORK * p.batch * p.inHeight * p.inWidth * p.channels;
        const [kernel, inputsAt, outputAt]: [KernelName, number[], number] = op.op === 'maxPool2d'
          ? ['maxPool2dImages', [buf[op.x], 0], buf[op.y]] : ['maxPool2dBackpropImages', [buf[op.dy], buf[op.x]], buf[op.dx]];
        callAt(m, kernel, inputsAt, [outputAt], scratchAt, paramsAt, counterAt, poolParams(p), splits(m, work, chunks), chunks);
        break;
      }
      case 'mul':
        e.binarySameShape(buf[op.a], buf[op.b], buf[op.y], size[op.y], 2);
        break;
      case 'bernoulli':
        // draw / 2^32 < p exactly when draw < p 2^32: the C compares the draw with the scaled threshold.
        e.bernoulliFill(buf[op.y], size[op.y], op.from, op.p * 4294967296, op.value);
        break;
      case 'host': {
        const f32 = m.f32;
        op.run(buf.map((o, i) => f32.subarray(o >> 2, (o >> 2) + size[i])));
        break;
      }
    }
  }
  for (const [i, out] of outputs) out.set(m.f32.subarray(buf[i] >> 2, (buf[i] >> 2) + out.length));

  /**
   * Runs `call`, a kernel that adds a bias gradient onto each thread's sums in its scratch (`channels`
   * doubles, then that thread's dbias), and writes dbias at `dbiasAt`: thread 0's, or both threads' sums added.
   */
  function sumsOnThreads(split: boolean, channels: number, call: () => void, dbiasAt: number): void {
    for (const t of split ? [0, 1] : [0]) m.f32.fill(0, scratchAt[t] >> 2, (scratchAt[t] >> 2) + 2 * channels);
    call();
    const dbias = m.f32.subarray(dbiasAt >> 2, (dbiasAt >> 2) + channels);
    if (!split) {
      dbias.set(m.f32.subarray((scratch0 >> 2) + 2 * channels, (scratch0 >> 2) + 3 * channels));
    } else {
      const sum0 = new Float64Array(m.f32.buffer, scratch0, channels), sum1 = new Float64Array(m.f32.buffer, scratch1, channels);
      for (let j = 0; j < channels; j++) dbias[j] = sum0[j] + sum1[j];
    }
  }
}

const sameShape = (s: number[], t: number[]) => s.length === t.length && s.every((d, i) => d === t[i]);

export const wasmBackend: Backend = {
  ...jsBackend,
  name: 'wasm',
  matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter, binary, unary, reduce, extremeGrad, maxPool2d, maxPool2dBackprop,
  simpleRnnForward, simpleRnnBackward,
  biasActivation, biasActivationGrad,
  denseTrainStep, denseForward, runProgram,
};
