/**
 * The reference JS kernels, called directly on flat arrays, against TensorFlow.js 4.22 (CPU backend).
 * Each kernel has fast paths (same shapes, scalars, trailing blocks, contiguous axes); every path is hit.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Conv2DParams } from '../../src/backend/backend.js';
import { setSeed, randomFloat } from '../../src/core/random.js';
import { jsBackend as js } from '../../src/kernels/js/index.js';
import { assertClose } from '../helpers/gradcheck.js';

const sizeOf = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
function rand(shape: number[], lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * randomFloat());
}

// Seeded at load time: describe bodies draw their inputs before any hook runs.
setSeed(99);
before(async () => {
  await tf.setBackend('cpu');
});

describe('binary kernel, every broadcasting path', () => {
  const cases: [string, number[], number[]][] = [
    ['same shape', [2, 3, 4], [2, 3, 4]],
    ['scalar on the right', [2, 3], []],
    ['scalar on the left', [], [2, 3]],
    ['size-1 tensor on the right', [3, 2], [1, 1]],
    ['trailing block (bias)', [2, 3, 4], [4]],
    ['trailing block with leading 1s', [2, 3, 4], [1, 3, 4]],
    ['general: inner broadcast axis', [2, 3, 4], [3, 1]],
    ['general: left operand broadcasts', [4], [2, 3, 4]],
    ['general: both broadcast', [2, 1, 4], [1, 3, 1]],
  ];
  const opsToCheck = [['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum],
    ['minimum', tf.minimum], ['pow', tf.pow], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual]] as const;
  for (const [label, sa, sb] of cases) {
    it(label, () => {
      const a = rand(sa, 0.5, 2), b = rand(sb, 0.5, 2);
      for (const [op, oracle] of opsToCheck) {
        const expected = oracle(tf.tensor(a, sa), tf.tensor(b, sb)).toFloat();
        const out = js.binary(op, a, sa, b, sb, expected.shape);
        assertClose(out, expected.dataSync(), 1e-6, `${op} ${label}`);
      }
    });
  }
  it('equal on ties', () => {
    const a = Float32Array.from([1, 2, 3, 2, 2, 1]), b = Float32Array.from([2, 1]);
    const expected = tf.equal(tf.tensor(a, [3, 2]), tf.tensor(b, [1, 2])).toFloat();
    assertClose(js.binary('equal', a, [3, 2], b, [1, 2], [3, 2]), expected.dataSync(), 0, 'equal');
  });
});

describe('reduce kernel', () => {
  const shape = [3, 4, 2, 5];
  const x = rand(shape, -5, 5);
  const axisSets = [[0], [3], [1, 2], [0, 1, 2, 3], [0, 2], [1, 3], [0, 1, 3]];
  for (const [op, oracle] of [['sum', tf.sum], ['max', tf.max], ['min', tf.min]] as const) {
    it(`${op}: contiguous and scattered axes`, () => {
      for (const axes of axisSets) {
        assertClose(js.reduce(op, x, shape, axes), oracle(tf.tensor(x, shape), axes).dataSync(), 1e-5, `${op} ${axes}`);
      }
    });
  }
  it('no axes copies the input', () => {
    assert.deepEqual(js.reduce('sum', x, shape, []), x);
  });
  it('max of all-negative values is not clipped at 0', () => {
    const neg = rand([4, 3], -9, -1);
    assertClose(js.reduce('max', neg, [4, 3], [0, 1]), tf.max(tf.tensor(neg, [4, 3])).dataSync(), 0, 'max');
  });
});

describe('movement kernels', () => {
  it('transpose', () => {
    const shape = [2, 3, 4, 2];
    const x = rand(shape);
    for (const perm of [[3, 2, 1, 0], [0, 2, 1, 3], [1, 0, 3, 2], [2, 3, 0, 1]]) {
      assertClose(js.transpose(x, shape, perm), tf.transpose(tf.tensor(x, shape), perm).dataSync(), 0, `${perm}`);
    }
  });
  it('slice, including an empty box and a scalar', () => {
    const shape = [3, 4, 5];
    const x = rand(shape);
    for (const [begin, size] of [[[1, 0, 2], [2, 3, 3]], [[0, 3, 0], [3, 1, 5]], [[2, 2, 4], [1, 1, 1]]]) {
      assertClose(js.slice(x, shape, begin, size), tf.slice(tf.tensor(x, shape), begin, size).dataSync(), 0, `${begin}`);
    }
    assert.equal(js.slice(x, shape, [0, 0, 0], [0, 4, 5]).length, 0);
    assert.deepEqual([...js.slice(Float32Array.from([7]), [], [], [])], [7]);
  });
  it('pad, including an empty input', () => {
    const shape = [2, 3, 2];
    const x = rand(shape);
    const pads: [number, number][] = [[1, 2], [0, 1], [2, 0]];
    assertClose(js.pad(x, shape, pads), tf.pad(tf.tensor(x, shape), pads).dataSync(), 0, 'pad');
    assert.deepEqual([...js.pad(new Float32Array(0), [0, 2], [[1, 0], [0, 1]])], [0, 0, 0]);
  });
  it('concat along the first, middle and last axes', () => {
    for (const axis of [0, 1, 2]) {
      const shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]].map((s, i) => s.map((d, j) => (j === axis ? d + i : d)));
      const xs = shapes.map((s) => rand(s));
      const expected = tf.concat(xs.map((v, i) => tf.tensor(v, shapes[i])), axis);
      assertClose(js.concat(xs, shapes, axis), expected.dataSync(), 0, `axis ${axis}`);
    }
  });
});

describe('matmul kernel', () => {
  it('batched with each transpose, and a single right-hand matrix shared by the batch', () => {
    const [batch, m, k, n] = [3, 4, 5, 2];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const bBatch of [batch, 1]) {
        const a = rand([batch * m * k]), b = rand([bBatch * k * n]);
        const A = tf.tensor(a, ta ? [batch, k, m] : [batch, m, k]);
        let B = tf.tensor(b, tb ? [bBatch, n, k] : [bBatch, k, n]);
        if (bBatch === 1) B = tf.tile(B, [batch, 1, 1]);
        const expected = tf.matMul(A, B, ta, tb);
        assertClose(js.matmul(a, b, batch, m, k, n, ta, tb, bBatch), expected.dataSync(), 1e-5, `ta=${ta} tb=${tb} bBatch=${bBatch}`);
      }
    }
  });
});

describe('conv2d kernels against tf.conv2d and its gradients', () => {
  /** Geometry with explicit padding; tf gets the same padding as [[top, bottom], [left, right]]. */
  function geometry(h: number, w: number, c: number, kh: number, kw: number, co: number, s: [number, number],
    d: [number, number], pad: [number, number, number, number]): Conv2DParams {
    const [top, bottom, left, right] = pad;
    return {
      batch: 2, inHeight: h, inWidth: w, inChannels: c, outChannels: co, kernelHeight: kh, kernelWidth: kw,
      strideHeight: s[0], strideWidth: s[1], dilationHeight: d[0], dilationWidth: d[1], padTop: top, padLeft: left,
      outHeight: Math.floor((h + top + bottom - (kh - 1) * d[0] - 1) / s[0]) + 1,
      outWidth: Math.floor((w + left + right - (kw - 1) * d[1] - 1) / s[1]) + 1,
    };
  }
  const cases: [string, Conv2DParams, [number, number, number, number]][] = [
    ['no padding', geometry(6, 7, 3, 3, 2, 4, [1, 1], [1, 1], [0, 0, 0, 0]), [0, 0, 0, 0]],
    ['asymmetric padding, strides', geometry(7, 8, 2, 3, 3, 3, [2, 3], [1, 1], [1, 2, 0, 1]), [1, 2, 0, 1]],
    ['dilation with padding', geometry(9, 6, 2, 2, 3, 2, [1, 1], [3, 2], [2, 1, 1, 1]), [2, 1, 1, 1]],
  ];
  for (const [label, p, pad] of cases) {
    it(label, () => {
      const x = rand([p.batch, p.inHeight, p.inWidth, p.inChannels]);
      const w = rand([p.kernelHeight, p.kernelWidth, p.inChannels, p.outChannels]);
      const dy = rand([p.batch, p.outHeight, p.outWidth, p.outChannels]);
      const X = tf.tensor4d(x, [p.batch, p.inHeight, p.inWidth, p.inChannels]);
      const W = tf.tensor4d(w, [p.kernelHeight, p.kernelWidth, p.inChannels, p.outChannels]);
      const DY = tf.tensor4d(dy, [p.batch, p.outHeight, p.outWidth, p.outChannels]);
      const tfPad = [[0, 0], [pad[0], pad[1]], [pad[2], pad[3]], [0, 0]] as [[0, 0], [number, number], [number, number], [0, 0]];
      const strides: [number, number] = [p.strideHeight, p.strideWidth];
      const dilations: [number, number] = [p.dilationHeight, p.dilationWidth];
      const conv = (xx: tf.Tensor4D, ww: tf.Tensor4D) => tf.conv2d(xx, ww, strides, tfPad, 'NHWC', dilations);
      const forward = conv(X, W);
      assert.deepEqual(forward.shape, [p.batch, p.outHeight, p.outWidth, p.outChannels]);
      assertClose(js.conv2d(x, w, p), forward.dataSync(), 1e-5, 'forward');
      // The backprops are the adjoints of the conv: <conv(x, w), dy> = <x, dX(dy, w)> = <w, dW(x, dy)>.
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, i) => acc + v * b[i], 0);
      const y = js.conv2d(x, w, p);
      const dx = js.conv2dBackpropInput(dy, w, p);
      const dw = js.conv2dBackpropFilter(x, dy, p);
      assertClose([dot(x, dx)], [dot(y, dy)], 1e-4, 'input adjoint');
      assertClose([dot(w, dw)], [dot(y, dy)], 1e-4, 'filter adjoint');
      if (p.dilationHeight === 1 && p.dilationWidth === 1) {
        // tfjs has no conv2d gradient with dilation > 1; there the adjoint identities above carry the check.
        const [tdx, tdw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx as tf.Tensor4D, ww as tf.Tensor4D), DY)))([X, W]);
        assertClose(dx, tdx.dataSync(), 1e-5, 'input gradient');
        assertClose(dw, tdw.dataSync(), 1e-4, 'filter gradient');
      }
    });
  }
});
