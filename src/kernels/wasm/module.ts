/**
 * Loads the SIMD kernels module synchronously and manages its memory: everything above `__heap_base`
 * is one arena that each call lays out from the start, so memory grows only when a call needs more
 * than any call before it, and never per call.
 */
import { wasmBase64 } from './binary.js';

export interface KernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  matmul(a: number, b: number, y: number, params: number): void;
  conv2d(x: number, w: number, y: number, col: number, params: number): void;
  conv2dBackpropInput(dy: number, w: number, dx: number, col: number, params: number): void;
  conv2dBackpropFilter(x: number, dy: number, dw: number, col: number, params: number): void;
  binarySameShape(a: number, b: number, y: number, n: number, op: number): void;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop ...)): the probe wasm-feature-detect uses.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
  65, 0, 253, 15, 253, 98, 11]);

const PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

export class KernelModule {
  readonly exports: KernelExports;
  private readonly heapBase: number;
  private bytes: ArrayBuffer;
  f32: Float32Array;
  i32: Int32Array;

  constructor() {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(wasmBase64)), {});
    this.exports = instance.exports as unknown as KernelExports;
    this.heapBase = align(Number(this.exports.__heap_base.value));
    this.bytes = this.exports.memory.buffer;
    this.f32 = new Float32Array(this.bytes);
    this.i32 = new Int32Array(this.bytes);
  }

  /**
   * Lays out regions of the given float counts above the heap base, 16-byte aligned, growing memory
   * if needed; returns their byte offsets. Throws RangeError when wasm32 memory cannot hold them.
   */
  layout(floatCounts: number[]): number[] {
    const offsets: number[] = [];
    let end = this.heapBase;
    for (const n of floatCounts) {
      offsets.push(end);
      end = align(end + 4 * n);
    }
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE));
    if (this.exports.memory.buffer !== this.bytes) {
      this.bytes = this.exports.memory.buffer;
      this.f32 = new Float32Array(this.bytes);
      this.i32 = new Int32Array(this.bytes);
    }
    return offsets;
  }
}

const align = (bytes: number) => (bytes + 15) & ~15;

let loaded: KernelModule | null | undefined;

/** The instantiated module, or null when this engine lacks WebAssembly SIMD or loading failed. */
export function kernelModule(): KernelModule | null {
  if (loaded === undefined) {
    try {
      loaded = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE) ? new KernelModule() : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
