/**
 * DepthwiseConv2D and SeparableConv1D/2D (keras/src/layers/convolutional/base_depthwise_conv.py,
 * base_separable_conv.py): weight layouts and parameter counts, values and gradients (input and every
 * weight) against TensorFlow.js 4.22's depthwiseConv2d / separableConv2d layers holding the same weights,
 * SeparableConv1D against separableConv2d on a height-1 image, errors, and Keras 3's configs.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Input, deserialize } from '../../../src/layers/index.js';
import {
  DepthwiseConv2D, SeparableConv1D, SeparableConv2D, type DepthwiseConv2DArgs, type SeparableConv2DArgs,
} from '../../../src/layers/convolutional/index.js';
import { FLOAT32_POLICY } from '../../../src/layers/layer.js';
import {
  assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForwardAndGrads, tfjsOpsForwardAndGrads, useTfjsCpu,
} from './oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(31);
});

/** Random non-default weights so every term matters. */
function randomize(layer: { weights: { shape: number[] }[]; setWeights(w: ReturnType<typeof ops.randomUniform>[]): void }): void {
  layer.setWeights(layer.weights.map((w) => ops.randomUniform(w.shape, -1, 1)));
}

describe('DepthwiseConv2D shapes and parameters', () => {
  it('DepthwiseConv2D(3) on (10, 10, 4): (None, 8, 8, 4), 3*3*4 + 4 = 40 parameters, kernel (3, 3, 4, 1)', () => {
    const layer = new DepthwiseConv2D(3);
    assert.deepEqual(layer.apply(Input([10, 10, 4])).shape, [null, 8, 8, 4]);
    assert.equal(layer.countParams(), 40);
    assert.deepEqual(layer.weights.map((w) => [w.name, w.shape]), [[`${layer.name}/kernel`, [3, 3, 4, 1]], [`${layer.name}/bias`, [4]]]);
  });

  it('depthMultiplier 2 with same padding and stride 2: (None, 5, 5, 8), 3*3*4*2 + 8 = 80 parameters', () => {
    const layer = new DepthwiseConv2D(3, { depthMultiplier: 2, strides: 2, padding: 'same' });
    assert.deepEqual(layer.apply(Input([10, 10, 4])).shape, [null, 5, 5, 8]);
    assert.equal(layer.countParams(), 80);
  });
});

describe('DepthwiseConv2D matches tfjs', () => {
  const cases: { what: string; args: DepthwiseConv2DArgs; kernel: number | [number, number]; input: number[] }[] = [
    { what: 'valid 3x3', args: {}, kernel: 3, input: [2, 5, 6, 3] },
    { what: 'depthMultiplier 2, same, stride 2', args: { depthMultiplier: 2, padding: 'same', strides: 2 }, kernel: [3, 2], input: [2, 5, 4, 2] },
    { what: 'depthMultiplier 3, no bias, relu', args: { depthMultiplier: 3, useBias: false, activation: 'relu' }, kernel: 2, input: [1, 4, 4, 2] },
  ];
  for (const c of cases) {
    it(`forward and gradients (x, kernel, bias): ${c.what}`, () => {
      const layer = new DepthwiseConv2D(c.kernel, c.args);
      const x = ops.randomUniform(c.input, -1, 1);
      layer.apply(x);
      randomize(layer);
      const ours = ourForwardAndGrads(layer, x);
      const oracle = tf.layers.depthwiseConv2d({
        kernelSize: c.kernel, depthMultiplier: c.args.depthMultiplier ?? 1, strides: c.args.strides ?? 1,
        padding: c.args.padding ?? 'valid', useBias: c.args.useBias ?? true, activation: (c.args.activation as 'relu' | undefined) ?? 'linear',
      });
      assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), c.what);
    });
  }

  it('with dilation_rate 2: forward and gradients against tfjs ops with the kernel dilated by hand', () => {
    // tfjs 4.22's DepthwiseConv2D layer drops dilation_rate (it passes null to the op; layers/convolutional_depthwise.js),
    // so the oracle is tf.depthwiseConv2d with zeros inserted between the kernel taps (the same computation).
    const layer = new DepthwiseConv2D(2, { dilationRate: 2, depthMultiplier: 2, padding: 'same' });
    const x = ops.randomUniform([2, 5, 6, 2], -1, 1);
    layer.apply(x);
    randomize(layer);
    const ours = ourForwardAndGrads(layer, x);
    const [kernel, bias] = layer.getWeights();
    const expected = tfjsOpsForwardAndGrads((a, w) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), x, kernel, bias, [2, 2], ours.r);
    assertSameForwardAndGrads(ours, expected, 'dilated depthwise');
  });
});

