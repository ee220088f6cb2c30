/**
 * The layer epilogue kernels (Backend.biasActivation, biasActivationGrad) on both backends over random
 * shapes (channel counts 1-37, so SIMD bodies and tails; element counts on both sides of the wasm
 * kernels' 1024 threshold): each backend against a float64 oracle written from the definition, and wasm
 * against the JS reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, EpilogueActivation } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';
import { PIECE } from '../../src/kernels/wasm/epilogue.js';
import { assertClose } from '../helpers/gradcheck.js';

setSeed(5);
const TOL = 1e-6;
const ACTIVATIONS: EpilogueActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const rand = (n: number, scale = 4) => Float32Array.from({ length: n }, () => scale * (2 * randomFloat() - 1));
const randInt = (lo: number, hi: number) => lo + Math.floor(randomFloat() * (hi - lo + 1));
const backends: [Backend, boolean][] = [[jsBackend, true], [wasmBackend, wasmAvailable()]];

// Oracle, float64: activation(z + bias) and, from y, its derivative.
const ORACLE: Record<EpilogueActivation, { f: (t: number) => number; df: (y: number) => number }> = {
  linear: { f: (t) => t, df: () => 1 },
  relu: { f: (t) => Math.max(t, 0), df: (y) => (y > 0 ? 1 : 0) },
  sigmoid: { f: (t) => 1 / (1 + Math.exp(-t)), df: (y) => y * (1 - y) },
  tanh: { f: Math.tanh, df: (y) => 1 - y * y },
};

/** Random (rows, channels) cases: few or many rows, 1-37 channels. */
function cases(): [number, number][] {
  const out: [number, number][] = [[1, 1], [3, 4], [5, 7], [1000, 3], [257, 5]];
  for (let i = 0; i < 6; i++) out.push([randInt(1, 400), randInt(1, 37)]);
  return out;
}

