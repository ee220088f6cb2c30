/**
 * Loads the SIMD kernels module synchronously and manages its memory: everything above `__heap_base`
 * is one arena that each call lays out from the start, so memory grows only when a call needs more
 * than any call before it, and never per call.
 *
 * Where Node's worker_threads and shared WebAssembly memory exist, the threaded build is loaded on a
 * shared memory, and a second instance of it in one Worker (started on the first large call) runs the
 * second part of large kernels: see `Helper`. Elsewhere (browsers, engines without shared memory) the
 * single-thread build runs everything on the calling thread.
 */
import { relaxedThreadedWasmBase64, relaxedWasmBase64, threadedMemoryPages, threadedWasmBase64, wasmBase64 } from './binary.js';

/** The base64 .wasm pair one KernelModule loads from: the baseline builds or the relaxed-SIMD ones. */
interface Builds { single: string; threaded: string; relaxed: boolean }

export type KernelName = 'matmul' | 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'simpleRnnForward' | 'simpleRnnBackward'
  | 'maxPool2dImages' | 'maxPool2dBackpropImages' | 'biasActivationGradRows' | 'maxPool2dBackpropReluImages' | 'conv2dWinograd'
  | 'conv1dWinograd' | 'conv1dWinogradBackpropInput' | 'conv1dWinogradBackpropFilter';
const KERNEL_CODES: Record<KernelName, number> = {
  matmul: 0, conv2d: 1, conv2dBackpropInput: 2, conv2dBackpropFilter: 3, simpleRnnForward: 4, simpleRnnBackward: 5,
  maxPool2dImages: 6, maxPool2dBackpropImages: 7, biasActivationGradRows: 8, maxPool2dBackpropReluImages: 9, conv2dWinograd: 10,
  conv1dWinograd: 11, conv1dWinogradBackpropInput: 12, conv1dWinogradBackpropFilter: 13,
};

export interface KernelExports {
  memory?: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  __stack_pointer?: WebAssembly.Global;
  matmul(a: number, b: number, y: number, params: number): void;
  conv2d(x: number, w: number, y: number, col: number, params: number): void;
  conv2dBackpropInput(dy: number, w: number, dx: number, col: number, params: number): void;
  conv2dBackpropFilter(x: number, dy: number, dw: number, col: number, params: number): void;
  binarySameShape(a: number, b: number, y: number, n: number, op: number): void;
  maxPool2d(x: number, y: number, params: number): void;
  maxPool2dBackprop(dy: number, x: number, dx: number, params: number): void;
  unaryMap(x: number, y: number, n: number, op: number): void;
  binaryTrailing(a: number, b: number, y: number, n: number, m: number, op: number): void;
  reduceSum(x: number, y: number, acc: number, outer: number, mid: number, inner: number): void;
  reduceExtreme(x: number, y: number, outer: number, mid: number, inner: number, isMax: number): void;
  meanGradMiddle(dy: number, dx: number, outer: number, mid: number, inner: number): void;
  extremeGradContiguous(x: number, y: number, dy: number, dx: number, share: number, outer: number, mid: number,
    inner: number): void;
  simpleRnnForward(buffers: number, params: number): void;
  simpleRnnBackward(buffers: number, params: number): void;
  biasActivation(z: number, bias: number, y: number, n: number, channels: number, activation: number): void;
  biasActivationGrad(dy: number, y: number, dz: number, dbias: number, acc: number, n: number, channels: number,
    activation: number): void;
  maxPool2dImages(x: number, unused: number, y: number, scratch: number, params: number): void;
  maxPool2dBackpropImages(dy: number, x: number, dx: number, scratch: number, params: number): void;
  biasActivationGradRows(dy: number, y: number, dz: number, sums: number, params: number): void;
  maxPool2dBackpropReluImages(dy: number, x: number, dz: number, sums: number, params: number): void;
  conv2dWinograd(x: number, u: number, y: number, scratch: number, params: number): void;
  winogradFilter(w: number, u: number, cin: number, cout: number): void;
  conv1dWinograd(x: number, w: number, y: number, scratch: number, params: number): void;
  conv1dWinogradBackpropInput(dy: number, w: number, dx: number, scratch: number, params: number): void;
  conv1dWinogradBackpropFilter(x: number, dy: number, dw: number, scratch: number, params: number): void;
  winograd1dScratch(k: number, inChannels: number, outChannels: number, outWidth: number): number;
  bernoulliFill(y: number, n: number, from: number, threshold: number, value: number): void;
  denseTrainStep(params: number): number;
  denseForward(params: number): void;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop ...)): the probe wasm-feature-detect uses.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
  65, 0, 253, 15, 253, 98, 11]);