describe('SeparableConv2D', () => {
  it('SeparableConv2D(8, 3) on (10, 10, 4): (None, 8, 8, 8), 3*3*4 + 4*8 + 8 = 76 parameters', () => {
    const layer = new SeparableConv2D(8, 3);
    assert.deepEqual(layer.apply(Input([10, 10, 4])).shape, [null, 8, 8, 8]);
    assert.equal(layer.countParams(), 76);
    assert.deepEqual(layer.weights.map((w) => [w.name, w.shape]), [
      [`${layer.name}/depthwise_kernel`, [3, 3, 4, 1]], [`${layer.name}/pointwise_kernel`, [1, 1, 4, 8]], [`${layer.name}/bias`, [8]],
    ]);
  });

  const cases: { what: string; filters: number; kernel: number | [number, number]; args: SeparableConv2DArgs; input: number[] }[] = [
    { what: 'valid 3x3', filters: 4, kernel: 3, args: {}, input: [2, 5, 5, 3] },
    { what: 'depthMultiplier 2, same, strides (2, 1), tanh', filters: 3, kernel: [2, 3], args: { depthMultiplier: 2, padding: 'same', strides: [2, 1], activation: 'tanh' }, input: [2, 5, 4, 2] },
    { what: 'no bias', filters: 2, kernel: 2, args: { useBias: false }, input: [1, 3, 4, 3] },
  ];
  for (const c of cases) {
    it(`matches tfjs, forward and gradients (x, depthwise, pointwise, bias): ${c.what}`, () => {
      const layer = new SeparableConv2D(c.filters, c.kernel, c.args);
      const x = ops.randomUniform(c.input, -1, 1);
      layer.apply(x);
      randomize(layer);
      const ours = ourForwardAndGrads(layer, x);
      const oracle = tf.layers.separableConv2d({
        filters: c.filters, kernelSize: c.kernel, depthMultiplier: c.args.depthMultiplier ?? 1, strides: c.args.strides ?? 1,
        padding: c.args.padding ?? 'valid', useBias: c.args.useBias ?? true, activation: (c.args.activation as 'tanh' | undefined) ?? 'linear',
      });
      assertSameForwardAndGrads(ours, tfjsLayerForwardAndGrads(oracle, x, layer.getWeights(), ours.r), c.what);
    });
  }
});

describe('SeparableConv1D', () => {
  it('SeparableConv1D(6, 3, depthMultiplier 2) on (12, 4): (None, 10, 6), 3*4*2 + 8*6 + 6 = 78 parameters', () => {
    const layer = new SeparableConv1D(6, 3, { depthMultiplier: 2 });
    assert.deepEqual(layer.apply(Input([12, 4])).shape, [null, 10, 6]);
    assert.equal(layer.countParams(), 78);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[3, 4, 2], [1, 8, 6], [6]]);
  });

  it("equals tfjs's separableConv2d on a height-1 image with the same weights (forward and gradients)", () => {
    const layer = new SeparableConv1D(3, 3, { depthMultiplier: 2, padding: 'same', strides: 2 });
    const x = ops.randomUniform([2, 7, 2], -1, 1);
    layer.apply(x);
    randomize(layer);
    const ours = ourForwardAndGrads(layer, x);
    // The same numbers as a (batch, 1, steps, channels) image and (1, k, ...) kernels: row-major order is unchanged.
    const x4 = ops.reshape(x, [2, 1, 7, 2]);
    const [dw, pw, b] = layer.getWeights();
    const oracle = tf.layers.separableConv2d({ filters: 3, kernelSize: [1, 3], depthMultiplier: 2, padding: 'same', strides: [1, 2] });
    const expected = tfjsLayerForwardAndGrads(oracle, x4, [ops.reshape(dw, [1, 3, 2, 2]), ops.reshape(pw, [1, 1, 4, 3]), b], ops.reshape(ours.r, [2, 1, 4, 3]));
    assertSameForwardAndGrads(ours, { ...expected, yShape: [2, 4, 3] }, 'SeparableConv1D');
  });
});

