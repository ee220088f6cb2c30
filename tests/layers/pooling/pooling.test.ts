/**
 * The pooling layers compute what Keras computes: forward and input gradients against tfjs 4.22's
 * pooling layers (CPU backend) on random inputs with distinct values (no ties in a max window).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import type { Layer } from '../../../src/layers/layer.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from '../../../src/layers/pooling/index.js';
import { assertAllClose, tf, toTf, useTfjsCpu } from '../convolutional/oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(2024);
});

/** Random values without repeats: a shuffled ramp in [-0.5, 0.5). */
function distinct(shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const order = ops.randomUniform([size], 0, 1).values;
  const idx = Array.from({ length: size }, (_, i) => i).sort((a, b) => order[a] - order[b]);
  return new Tensor(Float32Array.from(idx.map((i) => (i - size / 2) / size)), shape);
}

/** Output and d(sum(y * r))/dx of our layer and of the tfjs layer on the same x. */
function assertMatchesTfjs(ours: Layer, theirs: tf.layers.Layer, x: Tensor, what: string, checkGradient = true): void {
  const y = ours.apply(x);
  const r = ops.randomUniform(y.shape, -1, 1);
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.multiply(ours.apply(x), r)), [x]);
  const rTf = toTf(r);
  const yTf = theirs.apply(toTf(x)) as tf.Tensor;
  const dxTf = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(theirs.apply(t) as tf.Tensor, rTf)))(toTf(x));
  assert.deepEqual(y.shape, yTf.shape, `${what}: output shape`);
  assertAllClose(y.values, yTf.dataSync(), `${what}: output`, 1e-6);
  if (checkGradient) assertAllClose(grads[0].values, dxTf.dataSync(), `${what}: d/dx`, 1e-5);
}

describe('windowed pooling layers against tfjs', () => {
  const cases1d: { what: string; pool: number; strides?: number; padding?: 'valid' | 'same' }[] = [
    { what: 'defaults (pool 2, strides = pool)', pool: 2 },
    { what: 'pool 3, stride 2, valid', pool: 3, strides: 2 },
    { what: 'pool 4, stride 3, same', pool: 4, strides: 3, padding: 'same' },
    { what: 'pool 2, stride 1, same', pool: 2, strides: 1, padding: 'same' },
  ];
  for (const c of cases1d) {
    it(`MaxPooling1D matches tf.layers.maxPooling1d: ${c.what}`, () => {
      assertMatchesTfjs(
        new MaxPooling1D(c.pool, { strides: c.strides, padding: c.padding }),
        tf.layers.maxPooling1d({ poolSize: c.pool, strides: c.strides, padding: c.padding }),
        distinct([2, 11, 3]), c.what,
      );
    });
    it(`AveragePooling1D matches tf.layers.averagePooling1d: ${c.what}`, () => {
      // tfjs's AvgPoolGrad is wrong for 'same' (see tests/ops/pooling.test.ts); checked there by finite differences.
      assertMatchesTfjs(
        new AveragePooling1D(c.pool, { strides: c.strides, padding: c.padding }),
        tf.layers.averagePooling1d({ poolSize: c.pool, strides: c.strides, padding: c.padding }),
        ops.randomUniform([2, 11, 3], -1, 1), c.what, c.padding !== 'same',
      );
    });
  }

  const cases2d: { what: string; pool: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same'; input: number[] }[] = [
    { what: 'defaults on (7, 6, 2): the odd row is dropped', pool: 2, input: [2, 7, 6, 2] },
    { what: '(3, 2) pool, strides (1, 2), valid', pool: [3, 2], strides: [1, 2], input: [2, 6, 7, 3] },
    { what: '3x3 pool, stride 2, same on odd sizes', pool: 3, strides: 2, padding: 'same', input: [1, 7, 5, 2] },
    { what: '2x2 pool, stride 1, same', pool: 2, strides: 1, padding: 'same', input: [2, 4, 5, 2] },
  ];
  for (const c of cases2d) {
    it(`MaxPooling2D matches tf.layers.maxPooling2d: ${c.what}`, () => {
      assertMatchesTfjs(
        new MaxPooling2D(c.pool, { strides: c.strides, padding: c.padding }),
        tf.layers.maxPooling2d({ poolSize: c.pool, strides: c.strides, padding: c.padding }),
        distinct(c.input), c.what,
      );
    });
    it(`AveragePooling2D matches tf.layers.averagePooling2d: ${c.what}`, () => {
      assertMatchesTfjs(
        new AveragePooling2D(c.pool, { strides: c.strides, padding: c.padding }),
        tf.layers.averagePooling2d({ poolSize: c.pool, strides: c.strides, padding: c.padding }),
        ops.randomUniform(c.input, -1, 1), c.what, c.padding !== 'same',
      );
    });
  }
});

describe('global pooling layers against tfjs', () => {
  it('GlobalMaxPooling1D matches tf.layers.globalMaxPooling1d', () => {
    assertMatchesTfjs(new GlobalMaxPooling1D(), tf.layers.globalMaxPooling1d(), distinct([3, 7, 4]), 'GlobalMaxPooling1D');
  });
  it('GlobalAveragePooling1D matches tf.layers.globalAveragePooling1d', () => {
    assertMatchesTfjs(new GlobalAveragePooling1D(), tf.layers.globalAveragePooling1d(), ops.randomUniform([3, 7, 4], -1, 1), 'GlobalAveragePooling1D');
  });
  it('GlobalMaxPooling2D matches tf.layers.globalMaxPooling2d', () => {
    assertMatchesTfjs(new GlobalMaxPooling2D(), tf.layers.globalMaxPooling2d({}), distinct([2, 5, 4, 3]), 'GlobalMaxPooling2D');
  });
  it('GlobalAveragePooling2D matches tf.layers.globalAveragePooling2d', () => {
    assertMatchesTfjs(new GlobalAveragePooling2D(), tf.layers.globalAveragePooling2d({}), ops.randomUniform([2, 5, 4, 3], -1, 1), 'GlobalAveragePooling2D');
  });

  it('keepdims keeps the spatial axes with length 1 and the same values', () => {
    const x = ops.randomUniform([2, 5, 4, 3], -1, 1);
    const kept = new GlobalAveragePooling2D({ keepdims: true }).apply(x);
    const flat = new GlobalAveragePooling2D().apply(x);
    assert.deepEqual(kept.shape, [2, 1, 1, 3]);
    assertAllClose(kept.values, flat.values, 'keepdims values');
    assert.deepEqual(new GlobalMaxPooling1D({ keepdims: true }).apply(ops.randomUniform([2, 6, 3])).shape, [2, 1, 3]);
  });

  it('GlobalMaxPooling1D picks the per-channel maximum over steps (by hand)', () => {
    // steps x channels: [[1, 8], [5, 2], [3, 4]] -> [5, 8]
    const y = new GlobalMaxPooling1D().apply(ops.tensor([1, 8, 5, 2, 3, 4], [1, 3, 2]));
    assert.deepEqual(Array.from(y.values), [5, 8]);
  });
});
