/**
 * Conv2DTranspose computes what Keras (TensorFlow/JAX semantics) computes: against tfjs's conv2dTranspose
 * layer where tfjs follows Keras, and against tf.conv2dTranspose with an explicit output shape where it
 * does not (tfjs's layer ignores output_padding and dilation; KERAS-FACTS.md).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Conv2DTranspose, type Conv2DTransposeArgs } from '../../../src/layers/convolutional/index.js';
import {
  assertSameForwardAndGrads, ourForwardAndGrads, tf, tfjsLayerForwardAndGrads, tfjsOpsForwardAndGrads, useTfjsCpu,
} from './oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(2024);
});

describe('Conv2DTranspose', () => {
  it('with stride 2 and a 2x2 kernel of ones, spreads each input pixel over a 2x2 block (by hand)', () => {
    const layer = new Conv2DTranspose(1, 2, { strides: 2, kernelInitializer: 'ones', useBias: false });
    const y = layer.apply(ops.tensor([1, 2, 3, 4], [1, 2, 2, 1]));
    assert.deepEqual(y.shape, [1, 4, 4, 1]);
    assert.deepEqual(Array.from(y.values), [
      1, 1, 2, 2,
      1, 1, 2, 2,
      3, 3, 4, 4,
      3, 3, 4, 4,
    ]);
  });

  const cases: { what: string; filters: number; kernel: number | [number, number]; args: Conv2DTransposeArgs; input: number[] }[] = [
    { what: 'valid, stride 1 (the seed chain\'s (3, 4) kernel)', filters: 4, kernel: [3, 4], args: {}, input: [2, 8, 1, 4] },
    { what: 'valid, stride 2, 3x3', filters: 3, kernel: 3, args: { strides: 2 }, input: [2, 4, 3, 2] },
    { what: 'valid, kernel smaller than the stride', filters: 2, kernel: 2, args: { strides: 3 }, input: [1, 3, 4, 2] },
    { what: 'same, stride 2, odd kernel', filters: 2, kernel: 3, args: { strides: 2, padding: 'same' }, input: [2, 4, 5, 3] },
    { what: 'same, stride 2, even kernel', filters: 3, kernel: 4, args: { strides: 2, padding: 'same' }, input: [1, 3, 3, 2] },
    { what: 'same, strides (1, 2), (3, 2) kernel, relu', filters: 2, kernel: [3, 2], args: { strides: [1, 2], padding: 'same', activation: 'relu' }, input: [2, 5, 4, 3] },
    { what: 'no bias', filters: 2, kernel: 2, args: { useBias: false }, input: [1, 3, 3, 2] },
  ];
  for (const c of cases) {
    it(`matches tfjs's conv2dTranspose layer, forward and gradients: ${c.what}`, () => {
      const layer = new Conv2DTranspose(c.filters, c.kernel, { ...c.args, biasInitializer: 'random_normal' });
      const x = ops.randomUniform(c.input, -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      const theirs = tfjsLayerForwardAndGrads(
        tf.layers.conv2dTranspose({
          filters: c.filters, kernelSize: c.kernel, strides: c.args.strides ?? 1, padding: c.args.padding,
          activation: c.args.activation as 'relu' | undefined, useBias: c.args.useBias ?? true,
        }),
        x, layer.getWeights(), ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, c.what);
    });
  }

  // tf.conv2dTranspose(x, w, outputShape, ...) is TensorFlow's conv2d_transpose with an explicit output shape,
  // which is how Keras's TF backend applies output_padding (the shape from compute_conv_transpose_output_shape).
  const padded: { what: string; args: Conv2DTransposeArgs; input: number[]; outHW: [number, number] }[] = [
    // valid: (in - 1) s + k + op = (3 - 1) * 2 + 3 + 1 = 8 and (4 - 1) * 2 + 3 + 0 = 9
    { what: 'valid, output_padding (1, 0)', args: { strides: 2, outputPadding: [1, 0] }, input: [2, 3, 4, 2], outHW: [8, 9] },
    // same: (in - 1) s + k % 2 + op = 2 * 2 + 1 + 1 = 6 and 3 * 2 + 1 + 0 = 7
    { what: 'same, output_padding (1, 0)', args: { strides: 2, padding: 'same', outputPadding: [1, 0] }, input: [1, 3, 4, 2], outHW: [6, 7] },
    // same, stride 3: 2 * 3 + 1 + 2 = 9 and 3 * 3 + 1 + 0 = 10
    { what: 'same, stride 3, output_padding (2, 0)', args: { strides: 3, padding: 'same', outputPadding: [2, 0] }, input: [1, 3, 4, 1], outHW: [9, 10] },
  ];
  for (const c of padded) {
    it(`applies output_padding as TensorFlow does (tfjs's layer ignores it): ${c.what}`, () => {
      const layer = new Conv2DTranspose(3, 3, { ...c.args, biasInitializer: 'random_normal' });
      const x = ops.randomUniform(c.input, -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      const [kernel, bias] = layer.getWeights();
      const outShape: [number, number, number, number] = [c.input[0], c.outHW[0], c.outHW[1], 3];
      const strides = c.args.strides as number;
      const theirs = tfjsOpsForwardAndGrads(
        (xs, w) => tf.conv2dTranspose(xs as tf.Tensor4D, w as tf.Tensor4D, outShape, strides, c.args.padding ?? 'valid'),
        x, kernel, bias, [1, 1], ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, c.what);
    });
  }

  it('applies dilation as TensorFlow does (tfjs\'s layer ignores it): a transposed conv with a zero-stuffed kernel', () => {
    for (const padding of ['valid', 'same'] as const) {
      const dilation: [number, number] = [2, 3];
      const layer = new Conv2DTranspose(2, [3, 2], { dilationRate: dilation, padding, biasInitializer: 'random_normal' });
      const x = ops.randomUniform([2, 4, 3, 2], -1, 1);
      const ours = ourForwardAndGrads(layer, x);
      // effective kernel (5, 4); valid: in - 1 + k' = (8, 6); same with stride 1: the input size
      const outHW = padding === 'valid' ? [8, 6] : [4, 3];
      assert.deepEqual(ours.yShape, [2, ...outHW, 2]);
      const [kernel, bias] = layer.getWeights();
      const theirs = tfjsOpsForwardAndGrads(
        (xs, w) => tf.conv2dTranspose(xs as tf.Tensor4D, w as tf.Tensor4D, [2, outHW[0], outHW[1], 2], 1, padding),
        x, kernel, bias, dilation, ours.r,
      );
      assertSameForwardAndGrads(ours, theirs, `dilated ${padding}`);
    }
  });
});
