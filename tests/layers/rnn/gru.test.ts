/**
 * GRU (Keras 3 keras/src/layers/rnn/gru.py): shapes, parameter counts, errors, values and gradients.
 * Oracles: TensorFlow.js 4.22's tf.layers.gru for reset_after=false (recurrentActivation 'sigmoid' set
 * explicitly; tfjs defaults to hard_sigmoid). tfjs refuses reset_after=true, Keras's default, so for it
 * the expected values come from `kerasGru` below: a float64 loop written from GRUCell.call's formula
 * (itself checked against tfjs on reset_after=false), and gradients from finite differences.
 * Config: a real Keras 3.15.0 file (k3_gru.keras).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Input } from '../../../src/layers/core/input.js';
import type { SymbolicTensor } from '../../../src/layers/symbolic.js';
import { GRU, type GRUArgs } from '../../../src/layers/rnn/index.js';
import { assertClose, checkGradients } from '../../helpers/gradcheck.js';
import { tfjsForward, tfjsGradients, tfjsGRU, useTfjsCpu, type GatedRnnOptions } from './tfjsOracle.js';
import { fixtureLayerConfigs } from '../../helpers/kerasFixture.js';

setSeed(31);
const BATCH = 3, TIMESTEPS = 4, FEATURES = 2, UNITS = 5;
const u = (shape: number[], lo = -1, hi = 1) => ops.randomUniform(shape, lo, hi);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface GruCase extends GatedRnnOptions {
  resetAfter: boolean;
}

/** A built GRU with random (non-default) weights, so every term matters. */
function makeLayer(options: GruCase): GRU {
  const layer = new GRU(options.units, { ...options } as GRUArgs);
  layer.apply(u([BATCH, TIMESTEPS, FEATURES]));
  layer.setWeights(layer.weights.map((w) => u(w.shape, -0.8, 0.8)));
  return layer;
}

function asList(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? out : [out];
}

/**
 * Keras 3 GRUCell.call (gru.py), in float64, for tanh / sigmoid: with x W + b_i split into x_z, x_r, x_h,
 *   reset_after:  (h U + b_r) split into r_z, r_r, r_h; z = sig(x_z + r_z), r = sig(x_r + r_r),
 *                 hh = tanh(x_h + r * r_h)
 *   otherwise:    z = sig(x_z + h U_z), r = sig(x_r + h U_r), hh = tanh(x_h + (r * h) U_h)
 *   h = z * h + (1 - z) * hh.
 * Returns the outputs in processing order (batch, steps, units) and the final state.
 */
function kerasGru(
  x: Tensor, h0: Tensor | null, weights: Tensor[], { units: n, resetAfter, useBias = true, goBackwards = false }: GruCase,
): { sequence: number[]; last: number[] } {
  const [B, T, F] = x.shape;
  const W = weights[0].values, U = weights[1].values;
  const bias = useBias ? Array.from(weights[2].values) : null;
  const bIn = bias ? bias.slice(0, 3 * n) : new Array<number>(3 * n).fill(0);
  const bRec = bias && resetAfter ? bias.slice(3 * n) : new Array<number>(3 * n).fill(0);
  const sequence = new Array<number>(B * T * n);
  const last: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = h0 ? Array.from(h0.values.slice(b * n, (b + 1) * n)) : new Array<number>(n).fill(0);
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      const xw = bIn.map((bk, k) => {
        let acc = bk;
        for (let f = 0; f < F; f++) acc += x.values[(b * T + t) * F + f] * W[f * 3 * n + k];
        return acc;
      });
      const hu = (vec: number[], k: number) => vec.reduce((acc, v, j) => acc + v * U[j * 3 * n + k], 0);
      const z = h.map((_, j) => sigmoid(xw[j] + hu(h, j) + bRec[j]));
      const r = h.map((_, j) => sigmoid(xw[n + j] + hu(h, n + j) + bRec[n + j]));
      const rh = h.map((v, j) => r[j] * v);
      const hh = h.map((_, j) => Math.tanh(resetAfter
        ? xw[2 * n + j] + r[j] * (hu(h, 2 * n + j) + bRec[2 * n + j])
        : xw[2 * n + j] + hu(rh, 2 * n + j)));
      h = h.map((v, j) => z[j] * v + (1 - z[j]) * hh[j]);
      for (let j = 0; j < n; j++) sequence[(b * T + s) * n + j] = h[j];
    }
    last.push(...h);
  }
  return { sequence, last };
}

