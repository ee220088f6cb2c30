/** Loss values against tfjs-layers (tf.metrics.*, a port of Keras's losses), tf.losses, and Keras docstrings. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  binaryCrossentropy, categoricalCrossentropy, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy,
} from '../../src/losses/index.js';
import { tensor } from '../../src/ops/index.js';
import type { NestedArray } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

await tf.setBackend('cpu');

const T = (v: NestedArray) => tensor(v);
const tfValues = (t: tf.Tensor) => t.dataSync();

const Y_TRUE = [[0, 1, 0], [1, 0, 0], [0.5, 0.25, 0.25], [0, 0, 1]];
const PROBS = [[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4], [0.25, 0.25, 0.6]];
const LOGITS = [[0.5, -1.2, 2.0], [-3.0, 0.1, 0.7], [1.5, 1.5, -0.5], [-0.2, 4.0, -2.5]];

describe('loss values', () => {
  it('meanSquaredError is the mean of squared differences over the last axis (Keras docstring)', () => {
    // ((0-1)^2 + (1-1)^2) / 2 = 0.5; ((0-1)^2 + 0) / 2 = 0.5
    assertClose(meanSquaredError(T([[0, 1], [0, 0]]), T([[1, 1], [1, 0]])).values, [0.5, 0.5], 1e-6);
  });

  it('meanSquaredError and meanAbsoluteError match tf.metrics', () => {
    assertClose(meanSquaredError(T(Y_TRUE), T(LOGITS)).values, tfValues(tf.metrics.meanSquaredError(tf.tensor(Y_TRUE), tf.tensor(LOGITS))), 1e-6);
    assertClose(meanAbsoluteError(T(Y_TRUE), T(LOGITS)).values, tfValues(tf.metrics.meanAbsoluteError(tf.tensor(Y_TRUE), tf.tensor(LOGITS))), 1e-6);
  });

  it('returns one value per sample, averaging only the last axis', () => {
    assert.deepEqual(meanSquaredError(T(Y_TRUE), T(PROBS)).shape, [4]);
    const y = tensor(new Float32Array(24).map((_, i) => i / 24), [2, 3, 4]);
    assert.deepEqual(meanAbsoluteError(y, y).shape, [2, 3]);
  });

  it('aligns y_true of shape (batch,) with y_pred of shape (batch, 1), as Keras does', () => {
    const loss = meanSquaredError(T([1, 2, 3]), T([[1.5], [2], [1]]));
    assert.deepEqual(loss.shape, [3]);
    assertClose(loss.values, [0.25, 0, 4], 1e-6);
  });

  it('binaryCrossentropy matches the Keras docstring: [0.916, 0.714]', () => {
    const loss = binaryCrossentropy(T([[0, 1], [0, 0]]), T([[0.6, 0.4], [0.4, 0.6]]));
    assertClose(loss.values, [0.9162907, 0.7135582], 1e-6);
  });

  it('binaryCrossentropy matches tf.metrics.binaryCrossentropy', () => {
    const expected = tfValues(tf.metrics.binaryCrossentropy(tf.tensor(Y_TRUE), tf.tensor(PROBS)));
    assertClose(binaryCrossentropy(T(Y_TRUE), T(PROBS)).values, expected, 1e-5);
  });

  it('binaryCrossentropy clips probabilities to [1e-7, 1 - 1e-7]', () => {
    // -log(1e-7) = 16.1181; -log(1 - 1e-7) is about 1.2e-7 in float32
    assertClose(binaryCrossentropy(T([[1], [0]]), T([[0], [0]])).values, [16.118095, 0], 1e-5);
  });

  it('binaryCrossentropy with fromLogits matches tf.losses.sigmoidCrossEntropy', () => {
    const elementwise = tf.losses.sigmoidCrossEntropy(tf.tensor(Y_TRUE), tf.tensor(LOGITS), undefined, 0, tf.Reduction.NONE);
    const expected = tfValues(tf.mean(elementwise, -1));
    assertClose(binaryCrossentropy(T(Y_TRUE), T(LOGITS), { fromLogits: true }).values, expected, 1e-6);
  });

  it('binaryCrossentropy with fromLogits stays finite for large logits', () => {
    // softplus(100) - 0 = 100; softplus(-100) is about 3.7e-44
    const loss = binaryCrossentropy(T([[0], [0], [1]]), T([[100], [-100], [100]]), { fromLogits: true });
    assertClose(loss.values, [100, 0, 0], 1e-6);
  });

  it('categoricalCrossentropy matches the Keras docstring: [0.0513, 2.303]', () => {
    const loss = categoricalCrossentropy(T([[0, 1, 0], [0, 0, 1]]), T([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
    assertClose(loss.values, [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  });

  it('categoricalCrossentropy rescales rows to sum to 1, as tf.metrics.categoricalCrossentropy', () => {
    const unnormalised = PROBS.map((row, i) => row.map((p) => p * (i + 1)));
    const expected = tfValues(tf.metrics.categoricalCrossentropy(tf.tensor(Y_TRUE), tf.tensor(unnormalised)));
    assertClose(categoricalCrossentropy(T(Y_TRUE), T(unnormalised)).values, expected, 1e-6);
  });

  it('categoricalCrossentropy with fromLogits matches tf.losses.softmaxCrossEntropy', () => {
    const expected = tfValues(tf.losses.softmaxCrossEntropy(tf.tensor(Y_TRUE), tf.tensor(LOGITS), undefined, 0, tf.Reduction.NONE));
    assertClose(categoricalCrossentropy(T(Y_TRUE), T(LOGITS), { fromLogits: true }).values, expected, 1e-6);
  });

  it('categoricalCrossentropy with fromLogits stays finite for large logits', () => {
    const loss = categoricalCrossentropy(T([[1, 0], [1, 0]]), T([[1000, 0], [0, 1000]]), { fromLogits: true });
    assertClose(loss.values, [0, 1000], 1e-6);
  });

  it('sparseCategoricalCrossentropy equals the categorical loss of the one-hot labels', () => {
    const labels = [1, 0, 2, 2];
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const expected = tfValues(tf.metrics.categoricalCrossentropy(oneHot, tf.tensor(PROBS)));
    assertClose(sparseCategoricalCrossentropy(T(labels), T(PROBS)).values, expected, 1e-6);
    const expectedLogits = tfValues(tf.losses.softmaxCrossEntropy(oneHot, tf.tensor(LOGITS), undefined, 0, tf.Reduction.NONE));
    assertClose(sparseCategoricalCrossentropy(T(labels), T(LOGITS), { fromLogits: true }).values, expectedLogits, 1e-6);
  });

  it('sparseCategoricalCrossentropy accepts labels of shape (batch, 1)', () => {
    const loss = sparseCategoricalCrossentropy(T([[1], [2]]), T([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
    assert.deepEqual(loss.shape, [2]);
    assertClose(loss.values, [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  });

  it('sparseCategoricalCrossentropy rejects labels that are not class indices', () => {
    assert.throws(() => sparseCategoricalCrossentropy(T([3]), T([[0.2, 0.3, 0.5]])),
      /expected integer labels in \[0, 2\] for predictions over 3 classes\. Received: y_true\[0\]=3/);
    assert.throws(() => sparseCategoricalCrossentropy(T([0.5]), T([[0.2, 0.3, 0.5]])), /Received: y_true\[0\]=0\.5/);
  });
});
