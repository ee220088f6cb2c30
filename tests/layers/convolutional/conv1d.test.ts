/** Conv1D computes what Keras computes: by hand (the seed's experiment) and against tfjs's conv1d layer. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Conv1D, type Conv1DArgs } from '../../../src/layers/convolutional/index.js';
import {
  assertAllClose, assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForward, tfjsLayerForwardAndGrads, tfjsOpsForwardAndGrads,
  useTfjsCpu,
} from './oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(1234);
});

describe('Conv1D', () => {
  it('sums over the features and the kernel window (the seed: Conv1D(1, 3, kernel ones) on (1, 128, 9))', () => {
    const x = ops.randomUniform([1, 128, 9], -1, 1);
    const layer = new Conv1D(1, 3, { activation: 'linear', kernelInitializer: 'ones' });
    const y = layer.apply(x);
    assert.deepEqual(y.shape, [1, 126, 1]);
    // By hand: featureSum[s] = sum_f x[s, f]; output[t] = featureSum[t] + featureSum[t+1] + featureSum[t+2].
    const featureSum = Array.from({ length: 128 }, (_, s) => {
      let acc = 0;
      for (let f = 0; f < 9; f++) acc += x.values[s * 9 + f];
      return acc;
    });
    const expected = Array.from({ length: 126 }, (_, t) => featureSum[t] + featureSum[t + 1] + featureSum[t + 2]);
    assertAllClose(y.values, expected, 'output', 1e-5);
  });

  const cases: { what: string; filters: number; kernel: number; args: Conv1DArgs; input: number[] }[] = [
    { what: 'valid', filters: 4, kernel: 3, args: {}, input: [2, 11, 3] },
    { what: 'same with stride 2', filters: 5, kernel: 4, args: { strides: 2, padding: 'same' }, input: [2, 9, 2] },
    { what: 'valid with stride 3 and relu', filters: 3, kernel: 2, args: { strides: 3, activation: 'relu' }, input: [3, 10, 4] },
    { what: 'same, kernel longer than the input', filters: 2, kernel: 7, args: { padding: 'same' }, input: [1, 4, 3] },
    { what: 'no bias', filters: 3, kernel: 3, args: { useBias: false, padding: 'same' }, input: [2, 6, 2] },
  ];
  for (const c of cases) {
    it(`matches tfjs's conv1d layer, forward and gradients: ${c.what}`, () => {
      const layer = new Conv1D(c.filters, c.kernel, { ...c.args, biasInitializer: 'random_normal' });
      const x = ops.randomUniform(c.input, -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      const theirs = tfjsLayerForwardAndGrads(
        tf.layers.conv1d({
          filters: c.filters, kernelSize: c.kernel, strides: (c.args.strides as number) ?? 1,
          padding: c.args.padding as 'valid' | 'same' | undefined, activation: c.args.activation as 'relu' | undefined,
          useBias: c.args.useBias ?? true,
        }),
        x, layer.getWeights(), ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, c.what);
    });
  }

  it('matches tfjs with dilation: forward through the tfjs layer, gradients through tf.conv1d on a zero-stuffed kernel', () => {
    for (const padding of ['valid', 'same'] as const) {
      const layer = new Conv1D(3, 3, { dilationRate: 2, padding, biasInitializer: 'random_normal' });
      const x = ops.randomUniform([2, 12, 2], -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      // tfjs cannot differentiate a dilated conv, so only the layer's forward is compared.
      const theirLayer = tfjsLayerForward(tf.layers.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, padding }), x, layer.getWeights());
      assert.deepEqual(ours.yShape, theirLayer.shape);
      assertAllClose(ours.y, theirLayer.dataSync(), `dilated ${padding}: output`);
      const [kernel, bias] = layer.getWeights();
      const theirOps = tfjsOpsForwardAndGrads((xs, w) => tf.conv1d(xs as tf.Tensor3D, w as tf.Tensor3D, 1, padding), x, kernel, bias, [2], ours.r);
      assertSameForwardAndGrads(ours, theirOps, `dilated ${padding}`);
    }
  });

  it('causal padding equals left-padding dilation * (kernel - 1) steps then a valid conv (tfjs has no causal Conv1D)', () => {
    for (const [dilation, stride] of [[1, 1], [2, 1], [1, 2]]) {
      const layer = new Conv1D(3, 3, { padding: 'causal', dilationRate: dilation, strides: stride, biasInitializer: 'random_normal' });
      const x = ops.randomUniform([2, 9, 2], -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      const [kernel, bias] = layer.getWeights();
      const leftPad = (3 - 1) * dilation;
      const theirs = tfjsOpsForwardAndGrads(
        (xs, w) => tf.conv1d(tf.pad(xs, [[0, 0], [leftPad, 0], [0, 0]]) as tf.Tensor3D, w as tf.Tensor3D, stride, 'valid'),
        x, kernel, bias, [dilation], ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, `causal d=${dilation} s=${stride}`);
    }
  });

  it('causal output at step t depends only on steps <= t', () => {
    const layer = new Conv1D(2, 3, { padding: 'causal' });
    const x = ops.randomUniform([1, 8, 2], -1, 1);
    const before = layer.apply(x).values.slice();
    const changed = x.values.slice();
    for (let f = 0; f < 2; f++) changed[5 * 2 + f] += 1; // change step 5
    const after = layer.apply(ops.tensor(changed, [1, 8, 2])).values;
    for (let t = 0; t < 5; t++) {
      for (let f = 0; f < 2; f++) assert.equal(after[t * 2 + f], before[t * 2 + f], `step ${t} unchanged`);
    }
    assert.notDeepEqual(Array.from(after.slice(10, 12)), Array.from(before.slice(10, 12)));
  });
});
