/**
 * The fused layer epilogue, biasActivation(z, bias, activation), against its definition: the unfused
 * composition activation(ops.add(z, bias)) built from separately tested ops, on both backends, for
 * values and for the gradients of z and bias; and against central finite differences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, setBackend, type EpilogueActivation } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { wasmAvailable } from '../../src/kernels/wasm/index.js';
import * as ops from '../../src/ops/index.js';
import { biasActivation } from '../../src/ops/fused.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

setSeed(11);
const ACTIVATIONS: EpilogueActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const UNFUSED: Record<EpilogueActivation, (x: Tensor) => Tensor> = {
  linear: (x) => x, relu: ops.relu, sigmoid: ops.sigmoid, tanh: ops.tanh,
};
// Odd sizes (SIMD tails: channels and element counts not multiples of 4), large ones past the wasm
// kernels' 1024-element threshold, ranks 2, 3 and 4 (Dense, Conv1D, Conv2D outputs).
const SHAPES = [[3, 5], [37, 7], [2, 9, 3], [4, 33, 13], [2, 5, 3, 7], [3, 11, 9, 6], [64, 17]];
const backends = wasmAvailable() ? ['js', 'wasm'] : ['js'];

/** Uniform in [-3, 3]: relu's both sides, sigmoid and tanh away from saturation and near it. */
const values = (shape: number[]) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Tensor(Float32Array.from({ length: n }, () => 6 * randomFloat() - 3), shape);
};
const copy = (t: Tensor) => new Tensor(Float32Array.from(t.values), t.shape);

function withBackend(name: string, fn: () => void): void {
  const saved = getBackend().name;
  setBackend(name);
  try { fn(); } finally { setBackend(saved); }
}

/** Value and the gradients of sum(f(z, bias) * r) for a fixed random r, so every output's gradient counts. */
function gradients(f: (z: Tensor, bias: Tensor) => Tensor, z: Tensor, bias: Tensor, r: Tensor) {
  let y: Tensor | null = null;
  const { grads } = ops.valueAndGrads(() => {
    y = f(z, bias);
    return ops.sum(ops.multiply(y, r));
  }, [z, bias]);
  return { y: y!.dataSync(), dz: grads[0].dataSync(), dbias: grads[1].dataSync() };
}

/**
 * A bias gradient sums many dz: each term within 1e-6 (relative) makes the sum within 1e-6 of the sum
 * of the terms' magnitudes. (wasm's sigmoid and tanh are within 2 ulp of JavaScript's Math.exp/tanh.)
 */
function assertSumClose(actual: Float32Array, expected: Float32Array, terms: Float32Array, msg: string): void {
  const magnitude = new Float64Array(expected.length);
  terms.forEach((t, i) => { magnitude[i % expected.length] += Math.abs(t); });
  expected.forEach((e, c) => {
    const bound = 1e-6 * Math.max(1, magnitude[c]);
    assert.ok(Math.abs(actual[c] - e) <= bound, `${msg} element ${c}: ${actual[c]} vs expected ${e} (bound ${bound})`);
  });
}

