/**
 * Small one-thread calls run on a second instance of the single-thread build, with its own plain
 * (non-shared) memory. Where the threaded build is loaded (Node), the kernels' memory is a
 * SharedArrayBuffer, and V8 copies into and out of shared buffers several times slower than plain ones
 * (measured, 3,000 floats: 1.2 µs vs 0.18 µs per `set`): for the seed MLP's 1 x 30 x 100 predict product
 * the copies cost twice the arithmetic (bench/NOTES.md, "Small matmuls"). Large calls stay on the shared
 * module, where two threads can split them. Costs one more instance (the same build flavour, baseline or
 * relaxed SIMD, as the main module): ~2.3 MiB of packing buffers.
 */
import { relaxedWasmBase64, wasmBase64 } from './binary.js';
import { growFor, kernelModule, type KernelExports } from './module.js';

/** What a one-thread call needs of a module: its exports, views of its memory and a per-call layout. */
export interface OneThreadModule {
  readonly exports: KernelExports;
  f32: Float32Array;
  i32: Int32Array;
  /** Byte offsets of regions of the given float counts, 16-byte aligned; RangeError when they cannot fit. */
  layout(floatCounts: number[]): number[];
}

const align = (bytes: number) => (bytes + 15) & ~15;

/** A single-thread build on its own memory; every call lays out its regions from the heap base. */
export class PlainModule implements OneThreadModule {
  readonly exports: KernelExports;
  private readonly memory: WebAssembly.Memory;
  private readonly heapBase: number;
  f32: Float32Array;
  i32: Int32Array;

  /** `bytes`: a single-thread build (benchmarks pass others; oneThreadModule uses binary.ts's). */
  constructor(bytes: Uint8Array<ArrayBuffer>) {
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
    this.memory = this.exports.memory as WebAssembly.Memory;
    this.heapBase = align(Number(this.exports.__heap_base.value));
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  layout(floatCounts: number[]): number[] {
    const offsets = growFor(this.memory, this.heapBase, floatCounts);
    if (this.f32.buffer !== this.memory.buffer) {
      // Growing a plain memory detaches its old buffer: new views.
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    return offsets;
  }
}

let plain: OneThreadModule | null | undefined;

/**
 * The module for small one-thread calls: a plain-memory instance when the main module's memory is
 * shared, else the main module itself (already plain); null without WebAssembly SIMD.
 */
export function oneThreadModule(): OneThreadModule | null {
  if (plain !== undefined) return plain;
  const main = kernelModule();
  plain = main;
  if (main !== null && main.helper !== null) {
    try {
      // The relaxed-SIMD build when the main module is one, so small products round as its GEMM does.
      plain = new PlainModule(Uint8Array.from(atob(main.relaxed ? relaxedWasmBase64 : wasmBase64), (c) => c.charCodeAt(0)));
    } catch {
      // Keep the shared module: slower copies, same results.
    }
  }
  return plain;
}
