/**
 * LSTM (Keras 3 keras/src/layers/rnn/lstm.py): shapes, parameter counts, unit_forget_bias, errors,
 * values and gradients against TensorFlow.js 4.22's tf.layers.lstm holding the same weights (with
 * recurrentActivation 'sigmoid' set explicitly: tfjs defaults to hard_sigmoid), a two-step sequence by
 * hand, finite differences, and the config of a real Keras 3.3.3 file (k3_lstm.keras).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Input } from '../../../src/layers/core/input.js';
import type { SymbolicTensor } from '../../../src/layers/symbolic.js';
import { LSTM, type LSTMArgs } from '../../../src/layers/rnn/index.js';
import { FLOAT32_POLICY } from '../../../src/layers/layer.js';
import { assertClose, checkGradients } from '../../helpers/gradcheck.js';
import { tfjsForward, tfjsGradientsStates, tfjsLSTM, useTfjsCpu, type GatedRnnOptions } from './tfjsOracle.js';
import { fixtureLayerConfigs } from '../../helpers/kerasFixture.js';

setSeed(21);
const BATCH = 3, TIMESTEPS = 4, FEATURES = 2, UNITS = 5;
const u = (shape: number[], lo = -1, hi = 1) => ops.randomUniform(shape, lo, hi);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** A built LSTM with random (non-default) weights, so every term matters. */
function makeLayer(options: GatedRnnOptions): LSTM {
  const layer = new LSTM(options.units, { ...options } as LSTMArgs);
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

describe('LSTM shapes and parameters', () => {
  it('maps Input([12, 24]) to (None, 12, 50) with 4*50*(24+50+1) = 15000 parameters (k3_lstm.keras summary)', () => {
    const layer = new LSTM(50, { returnSequences: true });
    const y = layer.apply(Input([12, 24]));
    assert.deepEqual(y.shape, [null, 12, 50]);
    assert.equal(layer.countParams(), 15000);
    // The file's second LSTM(50) on (12, 50): 4*50*(50+50+1) = 20200.
    const second = new LSTM(50);
    assert.deepEqual(second.apply(y).shape, [null, 50]);
    assert.equal(second.countParams(), 20200);
  });

  it('has kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units), in that order', () => {
    const layer = new LSTM(3);
    layer.apply(Input([5, 2]));
    assert.deepEqual(layer.weights.map((w) => w.name), [`${layer.name}/kernel`, `${layer.name}/recurrent_kernel`, `${layer.name}/bias`]);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[2, 12], [3, 12], [12]]);
    const noBias = new LSTM(3, { useBias: false });
    noBias.apply(Input([5, 2]));
    assert.equal(noBias.countParams(), 4 * 3 * (2 + 3));
  });

  it('starts the forget-gate block of the bias (gate order i, f, c, o) at 1 with unitForgetBias (the default)', () => {
    const layer = new LSTM(2);
    layer.apply(Input([3, 1]));
    assert.deepEqual(Array.from(layer.getWeights()[2].values), [0, 0, 1, 1, 0, 0, 0, 0]);
    const plain = new LSTM(2, { unitForgetBias: false });
    plain.apply(Input([3, 1]));
    assert.deepEqual(Array.from(plain.getWeights()[2].values), [0, 0, 0, 0, 0, 0, 0, 0]);
    // Keras concatenates bias_initializer((u,)), ones((u,)), bias_initializer((2u,)).
    const ones = new LSTM(2, { biasInitializer: 'ones' });
    ones.apply(Input([3, 1]));
    assert.deepEqual(Array.from(ones.getWeights()[2].values), [1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('returns [output, h, c] with returnState', () => {
    const layer = new LSTM(4, { returnState: true, returnSequences: true });
    assert.deepEqual(layer.computeOutputShape([null, 6, 3]), [[null, 6, 4], [null, 4], [null, 4]]);
    const outs = layer.apply(Input([6, 3])) as unknown as SymbolicTensor[];
    assert.deepEqual(outs.map((t) => t.shape), [[null, 6, 4], [null, 4], [null, 4]]);
    // Eagerly, the last output is h.
    const [seq, h, c] = layer.apply(u([2, 6, 3])) as unknown as Tensor[];
    assert.deepEqual(c.shape, [2, 4]);
    assertClose(ops.take(seq, 5, 1).values, h.values, 0);
  });
});

describe('LSTM errors', () => {
  it('rejects dropout and recurrent dropout other than 0 as not supported yet', () => {
    assert.throws(() => new LSTM(4, { dropout: 0.2 }), /LSTM: dropout is not supported yet.*dropout=0\.2/);
    assert.throws(() => new LSTM(4, { recurrentDropout: 0.5 }), /LSTM: recurrentDropout is not supported yet/);
    assert.doesNotThrow(() => new LSTM(4, { dropout: 0, recurrentDropout: 0 }));
  });

  it('rejects units <= 0, stateful, and an initial state that is not [h, c]', () => {
    assert.throws(() => new LSTM(0), /expected a positive integer, got 0/);
    assert.throws(() => new LSTM(4, { stateful: true }), /stateful=true is not supported yet/);
    const layer = new LSTM(4);
    const x = ops.zeros([2, 3, 1]);
    assert.throws(() => layer.apply(x, { initialState: [ops.zeros([2, 4])] }), /2 states of shape \(2, 4\), \(2, 4\)/);
  });

  it('rejects a 2-D input with the Input([n, 1]) hint', () => {
    assert.throws(() => new LSTM(4).apply(Input([7])), /Input\(\[7, 1\]\)/);
  });
});

describe('LSTM forward matches tf.layers.lstm with the same weights', () => {
  const cases: [string, GatedRnnOptions, boolean][] = [
    ['last output (default)', { units: UNITS }, false],
    ['returnSequences', { units: UNITS, returnSequences: true }, false],
    ['goBackwards with returnSequences (outputs in processing order)', { units: UNITS, goBackwards: true, returnSequences: true }, false],
    ['returnState with returnSequences: [output, h, c]', { units: UNITS, returnSequences: true, returnState: true }, false],
    ['initial states [h0, c0], goBackwards and returnState', { units: UNITS, goBackwards: true, returnState: true }, true],
    ['relu, without bias', { units: UNITS, activation: 'relu', useBias: false, returnSequences: true }, true],
    ['tanh as recurrentActivation (the gates follow the argument)', { units: UNITS, recurrentActivation: 'tanh', returnSequences: true }, true],
  ];
  for (const [what, options, withState] of cases) {
    it(what, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const states = withState ? [u([BATCH, UNITS]), u([BATCH, UNITS])] : undefined;
      const ours = asList(states ? layer.apply(x, { initialState: states }) : layer.apply(x));
      const oracle = tfjsForward(tfjsLSTM(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, states);
      assert.equal(ours.length, oracle.length, 'number of outputs');
      assert.equal(ours.length, options.returnState ? 3 : 1);
      ours.forEach((t, i) => assertClose(t.values, oracle[i], 1e-5, `output ${i}`));
    });
  }
});

describe('LSTM gradients match tfjs (tf.grads and tf.variableGrads)', () => {
  for (const options of [
    { units: UNITS, returnSequences: true },
    { units: UNITS, goBackwards: true },
  ] as GatedRnnOptions[]) {
    it(`w.r.t. input, h0, c0, kernel, recurrent_kernel and bias (${options.goBackwards ? 'goBackwards, last output' : 'returnSequences'})`, () => {
      const layer = makeLayer(options);
      const x = u([BATCH, TIMESTEPS, FEATURES], -2, 2);
      const h0 = u([BATCH, UNITS]), c0 = u([BATCH, UNITS]);
      const r = u(options.returnSequences ? [BATCH, TIMESTEPS, UNITS] : [BATCH, UNITS]);
      const [kernel, recurrent, bias] = layer.weights;
      const { grads } = ops.valueAndGrads(
        () => ops.sum(ops.multiply(layer.apply(x, { initialState: [h0, c0] }), r)),
        [x, h0, c0, kernel, recurrent, bias],
      );
      const oracle = tfjsGradientsStates(tfjsLSTM(options, layer.getWeights(), [BATCH, TIMESTEPS, FEATURES]), x, [h0, c0], r);
      assertClose(grads[0].values, oracle.x, 1e-4, 'd/dx');
      assertClose(grads[1].values, oracle.states[0], 1e-4, 'd/dh0');
      assertClose(grads[2].values, oracle.states[1], 1e-4, 'd/dc0');
      assertClose(grads[3].values, oracle.weights[0], 1e-4, 'd/dkernel');
      assertClose(grads[4].values, oracle.weights[1], 1e-4, 'd/drecurrent_kernel');
      assertClose(grads[5].values, oracle.weights[2], 1e-4, 'd/dbias');
    });
  }
});

describe('LSTM by hand and by finite differences', () => {
  it('computes i, f, c, o over two timesteps as lstm.py LSTMCell.call does', () => {
    // 1 feature, 1 unit; gate order i, f, c, o in each weight.
    const W = [0.5, -0.3, 0.8, 0.2], U = [0.1, 0.4, -0.6, 0.3], b = [0, 1, 0.1, -0.2];
    const xs = [1, 2];
    const expectedH: number[] = [], expectedC: number[] = [];
    let h = 0, c = 0;
    for (const x of xs) {
      const z = W.map((w, k) => x * w + h * U[k] + b[k]);
      c = sigmoid(z[1]) * c + sigmoid(z[0]) * Math.tanh(z[2]);
      h = sigmoid(z[3]) * Math.tanh(c);
      expectedH.push(h);
      expectedC.push(c);
    }
    const layer = new LSTM(1, { returnSequences: true, returnState: true });
    const input = ops.tensor([[[1], [2]]]);
    layer.apply(input);
    layer.setWeights([ops.tensor([W]), ops.tensor([U]), ops.tensor(b)]);
    const [seq, hT, cT] = layer.apply(input) as unknown as Tensor[];
    assertClose(seq.values, expectedH, 1e-6, 'h_t');
    assertClose(hT.values, [expectedH[1]], 1e-6, 'final h');
    assertClose(cT.values, [expectedC[1]], 1e-6, 'final c');
  });

  it('has gradients w.r.t. input, both initial states and every weight that match central differences', () => {
    const layer = makeLayer({ units: 3, returnSequences: true });
    const x = u([2, TIMESTEPS, FEATURES]);
    const h0 = u([2, 3]), c0 = u([2, 3]);
    const [kernel, recurrent, bias] = layer.weights;
    checkGradients((xs, hs, cs) => layer.apply(xs, { initialState: [hs, cs] }), [x, h0, c0, kernel, recurrent, bias]);
  });
});

describe('LSTM config (Keras 3 lstm.py LSTM.get_config over rnn.py RNN.get_config)', () => {
  /**
   * The first LSTM of shared/fixtures/keras-files/k3_lstm.keras (written by Keras 3.3.3), as in
   * `unzip -p k3_lstm.keras config.json`: config.layers[1].config, shared_object_id keys stripped.
   */
  const KERAS_3_3_LSTM = {
    name: 'lstm', trainable: true, dtype: 'float32',
    return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
    units: 50, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
    kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
    recurrent_initializer: { module: 'keras.initializers', class_name: 'OrthogonalInitializer', config: { gain: 1.0, seed: null }, registered_name: null },
    bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
    unit_forget_bias: true,
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
    dropout: 0.0, recurrent_dropout: 0.0, seed: null,
  };

  it('the copied config is the one in the .keras file', (t) => {
    const configs = fixtureLayerConfigs('k3_lstm.keras', 'LSTM');
    if (!configs) {
      t.skip('shared/fixtures not present (set KERATS_FIXTURES to the keras-files folder)');
      return;
    }
    assert.equal(configs.length, 2);
    assert.deepEqual(configs[0], KERAS_3_3_LSTM);
  });

  it('writes the same keys as Keras, in the same order, with the same values', () => {
    const ours = new LSTM(50, { name: 'lstm_x', returnSequences: true }).getConfig();
    assert.deepEqual(Object.keys(ours), Object.keys(KERAS_3_3_LSTM));
    // Differences that are Keras versions, not LSTM: kerats writes Keras >= 3.5's DTypePolicy dtype and
    // the later class name Orthogonal (3.3 wrote OrthogonalInitializer, same config).
    const { name: _a, dtype: dOurs, recurrent_initializer: rOurs, ...oursRest } = ours;
    const { name: _b, dtype: _d, recurrent_initializer: rTheirs, ...theirsRest } = KERAS_3_3_LSTM;
    assert.deepEqual(oursRest, theirsRest);
    assert.deepEqual(dOurs, FLOAT32_POLICY);
    assert.equal((rOurs as { class_name: string }).class_name, 'Orthogonal');
    assert.deepEqual((rOurs as { config: unknown }).config, rTheirs.config);
  });

  it('reads the Keras config back into the same layer', () => {
    const layer = LSTM.fromConfig(KERAS_3_3_LSTM);
    assert.equal(layer.name, 'lstm');
    assert.equal(layer.units, 50);
    assert.equal(layer.returnSequences, true);
    assert.equal(layer.unitForgetBias, true);
    assert.equal(layer.recurrentActivation.activationName, 'sigmoid');
    assert.deepEqual(layer.apply(Input([12, 24])).shape, [null, 12, 50]);
    assert.equal(layer.countParams(), 15000);
    assert.throws(() => LSTM.fromConfig({ ...KERAS_3_3_LSTM, recurrent_dropout: 0.1 }), /not supported yet/);
    assert.throws(() => LSTM.fromConfig({ ...KERAS_3_3_LSTM, bias_regularizer: { class_name: 'L2', config: { l2: 0.01 } } }), /bias_regularizer is not supported yet/);
    assert.throws(() => LSTM.fromConfig({ ...KERAS_3_3_LSTM, unit_forget_bias: 'yes' }), /unit_forget_bias.*true or false/);
  });

  it('round-trips through fromConfig', () => {
    const layer = new LSTM(6, {
      returnSequences: true, returnState: true, goBackwards: true, activation: 'relu', recurrentActivation: 'hard_sigmoid',
      useBias: false, unitForgetBias: false, unroll: true, kernelInitializer: 'he_normal', seed: 7, trainable: false,
    });
    const again = LSTM.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
    assert.deepEqual(again.getConfig(), layer.getConfig());
  });
});