describe('depthwise and separable errors', () => {
  it('refuse a non-positive depth_multiplier and filters', () => {
    assert.throws(() => new DepthwiseConv2D(3, { depthMultiplier: 0 }), /Expected a strictly positive value. Received depth_multiplier=0/);
    assert.throws(() => new SeparableConv2D(0, 3), /Received filters=0/);
  });

  it('refuse strides > 1 with dilation > 1, and causal padding', () => {
    assert.throws(() => new DepthwiseConv2D(3, { strides: 2, dilationRate: 2 }), /`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
    assert.throws(() => new SeparableConv1D(2, 3, { padding: 'causal' as 'same' }), /padding=causal/);
  });

  it('explain a missing channels axis and a kernel larger than the input', () => {
    assert.throws(() => new DepthwiseConv2D(3).apply(Input([10, 10])), /add a channels axis: Input\(\[10, 10, 1\]\)/);
    assert.throws(() => new SeparableConv2D(2, 5).apply(Input([3, 8, 1])), /output length of -1.*padding: 'same'/s);
  });

  it('refuse inputs with a different channel count after building', () => {
    const layer = new SeparableConv2D(2, 3);
    layer.apply(Input([6, 6, 3]));
    assert.throws(() => layer.apply(Input([6, 6, 4])), /built for inputs with 3 channels/);
  });
});

describe('depthwise and separable configs', () => {
  const initializer = (name: string) => ({ module: 'keras.initializers', class_name: name, config: name === 'Zeros' ? {} : { seed: null }, registered_name: null });

  it("DepthwiseConv2D writes Keras 3's keys in order and round-trips through deserialize", () => {
    const layer = new DepthwiseConv2D(3, { name: 'dw', depthMultiplier: 2 });
    const config = layer.getConfig();
    assert.deepEqual(config, {
      name: 'dw', trainable: true, dtype: FLOAT32_POLICY, depth_multiplier: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'valid',
      data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true,
      depthwise_initializer: initializer('GlorotUniform'), bias_initializer: initializer('Zeros'),
      depthwise_regularizer: null, bias_regularizer: null, activity_regularizer: null, depthwise_constraint: null, bias_constraint: null,
    });
    assert.deepEqual(Object.keys(config).slice(3, 5), ['depth_multiplier', 'kernel_size']);
    assert.deepEqual(deserialize({ class_name: 'DepthwiseConv2D', config }).getConfig(), config);
  });

  it("SeparableConv1D/2D write Keras 3's keys in order and round-trip through deserialize", () => {
    for (const layer of [new SeparableConv2D(8, 3, { name: 's2', strides: 2 }), new SeparableConv1D(4, 5, { name: 's1', padding: 'same' })]) {
      const config = layer.getConfig();
      assert.deepEqual(Object.keys(config), [
        'name', 'trainable', 'dtype', 'depth_multiplier', 'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate',
        'activation', 'use_bias', 'depthwise_initializer', 'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer',
        'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint',
      ]);
      assert.deepEqual(config.pointwise_initializer, initializer('GlorotUniform'));
      const copy = deserialize({ class_name: layer.className, config });
      assert.equal(copy.className, layer.className);
      assert.deepEqual(copy.getConfig(), config);
    }
  });
});
