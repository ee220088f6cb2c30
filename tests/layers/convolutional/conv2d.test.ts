/** Conv2D computes what Keras computes: checked against tfjs's conv2d layer (forward and gradients). */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Conv2D, type Conv2DArgs } from '../../../src/layers/convolutional/index.js';
import {
  assertAllClose, assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForward, tfjsLayerForwardAndGrads,
  tfjsOpsForwardAndGrads, useTfjsCpu,
} from './oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(99);
});

describe('Conv2D', () => {
  const cases: { what: string; filters: number; kernel: number | [number, number]; args: Conv2DArgs; input: number[] }[] = [
    { what: 'valid 3x3', filters: 4, kernel: 3, args: {}, input: [2, 6, 5, 3] },
    // odd total padding: TensorFlow puts the extra row/column at the end
    { what: 'same with stride 2 on odd sizes', filters: 3, kernel: 4, args: { strides: 2, padding: 'same' }, input: [2, 7, 5, 2] },
    { what: 'valid with strides (2, 3)', filters: 2, kernel: [3, 2], args: { strides: [2, 3] }, input: [1, 9, 10, 2] },
    { what: 'same with a (2, 3) kernel and tanh', filters: 3, kernel: [2, 3], args: { padding: 'same', activation: 'tanh' }, input: [2, 4, 5, 3] },
    { what: 'no bias, 1x1 kernel', filters: 5, kernel: 1, args: { useBias: false }, input: [2, 3, 3, 4] },
  ];
  for (const c of cases) {
    it(`matches tfjs's conv2d layer, forward and gradients: ${c.what}`, () => {
      const layer = new Conv2D(c.filters, c.kernel, { ...c.args, biasInitializer: 'random_normal' });
      const x = ops.randomUniform(c.input, -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      const theirs = tfjsLayerForwardAndGrads(
        tf.layers.conv2d({
          filters: c.filters, kernelSize: c.kernel, strides: c.args.strides ?? 1,
          padding: c.args.padding, activation: c.args.activation as 'tanh' | undefined, useBias: c.args.useBias ?? true,
        }),
        x, layer.getWeights(), ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, c.what);
    });
  }

  it('matches tfjs with dilation: forward through the tfjs layer, gradients through tf.conv2d on a zero-stuffed kernel', () => {
    for (const padding of ['valid', 'same'] as const) {
      const dilation: [number, number] = [2, 1];
      const layer = new Conv2D(2, [3, 2], { dilationRate: dilation, padding, biasInitializer: 'random_normal' });
      const x = ops.randomUniform([2, 8, 5, 3], -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      // tfjs cannot differentiate a dilated conv, so only the layer's forward is compared.
      const theirLayer = tfjsLayerForward(tf.layers.conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: dilation, padding }), x, layer.getWeights());
      assert.deepEqual(ours.yShape, theirLayer.shape);
      assertAllClose(ours.y, theirLayer.dataSync(), `dilated ${padding}: output`);
      const [kernel, bias] = layer.getWeights();
      const theirOps = tfjsOpsForwardAndGrads((xs, w) => tf.conv2d(xs as tf.Tensor4D, w as tf.Tensor4D, 1, padding), x, kernel, bias, dilation, ours.r);
      assertSameForwardAndGrads(ours, theirOps, `dilated ${padding}`);
    }
  });

  it('a 2x2 kernel of ones sums each 2x2 window (by hand)', () => {
    const layer = new Conv2D(1, 2, { kernelInitializer: 'ones', useBias: false });
    // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as (1, 3, 3, 1)
    const y = layer.apply(ops.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
    assert.deepEqual(y.shape, [1, 2, 2, 1]);
    assert.deepEqual(Array.from(y.values), [1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9]);
  });
});