before(async () => {
  await useTfjsCpu();
});

describe('GRU shapes and parameters', () => {
  it('maps Input([5, 3]) to (None, 10) with 3*10*(3+10+2) = 450 parameters (reset_after, the default)', () => {
    const layer = new GRU(10);
    assert.deepEqual(layer.apply(Input([5, 3])).shape, [null, 10]);
    assert.equal(layer.countParams(), 450);
  });

  it('has 3*10*(3+10+1) = 420 parameters with resetAfter false', () => {
    const layer = new GRU(10, { resetAfter: false });
    layer.apply(Input([5, 3]));
    assert.equal(layer.countParams(), 420);
  });

  it('matches the k3_gru.keras summary: GRU(64) on 3 features, then GRU(32) on 64', () => {
    const first = new GRU(64, { returnSequences: true });
    const second = new GRU(32);
    const h = first.apply(Input([480, 3]));
    assert.deepEqual(h.shape, [null, 480, 64]);
    assert.deepEqual(second.apply(h).shape, [null, 32]);
    assert.equal(first.countParams(), 3 * 64 * (3 + 64 + 2)); // 13248
    assert.equal(second.countParams(), 3 * 32 * (64 + 32 + 2)); // 9408
  });

  it('has kernel (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units) or (3 units)', () => {
    const layer = new GRU(3);
    layer.apply(Input([5, 2]));
    assert.deepEqual(layer.weights.map((w) => w.name), [`${layer.name}/kernel`, `${layer.name}/recurrent_kernel`, `${layer.name}/bias`]);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[2, 9], [3, 9], [2, 9]]);
    const before = new GRU(3, { resetAfter: false });
    before.apply(Input([5, 2]));
    assert.deepEqual(before.weights.map((w) => w.shape), [[2, 9], [3, 9], [9]]);
    const noBias = new GRU(3, { useBias: false });
    noBias.apply(Input([5, 2]));
    assert.equal(noBias.countParams(), 3 * 3 * (2 + 3));
  });

  it('returns [output, h] with returnState', () => {
    const layer = new GRU(4, { returnState: true, returnSequences: true });
    assert.deepEqual(layer.computeOutputShape([null, 6, 3]), [[null, 6, 4], [null, 4]]);
    const outs = layer.apply(Input([6, 3])) as unknown as SymbolicTensor[];
    assert.deepEqual(outs.map((t) => t.shape), [[null, 6, 4], [null, 4]]);
  });
});

describe('GRU errors', () => {
  it('rejects dropout and recurrent dropout other than 0 as not supported yet', () => {
    assert.throws(() => new GRU(4, { dropout: 0.2 }), /GRU: dropout is not supported yet.*dropout=0\.2/);
    assert.throws(() => new GRU(4, { recurrentDropout: 0.5 }), /GRU: recurrentDropout is not supported yet/);
    assert.doesNotThrow(() => new GRU(4, { dropout: 0, recurrentDropout: 0 }));
  });

  it('rejects units <= 0, stateful and an initial state of the wrong shape', () => {
    assert.throws(() => new GRU(-1), /expected a positive integer, got -1/);
    assert.throws(() => new GRU(4, { stateful: true }), /stateful=true is not supported yet/);
    assert.throws(() => new GRU(4).apply(ops.zeros([2, 3, 1]), { initialState: [ops.zeros([2, 3])] }), /1 state of shape \(2, 4\)/);
  });
});

