/**
 * Top-k accuracies, Precision, Recall, AUC, RootMeanSquaredError and MeanSquaredLogarithmicError:
 * Keras docstring examples (keras/src/metrics/*.py), tf.inTopKAsync and an exact rank-statistic AUC
 * as oracles, accumulation across batches, and getMetric names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AUC, getMetric, MeanSquaredLogarithmicError, Precision, Recall, RootMeanSquaredError, SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from '../../src/metrics/index.js';
import { randomUniform, tensor } from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import type { NestedArray } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

await tf.setBackend('cpu');
setSeed(23);

const T = (v: NestedArray) => tensor(v);

describe('top-k accuracies', () => {
  it('TopKCategoricalAccuracy with k=1 (Keras docstring: 0.5)', () => {
    const m = new TopKCategoricalAccuracy('top_k', { k: 1 });
    m.updateState(T([[0, 0, 1], [0, 1, 0]]), T([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
  });

  it('SparseTopKCategoricalAccuracy with k=1 (Keras docstring: 0.5), labels (batch,) or (batch, 1)', () => {
    const m = new SparseTopKCategoricalAccuracy('sparse_top_k', { k: 1 });
    m.updateState(T([2, 1]), T([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
    m.updateState(T([[2], [0]]), T([[0.1, 0.2, 0.8], [0.05, 0.95, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
  });

  it('default to k=5 and agree with tf.inTopKAsync on a random batch', async () => {
    const scores = randomUniform([50, 8]);
    const labels = Array.from({ length: 50 }, (_, i) => (i * 5) % 8);
    const oracle = async (k: number) =>
      tf.mean(tf.cast(await tf.inTopKAsync(tf.tensor(scores.values, [50, 8]), tf.tensor1d(labels, 'int32'), k), 'float32')).dataSync()[0];
    const sparse = new SparseTopKCategoricalAccuracy();
    assert.equal(sparse.k, 5);
    sparse.updateState(T(labels), scores);
    assertClose([sparse.result()], [await oracle(5)], 1e-6);
    const oneHot = tensor(Float32Array.from(tf.oneHot(tf.tensor1d(labels, 'int32'), 8).dataSync()), [50, 8]);
    const dense = new TopKCategoricalAccuracy('top3', { k: 3 });
    dense.updateState(oneHot, scores);
    assertClose([dense.result()], [await oracle(3)], 1e-6);
  });

  it('count classes tied at the k-th score as in the top k, as tf.math.in_top_k does', () => {
    const m = new SparseTopKCategoricalAccuracy('s', { k: 1 });
    m.updateState(T([1]), T([[0.5, 0.5, 0.1]]));
    assert.equal(m.result(), 1);
  });
});

describe('Precision and Recall', () => {
  it('Precision is tp / (tp + fp) at threshold 0.5 (Keras docstring: 0.6667, then 1.0 weighted)', () => {
    const m = new Precision();
    m.updateState(T([0, 1, 1, 1]), T([1, 0, 1, 1]));
    assertClose([m.result()], [2 / 3], 1e-12);
    m.resetState();
    m.updateState(T([0, 1, 1, 1]), T([1, 0, 1, 1]), T([0, 0, 1, 0]));
    assertClose([m.result()], [1], 1e-12);
  });

  it('Recall is tp / (tp + fn) (Keras docstring: 0.6667, then 1.0 weighted)', () => {
    const m = new Recall();
    m.updateState(T([0, 1, 1, 1]), T([1, 0, 1, 1]));
    assertClose([m.result()], [2 / 3], 1e-12);
    m.resetState();
    m.updateState(T([0, 1, 1, 1]), T([1, 0, 1, 1]), T([0, 0, 1, 0]));
    assertClose([m.result()], [1], 1e-12);
  });

  it('count a prediction as positive only when strictly above the threshold, and accumulate counts across batches', () => {
    const precision = new Precision('p', { thresholds: 0.7 });
    const recall = new Recall();
    // Batch 1: p > 0.7 at 0.9 (label 1), 0.8 (label 0); 0.7 is not above. Batch 2: 0.95 (label 1).
    for (const [y, p] of [[[1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]], [[1, 1], [0.95, 0.2]]] as const) {
      precision.updateState(T([...y]), T([...p]));
      recall.updateState(T([...y]), T([...p]));
    }
    assertClose([precision.result()], [2 / 3], 1e-12);
    // Recall at 0.5: tp = 0.9, 0.7, 0.95; fn = 0.2
    assertClose([recall.result()], [3 / 4], 1e-12);
  });

  it('are 0 with nothing to divide (divide_no_nan)', () => {
    const m = new Precision();
    m.updateState(T([1, 1]), T([0.1, 0.2]));
    assert.equal(m.result(), 0);
    assert.equal(new Recall().result(), 0);
  });
});

/** Exact ROC AUC: the probability that a positive outranks a negative (ties count half). */
function exactAuc(labels: number[], scores: ArrayLike<number>): number {
  let wins = 0, pairs = 0;
  labels.forEach((a, i) => labels.forEach((b, j) => {
    if (a === 1 && b === 0) {
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }));
  return wins / pairs;
}

describe('AUC', () => {
  it('matches the Keras docstring: 3 thresholds give 0.75, and 1.0 with sample weights', () => {
    // thresholds [-1e-7, 0.5, 1 + 1e-7]: recall [1, 0.5, 0], fp rate [1, 0, 0];
    // auc = (1 + 0.5) / 2 * (1 - 0) + (0.5 + 0) / 2 * (0 - 0) = 0.75
    const m = new AUC('auc', { numThresholds: 3 });
    m.updateState(T([0, 0, 1, 1]), T([0, 0.5, 0.3, 0.9]));
    assertClose([m.result()], [0.75], 1e-12);
    m.resetState();
    m.updateState(T([0, 0, 1, 1]), T([0, 0.5, 0.3, 0.9]), T([1, 0, 0, 1]));
    assertClose([m.result()], [1], 1e-12);
  });

  it('uses 200 thresholds: (i + 1) / 199 for i < 198, padded by -eps and 1 + eps', () => {
    const m = new AUC();
    assert.equal(m.thresholds.length, 200);
    assertClose([m.thresholds[0], m.thresholds[1], m.thresholds[198], m.thresholds[199]], [-1e-7, 1 / 199, 198 / 199, 1 + 1e-7], 1e-15);
  });

  it('approaches the exact ROC AUC with 200 thresholds, accumulated over batches', () => {
    const scores = randomUniform([400]);
    // Labels correlated with the scores, so the AUC is well inside (0.5, 1).
    const labels = Array.from(scores.values, (s, i) => ((s + ((i * 37) % 100) / 100) / 2 > 0.5 ? 1 : 0));
    const m = new AUC();
    for (let b = 0; b < 4; b++) {
      m.updateState(T(labels.slice(b * 100, (b + 1) * 100)), tensor(scores.values.slice(b * 100, (b + 1) * 100)));
    }
    const exact = exactAuc(labels, scores.values);
    assert.ok(exact > 0.6 && exact < 0.95, `exact AUC ${exact}`);
    // Interpolating between thresholds 1/199 apart is off by at most a few thousandths here.
    assertClose([m.result()], [exact], 5e-3);
    const one = new AUC();
    one.updateState(T(labels), scores);
    assertClose([m.result()], [one.result()], 1e-12);
  });

  it("'minoring' and 'majoring' bound the interpolated area", () => {
    const y = T([0, 0, 1, 1, 0, 1]), p = T([0.1, 0.6, 0.35, 0.8, 0.4, 0.5]);
    const results = (['minoring', 'interpolation', 'majoring'] as const).map((summationMethod) => {
      const m = new AUC('auc', { numThresholds: 5, summationMethod });
      m.updateState(y, p);
      return m.result();
    });
    assert.ok(results[0] <= results[1] && results[1] <= results[2], results.join(' '));
  });
});

describe('RootMeanSquaredError and MeanSquaredLogarithmicError', () => {
  it('RootMeanSquaredError is sqrt of the mean squared error (Keras docstring: 0.5)', () => {
    const m = new RootMeanSquaredError();
    m.updateState(T([[0, 1], [0, 0]]), T([[1, 1], [0, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
  });

  it('RootMeanSquaredError takes the root of the running mean, not a mean of batch roots', () => {
    // Batch 1: per-sample squared errors 1 and 0 (2 samples); batch 2: 4 (1 sample): sqrt((1 + 0 + 4) / 3)
    const m = new RootMeanSquaredError();
    m.updateState(T([[1], [2]]), T([[0], [2]]));
    m.updateState(T([[0]]), T([[2]]));
    assertClose([m.result()], [Math.sqrt(5 / 3)], 1e-12);
    m.resetState();
    assert.equal(m.result(), 0);
  });

  it('MeanSquaredLogarithmicError matches the Keras docstring: 0.12011322', () => {
    const m = new MeanSquaredLogarithmicError();
    m.updateState(T([[0, 1], [0, 0]]), T([[1, 1], [0, 0]]));
    assertClose([m.result()], [0.12011322], 1e-7);
  });
});

describe('getMetric for the new metrics', () => {
  it('builds each from its Keras names, named after the string passed', () => {
    for (const [ids, cls] of [
      [['top_k_categorical_accuracy', 'TopKCategoricalAccuracy'], TopKCategoricalAccuracy],
      [['sparse_top_k_categorical_accuracy', 'SparseTopKCategoricalAccuracy'], SparseTopKCategoricalAccuracy],
      [['precision', 'Precision'], Precision],
      [['recall', 'Recall'], Recall],
      [['auc', 'AUC'], AUC],
      [['root_mean_squared_error', 'RootMeanSquaredError', 'rmse'], RootMeanSquaredError],
      [['msle', 'MSLE', 'mean_squared_logarithmic_error', 'MeanSquaredLogarithmicError'], MeanSquaredLogarithmicError],
    ] as const) {
      for (const id of ids) {
        const m = getMetric(id);
        assert.ok(m instanceof cls, id);
        assert.equal(m.name, id);
      }
    }
    assert.equal((getMetric('top_k_categorical_accuracy') as TopKCategoricalAccuracy).k, 5);
    assert.equal((getMetric('auc') as AUC).numThresholds, 200);
  });

  it('lists the new names for an unknown one', () => {
    assert.throws(() => getMetric('f1_score'), /'precision', 'recall', 'auc', 'root_mean_squared_error', 'rmse'/);
  });
});