describe('epilogue kernels', () => {
  for (const [backend, available] of backends) {
    it(`${backend.name}: biasActivation matches the float64 oracle, with and without a bias, into a new array, out or z`,
      { skip: !available && 'wasm unavailable' }, () => {
        for (const activation of ACTIVATIONS) {
          for (const [rows, channels] of cases()) {
            const z = rand(rows * channels), bias = rand(channels);
            const expected = Float64Array.from(z, (v, i) => ORACLE[activation].f(v + bias[i % channels]));
            const what = `${activation} (${rows}, ${channels})`;
            assertClose(backend.biasActivation(z, bias, activation), expected, TOL, what);
            assertClose(backend.biasActivation(z, null, activation), Float64Array.from(z, ORACLE[activation].f), TOL, `${what} no bias`);
            const out = new Float32Array(z.length);
            assert.equal(backend.biasActivation(z, bias, activation, out), out);
            assertClose(out, expected, TOL, `${what} into out`);
            const zCopy = Float32Array.from(z);
            assert.equal(backend.biasActivation(zCopy, bias, activation, zCopy), zCopy);
            assertClose(zCopy, expected, TOL, `${what} in place`);
          }
        }
      });

    it(`${backend.name}: biasActivationGrad matches the float64 oracle for dz and the bias sum`,
      { skip: !available && 'wasm unavailable' }, () => {
        for (const activation of ACTIVATIONS) {
          for (const [rows, channels] of cases()) {
            const dy = rand(rows * channels, 1);
            // y in the activation's range: relu >= 0 with zeros, sigmoid (0, 1), tanh (-1, 1).
            const y = Float32Array.from(rand(rows * channels), (v) =>
              Math.fround(activation === 'linear' ? v : activation === 'relu' ? Math.max(v, 0) : ORACLE[activation].f(v)));
            const dz = Float64Array.from(dy, (g, i) => g * ORACLE[activation].df(y[i]));
            const dbias = new Float64Array(channels);
            dz.forEach((g, i) => { dbias[i % channels] += g; });
            const what = `${activation} (${rows}, ${channels})`;
            const got = backend.biasActivationGrad(dy, y, activation, channels);
            assertClose(got.dz, dz, TOL, `${what} dz`);
            // A sum of `rows` float32 terms: within 1e-6 of their magnitudes' sum.
            assertClose(got.dbias!, dbias, TOL * Math.max(1, rows), `${what} dbias`);
            const noBias = backend.biasActivationGrad(dy, y, activation, 0);
            assert.equal(noBias.dbias, null);
            assertClose(noBias.dz, dz, TOL, `${what} dz without bias`);
          }
        }
      });
  }

  it('wasm agrees with the JS reference: relu and linear exactly, sigmoid and tanh within 2 ulp',
    { skip: !wasmAvailable() && 'wasm unavailable' }, () => {
      for (const activation of ACTIVATIONS) {
        for (const [rows, channels] of cases()) {
          const z = rand(rows * channels, 10), bias = rand(channels), dy = rand(rows * channels, 1);
          const yJs = jsBackend.biasActivation(z, bias, activation);
          const yWasm = wasmBackend.biasActivation(z, bias, activation);
          const exact = activation === 'linear' || activation === 'relu';
          if (exact) assert.deepEqual(yWasm, yJs, activation);
          else assertClose(yWasm, yJs, 2.4e-7, `${activation} (${rows}, ${channels}) y`);
          // Given the same y, the gradient steps are the same float32 operations: bit-identical.
          const gJs = jsBackend.biasActivationGrad(dy, yJs, activation, channels);
          const gWasm = wasmBackend.biasActivationGrad(dy, yJs, activation, channels);
          assert.deepEqual(gWasm.dz, gJs.dz, `${activation} (${rows}, ${channels}) dz`);
          assert.deepEqual(gWasm.dbias, gJs.dbias, `${activation} (${rows}, ${channels}) dbias`);
        }
      }
    });

  it('wasm agrees with the JS reference on calls streamed in several pieces (rows straddling none)',
    { skip: !wasmAvailable() && 'wasm unavailable' }, () => {
      // Over PIECE floats: the bindings run the kernels piece by piece and the bias sums carry across pieces.
      for (const [rows, channels] of [[5000, 32], [2100, 37], [70000, 1], [3, PIECE + 5]] as [number, number][]) {
        for (const activation of ['relu', 'tanh'] as const) {
          const n = rows * channels;
          const z = rand(n, 10), bias = rand(channels), dy = rand(n, 1);
          const yJs = jsBackend.biasActivation(z, bias, activation);
          const yWasm = wasmBackend.biasActivation(z, bias, activation);
          const what = `${activation} (${rows}, ${channels})`;
          if (activation === 'relu') assert.deepEqual(yWasm, yJs, what);
          else assertClose(yWasm, yJs, 2.4e-7, `${what} y`);
          const zCopy = Float32Array.from(z);
          assert.equal(wasmBackend.biasActivation(zCopy, bias, activation, zCopy), zCopy);
          assert.deepEqual(zCopy, yWasm, `${what} in place`);
          const gJs = jsBackend.biasActivationGrad(dy, yJs, activation, channels);
          const gWasm = wasmBackend.biasActivationGrad(dy, yJs, activation, channels);
          assert.deepEqual(gWasm.dz, gJs.dz, `${what} dz`);
          assert.deepEqual(gWasm.dbias, gJs.dbias, `${what} dbias`);
          assert.deepEqual(wasmBackend.biasActivationGrad(dy, yJs, activation, 0).dz, gJs.dz, `${what} dz without bias`);
        }
      }
    });

  it('wasm outputs own their whole buffer (uninitialized allocation never hands out a pooled slab)',
    { skip: !wasmAvailable() && 'wasm unavailable' }, () => {
      for (const n of [1024, 1026, 4096, 3 * PIECE + 7]) {
        const z = rand(n), y = wasmBackend.biasActivation(z, null, 'relu');
        const { dz } = wasmBackend.biasActivationGrad(z, y, 'relu', 0);
        for (const a of [y, dz]) assert.ok(a.byteOffset === 0 && a.buffer.byteLength === 4 * n, `n ${n}`);
      }
    });

  it('NaN propagates through sigmoid and tanh and relu maps it to 0, on both backends', () => {
    const z = Float32Array.from({ length: 2048 }, (_, i) => (i % 5 === 0 ? NaN : i % 3));
    for (const [backend, available] of backends) {
      if (!available) continue;
      for (const activation of ['sigmoid', 'tanh'] as const) {
        const y = backend.biasActivation(z, null, activation);
        assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[2045]) && !Number.isNaN(y[1]), `${backend.name} ${activation}`);
      }
      const r = backend.biasActivation(z, null, 'relu');
      assert.equal(r[0], 0);
      assert.equal(r[2045], 0);
    }
  });
});