const PAGE = 65536;
const WORKER_STACK = 65536;
/** Int32 words of the control block shared with the worker; the field indices follow. */
const CONTROL_INTS = 16;
const REQUEST = 0, DONE = 1, READY = 2, KERNEL = 3, ARGS = 4, FAILED = 9, CLAIM = 10;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

type WorkerThreads = typeof import('node:worker_threads');

/** Node's worker_threads without a static import (which would break browser bundles); null elsewhere. */
function workerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}

/*
 * The worker's whole program (CommonJS, passed as `eval` source so it needs no file next to the
 * bundle): instantiate the module on the shared memory with its own stack, flag READY, then forever
 * wait for REQUEST to change, claim the request (CLAIM holds its number until the worker or the main
 * thread takes it), run the named kernel on the given pointers and publish DONE. The loop never
 * yields, so the worker holds no event-loop handle; it is unref'd and dies with the process.
 */
const WORKER_SOURCE = `
const { workerData: d } = require('node:worker_threads');
const e = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
e.__stack_pointer.value = d.stackTop;
const kernels = [e.matmul, e.conv2d, e.conv2dBackpropInput, e.conv2dBackpropFilter, e.simpleRnnForward, e.simpleRnnBackward,
  e.maxPool2dImages, e.maxPool2dBackpropImages, e.biasActivationGradRows, e.maxPool2dBackpropReluImages,
  e.conv2dWinograd, e.conv1dWinograd, e.conv1dWinogradBackpropInput, e.conv1dWinogradBackpropFilter];
const c = new Int32Array(d.memory.buffer, d.control, ${CONTROL_INTS});
Atomics.store(c, ${READY}, 1);
Atomics.notify(c, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(c, ${REQUEST}, seen);
  const request = Atomics.load(c, ${REQUEST});
  if (request === seen) continue;
  seen = request;
  if (Atomics.compareExchange(c, ${CLAIM}, request, 0) !== request) continue;
  try { kernels[c[${KERNEL}]](c[${ARGS}], c[${ARGS} + 1], c[${ARGS} + 2], c[${ARGS} + 3], c[${ARGS} + 4]); }
  catch { Atomics.store(c, ${FAILED}, 1); }
  Atomics.store(c, ${DONE}, request);
  Atomics.notify(c, ${DONE});
}
`;

/** The second thread: a Worker running WORKER_SOURCE on the shared memory. */
class Helper {
  private state: 'idle' | 'starting' | 'ready' | 'failed' = 'idle';
  private request = 0;
  /** Kernel calls split across both threads so far (tests check that large calls take this path). */
  splitCalls = 0;
  /** Of those, calls the main thread finished alone because the worker had not started on them. */
  withdrawn = 0;

  constructor(private readonly threads: WorkerThreads, private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory, private readonly control: Int32Array, private readonly stackTop: number) {}

  /** True when the worker can take work now; the first call starts it (and answers false). */
  available(): boolean {
    if (this.state === 'ready') return true;
    if (this.state === 'idle') this.start();
    if (this.state === 'starting' && Atomics.load(this.control, READY) === 1) this.state = 'ready';
    return this.state === 'ready';
  }