describe('GRU with resetAfter false matches tf.layers.gru with the same weights', () => {
  const cases: [string, GruCase, boolean][] = [
    ['last output', { units: UNITS, resetAfter: false }, false],
    ['returnSequences with an initial state', { units: UNITS, resetAfter: false, returnSequences: true }, true],
    ['goBackwards, returnSequences and returnState', { units: UNITS, resetAfter: false, goBackwards: true, returnSequences: true, returnState: true }, true],
    ['relu without bias', { units: UNITS, resetAfter: false, activation: 'relu', useBias: false, returnSequences: true }, true],
  ];
  for (const [what, options, withState] of cases) {
    it(what, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const h0 = withState ? u([BATCH, UNITS]) : undefined;
      const ours = asList(h0 ? layer.apply(x, { initialState: [h0] }) : layer.apply(x));
      const oracle = tfjsForward(tfjsGRU(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, h0);
      assert.equal(ours.length, oracle.length, 'number of outputs');
      ours.forEach((t, i) => assertClose(t.values, oracle[i], 1e-5, `output ${i}`));
    });
  }

  it('has the gradients of tfjs w.r.t. input, initial state, kernel, recurrent_kernel and bias', () => {
    const options: GruCase = { units: UNITS, resetAfter: false, returnSequences: true };
    const layer = makeLayer(options);
    const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
    const h0 = u([BATCH, UNITS]);
    const r = u([BATCH, TIMESTEPS, UNITS]);
    const [kernel, recurrent, bias] = layer.weights;
    const { grads } = ops.valueAndGrads(
      () => ops.sum(ops.multiply(layer.apply(x, { initialState: [h0] }), r)),
      [x, h0, kernel, recurrent, bias],
    );
    const oracle = tfjsGradients(tfjsGRU(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, h0, r);
    assertClose(grads[0].values, oracle.x, 1e-4, 'd/dx');
    assertClose(grads[1].values, oracle.h0, 1e-4, 'd/dh0');
    assertClose(grads[2].values, oracle.weights[0], 1e-4, 'd/dkernel');
    assertClose(grads[3].values, oracle.weights[1], 1e-4, 'd/drecurrent_kernel');
    assertClose(grads[4].values, oracle.weights[2], 1e-4, 'd/dbias');
  });

  it('and the float64 reference loop agrees with tfjs too (so it can stand in for reset_after=true)', () => {
    const options: GruCase = { units: UNITS, resetAfter: false, returnSequences: true, goBackwards: true };
    const layer = makeLayer(options);
    const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
    const h0 = u([BATCH, UNITS]);
    const oracle = tfjsForward(tfjsGRU(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, h0);
    assertClose(kerasGru(x, h0, layer.getWeights(), options).sequence, oracle[0], 1e-5);
  });
});

describe('GRU with resetAfter true (Keras 3 default) matches the Keras formula', () => {
  const cases: [string, GruCase, boolean][] = [
    ['last output (the defaults)', { units: UNITS, resetAfter: true }, false],
    ['returnSequences with an initial state', { units: UNITS, resetAfter: true, returnSequences: true }, true],
    ['goBackwards with returnSequences and returnState', { units: UNITS, resetAfter: true, goBackwards: true, returnSequences: true, returnState: true }, true],
    ['without bias', { units: UNITS, resetAfter: true, useBias: false, returnSequences: true }, true],
  ];
  for (const [what, options, withState] of cases) {
    it(what, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const h0 = withState ? u([BATCH, UNITS]) : null;
      const ours = asList(h0 ? layer.apply(x, { initialState: [h0] }) : layer.apply(x));
      const expected = kerasGru(x, h0, layer.getWeights(), options);
      assertClose(ours[0].values, options.returnSequences ? expected.sequence : expected.last, 1e-5, 'output');
      if (options.returnState) assertClose(ours[1].values, expected.last, 1e-5, 'state');
    });
  }

  it('puts the recurrent bias (row 1) inside the reset gate product: one unit by hand', () => {
    // 1 feature, 1 unit, one step from h0 = 0.5 with x = 1, all of W and U zero except U_h = 1.
    // b_input = [0, 0, 0]; b_recurrent = [0, 0, 2]. z = r = sigmoid(0) = 0.5;
    // hh = tanh(0 + r * (h0 * U_h + b_rh)) = tanh(0.5 * 2.5); h = 0.5 * 0.5 + 0.5 * hh.
    const layer = new GRU(1);
    const x = ops.tensor([[[1]]]);
    layer.apply(x);
    layer.setWeights([ops.tensor([[0, 0, 0]]), ops.tensor([[0, 0, 1]]), ops.tensor([[0, 0, 0], [0, 0, 2]])]);
    const y = layer.apply(x, { initialState: [ops.tensor([[0.5]])] });
    assertClose(y.values, [0.25 + 0.5 * Math.tanh(1.25)], 1e-6);
    // Without reset_after the same numbers give hh = tanh((r * h0) U_h) = tanh(0.25) (no recurrent bias).
    const before = new GRU(1, { resetAfter: false });
    before.apply(x);
    before.setWeights([ops.tensor([[0, 0, 0]]), ops.tensor([[0, 0, 1]]), ops.tensor([0, 0, 0])]);
    assertClose(before.apply(x, { initialState: [ops.tensor([[0.5]])] }).values, [0.25 + 0.5 * Math.tanh(0.25)], 1e-6);
  });

  it('has gradients w.r.t. input, initial state and every weight that match central differences', () => {
    const layer = makeLayer({ units: 3, resetAfter: true, returnSequences: true });
    const x = u([2, TIMESTEPS, FEATURES]);
    const h0 = u([2, 3]);
    const [kernel, recurrent, bias] = layer.weights;
    checkGradients((xs, hs) => layer.apply(xs, { initialState: [hs] }), [x, h0, kernel, recurrent, bias]);
  });

  it('and with resetAfter false', () => {
    const layer = makeLayer({ units: 3, resetAfter: false, goBackwards: true });
    const x = u([2, TIMESTEPS, FEATURES]);
    const h0 = u([2, 3]);
    const [kernel, recurrent, bias] = layer.weights;
    checkGradients((xs, hs) => layer.apply(xs, { initialState: [hs] }), [x, h0, kernel, recurrent, bias]);
  });
});

describe('GRU config (Keras 3 gru.py GRU.get_config over rnn.py RNN.get_config)', () => {
  /**
   * The first GRU of shared/fixtures/keras-files/k3_gru.keras (written by Keras 3.15.0), as in
   * `unzip -p k3_gru.keras config.json`, shared_object_id keys stripped.
   */
  const KERAS_3_15_GRU = {
    name: 'gru_2', trainable: true,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
    units: 64, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
    kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null }, registered_name: null },
    recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null },
    bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
    dropout: 0.0, recurrent_dropout: 0.0, reset_after: true, seed: null,
  };

  it('the copied config is the one in the .keras file', (t) => {
    const configs = fixtureLayerConfigs('k3_gru.keras', 'GRU');
    if (!configs) {
      t.skip('shared/fixtures not present (set KERATS_FIXTURES to the keras-files folder)');
      return;
    }
    assert.equal(configs.length, 2);
    assert.deepEqual(configs[0], KERAS_3_15_GRU);
  });

  it('writes the same keys as Keras, in the same order, with the same values', () => {
    const ours = new GRU(64, { returnSequences: true }).getConfig();
    assert.deepEqual(Object.keys(ours), Object.keys(KERAS_3_15_GRU));
    // Keras 3.15's GlorotUniform config also lists its (null) input_axes / output_axes; kerats's
    // serializeInitializer leaves null axes out, which reads back the same.
    const { name: _a, kernel_initializer: kOurs, ...oursRest } = ours;
    const { name: _b, kernel_initializer: kTheirs, ...theirsRest } = KERAS_3_15_GRU;
    assert.deepEqual(oursRest, theirsRest);
    assert.equal((kOurs as { class_name: string }).class_name, kTheirs.class_name);
    assert.equal((kOurs as { config: { seed: unknown } }).config.seed, null);
  });

  it('reads the Keras config back into the same layer', () => {
    const layer = GRU.fromConfig(KERAS_3_15_GRU);
    assert.equal(layer.name, 'gru_2');
    assert.equal(layer.units, 64);
    assert.equal(layer.resetAfter, true);
    assert.deepEqual(layer.apply(Input([480, 3])).shape, [null, 480, 64]);
    assert.equal(layer.countParams(), 13248);
    assert.equal(GRU.fromConfig({ ...KERAS_3_15_GRU, reset_after: false }).resetAfter, false);
    assert.throws(() => GRU.fromConfig({ ...KERAS_3_15_GRU, dropout: 0.3 }), /GRU: dropout is not supported yet/);
    assert.throws(() => GRU.fromConfig({ ...KERAS_3_15_GRU, dtype: 'float16' }), /float32/);
  });

  it('round-trips through fromConfig', () => {
    for (const layer of [
      new GRU(6, { returnSequences: true, returnState: true, goBackwards: true, activation: 'relu', useBias: false, unroll: true }),
      new GRU(2, { resetAfter: false, recurrentActivation: 'hard_sigmoid', biasInitializer: 'ones', seed: 3, name: 'g' }),
    ]) {
      const again = GRU.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
      assert.deepEqual(again.getConfig(), layer.getConfig());
    }
  });
});
