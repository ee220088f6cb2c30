/**
 * Forward values of our ops against TensorFlow.js 4.22 (CPU backend) on seeded random inputs.
 * Where tfjs has no equivalent (causal Conv1D, transposed conv with output_padding or dilation), the
 * reference is composed by hand below from its definition, and the test says so.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ops from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import { convOutputLength, convPadding, convTransposeOutputLength } from '../../src/ops/convShapes.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

const rand = (shape: number[], lo = -1, hi = 1): Tensor => ops.randomUniform(shape, lo, hi);
const tfOf = (t: Tensor): tf.Tensor => tf.tensor(t.values, t.shape);
const t4 = (t: Tensor) => tfOf(t) as tf.Tensor4D;
const t3 = (t: Tensor) => tfOf(t) as tf.Tensor3D;

function expectMatch(ours: Tensor, theirs: tf.Tensor, msg: string, tol = 1e-5): void {
  assert.deepEqual(ours.shape, theirs.shape, `${msg}: shape`);
  assertClose(ours.values, theirs.dataSync(), tol, msg);
}

// Seeded at load time: describe bodies draw their inputs before any hook runs.
setSeed(1234);
before(async () => {
  await tf.setBackend('cpu');
});

describe('matmul matches tf.matMul', () => {
  it('2-D with every combination of transposes', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = rand(ta ? [7, 5] : [5, 7]);
      const b = rand(tb ? [3, 7] : [7, 3]);
      expectMatch(ops.matmul(a, b, ta, tb), tf.matMul(tfOf(a), tfOf(b), ta, tb), `2-D ta=${ta} tb=${tb}`);
    }
  });
  it('batched N-D @ N-D with transposes', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = rand(ta ? [2, 3, 4, 5] : [2, 3, 5, 4]);
      const b = rand(tb ? [2, 3, 6, 4] : [2, 3, 4, 6]);
      expectMatch(ops.matmul(a, b, ta, tb), tf.matMul(tfOf(a), tfOf(b), ta, tb), `batched ta=${ta} tb=${tb}`);
    }
  });
  it('N-D @ 2-D shares the matrix across the batch (Dense on sequences)', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
      const a = rand(ta ? [3, 4, 6] : [3, 6, 4]);
      const b = rand(tb ? [5, 4] : [4, 5]);
      expectMatch(ops.matmul(a, b, ta, tb), tf.matMul(tfOf(a), tfOf(b), ta, tb), `N-D@2-D ta=${ta} tb=${tb}`);
    }
  });
});

describe('conv2d matches tf.conv2d', () => {
  it('valid and same, strides 1 to 3, odd sizes, several channels', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (const stride of [1, 2, 3]) {
        for (const [h, w, kh, kw] of [[7, 9, 3, 3], [8, 5, 2, 3], [11, 6, 5, 1], [5, 5, 5, 4]]) {
          const x = rand([2, h, w, 3]);
          const k = rand([kh, kw, 3, 4]);
          expectMatch(ops.conv2d(x, k, { strides: stride, padding }), tf.conv2d(t4(x), t4(k), stride, padding),
            `${padding} s=${stride} in=${h}x${w} k=${kh}x${kw}`, 1e-4);
        }
      }
    }
  });
  it('unequal strides per axis', () => {
    const x = rand([1, 9, 10, 2]);
    const k = rand([3, 2, 2, 3]);
    for (const padding of ['valid', 'same'] as const) {
      expectMatch(ops.conv2d(x, k, { strides: [2, 3], padding }), tf.conv2d(t4(x), t4(k), [2, 3], padding), padding, 1e-4);
    }
  });
  it('dilation with stride 1 (tfjs refuses dilation together with strides)', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (const dilation of [2, 3, [2, 1] as [number, number]]) {
        const x = rand([2, 11, 9, 2]);
        const k = rand([3, 2, 2, 3]);
        expectMatch(ops.conv2d(x, k, { dilationRate: dilation, padding }),
          tf.conv2d(t4(x), t4(k), 1, padding, 'NHWC', dilation), `${padding} d=${dilation}`, 1e-4);
      }
    }
  });
});

describe('conv1d matches tf.conv1d', () => {
  it('valid and same, strides 1 to 3', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (const stride of [1, 2, 3]) {
        for (const [steps, k] of [[17, 3], [16, 4], [9, 9], [12, 1]]) {
          const x = rand([2, steps, 3]);
          const w = rand([k, 3, 5]);
          expectMatch(ops.conv1d(x, w, { strides: stride, padding }), tf.conv1d(t3(x), t3(w), stride, padding),
            `${padding} s=${stride} steps=${steps} k=${k}`, 1e-4);
        }
      }
    }
  });
  it('dilation with valid and same padding', () => {
    const x = rand([2, 15, 2]);
    const w = rand([3, 2, 4]);
    for (const padding of ['valid', 'same'] as const) {
      expectMatch(ops.conv1d(x, w, { dilationRate: 2, padding }), tf.conv1d(t3(x), t3(w), 1, padding, 'NWC', 2), padding, 1e-4);
    }
  });
  it("causal equals a valid conv on the input left-padded with (k-1)*d zeros (tfjs has no 'causal')", () => {
    for (const [k, d, stride] of [[3, 1, 1], [3, 2, 1], [2, 4, 1], [4, 1, 2], [5, 1, 3]]) {
      const x = rand([2, 14, 3]);
      const w = rand([k, 3, 2]);
      const leftPadded = tf.pad(t3(x), [[0, 0], [(k - 1) * d, 0], [0, 0]]) as tf.Tensor3D;
      const expected = tf.conv1d(leftPadded, t3(w), stride, 'valid', 'NWC', d);
      const ours = ops.conv1d(x, w, { padding: 'causal', dilationRate: d, strides: stride });
      expectMatch(ours, expected, `causal k=${k} d=${d} s=${stride}`, 1e-4);
      assert.equal(ours.shape[1], Math.ceil(14 / stride), 'causal keeps ceil(steps / stride) steps');
    }
  });
  it("reproduces the seed's experiment: Conv1D of ones, kernel 3, 1 filter, on (1, 128, 9)", () => {
    // With every kernel weight 1, output[t] = sum over features and over steps t..t+2 of x.
    const x = rand([1, 128, 9]);
    const y = ops.conv1d(x, ops.ones([3, 9, 1]));
    assert.deepEqual(y.shape, [1, 126, 1]);
    const expected = new Float64Array(126);
    for (let t = 0; t < 126; t++) {
      for (let s = t; s < t + 3; s++) for (let f = 0; f < 9; f++) expected[t] += x.values[s * 9 + f];
    }
    assertClose(y.values, expected, 1e-5, 'windowed sums');
  });
});

/**
 * TensorFlow's conv2d_transpose from its definition, independent of our ops: insert (s - 1) zeros
 * between input pixels, pad so the forward conv's crop `padBefore` is undone, then correlate (stride 1,
 * dilation d) with the spatially flipped kernel whose in/out channel axes are swapped.
 * Per axis: upsampled length (in-1)s+1 starts at k'-1-padBefore in a buffer of length out+k'-1, k' = (k-1)d+1.
 */