  /** Resolves once the worker is ready (or failed to start); for tests and benchmarks. */
  async whenReady(): Promise<boolean> {
    this.available();
    while (this.state === 'starting' && Atomics.load(this.control, READY) !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.available();
  }

  private start(): void {
    this.state = 'starting';
    try {
      const worker = new this.threads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control: this.control.byteOffset, stackTop: this.stackTop },
      });
      worker.unref();
      worker.on('error', () => { this.state = 'failed'; });
      worker.on('exit', () => { this.state = 'failed'; });
    } catch {
      this.state = 'failed';
    }
  }

  /**
   * Posts `kernel(args)` to the worker, runs `own` here, and returns once the worker is done with it.
   * The kernels share out their chunks between whichever threads run them, so when `own` finishes
   * before the worker claimed the request (it was busy or descheduled), this thread withdraws the
   * request instead of waiting: `own` has done all the work.
   */
  runBeside(kernel: KernelName, args: number[], own: () => void): void {
    const c = this.control;
    this.splitCalls++;
    const request = this.request = (this.request + 1) | 0 || 1;
    c[KERNEL] = KERNEL_CODES[kernel];
    args.forEach((v, i) => { c[ARGS + i] = v; });
    Atomics.store(c, CLAIM, request);
    Atomics.store(c, REQUEST, request);
    Atomics.notify(c, REQUEST);
    try {
      own();
    } finally {
      if (Atomics.compareExchange(c, CLAIM, request, 0) === request) {
        this.withdrawn++;
      } else {
        for (let done = Atomics.load(c, DONE); done !== request; done = Atomics.load(c, DONE)) {
          Atomics.wait(c, DONE, done);
        }
      }
    }
    if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error(`The wasm worker failed in ${kernel}.`);
  }
}

export class KernelModule {
  readonly exports: KernelExports;
  /** The second thread when this module is the threaded build, else null. */
  readonly helper: Helper | null;
  private readonly memory: WebAssembly.Memory;
  private readonly heapBase: number;
  private bytes: ArrayBufferLike;
  f32: Float32Array;
  i32: Int32Array;

  /** True when this is a relaxed-SIMD build (fused multiply-add in the GEMM micro-kernel). */
  readonly relaxed: boolean;

  constructor(threads: WorkerThreads | null, builds: Builds) {
    this.relaxed = builds.relaxed;
    if (threads !== null) {
      const module = new WebAssembly.Module(decodeBase64(builds.threaded));
      this.memory = new WebAssembly.Memory({ ...threadedMemoryPages, shared: true });
      this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
      // Reserved above the module's heap base: the control block, then the worker's stack (growing down).
      const control = align(Number(this.exports.__heap_base.value));
      const stackTop = align(control + 4 * CONTROL_INTS + WORKER_STACK);
      this.heapBase = stackTop;
      this.helper = new Helper(threads, module, this.memory, new Int32Array(this.memory.buffer, control, CONTROL_INTS), stackTop);
    } else {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(builds.single)), {});
      this.exports = instance.exports as unknown as KernelExports;
      this.memory = this.exports.memory as WebAssembly.Memory;
      this.heapBase = align(Number(this.exports.__heap_base.value));
      this.helper = null;
    }
    this.bytes = this.memory.buffer;
    this.f32 = new Float32Array(this.bytes);
    this.i32 = new Int32Array(this.bytes);
  }

  /**
   * Lays out regions of the given float counts above the heap base, 16-byte aligned, growing memory
   * if needed; returns their byte offsets. Throws RangeError when wasm32 memory cannot hold them.
   */
  layout(floatCounts: number[]): number[] {
    const offsets = growFor(this.memory, this.heapBase, floatCounts);
    // A shared memory's buffer object stays the same length after grow: refresh the views on any change.
    const bytes = this.memory.buffer;
    if (bytes !== this.bytes || bytes.byteLength !== this.bytes.byteLength) {
      this.bytes = bytes;
      this.f32 = new Float32Array(bytes);
      this.i32 = new Int32Array(bytes);
    }
    return offsets;
  }
}

const align = (bytes: number) => (bytes + 15) & ~15;

/**
 * Floating-point operations (2·m·n·k) from which a kernel is split across two threads. Measured on
 * 2026-11-28, quiet 2-core machine (bench/NOTES.md entry 3), square GEMMs two threads vs one: 80³
 * (1.0 MFLOP) 1.09x, 96³ (1.8 MFLOP) 1.26x, 128³ (4.2 MFLOP) 1.66x, 1024³ 1.83x; below 80³ a product
 * has fewer than two 64-row chunks anyway. The threshold sits where the gain is clear of the noise.
 * One value for every kernel family; `wasmThreads({ splitFlops })` changes it for tests and benchmarks.
 */
