/**
 * SimpleRNN kernels (Backend.simpleRnnForward / simpleRnnBackward) on both backends: each must match a
 * float64 oracle written from the definition in backend.ts SimpleRnnParams, and the wasm kernels must
 * match the JS reference, on odd sizes (units not a multiple of the 4 SIMD lanes, sizes crossing the
 * GEMM's KC 256 block), both directions, with and without a bias, and every activation. The second
 * thread is started first, so the large shapes run split into chunks of batch rows.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Backend, RecurrentActivation, SimpleRnnParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend, wasmThreadStats, wasmThreads } from '../../src/kernels/wasm/index.js';
import { assertClose } from '../helpers/gradcheck.js';

const TOL = 1e-4;
const rand = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * (2 * randomFloat() - 1));
const backends: [Backend, boolean][] = [[jsBackend, true], [wasmBackend, wasmAvailable()]];

const act: Record<RecurrentActivation, [(z: number) => number, (z: number) => number]> = {
  linear: [(z) => z, () => 1],
  relu: [(z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }],
};

/**
 * Float64 oracle from the definition: z = x W + b; a_i = z[:, t(i)] + h_{i-1} U, h_i = f(a_i); then backward
 * from the last step, dz[:, t(i)] = (dh_i + carry) f'(a_i), dU += h_{i-1}^T dz[:, t(i)], carry = dz[:, t(i)] U^T,
 * dh0 = carry; dx = dz W^T, dW = x^T dz, db = sum of dz over (batch, timesteps).
 */
function oracle(x: Float32Array, w: Float32Array, u: Float32Array, bias: Float32Array | null, h0: Float32Array,
  dh: Float32Array, p: SimpleRnnParams) {
  const { batch: B, timesteps: T, features: F, units: N } = p;
  const [f, df] = act[p.activation];
  const t = (i: number) => (p.goBackwards ? T - 1 - i : i);
  const z = new Float64Array(B * T * N);
  for (let r = 0; r < B * T; r++) for (let j = 0; j < N; j++) {
    let s = bias ? bias[j] : 0;
    for (let k = 0; k < F; k++) s += x[r * F + k] * w[k * N + j];
    z[r * N + j] = s;
  }
  const h = new Float64Array(B * T * N), a = new Float64Array(B * T * N);
  const prev = (b: number, i: number, k: number) => (i === 0 ? h0[b * N + k] : h[(b * T + i - 1) * N + k]);
  for (let i = 0; i < T; i++) for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) {
    let s = z[(b * T + t(i)) * N + j];
    for (let k = 0; k < N; k++) s += prev(b, i, k) * u[k * N + j];
    a[(b * T + i) * N + j] = s;
    h[(b * T + i) * N + j] = f(s);
  }
  const dz = new Float64Array(B * T * N), du = new Float64Array(N * N);
  let carry = new Float64Array(B * N);
  for (let i = T - 1; i >= 0; i--) {
    const next = new Float64Array(B * N);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < N; j++) {
        const at = (b * T + i) * N + j;
        dz[(b * T + t(i)) * N + j] = (dh[at] + carry[b * N + j]) * df(a[at]);
      }
      for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) {
        const d = dz[(b * T + t(i)) * N + j];
        du[k * N + j] += prev(b, i, k) * d;
        next[b * N + k] += d * u[k * N + j];
      }
    }
    carry = next;
  }
  const dx = new Float64Array(B * T * F), dw = new Float64Array(F * N), db = new Float64Array(N);
  for (let r = 0; r < B * T; r++) for (let j = 0; j < N; j++) {
    const d = dz[r * N + j];
    db[j] += d;
    for (let k = 0; k < F; k++) {
      dx[r * F + k] += d * w[k * N + j];
      dw[k * N + j] += x[r * F + k] * d;
    }
  }
  return { h, dx, dw, du, db, dh0: carry };
}

setSeed(8);

let threads = false;
before(async () => { threads = wasmAvailable() && await wasmThreads(); });

