/** Accuracy metrics (accuracy_metrics.py docstring values, tfjs oracle) and Keras's 'accuracy' resolution. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  Accuracy, accuracyKind, BinaryAccuracy, CategoricalAccuracy, getMetric, SparseCategoricalAccuracy, MeanSquaredError,
} from '../../src/metrics/index.js';
import { randomUniform, tensor } from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import type { NestedArray } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

await tf.setBackend('cpu');
setSeed(11);

const T = (v: NestedArray) => tensor(v);

describe('accuracy metrics', () => {
  it('BinaryAccuracy thresholds at 0.5 (Keras docstring: 0.75)', () => {
    const m = new BinaryAccuracy();
    m.updateState(T([[1], [1], [0], [0]]), T([[0.98], [1], [0], [0.6]]));
    assertClose([m.result()], [0.75], 1e-12);
  });

  it('BinaryAccuracy takes a threshold in (0, 1)', () => {
    const m = new BinaryAccuracy('binary_accuracy', { threshold: 0.7 });
    m.updateState(T([[1], [0]]), T([[0.65], [0.65]]));
    assertClose([m.result()], [0.5], 1e-12);
    assert.throws(() => new BinaryAccuracy('b', { threshold: 1 }), /Expected a value in interval \(0, 1\)\. Received: threshold=1/);
  });

  it('CategoricalAccuracy compares argmaxes (Keras docstring: 0.5)', () => {
    const m = new CategoricalAccuracy();
    m.updateState(T([[0, 0, 1], [0, 1, 0]]), T([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
  });

  it('SparseCategoricalAccuracy compares labels with argmax, labels of shape (batch, 1) or (batch,)', () => {
    const m = new SparseCategoricalAccuracy();
    m.updateState(T([[2], [1]]), T([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
    m.updateState(T([1, 1]), T([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.75], 1e-12);
  });

  it('agree with tf.metrics on a random batch', () => {
    const probs = randomUniform([64, 5]);
    const labels = Array.from({ length: 64 }, (_, i) => (i * 7) % 5);
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
    const cat = new CategoricalAccuracy();
    cat.updateState(tensor(Float32Array.from(oneHot.dataSync()), [64, 5]), probs);
    const tfProbs = tf.tensor(probs.values, [64, 5]);
    assertClose([cat.result()], [tf.mean(tf.metrics.categoricalAccuracy(oneHot, tfProbs)).dataSync()[0]], 1e-6);
    const sparse = new SparseCategoricalAccuracy();
    sparse.updateState(tensor(labels), probs);
    assertClose([sparse.result()], [cat.result()], 0);

    const p = randomUniform([64, 1]);
    const y = tensor(labels.map((l) => (l % 2)), [64, 1]);
    const bin = new BinaryAccuracy();
    bin.updateState(y, p);
    const expected = tf.mean(tf.metrics.binaryAccuracy(tf.tensor(y.values, [64, 1]), tf.tensor(p.values, [64, 1]))).dataSync()[0];
    assertClose([bin.result()], [expected], 1e-6);
  });

  it('accumulate across batches by sample count and reset', () => {
    const m = new BinaryAccuracy();
    m.updateState(T([[1], [1], [0], [0]]), T([[0.9], [0.9], [0.1], [0.1]])); // 4 of 4
    m.updateState(T([[1], [0]]), T([[0.1], [0.1]])); // 1 of 2
    assertClose([m.result()], [5 / 6], 1e-12);
    m.resetState();
    assert.equal(m.result(), 0);
  });
});

describe("'accuracy' resolution (compile_utils.py)", () => {
  it('picks binary accuracy when the last axis of y_pred is 1', () => {
    assert.equal(accuracyKind([32, 1], [32, 1]), 'binary_accuracy');
    assert.equal(accuracyKind([32], [32, 1]), 'binary_accuracy');
  });

  it('picks sparse categorical accuracy for labels of lower rank or with a last axis of 1', () => {
    assert.equal(accuracyKind([32], [32, 10]), 'sparse_categorical_accuracy');
    assert.equal(accuracyKind([32, 1], [32, 10]), 'sparse_categorical_accuracy');
  });

  it('picks categorical accuracy otherwise', () => {
    assert.equal(accuracyKind([32, 10], [32, 10]), 'categorical_accuracy');
  });

  it('resolves on the first update and keeps the name the user passed', () => {
    const acc = getMetric('acc');
    assert.ok(acc instanceof Accuracy);
    assert.equal(acc.name, 'acc');
    assert.equal((acc as Accuracy).kind, null);
    acc.updateState(T([2, 1]), T([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
    assert.equal((acc as Accuracy).kind, 'sparse_categorical_accuracy');
    assertClose([acc.result()], [0.5], 1e-12);
    acc.resetState();
    assert.equal(acc.result(), 0);
    assert.equal((acc as Accuracy).kind, 'sparse_categorical_accuracy');
  });

  it('gives binary and categorical results through the same metric', () => {
    const binary = getMetric('accuracy');
    binary.updateState(T([[1], [1], [0], [0]]), T([[0.98], [1], [0], [0.6]]));
    assertClose([binary.result()], [0.75], 1e-12);
    const categorical = getMetric('Accuracy');
    categorical.updateState(T([[0, 0, 1], [0, 1, 0]]), T([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
    assertClose([categorical.result()], [0.5], 1e-12);
    assert.equal(categorical.name, 'Accuracy');
  });
});

describe('getMetric', () => {
  it('names the metric after the string passed', () => {
    for (const id of ['mse', 'mean_squared_error', 'MeanSquaredError']) {
      const m = getMetric(id, 'mse');
      assert.ok(m instanceof MeanSquaredError);
      assert.equal(m.name, id);
    }
    assert.equal(getMetric('mae').name, 'mae');
    assert.equal(getMetric('mean_absolute_error').name, 'mean_absolute_error');
    assert.ok(getMetric('sparse_categorical_accuracy') instanceof SparseCategoricalAccuracy);
  });

  it('returns a metric object unchanged', () => {
    const m = new BinaryAccuracy('bin');
    assert.equal(getMetric(m), m);
  });

  it('lists the valid names for an unknown one', () => {
    assert.throws(() => getMetric('f1'), /Could not interpret metric identifier: "f1"\. Expected one of 'accuracy', 'acc', 'mse', 'mae'/);
  });
});