export const threading = { splitFlops: 2e6 };

type NodeBuffer = { allocUnsafe(size: number): Uint8Array };

/**
 * A new Float32Array of n elements with unspecified contents, for outputs a binding overwrites in full:
 * on Node, from Buffer.allocUnsafe (its own ArrayBuffer of exactly 4n bytes, never the shared pool).
 * `new Float32Array(n)` zeroes its memory: in W5's training, calls alternating between the two (2026-11-28),
 * median ms zeroed vs not: maxPool2d 128x26x26x32 4.2 vs 2.7, maxPool2dBackprop 4.8 vs 3.9,
 * biasActivationGrad 8.5 vs 7.7 and 1.7 vs 1.4. Elsewhere, or for a pooled buffer, the zeroed array.
 */
export function uninitializedFloats(n: number): Float32Array {
  const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  if (nodeBuffer !== undefined && typeof nodeBuffer.allocUnsafe === 'function') {
    const bytes = nodeBuffer.allocUnsafe(4 * n);
    if (bytes.byteOffset === 0 && bytes.buffer.byteLength === 4 * n) {
      return new Float32Array(bytes.buffer, 0, n);
    }
  }
  return new Float32Array(n);
}

/** The activation codes of activations.h, shared by the epilogue and RNN kernels. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 } as const;

/** `module.layout(floatCounts)`, or null when wasm32 memory cannot hold the regions (the caller runs the JS kernel). */
export function tryLayout(module: { layout(floatCounts: number[]): number[] }, floatCounts: number[]): number[] | null {
  try {
    return module.layout(floatCounts);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Splits `xs` into consecutive groups of the given sizes. */
export function cut(xs: number[], sizes: number[]): number[][] {
  let at = 0;
  return sizes.map((n) => xs.slice(at, (at += n)));
}

/**
 * Byte offsets of regions of the given float counts laid out from `base`, each 16-byte aligned; grows
 * `memory` to hold them (RangeError when wasm32 memory cannot). The caller refreshes its views.
 */
export function growFor(memory: WebAssembly.Memory, base: number, floatCounts: number[]): number[] {
  const offsets: number[] = [];
  let end = base;
  for (const n of floatCounts) {
    offsets.push(end);
    end = align(end + 4 * n);
  }
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / PAGE));
  return offsets;
}

let loaded: KernelModule | null | undefined;

/** The instantiated module, or null when this engine lacks WebAssembly SIMD or loading failed. */
export function kernelModule(): KernelModule | null {
  if (loaded === undefined) {
    loaded = null;
    if (typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE)) {
      // Read once here (Node): KERATS_WASM_THREADS=1 keeps every kernel on the calling thread;
      // KERATS_WASM_RELAXED=0 loads the baseline builds even where relaxed SIMD validates (for A/B runs).
      const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
      const threads = typeof SharedArrayBuffer === 'function' && env?.KERATS_WASM_THREADS !== '1' ? workerThreads() : null;
      const baseline: Builds = { single: wasmBase64, threaded: threadedWasmBase64, relaxed: false };
      const relaxed: Builds = { single: relaxedWasmBase64, threaded: relaxedThreadedWasmBase64, relaxed: true };
      const builds = env?.KERATS_WASM_RELAXED !== '0' && validates(relaxed.single) ? [relaxed, baseline] : [baseline];
      attempts: for (const b of builds) {
        for (const t of threads === null ? [null] : [threads, null]) {
          try {
            loaded = new KernelModule(t, b);
            break attempts;
          } catch {
            // The threaded build needs shared memory and atomics: try the single-thread one.
          }
        }
      }
    }
  }
  return loaded;
}

function validates(base64: string): boolean {
  try {
    return WebAssembly.validate(decodeBase64(base64));
  } catch {
    return false;
  }
}
