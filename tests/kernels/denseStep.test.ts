/**
 * Backend.denseTrainStep (a relu/linear Dense chain's training step with MSE and Adam): one step of each
 * backend against a float64 oracle written from the definitions (forward, mean squared error, backprop,
 * keras/src/optimizers/adam.py), and the wasm kernel against the JS reference over 100 steps, where the
 * two differ only in the GEMMs' summation (relaxed builds fuse multiply-adds). denseForward (the forward pass
 * alone) against the same oracle, and wasm bit for bit against its own matmul kernel plus the bias and relu.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, DenseTrainStep } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend, wasmBuild } from '../../src/kernels/wasm/index.js';

const rand = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * (2 * randomFloat() - 1));

/** A step on `rows` rows through layers of `units` (relu on all but the last), at Adam step t = 3. */
function makeStep(rows: number, units: number[]): DenseTrainStep {
  const weights: Float32Array[] = [];
  for (let l = 0; l + 1 < units.length; l++) weights.push(rand(units[l] * units[l + 1], 0.5), rand(units[l + 1], 0.1));
  const t = 3, lr = 0.01;
  return {
    rows, units, relu: units.slice(1).map((_, l) => l < units.length - 2),
    x: rand(rows * units[0]), y: rand(rows * units[units.length - 1]), weights,
    momentum: weights.map((w) => rand(w.length, 0.01)), velocity: weights.map((w) => rand(w.length, 0.01).map(Math.abs)),
    perElement: Math.fround(Math.fround(1 / rows) / units[units.length - 1]),
    alpha: (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t), beta1: 0.9, beta2: 0.999, epsilon: 1e-7,
    output: new Float32Array(rows * units[units.length - 1]),
  };
}

const copy = (s: DenseTrainStep): DenseTrainStep => ({
  ...s, weights: s.weights.map((w) => w.slice()), momentum: s.momentum.map((m) => m.slice()),
  velocity: s.velocity.map((v) => v.slice()), output: new Float32Array(s.output.length),
});

/** The same step in float64 from the definitions. */
function oracle(s: DenseTrainStep): { loss: number; output: number[]; weights: number[][] } {
  const L = s.units.length - 1;
  const acts: number[][] = [];
  let a = Array.from(s.x);
  for (let l = 0; l < L; l++) {
    const k = s.units[l], n = s.units[l + 1], W = s.weights[2 * l], b = s.weights[2 * l + 1];
    const z = new Array<number>(s.rows * n).fill(0);
    for (let r = 0; r < s.rows; r++) for (let j = 0; j < n; j++) {
      let t = b[j];
      for (let p = 0; p < k; p++) t += a[r * k + p] * W[p * n + j];
      z[r * n + j] = s.relu[l] ? Math.max(t, 0) : t;
    }
    acts.push(z);
    a = z;
  }
  const cols = s.units[L], out = acts[L - 1];
  const loss = out.reduce((sum, p, i) => sum + (s.y[i] - p) ** 2, 0) / (s.rows * cols);
  let dy = out.map((p, i) => (-2 * (s.y[i] - p)) / (s.rows * cols));
  const grads: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    const k = s.units[l], n = s.units[l + 1], input = l === 0 ? Array.from(s.x) : acts[l - 1], W = s.weights[2 * l];
    if (s.relu[l]) dy = dy.map((g, i) => (acts[l][i] > 0 ? g : 0));
    const dW = new Array<number>(k * n).fill(0), db = new Array<number>(n).fill(0), dx = new Array<number>(s.rows * k).fill(0);
    for (let r = 0; r < s.rows; r++) for (let j = 0; j < n; j++) {
      const g = dy[r * n + j];
      db[j] += g;
      for (let p = 0; p < k; p++) { dW[p * n + j] += input[r * k + p] * g; dx[r * k + p] += g * W[p * n + j]; }
    }
    grads[2 * l] = dW;
    grads[2 * l + 1] = db;
    dy = dx;
  }
  const weights = s.weights.map((w, p) => Array.from(w, (wi, i) => {
    const g = grads[p][i];
    const m = s.momentum[p][i] + (g - s.momentum[p][i]) * (1 - s.beta1);
    const v = s.velocity[p][i] + (g * g - s.velocity[p][i]) * (1 - s.beta2);
    return wi - (m * s.alpha) / (Math.sqrt(v) + s.epsilon);
  }));
  return { loss, output: out, weights };
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

const SHAPES: [number, number[]][] = [[20, [30, 100, 30]], [7, [5, 9, 13, 3]], [1, [3, 1]], [33, [17, 6, 2, 11, 4]]];
const backends: [Backend, boolean][] = [[jsBackend, true], [wasmBackend, wasmAvailable()]];

