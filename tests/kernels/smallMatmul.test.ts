/**
 * Small matmuls: the wasm GEMM multiplies products of up to 2^16 multiply-adds (k <= 256) without packing
 * (kernels.c `small_gemm`) and binds them through a lean one-thread call on a plain-memory instance
 * (index.ts `matmulOneThread`, small.ts).
 * Every shape the seed's Dense layers run (W1: 20 rows, 30 -> 100 -> 30, forward and both gradients;
 * predict on one row), random tiny and odd shapes in every transpose, and shapes on either side of the
 * size limit and of k = 256 must match a float64 oracle and the JS reference within float32 tolerance.
 * Both backends also write into a caller's array when given one (the planned Dense step's buffers).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';
import { oneThreadModule } from '../../src/kernels/wasm/small.js';
import { assertClose } from '../helpers/gradcheck.js';
import { matmulOracle } from '../helpers/matmulOracle.js';

const TOL = 1e-4;
const skip = !wasmAvailable() && 'no WebAssembly SIMD';
const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * randomFloat() - 1);
const randInt = (lo: number, hi: number) => lo + Math.floor(randomFloat() * (hi - lo + 1));


type Case = [batch: number, m: number, k: number, n: number, tA: boolean, tB: boolean, bBatch: number];

function check([batch, m, k, n, tA, tB, bBatch]: Case): void {
  const a = rand(batch * m * k), b = rand(bBatch * k * n);
  const y = wasmBackend.matmul(a, b, batch, m, k, n, tA, tB, bBatch);
  const label = `batch ${batch} (b ${bBatch}) ${m}x${k} @ ${k}x${n} tA ${tA} tB ${tB}`;
  assertClose(y, matmulOracle(a, b, batch, m, k, n, tA, tB, bBatch), TOL, label);
  assertClose(y, jsBackend.matmul(a, b, batch, m, k, n, tA, tB, bBatch), TOL, `${label} vs js`);
}

setSeed(11);

describe('small wasm matmuls (no packing)', () => {
  it('computes the W1 step products: both forward layers, dW = X^T dY and dX = dY W^T', { skip }, () => {
    const cases: Case[] = [
      [1, 20, 30, 100, false, false, 1], [1, 20, 100, 30, false, false, 1], // forward
      [1, 100, 20, 30, true, false, 1], [1, 30, 20, 100, true, false, 1], // kernel gradients
      [1, 20, 30, 100, false, true, 1], // input gradient of the second layer
      [1, 1, 30, 100, false, false, 1], [1, 1, 100, 30, false, false, 1], // predict on one sample
    ];
    for (const c of cases) check(c);
  });

  it('computes random tiny and odd shapes in every transpose, batched and broadcast', { skip }, () => {
    for (let trial = 0; trial < 120; trial++) {
      const batch = randInt(1, 3);
      const bBatch = randInt(0, 1) === 0 ? 1 : batch;
      check([batch, randInt(1, 13), randInt(1, 21), randInt(1, 19), randInt(0, 1) === 1, randInt(0, 1) === 1, bBatch]);
    }
  });

  it('agrees on either side of the size limit (2^16 multiply-adds) and of k = 256', { skip }, () => {
    const cases: Case[] = [
      [1, 16, 64, 64, false, false, 1], [1, 17, 64, 64, false, false, 1], // 65,536 and just over
      [1, 64, 64, 16, true, true, 1], [1, 64, 64, 17, true, false, 1],
      [1, 3, 256, 5, false, true, 1], [1, 3, 257, 5, false, true, 1], // k at and past one block
      [1, 128, 128, 4, false, false, 1], [1, 4, 128, 128, true, false, 1],
    ];
    for (const c of cases) check(c);
  });

  it('returns zeros when k is 0 and empty arrays for empty products', { skip }, () => {
    assert.deepEqual([...wasmBackend.matmul(new Float32Array(0), new Float32Array(0), 1, 3, 0, 5, false, false, 1)],
      new Array(15).fill(0));
    assert.equal(wasmBackend.matmul(new Float32Array(0), rand(4 * 6), 1, 0, 4, 6, false, false, 1).length, 0);
  });

  it('runs them on a module with plain memory, not the shared memory the two-thread build uses', { skip }, () => {
    // Copies into a SharedArrayBuffer are several times slower in V8 (src/kernels/wasm/small.ts).
    assert.ok(!(oneThreadModule()!.f32.buffer instanceof SharedArrayBuffer));
  });

  it('returns a fresh array each call: a later call does not overwrite an earlier result', { skip }, () => {
    const a = rand(20 * 30), b = rand(30 * 100);
    const first = wasmBackend.matmul(a, b, 1, 20, 30, 100, false, false, 1);
    const copy = Float32Array.from(first);
    wasmBackend.matmul(rand(20 * 30), rand(30 * 100), 1, 20, 30, 100, false, false, 1);
    assert.deepEqual(first, copy);
  });
});

describe("matmul into a caller's array (`out`)", () => {
  // Small (one thread, no packing) and large (the blocked GEMM, split across threads when they run).
  const shapes: Case[] = [[1, 20, 30, 100, false, false, 1], [1, 30, 20, 100, true, false, 1], [2, 5, 7, 3, false, true, 2],
    [1, 200, 300, 100, false, false, 1]];
  for (const backend of [jsBackend, wasmBackend]) {
    it(`${backend.name}: writes the product into out, returns out, and leaves the rest of a longer array alone`,
      { skip: backend === wasmBackend && skip }, () => {
        for (const [batch, m, k, n, tA, tB, bBatch] of shapes) {
          const a = rand(batch * m * k), b = rand(bBatch * k * n);
          const size = batch * m * n;
          const buffer = new Float32Array(size + 3).fill(7); // stale values must not leak into the product
          const out = buffer.subarray(0, size);
          const y = backend.matmul(a, b, batch, m, k, n, tA, tB, bBatch, out);
          assert.equal(y, out);
          assertClose(out, matmulOracle(a, b, batch, m, k, n, tA, tB, bBatch), TOL, `${m}x${k}x${n}`);
          assert.deepEqual([...buffer.subarray(size)], [7, 7, 7]);
        }
      });
  }
});