function referenceConvTranspose(x: Tensor, w: Tensor, strides: [number, number], dilation: [number, number],
  outSize: [number, number], padBefore: [number, number]): Float32Array {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, filters] = w.shape;
  const [oh, ow] = outSize;
  const effH = (kh - 1) * dilation[0] + 1, effW = (kw - 1) * dilation[1] + 1;
  const bufH = oh + effH - 1, bufW = ow + effW - 1;
  const startH = effH - 1 - padBefore[0], startW = effW - 1 - padBefore[1];
  const buf = new Float64Array(n * bufH * bufW * c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < wd; j++) {
        const bi = startH + i * strides[0], bj = startW + j * strides[1];
        if (bi < 0 || bi >= bufH || bj < 0 || bj >= bufW) continue; // cropped away
        for (let ci = 0; ci < c; ci++) buf[((b * bufH + bi) * bufW + bj) * c + ci] = x.values[((b * h + i) * wd + j) * c + ci];
      }
    }
  }
  const y = new Float32Array(n * oh * ow * filters);
  for (let b = 0; b < n; b++) {
    for (let o1 = 0; o1 < oh; o1++) {
      for (let o2 = 0; o2 < ow; o2++) {
        for (let f = 0; f < filters; f++) {
          let s = 0;
          for (let a = 0; a < kh; a++) {
            for (let e = 0; e < kw; e++) {
              for (let ci = 0; ci < c; ci++) {
                const flipped = w.values[(((kh - 1 - a) * kw + (kw - 1 - e)) * filters + f) * c + ci];
                s += buf[((b * bufH + o1 + a * dilation[0]) * bufW + o2 + e * dilation[1]) * c + ci] * flipped;
              }
            }
          }
          y[((b * oh + o1) * ow + o2) * filters + f] = s;
        }
      }
    }
  }
  return y;
}

