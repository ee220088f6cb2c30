/**
 * maxPool and averagePool compute what TensorFlow computes: forward and gradients against tfjs 4.22's
 * tf.maxPool / tf.avgPool (CPU backend), gradients also against finite differences, and small cases by hand.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ops from '../../src/ops/index.js';
import { ShapeError, ValueError } from '../../src/core/errors.js';
import { setSeed } from '../../src/core/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  setSeed(7);
});

/** Distinct values (a shuffled ramp), so no window holds a tie and the max gradient is unambiguous. */
function distinct(shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = Float32Array.from({ length: size }, (_, i) => (i - size / 2) / size);
  const order = ops.randomUniform([size], 0, 1).values;
  const idx = Array.from({ length: size }, (_, i) => i).sort((a, b) => order[a] - order[b]);
  return new Tensor(Float32Array.from(idx.map((i) => values[i])), shape);
}

type Pool = typeof ops.maxPool;

/** Our op's output and gradient of sum(y * r), and tfjs's on the same input (1-D as height-1 2-D in tfjs). */
function compare(ours: Pool, mode: 'max' | 'avg', x: Tensor, pool: number[], strides: number[], padding: 'valid' | 'same'): void {
  const y = ours(x, pool, strides, padding);
  const r = ops.randomUniform(y.shape, -1, 1);
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.multiply(ours(x, pool, strides, padding), r)), [x]);

  const oneD = x.rank === 3;
  const shape4 = oneD ? [x.shape[0], 1, x.shape[1], x.shape[2]] : x.shape;
  const pool2 = (oneD ? [1, pool[0]] : pool) as [number, number];
  const strides2 = (oneD ? [1, strides[0]] : strides) as [number, number];
  const f = (t: tf.Tensor) => (mode === 'max' ? tf.maxPool : tf.avgPool)(t as tf.Tensor4D, pool2, strides2, padding);
  const xTf = tf.tensor(Array.from(x.values), shape4);
  const rTf = tf.tensor(Array.from(r.values), oneD ? [y.shape[0], 1, y.shape[1], y.shape[2]] : y.shape);
  const yTf = f(xTf);
  const dxTf = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), rTf)))(xTf);

  assert.deepEqual(y.shape, oneD ? [yTf.shape[0], yTf.shape[2], yTf.shape[3]] : yTf.shape, 'output shape');
  assertClose(y.values, yTf.dataSync(), 1e-6, 'output');
  // tfjs 4.22's CPU AvgPoolGrad divides by the full window size even where its forward divided by the
  // count of real elements ('same' padding; node_modules/@tensorflow/tfjs-backend-cpu/dist/kernels/AvgPoolGrad.js,
  // `avgMultiplier = 1 / (filterHeight * filterWidth)`), so there the gradient is checked by finite differences.
  if (mode === 'avg' && padding === 'same') return;
  assertClose(grads[0].values, dxTf.dataSync(), 1e-5, 'd/dx');
}

const cases: { what: string; input: number[]; pool: number[]; strides: number[]; padding: 'valid' | 'same' }[] = [
  { what: '2-D valid 2x2, stride 2', input: [2, 6, 5, 3], pool: [2, 2], strides: [2, 2], padding: 'valid' },
  { what: '2-D same 3x3, stride 2 on odd sizes (extra pad at the end)', input: [2, 7, 5, 2], pool: [3, 3], strides: [2, 2], padding: 'same' },
  { what: '2-D valid (3, 2) overlapping windows, strides (1, 2)', input: [1, 6, 7, 2], pool: [3, 2], strides: [1, 2], padding: 'valid' },
  { what: '2-D same (2, 3), stride 1', input: [2, 4, 5, 3], pool: [2, 3], strides: [1, 1], padding: 'same' },
  { what: '1-D valid 3, stride 2', input: [2, 9, 3], pool: [3], strides: [2], padding: 'valid' },
  { what: '1-D same 4, stride 3', input: [2, 10, 2], pool: [4], strides: [3], padding: 'same' },
];

describe('maxPool and averagePool against tfjs', () => {
  for (const c of cases) {
    it(`maxPool matches tf.maxPool, forward and gradient: ${c.what}`, () => {
      compare(ops.maxPool, 'max', distinct(c.input), c.pool, c.strides, c.padding);
    });
    const avgWhat = c.padding === 'same' ? 'forward (gradient: see below)' : 'forward and gradient';
    it(`averagePool matches tf.avgPool, ${avgWhat}: ${c.what}`, () => {
      compare(ops.averagePool, 'avg', ops.randomUniform(c.input, -1, 1), c.pool, c.strides, c.padding);
    });
  }
});

