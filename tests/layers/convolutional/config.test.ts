/** getConfig writes Keras 3's JSON; fromConfig reads it back (and tf.keras 2's). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../../src/core/errors.js';
import { Input } from '../../../src/layers/core/input.js';
import { Conv1D, Conv2D, Conv2DTranspose } from '../../../src/layers/convolutional/index.js';
import type { Layer } from '../../../src/layers/layer.js';
import { fixtureLayerConfigs } from '../../helpers/kerasFixture.js';

/**
 * The Conv1D of shared/fixtures/keras-files/k3_conv1d_dense.keras (written by Keras 3.13.2), as in
 * `unzip -p k3_conv1d_dense.keras config.json`: config.layers[1].config, copied verbatim.
 */
const KERAS_3_13_CONV1D = {
  name: 'conv1d_1',
  trainable: true,
  dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
  filters: 8,
  kernel_size: [2],
  strides: [1],
  padding: 'valid',
  data_format: 'channels_last',
  dilation_rate: [1],
  groups: 1,
  activation: 'relu',
  use_bias: true,
  kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

function roundTrip(layer: Layer, fromConfig: (c: Record<string, unknown>) => Layer): void {
  const config = layer.getConfig();
  const json = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  assert.deepEqual(fromConfig(json).getConfig(), config);
}

describe('convolution layer configs', () => {
  it('a Conv1D writes the same config as Keras 3.13, key for key and in the same order', () => {
    const ours = new Conv1D(8, 2, { activation: 'relu' }).getConfig();
    const { name: _ours, ...oursRest } = ours;
    const { name: _theirs, ...theirsRest } = KERAS_3_13_CONV1D;
    assert.deepEqual(Object.keys(ours), Object.keys(KERAS_3_13_CONV1D));
    assert.deepEqual(oursRest, theirsRest);
  });

  it('the copied Conv1D config is the one in the .keras file', (t) => {
    const configs = fixtureLayerConfigs('k3_conv1d_dense.keras', 'Conv1D');
    if (!configs) {
      t.skip('shared/fixtures not present (set KERATS_FIXTURES to the keras-files folder)');
      return;
    }
    assert.deepEqual(configs[0], KERAS_3_13_CONV1D);
  });

  it('reads that Keras config back into the same layer', () => {
    const layer = Conv1D.fromConfig(KERAS_3_13_CONV1D);
    assert.ok(layer instanceof Conv1D);
    assert.equal(layer.name, 'conv1d_1');
    assert.deepEqual(layer.getConfig(), KERAS_3_13_CONV1D);
    assert.deepEqual(layer.apply(Input([3, 8])).shape, [null, 2, 8]);
    assert.equal(layer.countParams(), 136); // the fixture's summary: 2 * 8 * 8 + 8
  });

  it('getConfig -> fromConfig gives an equal config for each class', () => {
    roundTrip(new Conv1D(5, 3, { strides: 2, padding: 'causal', activation: 'tanh', useBias: false, name: 'a' }), Conv1D.fromConfig);
    roundTrip(new Conv1D(5, 3, { dilationRate: 4, kernelInitializer: 'he_normal', biasInitializer: 'ones', trainable: false }), Conv1D.fromConfig);
    roundTrip(new Conv2D(7, [3, 1], { strides: [2, 1], padding: 'same', activation: 'relu' }), Conv2D.fromConfig);
    roundTrip(new Conv2D(2, 3, { dilationRate: [2, 1], kernelInitializer: { class_name: 'RandomNormal', config: { mean: 1, stddev: 0.5, seed: 3 } } }), Conv2D.fromConfig);
    roundTrip(new Conv2DTranspose(4, [3, 4]), Conv2DTranspose.fromConfig);
    roundTrip(new Conv2DTranspose(2, 3, { strides: [2, 3], padding: 'same', outputPadding: [1, 2], activation: 'sigmoid' }), Conv2DTranspose.fromConfig);
  });

  it('Conv2DTranspose writes Keras\'s keys, no groups, and output_padding (so it survives a reload)', () => {
    const config = new Conv2DTranspose(2, 3, { strides: 2, outputPadding: 1 }).getConfig();
    assert.deepEqual(Object.keys(config), [
      'name', 'trainable', 'dtype', 'filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format',
      'dilation_rate', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer',
      'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint',
    ]);
    assert.deepEqual(config.output_padding, [1, 1]);
    assert.equal(new Conv2DTranspose(2, 3).getConfig().output_padding, null);
    const reloaded = Conv2DTranspose.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.deepEqual(reloaded.apply(Input([4, 4, 1])).shape, [null, 10, 10, 2]);
  });

  it('a Keras 3 config without output_padding (3.13 omits it; keras-team/keras#23014 adds it) reads as null', () => {
    const { output_padding: _omitted, ...config } = new Conv2DTranspose(2, 3, { strides: 2 }).getConfig();
    assert.equal(Conv2DTranspose.fromConfig(config).outputPadding, null);
  });

  it('reads tf.keras 2 configs: dtype as a string, batch_input_shape, groups on a transpose', () => {
    const layer = Conv1D.fromConfig({ ...KERAS_3_13_CONV1D, dtype: 'float32', batch_input_shape: [null, 100, 3] });
    assert.deepEqual(layer.batchInputShape, [null, 100, 3]);
    assert.deepEqual(layer.getConfig().dtype, KERAS_3_13_CONV1D.dtype);
    const transpose = Conv2DTranspose.fromConfig({
      name: 'up', trainable: true, dtype: 'float32', filters: 3, kernel_size: [2, 2], strides: [2, 2], padding: 'valid',
      data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      output_padding: null,
    });
    assert.deepEqual(transpose.apply(Input([3, 3, 1])).shape, [null, 6, 6, 3]);
  });

  it('accepts scalars for tuples, names for initializers, and the whole serialized form', () => {
    const layer = Conv2D.fromConfig({
      module: 'keras.layers', class_name: 'Conv2D', registered_name: null,
      config: { name: 'k', filters: 3, kernel_size: 2, strides: 1, padding: 'same', kernel_initializer: 'he_uniform' },
      build_config: { input_shape: [null, 4, 4, 1] },
    });
    assert.deepEqual(layer.kernelSize, [2, 2]);
    assert.equal(layer.padding, 'same');
    assert.equal((layer.getConfig().kernel_initializer as { class_name: string }).class_name, 'HeUniform');
  });

  it('refuses what it cannot honour: another class, other dtypes, unknown regularizers, groups, channels_first', () => {
    assert.throws(() => Conv1D.fromConfig({ class_name: 'Conv2D', config: KERAS_3_13_CONV1D }), /given a Conv2D config/);
    assert.throws(() => Conv1D.fromConfig({ ...KERAS_3_13_CONV1D, dtype: 'float16' }), /only dtype float32/);
    assert.throws(() => Conv1D.fromConfig({
      ...KERAS_3_13_CONV1D, dtype: { class_name: 'DTypePolicy', config: { name: 'mixed_float16' } },
    }), /only dtype float32/);
    assert.throws(() => Conv1D.fromConfig({
      ...KERAS_3_13_CONV1D, kernel_regularizer: { class_name: 'Orthogonal', config: { factor: 0.01 } },
    }), (e: unknown) => e instanceof ValueError && /Unknown regularizer: 'Orthogonal'/.test(e.message));
    assert.throws(() => Conv1D.fromConfig({ ...KERAS_3_13_CONV1D, groups: 2 }), /only groups=1/);
    assert.throws(() => Conv2D.fromConfig({ filters: 2, kernel_size: [2, 2], data_format: 'channels_first' }), /channels_first/);
    assert.throws(() => Conv2DTranspose.fromConfig({ filters: 2, kernel_size: [2, 2], groups: 2 }), /only groups=1/);
    assert.throws(() => Conv1D.fromConfig({ kernel_size: [2] }), /needs `filters` and `kernel_size`/);
    assert.throws(() => Conv1D.fromConfig({ ...KERAS_3_13_CONV1D, lora_rank: 4 }), /lora_rank/);
  });

  it('round-trips regularizers and constraints as Keras writes them', () => {
    const l2 = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null };
    const maxNorm = { module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 2, axis: 0 }, registered_name: null };
    const layer = Conv1D.fromConfig({ ...KERAS_3_13_CONV1D, kernel_regularizer: l2, activity_regularizer: l2, kernel_constraint: maxNorm });
    const config = layer.getConfig();
    assert.deepEqual(config.kernel_regularizer, l2);
    assert.deepEqual(config.activity_regularizer, l2);
    assert.deepEqual(config.kernel_constraint, maxNorm);
    assert.equal(config.bias_regularizer, null);
    assert.deepEqual(Conv2DTranspose.fromConfig({ filters: 2, kernel_size: [2, 2], bias_constraint: 'non_neg' }).getConfig().bias_constraint,
      { module: 'keras.constraints', class_name: 'NonNeg', config: {}, registered_name: null });
  });
});
