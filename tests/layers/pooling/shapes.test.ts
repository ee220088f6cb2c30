/**
 * Output shapes and parameter counts through symbolic application (functional API), including two
 * workloads printed by Keras: the W3 Conv1D + GlobalMaxPooling1D head and Keras's MNIST convnet example
 * (keras.io/examples/vision/mnist_convnet: 34,826 params).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Conv1D, Conv2D, Dense, Flatten, Input } from '../../../src/layers/index.js';
import { ShapeError } from '../../../src/core/errors.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from '../../../src/layers/pooling/index.js';

describe('pooling layers give Keras\'s shapes', () => {
  it('W3: (128, 9) -> Conv1D(100, 10) -> (None, 119, 100) -> GlobalMaxPooling1D -> (None, 100)', () => {
    const conv = new Conv1D(100, 10, { activation: 'relu' });
    const pool = new GlobalMaxPooling1D();
    const h = conv.apply(Input([128, 9]));
    assert.deepEqual(h.shape, [null, 119, 100]);
    assert.deepEqual(pool.apply(h).shape, [null, 100]);
    assert.equal(pool.countParams(), 0);
  });

  it("Keras's MNIST convnet: (28, 28, 1) -> ... -> (5, 5, 64) -> 1600 -> 10, with 34,826 params", () => {
    const layers = [
      new Conv2D(32, 3, { activation: 'relu' }), new MaxPooling2D(2),
      new Conv2D(64, 3, { activation: 'relu' }), new MaxPooling2D(2),
      new Flatten(), new Dense(10, { activation: 'softmax' }),
    ];
    // (shape, params): conv 3*3*1*32+32 = 320; conv 3*3*32*64+64 = 18,496; dense 1600*10+10 = 16,010
    const expected: [(number | null)[], number][] = [
      [[null, 26, 26, 32], 320], [[null, 13, 13, 32], 0],
      [[null, 11, 11, 64], 18496], [[null, 5, 5, 64], 0],
      [[null, 1600], 0], [[null, 10], 16010],
    ];
    let x = Input([28, 28, 1]);
    layers.forEach((layer, i) => {
      x = layer.apply(x);
      assert.deepEqual(x.shape, expected[i][0], `layer ${i} (${layer.className}) output shape`);
      assert.equal(layer.countParams(), expected[i][1], `layer ${i} (${layer.className}) params`);
    });
    assert.equal(layers.reduce((n, l) => n + l.countParams(), 0), 34826);
  });

  it('valid: floor((n - pool) / stride) + 1; same: ceil(n / stride)', () => {
    assert.deepEqual(new MaxPooling1D(3, { strides: 2 }).apply(Input([10, 4])).shape, [null, 4, 4]);
    assert.deepEqual(new AveragePooling1D(3, { strides: 2, padding: 'same' }).apply(Input([10, 4])).shape, [null, 5, 4]);
    assert.deepEqual(new MaxPooling2D([3, 2], { strides: [1, 2] }).apply(Input([6, 7, 3])).shape, [null, 4, 3, 3]);
    assert.deepEqual(new AveragePooling2D(3, { strides: 2, padding: 'same' }).apply(Input([7, 5, 2])).shape, [null, 4, 3, 2]);
  });

  it('unknown spatial sizes stay unknown; channels pass through', () => {
    assert.deepEqual(new MaxPooling2D().apply(Input([null, 8, 3])).shape, [null, null, 4, 3]);
    assert.deepEqual(new GlobalAveragePooling1D().apply(Input([null, 6])).shape, [null, 6]);
  });

  it('global pooling: (None, channels), or ones in place of the spatial axes with keepdims', () => {
    assert.deepEqual(new GlobalMaxPooling2D().apply(Input([7, 5, 3])).shape, [null, 3]);
    assert.deepEqual(new GlobalAveragePooling2D({ keepdims: true }).apply(Input([7, 5, 3])).shape, [null, 1, 1, 3]);
    assert.deepEqual(new GlobalMaxPooling1D({ keepdims: true }).apply(Input([7, 5])).shape, [null, 1, 5]);
  });
});

describe('pooling layers explain shape errors', () => {
  it('a window larger than the input with valid padding is a ShapeError naming the layer and the fix', () => {
    const layer = new MaxPooling1D(5, { name: 'pool_too_big' });
    assert.throws(() => layer.apply(Input([4, 3])), (e: Error) =>
      e instanceof ShapeError && /Layer "pool_too_big" \(MaxPooling1D\)/.test(e.message) &&
      /pool_size=\(5,\)/.test(e.message) && /padding: 'same'/.test(e.message));
    assert.throws(() => new AveragePooling2D([2, 6]).apply(Input([8, 5, 1])), (e: Error) =>
      e instanceof ShapeError && /AveragePooling2D/.test(e.message) && /width/.test(e.message));
  });

  it('MaxPooling2D on (28, 28) suggests adding a channels axis', () => {
    assert.throws(() => new MaxPooling2D().apply(Input([28, 28])), (e: Error) =>
      e instanceof ShapeError && /ndim=4/.test(e.message) && /Input\(\[28, 28, 1\]\)/.test(e.message) &&
      /Reshape\(\[28, 28, 1\]\)/.test(e.message) && /MaxPooling1D/.test(e.message));
  });

  it('MaxPooling1D on images points to MaxPooling2D; GlobalMaxPooling1D likewise', () => {
    assert.throws(() => new MaxPooling1D().apply(Input([28, 28, 1])), (e: Error) =>
      e instanceof ShapeError && /use MaxPooling2D/.test(e.message));
    assert.throws(() => new GlobalMaxPooling1D().apply(Input([28, 28, 1])), (e: Error) =>
      e instanceof ShapeError && /use GlobalMaxPooling2D/.test(e.message));
  });

  it('eager calls are checked the same way', () => {
    assert.throws(() => new GlobalAveragePooling2D().apply(Input([10])), ShapeError);
  });
});