describe('simpleRnn kernels conformance (forward and backward)', () => {
  // [batch, timesteps, features, units]: W4's shapes, units off the 4 SIMD lanes, sizes past the GEMM's KC 256 block.
  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 1], [3, 5, 2, 7], [2, 4, 9, 8], [32, 50, 8, 64], [32, 50, 64, 64], [1, 3, 5, 33], [2, 2, 3, 260], [3, 2, 300, 5],
  ];
  const activations: RecurrentActivation[] = ['tanh', 'relu', 'sigmoid', 'linear'];
  let n = 0;
  for (const [batch, timesteps, features, units] of shapes) {
    for (const activation of activations) {
      const goBackwards = n % 2 === 1, withBias = n % 3 !== 1;
      n++;
      const p: SimpleRnnParams = { batch, timesteps, features, units, activation, goBackwards };
      // Weights scaled by 1/sqrt(fan-in) keep the linear recurrence from growing across 50 steps.
      const x = rand(batch * timesteps * features), w = rand(features * units, 1 / Math.sqrt(features));
      const u = rand(units * units, 1 / Math.sqrt(units)), bias = withBias ? rand(units) : null;
      const h0 = rand(batch * units), dh = rand(batch * timesteps * units);
      const expected = oracle(x, w, u, bias, h0, dh, p);
      const label = `${batch}x${timesteps}x${features} -> ${units}, ${activation}${goBackwards ? ', goBackwards' : ''}` +
        `${withBias ? '' : ', no bias'}`;
      for (const [backend, available] of backends) {
        it(`${backend.name}: ${label}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
          const h = backend.simpleRnnForward(x, w, u, bias, h0, p);
          const g = backend.simpleRnnBackward(dh, h, x, w, u, h0, p);
          assert.equal(h.length, batch * timesteps * units);
          const check = (ours: typeof g, label: string) => {
            assertClose(ours.dInputs, expected.dx, TOL, `${label} dInputs`);
            assertClose(ours.dKernel, expected.dw, TOL, `${label} dKernel`);
            assertClose(ours.dRecurrentKernel, expected.du, TOL, `${label} dRecurrentKernel`);
            assertClose(ours.dBias, expected.db, TOL, `${label} dBias`);
            assertClose(ours.dInitialState, expected.dh0, TOL, `${label} dInitialState`);
          };
          assertClose(h, expected.h, TOL, `${backend.name} outputs`);
          check(g, backend.name);
          if (backend !== jsBackend) {
            const hJs = jsBackend.simpleRnnForward(x, w, u, bias, h0, p);
            assertClose(h, hJs, TOL, 'outputs vs js');
            const gJs = jsBackend.simpleRnnBackward(dh, hJs, x, w, u, h0, p);
            (['dInputs', 'dKernel', 'dRecurrentKernel', 'dBias', 'dInitialState'] as const)
              .forEach((k) => assertClose(g[k], gJs[k], TOL, `${k} vs js`));
          }
        });
      }
    }
  }
});

describe('simpleRnn kernels on two threads', () => {
  it('split a W4-sized call into chunks of batch rows and give what the JS reference gives', { skip: !wasmAvailable() && 'no WebAssembly SIMD' }, (t) => {
    if (!threads) { t.skip('the threaded build did not load'); return; }
    const p: SimpleRnnParams = { batch: 30, timesteps: 50, features: 64, units: 64, activation: 'tanh', goBackwards: true };
    const x = rand(30 * 50 * 64), w = rand(64 * 64, 0.125), u = rand(64 * 64, 0.125), bias = rand(64), h0 = rand(30 * 64);
    const dh = rand(30 * 50 * 64);
    const before = wasmThreadStats().splitCalls;
    const h = wasmBackend.simpleRnnForward(x, w, u, bias, h0, p);
    const g = wasmBackend.simpleRnnBackward(dh, h, x, w, u, h0, p);
    assert.equal(wasmThreadStats().splitCalls - before, 2, 'both calls were split');
    const hJs = jsBackend.simpleRnnForward(x, w, u, bias, h0, p);
    const gJs = jsBackend.simpleRnnBackward(dh, hJs, x, w, u, h0, p);
    assertClose(h, hJs, TOL, 'outputs');
    (['dInputs', 'dKernel', 'dRecurrentKernel', 'dBias', 'dInitialState'] as const).forEach((k) => assertClose(g[k], gJs[k], TOL, k));
  });
});
