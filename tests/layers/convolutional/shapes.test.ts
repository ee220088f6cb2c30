/**
 * Output shapes and parameter counts of the seed's models (shared/seed.txt: Keras summaries
 * printed by Keras itself), through symbolic application as in the functional API.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input } from '../../../src/layers/core/input.js';
import { Conv1D, Conv2D, Conv2DTranspose } from '../../../src/layers/convolutional/index.js';

describe('convolution layers give Keras\'s shapes and parameter counts', () => {
  it('Conv1D(32, 5, strides 2, same) on (128, 1) gives (None, 64, 32): same pads, the stride halves', () => {
    const layer = new Conv1D(32, 5, { strides: 2, padding: 'same' });
    const y = layer.apply(Input([128, 1]));
    assert.deepEqual(y.shape, [null, 64, 32]);
    // kernel (5, 1, 32) + bias 32
    assert.equal(layer.countParams(), 5 * 1 * 32 + 32);
  });

  it('Conv1D(100, 10) on (128, 9) gives (None, 119, 100) with 9100 params', () => {
    const layer = new Conv1D(100, 10, { activation: 'relu' });
    const y = layer.apply(Input([128, 9]));
    assert.deepEqual(y.shape, [null, 119, 100]);
    assert.equal(layer.countParams(), 9100);
  });

  it('Conv1D(32, 5, same) on (45, 45) has a (5, 45, 32) kernel: 7200 weights plus 32 biases', () => {
    const layer = new Conv1D(32, 5, { padding: 'same' });
    const y = layer.apply(Input([45, 45]));
    assert.deepEqual(y.shape, [null, 45, 32]);
    assert.deepEqual(layer.kernel!.shape, [5, 45, 32]);
    assert.equal(layer.kernel!.size, 7200);
    assert.deepEqual(layer.bias!.shape, [32]);
    assert.equal(layer.countParams(), 7232);
  });

  it('Conv2D(32, 5, same, no bias) on (45, 45, 1) has 800 params and keeps 45 x 45', () => {
    const layer = new Conv2D(32, 5, { padding: 'same', useBias: false });
    const y = layer.apply(Input([45, 45, 1]));
    assert.deepEqual(y.shape, [null, 45, 45, 32]);
    assert.deepEqual(layer.kernel!.shape, [5, 5, 1, 32]);
    assert.equal(layer.bias, null);
    assert.equal(layer.countParams(), 800);
  });

  it('the deconv chain takes (10, 3, 1) to (12, 10, 1) with 325 params', () => {
    const layers = [
      new Conv2D(2, [2, 2]),
      new Conv2D(4, [2, 2]),
      new Conv2DTranspose(4, [3, 4]),
      new Conv2DTranspose(2, [2, 4]),
      new Conv2DTranspose(1, [2, 4]),
    ];
    const expected: [(number | null)[], number][] = [
      [[null, 9, 2, 2], 10],
      [[null, 8, 1, 4], 36],
      [[null, 10, 4, 4], 196],
      [[null, 11, 7, 2], 66],
      [[null, 12, 10, 1], 17],
    ];
    let x = Input([10, 3, 1]);
    layers.forEach((layer, i) => {
      x = layer.apply(x);
      assert.deepEqual(x.shape, expected[i][0], `layer ${i} (${layer.className}) output shape`);
      assert.equal(layer.countParams(), expected[i][1], `layer ${i} (${layer.className}) params`);
    });
    assert.equal(layers.reduce((n, l) => n + l.countParams(), 0), 325);
  });

  it('Conv2DTranspose kernels are (kh, kw, filters, in_channels)', () => {
    const layer = new Conv2DTranspose(4, [3, 4]);
    layer.apply(Input([8, 1, 4]));
    assert.deepEqual(layer.kernel!.shape, [3, 4, 4, 4]);
    const other = new Conv2DTranspose(2, [2, 4]);
    other.apply(Input([10, 4, 4]));
    assert.deepEqual(other.kernel!.shape, [2, 4, 2, 4]);
  });

  it('weights come in Keras\'s order, kernel then bias, named after the layer', () => {
    const layer = new Conv2D(3, 2, { name: 'c' });
    layer.apply(Input([5, 5, 2]));
    assert.deepEqual(layer.weights.map((w) => w.name), ['c/kernel', 'c/bias']);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[2, 2, 2, 3], [3]]);
  });

  it('an unknown spatial length stays unknown; causal keeps the length; dilation shrinks valid output', () => {
    assert.deepEqual(new Conv1D(4, 3).apply(Input([null, 2])).shape, [null, null, 4]);
    assert.deepEqual(new Conv1D(4, 3, { padding: 'causal', dilationRate: 2 }).apply(Input([10, 2])).shape, [null, 10, 4]);
    // effective kernel (3 - 1) * 2 + 1 = 5: 10 - 5 + 1 = 6
    assert.deepEqual(new Conv1D(4, 3, { dilationRate: 2 }).apply(Input([10, 2])).shape, [null, 6, 4]);
    // same with stride 3: ceil(10 / 3) = 4; valid: floor((7 - 3) / 2) + 1 = 3
    assert.deepEqual(new Conv2D(1, 3, { strides: [3, 2], padding: 'same' }).apply(Input([10, 7, 1])).shape, [null, 4, 4, 1]);
    assert.deepEqual(new Conv2D(1, 3, { strides: 2 }).apply(Input([7, 7, 1])).shape, [null, 3, 3, 1]);
  });

  it('Conv2DTranspose output lengths: same multiplies by the stride, output_padding picks the length', () => {
    // same, op None: in * s
    assert.deepEqual(new Conv2DTranspose(1, 3, { strides: 2, padding: 'same' }).apply(Input([5, 4, 1])).shape, [null, 10, 8, 1]);
    // valid, op None: (in - 1) s + max(k, s) = 4 * 2 + 3 = 11
    assert.deepEqual(new Conv2DTranspose(1, 3, { strides: 2 }).apply(Input([5, 5, 1])).shape, [null, 11, 11, 1]);
    // valid with k < s: (5 - 1) * 3 + max(2, 3) = 15
    assert.deepEqual(new Conv2DTranspose(1, 2, { strides: 3 }).apply(Input([5, 5, 1])).shape, [null, 15, 15, 1]);
    // valid, op 1: (in - 1) s + k + op = 8 + 3 + 1 = 12
    assert.deepEqual(new Conv2DTranspose(1, 3, { strides: 2, outputPadding: 1 }).apply(Input([5, 5, 1])).shape, [null, 12, 12, 1]);
    // same, op [0, 1]: (in - 1) s + k % 2 + op = 8 + 1 + 0 = 9 and 8 + 1 + 1 = 10
    assert.deepEqual(
      new Conv2DTranspose(1, 3, { strides: 2, padding: 'same', outputPadding: [0, 1] }).apply(Input([5, 5, 1])).shape,
      [null, 9, 10, 1],
    );
    // dilation 2, kernel 3 -> effective 5; valid: (4 - 1) * 1 + 5 = 8
    assert.deepEqual(new Conv2DTranspose(1, 3, { dilationRate: 2 }).apply(Input([4, 4, 1])).shape, [null, 8, 8, 1]);
  });
});
