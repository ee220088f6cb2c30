/**
 * SimpleRNN's values and gradients against TensorFlow.js 4.22's tf.layers.simpleRNN holding the same
 * weights, against a hand-computed two-step sequence, and against finite differences.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { SimpleRNN, type SimpleRNNArgs } from '../../../src/layers/rnn/index.js';
import { assertClose, checkGradients } from '../../helpers/gradcheck.js';
import { tfjsForward, tfjsGradients, tfjsSimpleRNN, useTfjsCpu, type RnnOptions } from './tfjsOracle.js';

setSeed(11);
const BATCH = 3, TIMESTEPS = 4, FEATURES = 2, UNITS = 5;
const u = (shape: number[], lo = -1, hi = 1) => ops.randomUniform(shape, lo, hi);

/** A built SimpleRNN with random (non-default) weights, bias included, so every term matters. */
function makeLayer(options: RnnOptions): SimpleRNN {
  const args: SimpleRNNArgs = { ...options };
  const layer = new SimpleRNN(options.units, args);
  layer.apply(u([BATCH, TIMESTEPS, FEATURES]));
  layer.setWeights(layer.weights.map((w) => u(w.shape, -0.8, 0.8)));
  return layer;
}

function asList(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? out : [out];
}

before(async () => {
  await useTfjsCpu();
});

describe('SimpleRNN forward matches tf.layers.simpleRNN with the same weights', () => {
  const cases: [string, RnnOptions, boolean][] = [
    ['last output (default)', { units: UNITS }, false],
    ['returnSequences', { units: UNITS, returnSequences: true }, false],
    ['goBackwards', { units: UNITS, goBackwards: true }, false],
    ['goBackwards with returnSequences (outputs in processing order)', { units: UNITS, goBackwards: true, returnSequences: true }, false],
    ['returnState with returnSequences', { units: UNITS, returnSequences: true, returnState: true }, false],
    ['an initial state', { units: UNITS, returnSequences: true }, true],
    ['an initial state, goBackwards and returnState', { units: UNITS, goBackwards: true, returnState: true }, true],
    ['relu without bias', { units: UNITS, activation: 'relu', useBias: false, returnSequences: true }, true],
  ];
  for (const [what, options, withState] of cases) {
    it(what, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const h0 = withState ? u([BATCH, UNITS]) : undefined;
      const ours = asList(h0 ? layer.apply(x, { initialState: [h0] }) : layer.apply(x));
      const oracle = tfjsForward(tfjsSimpleRNN(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, h0);
      assert.equal(ours.length, oracle.length, 'number of outputs');
      const seq = options.returnSequences ? [BATCH, TIMESTEPS, UNITS] : [BATCH, UNITS];
      assert.deepEqual(ours[0].shape, seq);
      ours.forEach((t, i) => assertClose(t.values, oracle[i], 1e-5, `output ${i}`));
    });
  }
});

describe('SimpleRNN gradients match tfjs (tf.grads and tf.variableGrads)', () => {
  for (const options of [
    { units: UNITS, returnSequences: true },
    { units: UNITS, goBackwards: true },
  ] as RnnOptions[]) {
    it(`w.r.t. input, initial state, kernel, recurrent_kernel and bias (${options.goBackwards ? 'goBackwards, last output' : 'returnSequences'})`, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const h0 = u([BATCH, UNITS]);
      const r = u(options.returnSequences ? [BATCH, TIMESTEPS, UNITS] : [BATCH, UNITS]);
      const [kernel, recurrent, bias] = layer.weights;
      const { grads } = ops.valueAndGrads(
        () => ops.sum(ops.multiply(layer.apply(x, { initialState: [h0] }), r)),
        [x, h0, kernel, recurrent, bias],
      );
      const oracle = tfjsGradients(tfjsSimpleRNN(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, h0, r);
      assertClose(grads[0].values, oracle.x, 1e-4, 'd/dx');
      assertClose(grads[1].values, oracle.h0, 1e-4, 'd/dh0');
      assertClose(grads[2].values, oracle.weights[0], 1e-4, 'd/dkernel');
      assertClose(grads[3].values, oracle.weights[1], 1e-4, 'd/drecurrent_kernel');
      assertClose(grads[4].values, oracle.weights[2], 1e-4, 'd/dbias');
    });
  }
});

describe('SimpleRNN by hand and by finite differences', () => {
  it('computes h_t = tanh(x_t W + h_{t-1} U + b) over two timesteps', () => {
    // 1 feature, 1 unit: W = 0.5, U = -1, b = 0.1, x = [1, 2], h0 = 0.
    // h1 = tanh(0.5 + 0 + 0.1) = tanh(0.6); h2 = tanh(1.0 - tanh(0.6) + 0.1) = tanh(1.1 - tanh(0.6)).
    const layer = new SimpleRNN(1, { returnSequences: true });
    const x = ops.tensor([[[1], [2]]]);
    layer.apply(x);
    layer.setWeights([[0.5], [-1], [0.1]]);
    const h1 = Math.tanh(0.6);
    const h2 = Math.tanh(1.1 - h1);
    assertClose(layer.apply(x).values, [h1, h2], 1e-6);
    // goBackwards reads x = [2, 1]: h1' = tanh(1.1), h2' = tanh(0.6 - tanh(1.1)).
    const back = new SimpleRNN(1, { returnSequences: true, goBackwards: true });
    back.apply(x);
    back.setWeights([[0.5], [-1], [0.1]]);
    assertClose(back.apply(x).values, [Math.tanh(1.1), Math.tanh(0.6 - Math.tanh(1.1))], 1e-6);
  });

  it('has gradients w.r.t. input, initial state and every weight that match central differences', () => {
    const layer = makeLayer({ units: 3, returnSequences: true });
    const x = u([2, TIMESTEPS, FEATURES]);
    const h0 = u([2, 3]);
    const [kernel, recurrent, bias] = layer.weights;
    // The weights are the Variables the layer reads, so perturbing them perturbs the layer.
    checkGradients((xs, hs) => layer.apply(xs, { initialState: [hs] }), [x, h0, kernel, recurrent, bias]);
  });
});
