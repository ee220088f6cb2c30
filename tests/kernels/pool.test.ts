/**
 * The wasm max-pooling kernels against the JS reference, bit for bit (Object.is per element: -0 apart
 * from +0, NaN equal to NaN): the specialised 2x2 stride-2 path (windows that tile the input, odd sizes
 * leaving a row and a column uncovered) and calls large enough that the binding streams them in pieces
 * of whole images, for both that path and the general one (overlapping, padded windows).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pool2DParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';

setSeed(11);
const randInt = (lo: number, hi: number) => lo + Math.floor(randomFloat() * (hi - lo + 1));
const skip = !wasmAvailable() && 'no WebAssembly SIMD';

/** Pool params for square `size` inputs, `pool` windows and `stride`, valid or same padding. */
function params(batch: number, size: number, channels: number, pool: number, stride: number, same: boolean): Pool2DParams {
  const out = same ? Math.ceil(size / stride) : Math.floor((size - pool) / stride) + 1;
  const pad = same ? Math.max((out - 1) * stride + pool - size, 0) : 0;
  return { batch, inHeight: size, inWidth: size, channels, outHeight: out, outWidth: out, poolHeight: pool, poolWidth: pool,
    strideHeight: stride, strideWidth: stride, padTop: Math.floor(pad / 2), padLeft: Math.floor(pad / 2) };
}

/** Values from a few levels (ties), with NaN, -0 and +0 among them. */
function values(n: number): Float32Array {
  const levels = [NaN, -0, 0, -1, 0.5, 0.25, -0.25];
  return Float32Array.from({ length: n }, () => (randomFloat() < 0.02 ? levels[randInt(0, 2)] : levels[randInt(1, 6)]));
}

function check(p: Pool2DParams) {
  const x = values(p.batch * p.inHeight * p.inWidth * p.channels);
  const dy = Float32Array.from({ length: p.batch * p.outHeight * p.outWidth * p.channels }, (_, i) =>
    (i % 7 === 3 ? -0 : 2 * randomFloat() - 1));
  const y = wasmBackend.maxPool2d(x, p), dx = wasmBackend.maxPool2dBackprop(dy, x, p);
  assert.deepEqual([...y], [...jsBackend.maxPool2d(x, p)], 'maxPool2d');
  assert.deepEqual([...dx], [...jsBackend.maxPool2dBackprop(dy, x, p)], 'maxPool2dBackprop');
  // Outputs own their whole buffer (no view into a pooled or shared one).
  for (const a of [y, dx]) assert.ok(a.byteOffset === 0 && a.buffer.byteLength === a.byteLength);
}

describe('wasm max pooling against the JS reference, bit for bit', () => {
  for (const [batch, size, channels] of [[2, 4, 4], [3, 5, 8], [2, 7, 32], [1, 2, 4], [2, 1, 4]]) {
    it(`2x2 stride 2: ${batch}x${size}x${size}x${channels}`, { skip }, () => check(params(batch, size, channels, 2, 2, false)));
  }
  it('2x2 stride 2 with same padding on odd sizes (clipped windows: the general path)', { skip }, () =>
    check(params(2, 7, 8, 2, 2, true)));
  // W5's shapes, with batches that take several pieces of whole images.
  it('2x2 stride 2 in several pieces: 7x26x26x32 and 20x11x11x64', { skip }, () => {
    check(params(7, 26, 32, 2, 2, false));
    check(params(20, 11, 64, 2, 2, false));
  });
  it('overlapping, padded windows in several pieces: 9x30x30x16, pool 3 stride 2 same', { skip }, () =>
    check(params(9, 30, 16, 3, 2, true)));
  it('an empty batch', { skip }, () => check(params(0, 4, 4, 2, 2, false)));
});