describe('pooling gradients against finite differences', () => {
  it('maxPool (2-D same, and 1-D valid with overlapping windows) on distinct values', () => {
    checkGradients((x) => ops.maxPool(x, [3, 2], [2, 1], 'same'), [distinct([1, 5, 4, 2])], { eps: 1e-3 });
    checkGradients((x) => ops.maxPool(x, 3, 1, 'valid'), [distinct([2, 7, 2])], { eps: 1e-3 });
  });

  it('averagePool (2-D same with strides, 1-D same and valid)', () => {
    checkGradients((x) => ops.averagePool(x, [2, 3], [2, 2], 'same'), [ops.randomUniform([2, 5, 5, 2], -1, 1)]);
    checkGradients((x) => ops.averagePool(x, [3, 3], [2, 2], 'same'), [ops.randomUniform([1, 7, 5, 2], -1, 1)]);
    checkGradients((x) => ops.averagePool(x, 4, 3, 'same'), [ops.randomUniform([2, 10, 2], -1, 1)]);
    checkGradients((x) => ops.averagePool(x, 2, 1, 'valid'), [ops.randomUniform([1, 6, 3], -1, 1)]);
  });
});

describe('pooling by hand', () => {
  const ramp = ops.tensor([1, 2, 3, 4, 5], [1, 5, 1]);

  it('max over [1..5] with pool 2, stride 1, valid is [2, 3, 4, 5] (the MaxPooling1D docstring example)', () => {
    assert.deepEqual(Array.from(ops.maxPool(ramp, 2, 1, 'valid').values), [2, 3, 4, 5]);
  });

  it("average over [1..5] with pool 2, stride 1, same ends in 5: the padded position is not counted", () => {
    // 'same' with k=2, s=1 pads one step at the end; the last window holds only 5, so its mean is 5 / 1.
    assert.deepEqual(Array.from(ops.averagePool(ramp, 2, 1, 'same').values), [1.5, 2.5, 3.5, 4.5, 5]);
  });

  it("the 'same' average gradient shares each window's dy among its real elements only", () => {
    // windows {1,2} {2,3} {3,4} {4,5} {5}: d(sum of means)/dx = [1/2, 1/2+1/2, 1, 1, 1/2 + 1/1]
    const { grads } = ops.valueAndGrads(() => ops.sum(ops.averagePool(ramp, 2, 1, 'same')), [ramp]);
    assert.deepEqual(Array.from(grads[0].values), [0.5, 1, 1, 1, 1.5]);
  });

  it('strides default to the pool size', () => {
    assert.deepEqual(Array.from(ops.maxPool(ramp, 2).values), [2, 4]);
    assert.deepEqual(ops.averagePool(ops.zeros([1, 6, 4, 1]), [2, 2]).shape, [1, 3, 2, 1]);
  });

  it('the max gradient goes to the first maximum of a window when values tie (TensorFlow\'s rule)', () => {
    const x = ops.tensor([1, 3, 3, 2], [1, 4, 1]);
    const { grads } = ops.valueAndGrads(() => ops.sum(ops.maxPool(x, 4)), [x]);
    assert.deepEqual(Array.from(grads[0].values), [0, 1, 0, 0]);
  });

  it('overlapping windows add their gradients at a shared maximum', () => {
    // windows [1, 9], [9, 2], [2, 4] (pool 2, stride 1): 9 is the max of two of them.
    const x = ops.tensor([1, 9, 2, 4], [1, 4, 1]);
    const { grads } = ops.valueAndGrads(() => ops.sum(ops.maxPool(x, 2, 1)), [x]);
    assert.deepEqual(Array.from(grads[0].values), [0, 2, 0, 1]);
  });
});

describe('pooling argument and shape errors', () => {
  it('a window larger than the input with valid padding is a ShapeError naming the sizes', () => {
    assert.throws(() => ops.maxPool(ops.zeros([1, 3, 3, 1]), 4), (e: Error) =>
      e instanceof ShapeError && /maxPool/.test(e.message) && /pool_size \(4, 4\)/.test(e.message) && /\(3, 3\)/.test(e.message));
    assert.throws(() => ops.averagePool(ops.zeros([1, 3, 2]), 5), (e: Error) =>
      e instanceof ShapeError && /averagePool/.test(e.message) && /\(5,\)/.test(e.message));
  });

  it("the same window fits with padding 'same'", () => {
    assert.deepEqual(ops.maxPool(ops.zeros([1, 3, 3, 1]), 4, 1, 'same').shape, [1, 3, 3, 1]);
  });

  it('inputs of rank other than 3 or 4 are refused', () => {
    assert.throws(() => ops.maxPool(ops.zeros([4, 4]), 2), (e: Error) => e instanceof ShapeError && /rank 3/.test(e.message));
  });

  it('pool_size and strides must be positive integers, one per spatial axis', () => {
    assert.throws(() => ops.maxPool(ops.zeros([1, 4, 4, 1]), [2, 2, 2]), ValueError);
    assert.throws(() => ops.maxPool(ops.zeros([1, 4, 4, 1]), 2, 0), ValueError);
    assert.throws(() => ops.averagePool(ops.zeros([1, 4, 1]), 1.5), ValueError);
  });
});
