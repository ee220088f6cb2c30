/**
 * The fused SimpleRNN op, ops.simpleRnn, against its definition: the per-step composition the layer's
 * step loop builds (x W + b for all timesteps, then per step take, matmul, add, activation; stack) from
 * separately tested ops, on both backends, for the outputs and for the gradients of every input; and
 * against central finite differences. The SimpleRNN layer itself is checked both ways too: a built-in
 * activation (fused) against the same function wrapped as a custom activation (step loop).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, setBackend } from '../../src/backend/backend.js';
import { randomFloat, setSeed } from '../../src/core/random.js';
import { wasmAvailable } from '../../src/kernels/wasm/index.js';
import { SimpleRNN, type SimpleRNNArgs } from '../../src/layers/rnn/index.js';
import * as ops from '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

setSeed(23);
const TOL = 1e-5;
const STEP_ACTIVATIONS: Record<ops.RecurrentActivation, (x: Tensor) => Tensor> = {
  linear: (x) => x, relu: ops.relu, sigmoid: ops.sigmoid, tanh: ops.tanh,
};
const backends = wasmAvailable() ? ['js', 'wasm'] : ['js'];

const uniform = (shape: number[], scale = 1) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Tensor(Float32Array.from({ length: n }, () => scale * (2 * randomFloat() - 1)), shape);
};

function withBackend(name: string, fn: () => void): void {
  const saved = getBackend().name;
  setBackend(name);
  try { fn(); } finally { setBackend(saved); }
}

interface Case {
  batch: number; timesteps: number; features: number; units: number;
  activation: ops.RecurrentActivation; goBackwards: boolean; bias: boolean;
}

/** The step loop of baseRnn.ts / simpleRnn.ts written out with ops: every output, in processing order. */
function perStep(x: Tensor, w: Tensor, u: Tensor, b: Tensor | null, h0: Tensor, c: Case): Tensor {
  const projectedNoBias = ops.matmul(x, w);
  const projected = b ? ops.add(projectedNoBias, b) : projectedNoBias;
  const outputs: Tensor[] = [];
  let h = h0;
  for (let i = 0; i < c.timesteps; i++) {
    const t = c.goBackwards ? c.timesteps - 1 - i : i;
    h = STEP_ACTIVATIONS[c.activation](ops.add(ops.take(projected, t, 1), ops.matmul(h, u)));
    outputs.push(h);
  }
  return ops.stack(outputs, 1);
}

/** Outputs and the gradients of sum(out(all) * r) or sum(out(last) * r) with respect to every input. */
function run(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], r: Tensor, lastOnly: boolean) {
  let out: Tensor | null = null;
  const { grads } = ops.valueAndGrads(() => {
    const all = f(...inputs);
    out = lastOnly ? ops.take(all, all.shape[1] - 1, 1) : all;
    return ops.sum(ops.multiply(out, r));
  }, inputs);
  return { out: out! as Tensor, grads };
}