describe('biasActivation equals activation(z + bias)', () => {
  for (const name of backends) {
    for (const activation of ACTIVATIONS) {
      it(`${activation} on ${name}: values and gradients of z and bias, ranks 2-4, odd sizes`, () => {
        withBackend(name, () => {
          for (const shape of SHAPES) {
            const z = values(shape), bias = values([shape[shape.length - 1]]), r = values(shape);
            const fused = gradients((a, b) => biasActivation(a, b, activation), z, bias, r);
            const unfused = gradients((a, b) => UNFUSED[activation](ops.add(a, b)), z, bias, r);
            const what = `${activation} ${JSON.stringify(shape)}`;
            assertClose(fused.y, unfused.y, 1e-6, `${what} y`);
            assertClose(fused.dz, unfused.dz, 1e-6, `${what} dz`);
            assertSumClose(fused.dbias, unfused.dbias, unfused.dz, `${what} dbias`);
          }
        });
      });
    }
    it(`without a bias on ${name}: activation(z), and linear returns z itself`, () => {
      withBackend(name, () => {
        for (const activation of ACTIVATIONS) {
          const z = values([5, 301]);
          assertClose(biasActivation(z, null, activation).dataSync(), UNFUSED[activation](z).dataSync(), 1e-6, activation);
        }
        const z = values([2, 3]);
        assert.equal(biasActivation(z, null, 'linear'), z);
      });
    });
  }

  it('the js backend gives the unfused ops bit for bit (same float32 steps)', () => {
    withBackend('js', () => {
      for (const activation of ACTIVATIONS) {
        const z = values([7, 13]), bias = values([13]), r = values([7, 13]);
        const fused = gradients((a, b) => biasActivation(a, b, activation), z, bias, r);
        const unfused = gradients((a, b) => UNFUSED[activation](ops.add(a, b)), z, bias, r);
        assert.deepEqual(fused.y, unfused.y, `${activation} y`);
        // relu's fused gradient selects (0) where the unfused one multiplies by 0 (-0 for a negative dy).
        assert.deepEqual(fused.dz.map(Math.abs), unfused.dz.map(Math.abs), `${activation} dz`);
        assert.deepEqual(fused.dbias, unfused.dbias, `${activation} dbias`);
      }
    });
  });

  it('overwriteInput writes into z\'s array and leaves the gradients as they were', () => {
    for (const name of backends) {
      withBackend(name, () => {
        for (const activation of ACTIVATIONS) {
          const z = values([9, 150]), bias = values([150]), r = values([9, 150]);
          const expected = gradients((a, b) => biasActivation(a, b, activation), copy(z), bias, r);
          const zIn = copy(z);
          let y: Tensor | null = null;
          const { grads } = ops.valueAndGrads(() => {
            y = biasActivation(zIn, bias, activation, { overwriteInput: true });
            return ops.sum(ops.multiply(y, r));
          }, [zIn, bias]);
          assert.equal(y!.values, zIn.values, `${activation} on ${name}: the result shares z's array`);
          assert.deepEqual(y!.dataSync(), expected.y);
          assert.deepEqual(grads[0].dataSync(), expected.dz);
          assert.deepEqual(grads[1].dataSync(), expected.dbias);
        }
      });
    }
  });

  it('refuses a bias that does not match the last axis', () => {
    assert.throws(() => biasActivation(values([2, 3]), values([4]), 'relu'), /expected a bias of shape \(3\)/);
    assert.throws(() => biasActivation(values([2, 3]), values([1, 3]), 'relu'), /Received: bias of shape \(1, 3\)/);
  });
});

describe('biasActivation gradients match finite differences', () => {
  for (const name of backends) {
    it(`every activation on ${name}`, () => {
      withBackend(name, () => {
        for (const activation of ACTIVATIONS) {
          // relu's kink: keep z + bias at least 0.2 from 0 (eps is 1e-2).
          const z = ops.tensor([[0.5, -0.7, 1.2], [-1.1, 0.9, -0.4], [0.3, 0.8, -1.5], [1.4, -0.6, 0.7]]);
          const bias = ops.tensor([0.1, -0.1, 0.05]);
          checkGradients((a, b) => biasActivation(a, b, activation), [z, bias]);
          // Rank 4: |z| in [0.2, 1.2], |bias| <= 0.03.
          const z4 = new Tensor(values([2, 3, 2, 5]).values.map((v) => Math.sign(v || 1) * (0.2 + Math.abs(v) / 3)), [2, 3, 2, 5]);
          checkGradients((a, b) => biasActivation(a, b, activation), [z4, new Tensor(values([5]).values.map((v) => v / 100), [5])]);
          checkGradients((a) => biasActivation(a, null, activation), [z]);
        }
      });
    });
  }
});
