/**
 * Bidirectional (keras/src/layers/rnn/bidirectional.py): shapes and parameters, weight order (forward
 * then backward), every merge mode with and without return_sequences against TensorFlow.js 4.22's
 * tf.layers.bidirectional holding the same weights (recurrentActivation 'sigmoid' set explicitly, since
 * tfjs defaults to hard_sigmoid), merge_mode None and return_state by hand, the summary row, errors,
 * and Keras 3's config through deserialize.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { Dense, Input, LSTM, SimpleRNN, deserialize } from '../../../src/layers/index.js';
import { Bidirectional, type MergeMode } from '../../../src/layers/rnn/index.js';
import { resetNames } from '../../../src/layers/naming.js';
import { Sequential } from '../../../src/models/sequential.js';
import {
  assertAllClose, assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForwardAndGrads, useTfjsCpu,
} from '../convolutional/oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(12);
});

function randomize(layer: Bidirectional): void {
  layer.setWeights(layer.weights.map((w) => ops.randomUniform(w.shape, -0.8, 0.8)));
}

describe('Bidirectional shapes and parameters', () => {
  it('Bidirectional(LSTM(10)) on (5, 3): (None, 20) with 2*4*10*(3+10+1) = 1120 parameters', () => {
    const layer = new Bidirectional(new LSTM(10));
    assert.deepEqual(layer.apply(Input([5, 3])).shape, [null, 20]);
    assert.equal(layer.countParams(), 1120);
  });

  it('holds the forward weights, then the backward ones, in fresh layers named forward_<name> and backward_<name>', () => {
    const lstm = new LSTM(2, { name: 'enc' });
    const layer = new Bidirectional(lstm);
    layer.apply(Input([4, 3]));
    assert.deepEqual(layer.weights.map((w) => w.name), [
      'forward_enc/kernel', 'forward_enc/recurrent_kernel', 'forward_enc/bias',
      'backward_enc/kernel', 'backward_enc/recurrent_kernel', 'backward_enc/bias',
    ]);
    assert.equal(lstm.built, false, 'the layer passed in is only a template, as in Keras');
    assert.equal(layer.backwardLayer.goBackwards, true);
  });

  it('merge modes and return_sequences / return_state give Keras\'s shapes', () => {
    const shape = (mergeMode: MergeMode, returnSequences: boolean, returnState = false) =>
      new Bidirectional(new LSTM(4, { returnSequences, returnState }), { mergeMode }).apply(Input([6, 3])) as unknown;
    const shapesOf = (out: unknown) => (Array.isArray(out) ? out.map((o: { shape: unknown }) => o.shape) : (out as { shape: unknown }).shape);
    assert.deepEqual(shapesOf(shape('concat', true)), [null, 6, 8]);
    assert.deepEqual(shapesOf(shape('sum', true)), [null, 6, 4]);
    assert.deepEqual(shapesOf(shape('ave', false)), [null, 4]);
    assert.deepEqual(shapesOf(shape(null, false)), [[null, 4], [null, 4]]);
    // return_state: output, then forward [h, c], then backward [h, c].
    assert.deepEqual(shapesOf(shape('concat', false, true)), [[null, 8], [null, 4], [null, 4], [null, 4], [null, 4]]);
    assert.deepEqual(shapesOf(shape(null, true, true)), [[null, 6, 4], [null, 6, 4], [null, 4], [null, 4], [null, 4], [null, 4]]);
  });
});

describe('Bidirectional matches tfjs', () => {
  for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
    for (const returnSequences of [false, true]) {
      it(`LSTM, merge_mode ${mergeMode}, return_sequences ${returnSequences}: forward and gradients (x and all 6 weights)`, () => {
        const layer = new Bidirectional(new LSTM(3, { returnSequences }), { mergeMode });
        const x = ops.randomUniform([2, 4, 2], -1, 1);
        layer.apply(x);
        randomize(layer);
        const ours = ourForwardAndGrads(layer, x);
        const oracle = tf.layers.bidirectional({
          layer: tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences }) as tf.RNN,
          mergeMode,
        });
        assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), `${mergeMode}/${returnSequences}`);
      });
    }
  }

  it('SimpleRNN (relu), concat with return_sequences', () => {
    const layer = new Bidirectional(new SimpleRNN(3, { activation: 'relu', returnSequences: true }));
    const x = ops.randomUniform([2, 5, 3], -1, 1);
    layer.apply(x);
    randomize(layer);
    const ours = ourForwardAndGrads(layer, x);
    const oracle = tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3, activation: 'relu', returnSequences: true }) as tf.RNN });
    assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), 'SimpleRNN');
  });
});

describe('Bidirectional by hand', () => {
  it('merge_mode null returns [forward, backward flipped back in time]; return_state appends forward then backward states', () => {
    const layer = new Bidirectional(new LSTM(3, { returnSequences: true, returnState: true }), { mergeMode: null });
    const x = ops.randomUniform([2, 4, 2], -1, 1);
    const out = layer.apply(x) as unknown as Tensor[];
    assert.equal(out.length, 6);
    const [fy, fh, fc] = layer.forwardLayer.apply(x) as unknown as Tensor[];
    const [by, bh, bc] = layer.backwardLayer.apply(x) as unknown as Tensor[];
    assertAllClose(out[0].values, fy.values, 'forward output');
    assertAllClose(out[1].values, ops.reverse(by, 1).values, 'backward output, back in input order');
    [fh, fc, bh, bc].forEach((s, i) => assertAllClose(out[2 + i].values, s.values, `state ${i}`));
  });

  it('initialState: the first half goes to the forward layer, the second half to the backward one', () => {
    const layer = new Bidirectional(new LSTM(2), { mergeMode: 'concat' });
    const x = ops.randomUniform([1, 3, 2], -1, 1);
    const states = [0, 1, 2, 3].map(() => ops.randomUniform([1, 2], -1, 1));
    const y = layer.apply(x, { initialState: states });
    const f = layer.forwardLayer.apply(x, { initialState: states.slice(0, 2) }) as Tensor;
    const b = layer.backwardLayer.apply(x, { initialState: states.slice(2) }) as Tensor;
    assertAllClose(y.values, ops.concatenate([f, b], -1).values, 'output');
    assert.throws(() => layer.apply(x, { initialState: states.slice(0, 3) }), /length must be even/);
  });
});

describe('Bidirectional in a model', () => {
  it("summary() shows 'bidirectional (Bidirectional)' with (None, 20) and 1120", () => {
    resetNames();
    const model = new Sequential([Input([5, 3]), new Bidirectional(new LSTM(10))]);
    const text = model.summary({ printFn: () => {} });
    assert.match(text, /\nbidirectional \(Bidirectional \(None, 20\) +1120 +\n/);
    assert.match(model.summary({ printFn: () => {}, lineLength: 100 }), /\nbidirectional \(Bidirectional\) +\(None, 20\) +1120 +\n/);
    assert.match(text, /Total params: 1,120\n/);
  });
});

describe('Bidirectional errors', () => {
  it('wraps only recurrent layers', () => {
    assert.throws(() => new Bidirectional(new Dense(3)), /wraps a recurrent layer.*Received: Dense/);
  });

  it("refuses an unknown merge mode with Keras's message", () => {
    assert.throws(() => new Bidirectional(new LSTM(2), { mergeMode: 'max' as MergeMode }), /Invalid merge mode. Received: max/);
  });

  it('refuses a backward layer that does not go backwards, or differs in return_sequences', () => {
    assert.throws(() => new Bidirectional(new LSTM(2), { backwardLayer: new LSTM(2) }), /different `go_backwards` value/);
    assert.throws(() => new Bidirectional(new LSTM(2), { backwardLayer: new LSTM(2, { goBackwards: true, returnSequences: true }) }),
      /same value for attribute "return_sequences"/);
  });

  it("explains a 2-D input with the recurrent layer's fix", () => {
    assert.throws(() => new Bidirectional(new LSTM(2)).apply(Input([7])), /expected ndim=3.*no timestep axis.*Input\(\[7, 1\]\)/s);
  });
});

describe('Bidirectional config', () => {
  it("writes {name, trainable, dtype, merge_mode, layer, backward_layer} and round-trips through deserialize", () => {
    const layer = new Bidirectional(new LSTM(3, { name: 'lstm_x', returnSequences: true }), { name: 'bi', mergeMode: 'sum' });
    layer.apply(Input([4, 2]));
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'merge_mode', 'layer', 'backward_layer']);
    assert.equal(config.merge_mode, 'sum');
    const forward = (config.layer as { class_name: string; config: Record<string, unknown> });
    const backward = (config.backward_layer as { class_name: string; config: Record<string, unknown> });
    assert.equal(forward.class_name, 'LSTM');
    assert.equal(forward.config.name, 'forward_lstm_x');
    assert.equal(forward.config.go_backwards, false);
    assert.equal(backward.config.name, 'backward_lstm_x');
    assert.equal(backward.config.go_backwards, true);
    const copy = deserialize({ class_name: 'Bidirectional', config }) as Bidirectional;
    assert.ok(copy instanceof Bidirectional);
    copy.apply(Input([4, 2]));
    assert.deepEqual(copy.weights.map((w) => w.name), layer.weights.map((w) => w.name));
    assert.deepEqual(copy.getConfig(), config);
  });
});