describe('denseTrainStep kernels', () => {
  setSeed(3);
  for (const [backend, available] of backends) {
    it(`${backend.name}: one step gives the float64 oracle's loss, predictions and updated weights`,
      { skip: !available && 'wasm unavailable' }, () => {
        for (const [rows, units] of SHAPES) {
          const step = makeStep(rows, units);
          const expected = oracle(step);
          const s = copy(step);
          const loss = backend.denseTrainStep(s)!;
          assert.ok(Math.abs(loss - expected.loss) <= 1e-5 * expected.loss, `loss ${loss} vs ${expected.loss}`);
          assertClose(s.output, expected.output, 1e-5, 'output');
          s.weights.forEach((w, p) => assertClose(w, expected.weights[p], 1e-5, `weights ${p}`));
        }
      });
  }

  it('wasm follows the JS reference over 100 steps', { skip: !wasmAvailable() && 'wasm unavailable' }, () => {
    for (const [rows, units] of SHAPES) {
      const js = makeStep(rows, units);
      const wasm = copy(js);
      for (let t = 0; t < 100; t++) {
        js.x = wasm.x = rand(rows * units[0]);
        const a = jsBackend.denseTrainStep(js)!;
        const b = wasmBackend.denseTrainStep(wasm)!;
        assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(a), `step ${t}: loss ${b} vs ${a}`);
      }
      js.weights.forEach((w, p) => assertClose(wasm.weights[p], w, 1e-5, `weights ${p}`));
      js.momentum.forEach((m, p) => assertClose(wasm.momentum[p], m, 1e-5, `momentum ${p}`));
    }
  });

  it('wasm declines (null, nothing changed) a step with products large enough for two threads, when they are loaded',
    { skip: !wasmBuild()?.threads && 'the two-thread build is not loaded' }, () => {
      // 2 x 256 x 64 x 128 = 4.2 MFLOP, above the 2 MFLOP split threshold.
      const step = makeStep(256, [64, 128, 8]);
      const before = copy(step);
      assert.equal(wasmBackend.denseTrainStep(step), null);
      step.weights.forEach((w, p) => assert.deepEqual(w, before.weights[p]));
      step.momentum.forEach((m, p) => assert.deepEqual(m, before.momentum[p]));
    });
});

describe('denseForward kernels', () => {
  setSeed(4);
  for (const [backend, available] of backends) {
    it(`${backend.name}: the forward pass gives the float64 oracle's predictions, and leaves the weights alone`,
      { skip: !available && 'wasm unavailable' }, () => {
        for (const [rows, units] of SHAPES) {
          const step = makeStep(rows, units);
          const before = copy(step);
          const output = new Float32Array(step.output.length);
          assert.equal(backend.denseForward({ ...step, output }), true);
          assertClose(output, oracle(step).output, 1e-5, 'output');
          step.weights.forEach((w, p) => assert.deepEqual(w, before.weights[p]));
        }
      });
  }

  it('wasm gives the JS reference bit for bit (the same GEMM path as its matmul and the same roundings)',
    { skip: !wasmAvailable() && 'wasm unavailable' }, () => {
      for (const [rows, units] of [...SHAPES, [1, [30, 100, 30]] as [number, number[]]]) {
        const step = makeStep(rows, units);
        const js = new Float32Array(step.output.length), wasm = new Float32Array(step.output.length);
        jsBackend.denseForward({ ...step, output: js });
        assert.equal(wasmBackend.denseForward({ ...step, output: wasm }), true);
        // The JS reference's matmul is the js kernel; wasm's is the wasm GEMM: compare wasm with its own matmuls.
        let a = step.x;
        for (let l = 0; l + 1 < units.length; l++) {
          const n = units[l + 1], bias = step.weights[2 * l + 1];
          const z = wasmBackend.matmul(a, step.weights[2 * l], 1, rows, units[l], n, false, false, 1);
          for (let i = 0; i < z.length; i++) {
            const t = Math.fround(z[i] + bias[i % n]);
            z[i] = step.relu[l] ? (t > 0 ? t : 0) : t;
          }
          a = z;
        }
        assert.deepEqual(wasm, a, `rows ${rows}, units ${units.join('-')}`);
        assertClose(wasm, js, 1e-5, 'wasm vs js');
      }
    });

  it('wasm declines (false, output untouched) a pass with products large enough for two threads, when they are loaded',
    { skip: !wasmBuild()?.threads && 'the two-thread build is not loaded' }, () => {
      const step = makeStep(256, [64, 128, 8]);
      const output = new Float32Array(step.output.length).fill(7);
      assert.equal(wasmBackend.denseForward({ ...step, output }), false);
      assert.ok(output.every((v) => v === 7));
    });
});