describe('ops.simpleRnn matches the per-step composition (outputs and gradients)', () => {
  const cases: Case[] = [];
  const sizes = [[3, 5, 7, 5], [2, 4, 3, 8], [1, 1, 2, 3], [4, 6, 9, 13]];
  const activations: ops.RecurrentActivation[] = ['tanh', 'relu', 'sigmoid', 'linear'];
  let n = 0;
  for (const [batch, timesteps, features, units] of sizes) {
    for (const activation of activations) {
      cases.push({ batch, timesteps, features, units, activation, goBackwards: n % 2 === 1, bias: n % 3 !== 2 });
      n++;
    }
  }
  for (const c of cases) {
    for (const lastOnly of [false, true]) {
      const label = `${c.batch}x${c.timesteps}x${c.features} -> ${c.units}, ${c.activation}` +
        `${c.goBackwards ? ', goBackwards' : ''}${c.bias ? '' : ', no bias'}, ${lastOnly ? 'last output' : 'every output'}`;
      const x = uniform([c.batch, c.timesteps, c.features], 2), w = uniform([c.features, c.units]);
      const u = uniform([c.units, c.units], 1 / Math.sqrt(c.units)), b = uniform([c.units]);
      const h0 = uniform([c.batch, c.units]);
      const r = uniform(lastOnly ? [c.batch, c.units] : [c.batch, c.timesteps, c.units]);
      const inputs = c.bias ? [x, w, u, h0, b] : [x, w, u, h0];
      const fused = (...t: Tensor[]) => ops.simpleRnn(t[0], t[1], t[2], c.bias ? t[4] : null, t[3],
        { activation: c.activation, goBackwards: c.goBackwards });
      const stepwise = (...t: Tensor[]) => perStep(t[0], t[1], t[2], c.bias ? t[4] : null, t[3], c);
      for (const backend of backends) {
        it(`${backend}: ${label}`, () => withBackend(backend, () => {
          const ours = run(fused, inputs, r, lastOnly);
          const expected = run(stepwise, inputs, r, lastOnly);
          assert.deepEqual(ours.out.shape, expected.out.shape);
          assertClose(ours.out.values, expected.out.values, TOL, 'outputs');
          const names = ['inputs', 'kernel', 'recurrentKernel', 'initialState', 'bias'];
          ours.grads.forEach((g, i) => {
            assert.deepEqual(g.shape, inputs[i].shape, `${names[i]} gradient shape`);
            assertClose(g.values, expected.grads[i].values, TOL, `${names[i]} gradient`);
          });
        }));
      }
    }
  }

  it('has gradients that match central finite differences (tanh, goBackwards, bias, initial state)', () => {
    const x = uniform([2, 3, 2]), w = uniform([2, 3]), u = uniform([3, 3], 0.6), b = uniform([3]), h0 = uniform([2, 3]);
    for (const backend of backends) {
      withBackend(backend, () => checkGradients(
        (xs, ws, us, hs, bs) => ops.simpleRnn(xs, ws, us, bs, hs, { activation: 'tanh', goBackwards: true }),
        [x, w, u, h0, b]));
    }
  });

  it('has gradients that match central finite differences (sigmoid, forwards, no bias)', () => {
    const x = uniform([2, 4, 3]), w = uniform([3, 2]), u = uniform([2, 2]), h0 = uniform([2, 2]);
    for (const backend of backends) {
      withBackend(backend, () => checkGradients(
        (xs, ws, us, hs) => ops.simpleRnn(xs, ws, us, null, hs, { activation: 'sigmoid' }), [x, w, u, h0]));
    }
  });

  it('rejects weights whose shapes do not fit the input, naming the argument', () => {
    const x = uniform([2, 3, 4]), u = uniform([5, 5]), h0 = uniform([2, 5]);
    assert.throws(() => ops.simpleRnn(x, uniform([3, 5]), u, null, h0, { activation: 'tanh' }), /simpleRnn kernel: expected shape \(4, 5\)/);
    assert.throws(() => ops.simpleRnn(x, uniform([4, 5]), uniform([5, 4]), null, h0, { activation: 'tanh' }), /recurrentKernel/);
    assert.throws(() => ops.simpleRnn(x, uniform([4, 5]), u, null, uniform([3, 5]), { activation: 'tanh' }), /initialState/);
    assert.throws(() => ops.simpleRnn(uniform([2, 4]), uniform([4, 5]), u, null, h0, { activation: 'tanh' }), /rank 3/);
  });
});

describe('SimpleRNN layer: the fused path equals the step loop', () => {
  /** The layer with a built-in activation (fused) and a copy whose activation is a custom wrapper of it (step loop). */
  function twins(activation: ops.RecurrentActivation, args: SimpleRNNArgs, features: number) {
    const builtIn = new SimpleRNN(5, { ...args, activation });
    const stepFn = STEP_ACTIVATIONS[activation];
    const custom = new SimpleRNN(5, { ...args, activation: (x: Tensor) => stepFn(x) });
    builtIn.apply(uniform([1, 2, features]));
    custom.apply(uniform([1, 2, features]));
    builtIn.setWeights(builtIn.weights.map((w) => uniform(w.shape, 0.8)));
    custom.setWeights(builtIn.getWeights());
    return [builtIn, custom];
  }

  const configs: [string, ops.RecurrentActivation, SimpleRNNArgs, boolean][] = [
    ['last output', 'tanh', {}, false],
    ['returnSequences with returnState', 'relu', { returnSequences: true, returnState: true }, false],
    ['goBackwards with an initial state and returnState', 'sigmoid', { goBackwards: true, returnState: true }, true],
    ['returnSequences, goBackwards, no bias', 'linear', { returnSequences: true, goBackwards: true, useBias: false }, true],
  ];
  for (const [what, activation, args, withState] of configs) {
    it(`${what} (${activation}): same outputs and weight gradients`, () => {
      const [fused, loop] = twins(activation, args, 3);
      const x = uniform([4, 6, 3], 2), h0 = uniform([4, 5]);
      const results = [fused, loop].map((layer) => {
        let outs: Tensor[] = [];
        const { grads } = ops.valueAndGrads(() => {
          const y = withState ? layer.apply(x, { initialState: [h0] }) : layer.apply(x);
          outs = Array.isArray(y) ? y : [y];
          return outs.reduce((s, o, i) => ops.add(s, ops.sum(ops.multiply(o, i + 1))), ops.scalar(0));
        }, [...layer.trainableWeights, h0]);
        return { outs, grads };
      });
      const [ours, expected] = results;
      assert.equal(ours.outs.length, expected.outs.length);
      ours.outs.forEach((o, i) => assertClose(o.values, expected.outs[i].values, TOL, `output ${i}`));
      ours.grads.forEach((g, i) => assertClose(g.values, expected.grads[i].values, TOL, `gradient ${i}`));
    });
  }
});