/** Keras's output length (KERAS-FACTS; backend_utils.py _get_output_shape_given_tf_padding), written out here. */
function kerasTransposeLength(input: number, k: number, s: number, padding: 'valid' | 'same', op: number | null, d = 1): number {
  const eff = (k - 1) * d + 1;
  if (padding === 'valid') return (input - 1) * s + eff + (op ?? Math.max(eff, s) - eff);
  return op === null ? input * s : (input - 1) * s + (eff % 2) + op;
}

/** TF crops what its forward 'same' conv would pad at the start: floor(max((in-1)s + k' - out, 0) / 2). */
function tfTransposeCrop(input: number, out: number, k: number, s: number, padding: 'valid' | 'same', d = 1): number {
  if (padding === 'valid') return 0;
  return Math.floor(Math.max((input - 1) * s + (k - 1) * d + 1 - out, 0) / 2);
}

describe('conv2dTranspose', () => {
  it('matches tf.conv2dTranspose (explicit output shape) for valid and same, strides 1 and 2, several kernels', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (const stride of [1, 2]) {
        for (const [h, w, kh, kw] of [[4, 5, 3, 3], [3, 3, 2, 2], [5, 4, 1, 3], [3, 4, 4, 5]]) {
          const x = rand([2, h, w, 3]);
          const k = rand([kh, kw, 2, 3]);
          const oh = kerasTransposeLength(h, kh, stride, padding, null);
          const ow = kerasTransposeLength(w, kw, stride, padding, null);
          const ours = ops.conv2dTranspose(x, k, { strides: stride, padding });
          const theirs = tf.conv2dTranspose(t4(x), t4(k), [2, oh, ow, 2], stride, padding);
          expectMatch(ours, theirs, `${padding} s=${stride} in=${h}x${w} k=${kh}x${kw}`, 1e-4);
        }
      }
    }
  });
  it('the hand-composed reference agrees with tf.conv2dTranspose (so it can judge the cases tfjs lacks)', () => {
    for (const [padding, stride, kh] of [['valid', 2, 3], ['same', 2, 3], ['same', 2, 4], ['valid', 3, 2]] as const) {
      const x = rand([1, 3, 4, 2]);
      const k = rand([kh, 2, 3, 2]);
      const oh = kerasTransposeLength(3, kh, stride, padding, null);
      const ow = kerasTransposeLength(4, 2, stride, padding, null);
      const pads: [number, number] = [tfTransposeCrop(3, oh, kh, stride, padding), tfTransposeCrop(4, ow, 2, stride, padding)];
      const theirs = tf.conv2dTranspose(t4(x), t4(k), [1, oh, ow, 3], stride, padding);
      assertClose(referenceConvTranspose(x, k, [stride, stride], [1, 1], [oh, ow], pads), theirs.dataSync(), 1e-4, `${padding} s=${stride}`);
    }
  });
  it('output_padding: shape follows Keras, values follow the zero-insertion reference', () => {
    // [padding, input, kernel, stride, outputPadding]; Keras requires output_padding < stride.
    const cases: ['valid' | 'same', number, number, number, number][] = [
      ['valid', 3, 3, 2, 1], ['valid', 4, 2, 3, 2], ['valid', 3, 1, 2, 1], ['valid', 2, 3, 1, 0],
      ['same', 3, 3, 2, 1], ['same', 3, 4, 2, 1], ['same', 4, 3, 3, 2], ['same', 5, 2, 2, 1], ['same', 3, 5, 3, 0],
    ];
    for (const [padding, size, k, s, op] of cases) {
      const x = rand([2, size, size + 1, 2]);
      const w = rand([k, k, 3, 2]);
      const oh = kerasTransposeLength(size, k, s, padding, op);
      const ow = kerasTransposeLength(size + 1, k, s, padding, op);
      const y = ops.conv2dTranspose(x, w, { strides: s, padding, outputPadding: op });
      const label = `${padding} in=${size} k=${k} s=${s} op=${op}`;
      assert.deepEqual(y.shape, [2, oh, ow, 3], `${label}: Keras's output shape`);
      assert.equal(convTransposeOutputLength(size, k, s, padding, op), oh, `${label}: convShapes`);
      const pads: [number, number] = [tfTransposeCrop(size, oh, k, s, padding), tfTransposeCrop(size + 1, ow, k, s, padding)];
      assertClose(y.values, referenceConvTranspose(x, w, [s, s], [1, 1], [oh, ow], pads), 1e-4, label);
    }
  });
  it('dilation (tfjs ignores it for transposed convs): values follow the reference', () => {
    for (const [padding, s, d, op] of [['valid', 1, 2, null], ['same', 1, 2, null], ['valid', 1, 3, 0], ['same', 1, 2, 0]] as const) {
      const x = rand([1, 4, 3, 2]);
      const w = rand([3, 2, 2, 2]);
      const oh = kerasTransposeLength(4, 3, s, padding, op, d);
      const ow = kerasTransposeLength(3, 2, s, padding, op, d);
      const y = ops.conv2dTranspose(x, w, { strides: s, padding, dilationRate: d, outputPadding: op });
      assert.deepEqual(y.shape, [1, oh, ow, 2], `${padding} d=${d} op=${op}: shape`);
      const pads: [number, number] = [tfTransposeCrop(4, oh, 3, s, padding, d), tfTransposeCrop(3, ow, 2, s, padding, d)];
      assertClose(y.values, referenceConvTranspose(x, w, [s, s], [d, d], [oh, ow], pads), 1e-4, `${padding} d=${d} op=${op}`);
    }
  });
});

