/**
 * Conv1D by Winograd F(m, m) in the wasm backend (conv1d_winograd.c): large Conv1Ds of 3 taps and more with
 * stride 1 and no dilation run forward, input gradient and filter gradient through it. Each pass must match a
 * float64 oracle of the conv's definition within float32 rounding of the output's scale (the transforms add
 * up to nine terms with coefficients up to 2^4, so the bound is 2e-5 of the largest output, not per element),
 * on one thread and on two, across every tile size the C picks (m = 3, 4, 5), filters that do not fill the
 * last segment, channel counts off the 4-lane vectors, 'same' and causal padding, long sequences cut into
 * blocks, and random shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conv2DParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend, wasmThreadStats, wasmThreads } from '../../src/kernels/wasm/index.js';
import { threading } from '../../src/kernels/wasm/module.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';

const noWasm = !wasmAvailable();
const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * randomFloat() - 1);

/** A Conv1D as the layer lowers it: height 1, `pad` zeros before the sequence and enough after for `outWidth`. */
function conv1d(batch: number, steps: number, inChannels: number, outChannels: number, kernel: number, pad: number,
  outWidth = steps + 2 * pad - kernel + 1): Conv2DParams {
  return {
    batch, inHeight: 1, inWidth: steps, inChannels, outChannels, outHeight: 1, outWidth,
    kernelHeight: 1, kernelWidth: kernel, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: 0, padLeft: pad,
  };
}

/** y, dx and dw of the definition in float64: y[n, o, co] = sum over taps and channels of x[n, o - pad + j, c] w[j, c, co]. */
function oracle(p: Conv2DParams, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const C = p.inChannels, CO = p.outChannels;
  const y = new Float64Array(p.batch * p.outWidth * CO), dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  for (let n = 0; n < p.batch; n++) for (let o = 0; o < p.outWidth; o++) for (let j = 0; j < p.kernelWidth; j++) {
    const i = o - p.padLeft + j;
    if (i < 0 || i >= p.inWidth) continue;
    for (let c = 0; c < C; c++) for (let co = 0; co < CO; co++) {
      const xi = (n * p.inWidth + i) * C + c, wi = (j * C + c) * CO + co, yi = (n * p.outWidth + o) * CO + co;
      y[yi] += x[xi] * w[wi];
      dx[xi] += dy[yi] * w[wi];
      dw[wi] += x[xi] * dy[yi];
    }
  }
  return { y, dx, dw };
}

// Each case is above WINOGRAD_FLOPS (2e7: 2 x outputs x taps x channels in x channels out), so Winograd runs.
const CASES: [string, Conv2DParams][] = [
  ['W3\'s second layer shape, 10 taps (m = 5, two full segments), batch 5', conv1d(5, 128 - 9, 100, 100, 10, 0)],
  ['3 taps (m = 3), same padding, 33 -> 17 channels', conv1d(3, 2000, 33, 17, 3, 1)],
  ['7 taps (m = 4, the last segment 3 of 4), 9 channels in (a scalar tail), odd length', conv1d(4, 501, 9, 100, 7, 0)],
  ['6 taps (m = 3, two segments), causal padding', conv1d(4, 2000, 16, 24, 6, 5)],
  ['9 taps (m = 5, the last segment 4 of 5), same padding, 6 output channels (a scalar tail)', conv1d(3, 4001, 20, 6, 9, 4)],
  ['long sequences cut into blocks of rows (more than a block holds), 5 taps', conv1d(2, 10000, 8, 16, 5, 2)],
  ['long sequences cut into blocks of rows, 7 taps (two segments: blocks share tiles at their edges)', conv1d(2, 9000, 8, 16, 7, 3)],
  ['13 taps (m = 5, three segments), same padding', conv1d(6, 300, 16, 32, 13, 6)],
  ['20 taps (m = 5, four segments)', conv1d(9, 200, 12, 28, 20, 0)],
  ['32 taps (m = 5, seven segments)', conv1d(5, 150, 16, 40, 32, 0)],
];

function check(p: Conv2DParams, what: string): void {
  assert.ok(2 * p.batch * p.outWidth * p.kernelWidth * p.inChannels * p.outChannels >= 2e7, `${what}: large enough for Winograd`);
  const x = rand(p.batch * p.inWidth * p.inChannels), w = rand(p.kernelWidth * p.inChannels * p.outChannels);
  const dy = rand(p.batch * p.outWidth * p.outChannels);
  const want = oracle(p, x, w, dy);
  assertRelativeClose(wasmBackend.conv2d(x, w, p), want.y, `${what}: conv2d`, 2e-5);
  assertRelativeClose(wasmBackend.conv2dBackpropInput(dy, w, p), want.dx, `${what}: conv2dBackpropInput`, 2e-5);
  assertRelativeClose(wasmBackend.conv2dBackpropFilter(x, dy, p), want.dw, `${what}: conv2dBackpropFilter`, 2e-5);
}

describe('Conv1D by Winograd F(m, m) (wasm)', () => {
  it('one thread: forward and both gradients match the float64 definition', { skip: noWasm }, () => {
    const saved = threading.splitFlops;
    threading.splitFlops = Infinity;
    try {
      setSeed(31);
      for (const [what, p] of CASES) check(p, what);
    } finally {
      threading.splitFlops = saved;
    }
  });

  it('two threads (whole images per chunk, the filter gradient\'s partial sums added): the same', { skip: noWasm }, async (t) => {
    const saved = threading.splitFlops;
    try {
      if (!(await wasmThreads({ splitFlops: 1 }))) return t.skip('single-thread build');
      setSeed(32);
      const before = wasmThreadStats().splitCalls;
      for (const [what, p] of CASES) check(p, what);
      assert.ok(wasmThreadStats().splitCalls - before >= 3 * CASES.length, 'every call split');
    } finally {
      threading.splitFlops = saved;
    }
  });

  it('random shapes (taps 3-16, channels 1-40, padding up to taps - 1 before and after): the same', { skip: noWasm }, () => {
    setSeed(34);
    const randInt = (lo: number, hi: number) => lo + Math.floor(randomFloat() * (hi - lo + 1));
    for (let i = 0; i < 6; i++) {
      const k = randInt(3, 16), c = randInt(1, 40), co = randInt(1, 40), pad = randInt(0, k - 1), after = randInt(0, pad);
      const batch = randInt(1, 4);
      // Long enough for the Winograd path (2e7 flops: 2 x outputs x taps x channels in x out), plus an odd remainder.
      const out = Math.ceil(2e7 / (2 * batch * k * c * co)) + randInt(0, 6);
      const p = conv1d(batch, out + k - 1 - pad - after, c, co, k, pad, out);
      check(p, `random ${JSON.stringify({ batch, steps: p.inWidth, c, co, k, pad, out })}`);
    }
  });

  it('the JS reference agrees with the oracle on the same shapes (the test\'s own check)', () => {
    setSeed(33);
    const p = CASES[1][1];
    const x = rand(p.batch * p.inWidth * p.inChannels), w = rand(p.kernelWidth * p.inChannels * p.outChannels);
    const dy = rand(p.batch * p.outWidth * p.outChannels);
    const want = oracle(p, x, w, dy);
    assertRelativeClose(jsBackend.conv2d(x, w, p), want.y, 'js conv2d', 1e-5);
    assertRelativeClose(jsBackend.conv2dBackpropInput(dy, w, p), want.dx, 'js conv2dBackpropInput', 1e-5);
    assertRelativeClose(jsBackend.conv2dBackpropFilter(x, dy, p), want.dw, 'js conv2dBackpropFilter', 1e-5);
  });
});
