/**
 * SimpleRNN recurrence kernels (Backend.simpleRnnForward / simpleRnnBackward) on both backends: each
 * must match a float64 oracle written from the definition in backend.ts SimpleRnnParams, and the wasm
 * kernels must match the JS reference, on odd sizes (units not a multiple of the 4 SIMD lanes, sizes
 * crossing the GEMM's KC 256 block), both directions and every activation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, RecurrentActivation, SimpleRnnParams } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';
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
 * Float64 oracle from the definition: a_i = z[:, t(i)] + h_{i-1} U, h_i = f(a_i); then backward from the last
 * step, da_i = (dh_i + carry) f'(a_i), dz[:, t(i)] = da_i, dU += h_{i-1}^T da_i, carry = da_i U^T, dh0 = carry.
 */
function oracle(z: Float32Array, u: Float32Array, h0: Float32Array, dh: Float32Array, p: SimpleRnnParams) {
  const { batch: B, timesteps: T, units: N } = p;
  const [f, df] = act[p.activation];
  const t = (i: number) => (p.goBackwards ? T - 1 - i : i);
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
  return { h, dz, du, dh0: carry };
}

setSeed(8);

describe('simpleRnn kernels conformance (forward and backward)', () => {
  // [batch, timesteps, units]
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [2, 4, 8], [32, 50, 64], [1, 3, 33], [2, 2, 260]];
  const activations: RecurrentActivation[] = ['tanh', 'relu', 'sigmoid', 'linear'];
  let n = 0;
  for (const [batch, timesteps, units] of shapes) {
    for (const activation of activations) {
      const goBackwards = n++ % 2 === 1;
      const p: SimpleRnnParams = { batch, timesteps, units, activation, goBackwards };
      // Recurrent weights scaled by 1/sqrt(units) keep the linear recurrence from growing across 50 steps.
      const z = rand(batch * timesteps * units), u = rand(units * units, 1 / Math.sqrt(units));
      const h0 = rand(batch * units), dh = rand(batch * timesteps * units);
      const expected = oracle(z, u, h0, dh, p);
      const label = `${batch}x${timesteps}x${units}, ${activation}${goBackwards ? ', goBackwards' : ''}`;
      for (const [backend, available] of backends) {
        it(`${backend.name}: ${label}`, { skip: !available && 'no WebAssembly SIMD' }, () => {
          const h = backend.simpleRnnForward(z, u, h0, p);
          const g = backend.simpleRnnBackward(dh, h, u, h0, p);
          assert.equal(h.length, batch * timesteps * units);
          assertClose(h, expected.h, TOL, `${backend.name} outputs`);
          assertClose(g.dProjected, expected.dz, TOL, `${backend.name} dProjected`);
          assertClose(g.dRecurrentKernel, expected.du, TOL, `${backend.name} dRecurrentKernel`);
          assertClose(g.dInitialState, expected.dh0, TOL, `${backend.name} dInitialState`);
          if (backend !== jsBackend) {
            const hJs = jsBackend.simpleRnnForward(z, u, h0, p);
            const gJs = jsBackend.simpleRnnBackward(dh, hJs, u, h0, p);
            assertClose(h, hJs, TOL, 'outputs vs js');
            assertClose(g.dProjected, gJs.dProjected, TOL, 'dProjected vs js');
            assertClose(g.dRecurrentKernel, gJs.dRecurrentKernel, TOL, 'dRecurrentKernel vs js');
            assertClose(g.dInitialState, gJs.dInitialState, TOL, 'dInitialState vs js');
          }
        });
      }
    }
  }
});