describe('conv shape math follows Keras (ops/operation_utils.py, backend_utils.py)', () => {
  it("Conv1D(32, 5, strides=2, padding='same') on 128 steps gives 64, padded [1, 2]", () => {
    assert.equal(convOutputLength(128, 5, 2, 'same'), 64);
    // total = max((64 - 1) * 2 + 5 - 128, 0) = 3: 1 before, the odd one after.
    assert.deepEqual(convPadding(128, 5, 2, 'same'), [1, 2]);
  });
  it('valid conv of 128 steps with kernel 10 gives 119', () => {
    assert.equal(convOutputLength(128, 10, 1, 'valid'), 119);
  });
  it('causal keeps the length and pads (k-1)d in front', () => {
    assert.equal(convOutputLength(128, 3, 1, 'causal', 2), 128);
    assert.deepEqual(convPadding(128, 3, 1, 'causal', 2), [4, 0]);
  });
  it("the seed's transposed-conv chain: (8,1) -> (10,4) -> (11,7) -> (12,10)", () => {
    const step = ([h, w]: number[], [kh, kw]: number[]) =>
      [convTransposeOutputLength(h, kh, 1, 'valid', null), convTransposeOutputLength(w, kw, 1, 'valid', null)];
    assert.deepEqual(step([8, 1], [3, 4]), [10, 4]);
    assert.deepEqual(step([10, 4], [2, 4]), [11, 7]);
    assert.deepEqual(step([11, 7], [2, 4]), [12, 10]);
    const x = rand([1, 8, 1, 1]);
    let y = ops.conv2dTranspose(x, rand([3, 4, 2, 1]));
    y = ops.conv2dTranspose(y, rand([2, 4, 2, 2]));
    y = ops.conv2dTranspose(y, rand([2, 4, 1, 2]));
    assert.deepEqual(y.shape, [1, 12, 10, 1]);
  });
  it('transposed output length equals the Keras formula for every small case', () => {
    for (const padding of ['valid', 'same'] as const) {
      for (let input = 1; input <= 6; input++) {
        for (let k = 1; k <= 5; k++) {
          for (let s = 1; s <= 3; s++) {
            for (let d = 1; d <= 2; d++) {
              for (const op of [null, ...Array.from({ length: s }, (_, i) => i)]) {
                assert.equal(convTransposeOutputLength(input, k, s, padding, op, d), kerasTransposeLength(input, k, s, padding, op, d),
                  `${padding} in=${input} k=${k} s=${s} d=${d} op=${op}`);
              }
            }
          }
        }
      }
    }
  });
});

