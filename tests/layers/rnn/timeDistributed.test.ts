/**
 * TimeDistributed (keras/src/layers/rnn/time_distributed.py): shapes and parameters (the inner layer's,
 * shared by every timestep), values and gradients against TensorFlow.js 4.22's tf.layers.timeDistributed
 * holding the same weights, the summary row, errors, and the Wrapper config through deserialize.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Conv2D, Dense, Input, deserialize } from '../../../src/layers/index.js';
import { TimeDistributed } from '../../../src/layers/rnn/index.js';
import { FLOAT32_POLICY } from '../../../src/layers/layer.js';
import { resetNames } from '../../../src/layers/naming.js';
import { Sequential } from '../../../src/models/sequential.js';
import { assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForwardAndGrads, useTfjsCpu } from '../convolutional/oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(8);
});

describe('TimeDistributed shapes and parameters', () => {
  it('TimeDistributed(Dense(8)) on (10, 16): (None, 10, 8) with the Dense\'s 16*8 + 8 = 136 parameters', () => {
    const dense = new Dense(8);
    const layer = new TimeDistributed(dense);
    assert.deepEqual(layer.apply(Input([10, 16])).shape, [null, 10, 8]);
    assert.equal(layer.countParams(), 136);
    // The weights are the inner layer's own variables, not copies.
    assert.deepEqual(layer.weights, dense.weights);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[16, 8], [8]]);
  });

  it('TimeDistributed(Conv2D(4, 3)) on (5, 8, 8, 3) (Keras docstring pattern): (None, 5, 6, 6, 4), 3*3*3*4 + 4 = 112 parameters', () => {
    const layer = new TimeDistributed(new Conv2D(4, 3));
    assert.deepEqual(layer.apply(Input([5, 8, 8, 3])).shape, [null, 5, 6, 6, 4]);
    assert.equal(layer.countParams(), 112);
  });

  it("passes on the inner layer's weight penalties (the inner layer is not in the model's layer list)", () => {
    const layer = new TimeDistributed(new Dense(2, { kernelRegularizer: 'l2' }));
    layer.apply(Input([3, 4]));
    assert.equal(layer.regularizationLosses().length, 1);
  });

  it('freezing the wrapper freezes the inner weights', () => {
    const layer = new TimeDistributed(new Dense(2));
    layer.apply(Input([3, 4]));
    layer.trainable = false;
    assert.equal(layer.trainableWeights.length, 0);
    assert.equal(layer.nonTrainableWeights.length, 2);
  });
});

describe('TimeDistributed matches tfjs', () => {
  it('around Dense(3, tanh): forward and gradients (x, kernel, bias)', () => {
    const layer = new TimeDistributed(new Dense(3, { activation: 'tanh', biasInitializer: 'random_normal' }));
    const x = ops.randomUniform([2, 4, 5], -1, 1);
    const ours = ourForwardAndGrads(layer, x);
    const oracle = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'tanh' }) });
    assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), 'TimeDistributed(Dense)');
  });

  it('around Conv2D(2, 2, same): forward and gradients on (batch, time, h, w, c)', () => {
    const layer = new TimeDistributed(new Conv2D(2, 2, { padding: 'same', biasInitializer: 'random_normal' }));
    const x = ops.randomUniform([2, 3, 4, 4, 2], -1, 1);
    const ours = ourForwardAndGrads(layer, x);
    const oracle = tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same' }) });
    assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), 'TimeDistributed(Conv2D)');
  });
});

describe('TimeDistributed in a model', () => {
  it("summary() shows the row 'time_distributed (TimeDistributed)' with (None, 10, 8) and 136", () => {
    resetNames();
    const model = new Sequential([Input([10, 16]), new TimeDistributed(new Dense(8))]);
    const wide = model.summary({ printFn: () => {}, lineLength: 100 });
    assert.match(wide, /\ntime_distributed \(TimeDistributed\) +\(None, 10, 8\) +136 +\n/);
    // In Keras 2's 65-wide table the name is cut at its column, as the seed shows for Conv2DTranspose.
    const narrow = model.summary({ printFn: () => {} });
    assert.match(narrow, /\ntime_distributed \(TimeDistri \(None, 10, 8\) +136 +\n/);
    assert.match(narrow, /Total params: 136\n/);
  });
});

describe('TimeDistributed errors', () => {
  it('needs a timesteps axis and says how to get one', () => {
    assert.throws(() => new TimeDistributed(new Dense(2)).apply(Input([16])), /min_ndim=3.*Received: ndim=2.*Input\(\[timesteps, 16\]\)/s);
  });

  it('passes on the inner layer\'s own shape errors', () => {
    assert.throws(() => new TimeDistributed(new Conv2D(2, 3)).apply(Input([4, 8, 8])), /Conv2D/);
  });

  it('refuses something that is not a layer', () => {
    assert.throws(() => new TimeDistributed({} as unknown as Dense), /Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance/);
  });
});

describe('TimeDistributed config', () => {
  it("is Keras's Wrapper config {name, trainable, dtype, layer} and round-trips through deserialize", () => {
    const layer = new TimeDistributed(new Dense(4, { name: 'inner' }), { name: 'td' });
    layer.apply(Input([3, 2]));
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'layer']);
    assert.equal(config.dtype, FLOAT32_POLICY);
    const inner = config.layer as Record<string, unknown>;
    assert.equal(inner.class_name, 'Dense');
    assert.equal((inner.config as Record<string, unknown>).name, 'inner');
    const copy = deserialize({ class_name: 'TimeDistributed', config }) as TimeDistributed;
    assert.ok(copy instanceof TimeDistributed);
    assert.equal(copy.layer.className, 'Dense');
    assert.deepEqual(copy.apply(Input([3, 2])).shape, [null, 3, 4]);
    assert.equal(copy.countParams(), layer.countParams());
  });
});
