/** Every differentiable op's gradient against central finite differences. */
import { describe, it } from 'node:test';
import * as ops from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import { checkGradients } from '../helpers/gradcheck.js';

setSeed(7);
const u = (shape: number[], lo = -1, hi = 1) => ops.randomUniform(shape, lo, hi);

describe('op gradients match finite differences', () => {
  it('add, subtract, multiply, divide with broadcasting', () => {
    checkGradients((a, b) => ops.add(a, b), [u([2, 3]), u([3])]);
    checkGradients((a, b) => ops.subtract(a, b), [u([2, 1, 3]), u([4, 1])]);
    checkGradients((a, b) => ops.multiply(a, b), [u([2, 3]), u([2, 1])]);
    checkGradients((a, b) => ops.divide(a, b), [u([2, 3]), u([3], 1, 2)]);
  });
  it('maximum, minimum, power', () => {
    checkGradients((a, b) => ops.maximum(a, b), [u([3, 4]), u([3, 4])]);
    checkGradients((a, b) => ops.minimum(a, b), [u([3, 4]), u([4])]);
    checkGradients((a, b) => ops.power(a, b), [u([5], 0.5, 2), u([5], 0.5, 2)]);
  });
  it('unary functions', () => {
    for (const f of [ops.exp, ops.tanh, ops.sigmoid, ops.square, ops.softplus, ops.negative, ops.abs]) {
      checkGradients((a) => f(a), [u([2, 5])]);
    }
    checkGradients((a) => ops.log(a), [u([6], 0.5, 2)]);
    checkGradients((a) => ops.sqrt(a), [u([6], 0.5, 2)]);
    checkGradients((a) => ops.reciprocal(a), [u([6], 0.5, 2)]);
    checkGradients((a) => ops.relu(a), [ops.tensor([-1, -0.5, 0.3, 0.7, 2])]);
  });
  it('reductions over axes', () => {
    checkGradients((a) => ops.sum(a, 1), [u([2, 3, 4])]);
    checkGradients((a) => ops.mean(a, [0, 2], true), [u([2, 3, 4])]);
    checkGradients((a) => ops.max(a, -1), [u([3, 5])]);
    checkGradients((a) => ops.min(a, 0), [u([3, 5])]);
    checkGradients((a) => ops.sum(a), [u([2, 2])]);
  });
  it('matmul 2-D, N-D by 2-D, batched, transposed', () => {
    checkGradients((a, b) => ops.matmul(a, b), [u([3, 4]), u([4, 2])]);
    checkGradients((a, b) => ops.matmul(a, b), [u([2, 3, 4]), u([4, 5])]);
    checkGradients((a, b) => ops.matmul(a, b), [u([2, 3, 4]), u([2, 4, 5])]);
    checkGradients((a, b) => ops.matmul(a, b, true, false), [u([4, 3]), u([4, 2])]);
    checkGradients((a, b) => ops.matmul(a, b, false, true), [u([3, 4]), u([2, 4])]);
  });
  it('movement: reshape, transpose, slice, pad, concatenate, stack, take, reverse, broadcastTo', () => {
    checkGradients((a) => ops.reshape(a, [3, -1]), [u([2, 3, 2])]);
    checkGradients((a) => ops.transpose(a, [2, 0, 1]), [u([2, 3, 4])]);
    checkGradients((a) => ops.slice(a, [0, 1, 1], [2, 2, -1]), [u([2, 3, 4])]);
    checkGradients((a) => ops.pad(a, [[1, 0], [2, 1]]), [u([2, 3])]);
    checkGradients((a, b) => ops.concatenate([a, b], 1), [u([2, 3]), u([2, 2])]);
    checkGradients((a, b) => ops.stack([a, b], 1), [u([2, 3]), u([2, 3])]);
    checkGradients((a) => ops.take(a, 1, 1), [u([2, 3, 2])]);
    checkGradients((a) => ops.reverse(a, 1), [u([2, 3, 2])]);
    checkGradients((a) => ops.broadcastTo(a, [3, 2, 4]), [u([2, 1])]);
  });
  it('softmax and logSoftmax', () => {
    checkGradients((a) => ops.softmax(a), [u([3, 4])]);
    checkGradients((a) => ops.logSoftmax(a, 0), [u([3, 4])]);
  });
  it('conv2d with strides, same padding and dilation', () => {
    checkGradients((x, w) => ops.conv2d(x, w, { strides: 2, padding: 'same' }), [u([2, 5, 4, 2]), u([3, 2, 2, 3])]);
    checkGradients((x, w) => ops.conv2d(x, w, { dilationRate: [2, 1] }), [u([1, 6, 4, 2]), u([2, 2, 2, 2])]);
  });
  it('conv1d with causal padding', () => {
    checkGradients((x, w) => ops.conv1d(x, w, { padding: 'causal', dilationRate: 2 }), [u([2, 6, 2]), u([3, 2, 3])]);
  });
  it('conv2dTranspose valid, same and with output padding', () => {
    checkGradients((x, w) => ops.conv2dTranspose(x, w), [u([1, 3, 2, 2]), u([2, 3, 3, 2])]);
    checkGradients((x, w) => ops.conv2dTranspose(x, w, { strides: 2, padding: 'same' }), [u([2, 3, 3, 1]), u([3, 3, 2, 1])]);
    checkGradients((x, w) => ops.conv2dTranspose(x, w, { strides: 2, outputPadding: 1 }), [u([1, 2, 3, 2]), u([3, 2, 1, 2])]);
  });
});