describe('nn functions match tf', () => {
  it('softmax and logSoftmax along the last and first axes, stable for large logits', () => {
    for (const scale of [1, 60]) {
      const x = rand([4, 7], -scale, scale);
      expectMatch(ops.softmax(x), tf.softmax(tfOf(x)), `softmax x${scale}`);
      expectMatch(ops.logSoftmax(x), tf.logSoftmax(tfOf(x)), `logSoftmax x${scale}`, 1e-5);
      const xt = tf.transpose(tfOf(x));
      expectMatch(ops.softmax(x, 0), tf.transpose(tf.softmax(xt)), `softmax axis 0 x${scale}`);
      expectMatch(ops.logSoftmax(x, 0), tf.transpose(tf.logSoftmax(xt)), `logSoftmax axis 0 x${scale}`);
    }
  });
  it('unary functions', () => {
    const x = rand([3, 11], -4, 4);
    const pos = rand([3, 11], 0.1, 5);
    const pairs: [string, (t: Tensor) => Tensor, (t: tf.Tensor) => tf.Tensor, Tensor][] = [
      ['exp', ops.exp, tf.exp, x], ['log', ops.log, tf.log, pos], ['sqrt', ops.sqrt, tf.sqrt, pos],
      ['square', ops.square, tf.square, x], ['abs', ops.abs, tf.abs, x], ['sign', ops.sign, tf.sign, x],
      ['reciprocal', ops.reciprocal, tf.reciprocal, pos], ['negative', ops.negative, tf.neg, x],
      ['tanh', ops.tanh, tf.tanh, x], ['sigmoid', ops.sigmoid, tf.sigmoid, x], ['relu', ops.relu, tf.relu, x],
      ['softplus', ops.softplus, tf.softplus, rand([20], -30, 30)], ['floor', ops.floor, tf.floor, x],
      ['erf', ops.erf, tf.erf, x],
    ];
    for (const [name, ours, theirs, input] of pairs) expectMatch(ours(input), theirs(tfOf(input)), name, 2e-6);
  });
  it('round sends halves to the even neighbour, as NumPy and Keras do', () => {
    const x = ops.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.4, -0.6, 2.51]);
    expectMatch(ops.round(x), tf.round(tfOf(x)), 'round');
  });
  it('clip', () => {
    const x = rand([4, 5], -3, 3);
    expectMatch(ops.clip(x, -1, 2), tf.clipByValue(tfOf(x), -1, 2), 'clip');
  });
});

describe('reductions match tf', () => {
  const x = rand([3, 4, 5]);
  const cases: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, [0, 1], [1, 2], [0, 2], [0, 1, 2]];
  for (const [name, ours, theirs] of [
    ['sum', ops.sum, tf.sum], ['mean', ops.mean, tf.mean], ['max', ops.max, tf.max], ['min', ops.min, tf.min],
  ] as const) {
    it(`${name} over every axis set, with and without keepdims`, () => {
      for (const axis of cases) {
        for (const keepdims of [false, true]) {
          expectMatch(ours(x, axis, keepdims), theirs(tfOf(x), axis, keepdims), `${name} axis=${JSON.stringify(axis)} keepdims=${keepdims}`);
        }
      }
    });
  }
  it('argmax along each axis', () => {
    for (const axis of [0, 1, 2, -1]) expectMatch(ops.argmax(x, axis), tf.argMax(tfOf(x), axis), `argmax ${axis}`);
  });
});

describe('movement ops match tf', () => {
  const x = rand([2, 3, 4, 5]);
  it('transpose with every kind of permutation', () => {
    for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 1, 3], [1, 3, 0, 2], [2, 0, 3, 1]]) {
      expectMatch(ops.transpose(x, perm), tf.transpose(tfOf(x), perm), `perm ${perm}`);
    }
    expectMatch(ops.transpose(x), tf.transpose(tfOf(x)), 'default reverses the axes');
  });
  it('concatenate along each axis, three inputs', () => {
    for (const axis of [0, 1, 2, 3, -1]) {
      const shape = (d: number) => x.shape.map((s, i) => (i === (axis + 4) % 4 ? d : s));
      const parts = [rand(shape(1)), rand(shape(2)), rand(shape(3))];
      expectMatch(ops.concatenate(parts, axis), tf.concat(parts.map(tfOf), axis), `axis ${axis}`);
    }
  });
  it('pad with different before/after amounts per axis', () => {
    const paddings: [number, number][] = [[1, 0], [0, 2], [3, 1], [0, 0]];
    expectMatch(ops.pad(x, paddings), tf.pad(tfOf(x), paddings), 'pad');
    const v = rand([3]);
    expectMatch(ops.pad(v, [[2, 1]]), tf.pad(tfOf(v), [[2, 1]]), 'pad 1-D');
  });
  it('slice boxes, including -1 sizes', () => {
    for (const [begin, size] of [[[0, 0, 0, 0], [2, 3, 4, 5]], [[1, 1, 2, 0], [1, 2, 2, 5]], [[0, 2, 1, 3], [-1, 1, -1, 2]]]) {
      expectMatch(ops.slice(x, begin, size), tf.slice(tfOf(x), begin, size), `slice ${begin} ${size}`);
    }
  });
  it('stack, split, expandDims, squeeze, reverse, broadcastTo', () => {
    const a = rand([3, 4]), b = rand([3, 4]);
    expectMatch(ops.stack([a, b], 1), tf.stack([tfOf(a), tfOf(b)], 1), 'stack');
    for (const axis of [0, 3]) {
      const y = rand([4, 3, 2, 6]);
      const parts = ops.split(y, 2, axis);
      const tfParts = tf.split(tfOf(y), 2, axis);
      parts.forEach((p, i) => expectMatch(p, tfParts[i], `split axis ${axis} part ${i}`));
    }
    expectMatch(ops.expandDims(a, 1), tf.expandDims(tfOf(a), 1), 'expandDims');
    const s = rand([3, 1, 2]);
    expectMatch(ops.squeeze(s), tf.squeeze(tfOf(s)), 'squeeze');
    const q = rand([1, 3, 1]);
    expectMatch(ops.squeeze(q, 0), tf.squeeze(tfOf(q), [0]), 'squeeze axis 0');
    expectMatch(ops.reverse(x, 2), tf.reverse(tfOf(x), 2), 'reverse');
    const c = rand([3, 1]);
    expectMatch(ops.broadcastTo(c, [2, 3, 4]), tf.broadcastTo(tfOf(c), [2, 3, 4]), 'broadcastTo');
  });
});

describe('broadcasting binary ops match tf', () => {
  const shapes: [number[], number[]][] = [
    [[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [4]], [[2, 3, 4], [3, 1]], [[4], [2, 3, 4]], [[2, 1, 4], [3, 1]],
    [[1, 3, 1], [2, 1, 5]], [[2, 3], []], [[], [2, 3]], [[5, 1, 1], [1, 1, 6]], [[1, 4], [3, 1]],
  ];
  const pairs = [
    ['add', ops.add, tf.add], ['subtract', ops.subtract, tf.sub], ['multiply', ops.multiply, tf.mul],
    ['divide', ops.divide, tf.div], ['maximum', ops.maximum, tf.maximum], ['minimum', ops.minimum, tf.minimum],
    ['power', ops.power, tf.pow], ['greater', ops.greater, tf.greater], ['equal', ops.equal, tf.equal],
  ] as const;
  for (const [name, ours, theirs] of pairs) {
    it(`${name} on ${shapes.length} shape pairs`, () => {
      for (const [sa, sb] of shapes) {
        // Positive operands keep power real and divide away from 0; small integers give equal some ties.
        const draw = (shape: number[]) => (name === 'equal' ? ops.floor(rand(shape, 0, 3)) : rand(shape, 0.5, 3));
        const A = draw(sa), B = draw(sb);
        const expected = theirs(tfOf(A), tfOf(B)).toFloat();
        expectMatch(ours(A, B), expected, `${name} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, 1e-5);
      }
    });
  }
});
