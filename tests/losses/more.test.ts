/**
 * Huber, LogCosh, KLDivergence, CosineSimilarity, the hinges, MSLE, MAPE and label smoothing:
 * values against tf.losses / tfjs-layers' port of Keras's losses (imported from its dist, since
 * tfjs does not export them all) and Keras docstrings; gradients against finite differences.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as tfLayersLosses from '@tensorflow/tfjs-layers/dist/losses.js';
import {
  binaryCrossentropy, canonicalLossName, categoricalCrossentropy, categoricalHinge, cosineSimilarity, getLoss, hinge, huber,
  klDivergence, logCosh, meanAbsolutePercentageError, meanSquaredLogarithmicError, reduceLoss, squaredHinge,
} from '../../src/losses/index.js';
import { tensor } from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import type { NestedArray } from '../../src/tensor/tensor.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

await tf.setBackend('cpu');
setSeed(7);

const T = (v: NestedArray) => tensor(v);
const tfValues = (t: tf.Tensor) => t.dataSync();
const tt = (v: number[][]) => tf.tensor(v);

const Y_TRUE = [[0.1, 0.6, 0.3], [0.7, 0.2, 0.1], [0.5, 0.25, 0.25], [0.05, 0.15, 0.8]];
const Y_PRED = [[0.2, 0.7, 0.1], [0.6, 0.3, 0.15], [0.3, 0.35, 0.4], [0.25, 0.2, 0.6]];
const REGRESSION_TRUE = [[1.5, -2.0, 0.3], [4.0, 0.7, -1.2]];
const REGRESSION_PRED = [[0.2, -1.6, 2.9], [1.0, 0.75, -1.0]];
const SIGNS = [[1, -1, 1], [-1, -1, 1]];
const SCORES = [[0.3, -2.0, 1.7], [0.6, 0.2, -0.4]];

describe('regression losses', () => {
  it('huber matches tf.losses.huberLoss, with delta 1 and 2', () => {
    for (const delta of [1, 2]) {
      const elementwise = tf.losses.huberLoss(tt(REGRESSION_TRUE), tt(REGRESSION_PRED), undefined, delta, tf.Reduction.NONE);
      const expected = tfValues(tf.mean(elementwise, -1));
      assertClose(huber(T(REGRESSION_TRUE), T(REGRESSION_PRED), { delta }).values, expected, 1e-6);
    }
  });

  it('huber is 0.5 e^2 inside delta and delta |e| - 0.5 delta^2 outside (Keras docstring: 0.155)', () => {
    // Keras: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]]: per sample (0.18 + 0.18) / 2 and (0.08 + 0.18) / 2
    const loss = huber(T([[0, 1], [0, 0]]), T([[0.6, 0.4], [0.4, 0.6]]));
    assertClose(loss.values, [0.18, 0.13], 1e-6);
    assertClose(reduceLoss(loss).values, [0.155], 1e-6);
    assertClose(huber(T([[0]]), T([[3]])).values, [3 - 0.5], 1e-6);
  });

  it('logCosh matches tfjs-layers and the Keras docstring (0.108)', () => {
    assertClose(logCosh(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values,
      tfValues(tfLayersLosses.logcosh(tt(REGRESSION_TRUE), tt(REGRESSION_PRED))), 1e-6);
    const loss = logCosh(T([[0, 1], [0, 0]]), T([[1, 1], [0, 0]]));
    assertClose(loss.values, [Math.log(Math.cosh(1)) / 2, 0], 1e-6);
    assertClose(reduceLoss(loss).values, [0.108], 1e-3);
  });

  it('logCosh stays finite for large errors, where it is |e| - log 2', () => {
    assertClose(logCosh(T([[0]]), T([[200]])).values, [200 - Math.LN2], 1e-6);
  });

  it('meanSquaredLogarithmicError matches tfjs-layers; Keras docstring batch mean 0.12011322', () => {
    assertClose(meanSquaredLogarithmicError(T(Y_TRUE), T(Y_PRED)).values,
      tfValues(tfLayersLosses.msle(tt(Y_TRUE), tt(Y_PRED))), 1e-6);
    // Negative values are clipped to eps before log(1 + x).
    assertClose(meanSquaredLogarithmicError(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values,
      tfValues(tfLayersLosses.msle(tt(REGRESSION_TRUE), tt(REGRESSION_PRED))), 1e-6);
    assertClose(reduceLoss(meanSquaredLogarithmicError(T([[0, 1], [0, 0]]), T([[1, 1], [0, 0]]))).values, [0.12011322], 1e-6);
  });

  it('meanAbsolutePercentageError matches tf.metrics.MAPE, dividing by max(|y|, eps)', () => {
    assertClose(meanAbsolutePercentageError(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values,
      tfValues(tf.metrics.MAPE(tt(REGRESSION_TRUE), tt(REGRESSION_PRED))), 1e-5);
    // 100 * mean(|2 - 1| / 2, |0 - 1| / 1e-7)
    assertClose(meanAbsolutePercentageError(T([[2, 0]]), T([[1, 1]])).values, [100 * (0.5 + 1e7) / 2], 1e-6);
  });
});

describe('probabilistic losses', () => {
  it('klDivergence matches tfjs-layers kld for labels without zeros', () => {
    assertClose(klDivergence(T(Y_TRUE), T(Y_PRED)).values, tfValues(tfLayersLosses.kld(tt(Y_TRUE), tt(Y_PRED))), 1e-6);
  });

  it('klDivergence clips both sides to [1e-7, 1], so a zero label adds ~0', () => {
    // sum(y log(y / p)): 1 * log(1 / 0.25) + 1e-7 * log(1e-7 / 0.75)
    const expected = Math.log(4) + 1e-7 * Math.log(1e-7 / 0.75);
    assertClose(klDivergence(T([[1, 0]]), T([[0.25, 0.75]])).values, [expected], 1e-6);
  });

  it('cosineSimilarity is the negative cosine (Keras docstring: [-0, -0.99999994, 0.99999994])', () => {
    const loss = cosineSimilarity(T([[0, 1], [1, 1], [1, 1]]), T([[1, 0], [1, 1], [-1, -1]]));
    assertClose(loss.values, [0, -1, 1], 1e-6);
    assertClose(cosineSimilarity(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values,
      tfValues(tfLayersLosses.cosineProximity(tt(REGRESSION_TRUE), tt(REGRESSION_PRED))), 1e-6);
  });

  it('cosineSimilarity takes an axis and gives 0 for a zero vector', () => {
    const loss = cosineSimilarity(T([[1, 0], [0, 0]]), T([[1, 0], [0, 1]]), { axis: 0 });
    // columns: (1, 0) vs (1, 0) -> -1; (0, 0) vs (0, 1) -> 0
    assertClose(loss.values, [-1, 0], 1e-6);
  });

  it('binaryCrossentropy labelSmoothing squeezes labels to y (1 - s) + s / 2', () => {
    const smoothed = Y_TRUE.map((r) => r.map((y) => y * 0.8 + 0.1));
    assertClose(binaryCrossentropy(T(Y_TRUE), T(Y_PRED), { labelSmoothing: 0.2 }).values,
      binaryCrossentropy(T(smoothed), T(Y_PRED)).values, 1e-6);
    const logits = SCORES.map((r) => [...r]);
    const elementwise = tf.losses.sigmoidCrossEntropy(tt([[1, 0, 1], [0, 0, 1]]), tt(logits), undefined, 0.2, tf.Reduction.NONE);
    assertClose(binaryCrossentropy(T([[1, 0, 1], [0, 0, 1]]), T(logits), { fromLogits: true, labelSmoothing: 0.2 }).values,
      tfValues(tf.mean(elementwise, -1)), 1e-6);
  });

  it('categoricalCrossentropy labelSmoothing uses y (1 - s) + s / numClasses, as tf.losses.softmaxCrossEntropy', () => {
    const oneHot = [[0, 1, 0], [1, 0, 0]];
    const expected = tfValues(tf.losses.softmaxCrossEntropy(tt(oneHot), tt(SCORES), undefined, 0.3, tf.Reduction.NONE));
    assertClose(categoricalCrossentropy(T(oneHot), T(SCORES), { fromLogits: true, labelSmoothing: 0.3 }).values, expected, 1e-6);
    // From probabilities: -sum((y * 0.7 + 0.1) log p)
    const p = [0.2, 0.7, 0.1];
    const hand = -p.reduce((s, pi, i) => s + ([0, 1, 0][i] * 0.7 + 0.1) * Math.log(pi), 0);
    assertClose(categoricalCrossentropy(T([[0, 1, 0]]), T([p]), { labelSmoothing: 0.3 }).values, [hand], 1e-6);
  });
});

describe('hinge losses', () => {
  it('hinge and squaredHinge match tfjs-layers for -1/1 labels', () => {
    assertClose(hinge(T(SIGNS), T(SCORES)).values, tfValues(tfLayersLosses.hinge(tt(SIGNS), tt(SCORES))), 1e-6);
    assertClose(squaredHinge(T(SIGNS), T(SCORES)).values, tfValues(tfLayersLosses.squaredHinge(tt(SIGNS), tt(SCORES))), 1e-6);
  });

  it('convert 0/1 labels to -1/1, as Keras does', () => {
    const binary = SIGNS.map((r) => r.map((s) => (s + 1) / 2));
    assertClose(hinge(T(binary), T(SCORES)).values, hinge(T(SIGNS), T(SCORES)).values, 0);
    assertClose(squaredHinge(T(binary), T(SCORES)).values, squaredHinge(T(SIGNS), T(SCORES)).values, 0);
    // Hand: labels (1, -1), scores (0.3, 0.5): mean(max(1 - 0.3, 0), max(1 + 0.5, 0)) = (0.7 + 1.5) / 2
    assertClose(hinge(T([[1, 0]]), T([[0.3, 0.5]])).values, [1.1], 1e-6);
  });

  it('categoricalHinge matches tfjs-layers: max(neg - pos + 1, 0)', () => {
    const oneHot = [[0, 1, 0], [1, 0, 0]];
    assertClose(categoricalHinge(T(oneHot), T(SCORES)).values, tfValues(tfLayersLosses.categoricalHinge(tt(oneHot), tt(SCORES))), 1e-6);
    // pos = -2.0, neg = max(0.3, 0, 1.7) = 1.7: 1.7 + 2 + 1 = 4.7
    assertClose(categoricalHinge(T([[0, 1, 0]]), T([[0.3, -2.0, 1.7]])).values, [4.7], 1e-6);
  });
});

describe('gradients of the new losses match finite differences', () => {
  // Kept away from kinks: |e| is at least 0.1 from delta for Huber, margins are away from 1 for the
  // hinges, the largest negative score is unique for categoricalHinge, probabilities are inside the clips.
  it('huber, logCosh, MSLE, MAPE', () => {
    checkGradients((p) => huber(T(REGRESSION_TRUE), p), [T(REGRESSION_PRED)]);
    checkGradients((p) => huber(T(REGRESSION_TRUE), p, { delta: 2 }), [T(REGRESSION_PRED)]);
    checkGradients((p) => logCosh(T(REGRESSION_TRUE), p), [T(REGRESSION_PRED)]);
    checkGradients((p) => meanSquaredLogarithmicError(T(Y_TRUE), p), [T(Y_PRED)], { eps: 1e-3 });
    checkGradients((p) => meanAbsolutePercentageError(T(REGRESSION_TRUE), p), [T(REGRESSION_PRED)]);
  });

  it('klDivergence, cosineSimilarity and label-smoothed crossentropies', () => {
    checkGradients((p) => klDivergence(T(Y_TRUE), p), [T(Y_PRED)], { eps: 1e-3 });
    checkGradients((p) => cosineSimilarity(T(REGRESSION_TRUE), p), [T(REGRESSION_PRED)]);
    checkGradients((p) => binaryCrossentropy(T(Y_TRUE), p, { labelSmoothing: 0.1 }), [T(Y_PRED)], { eps: 1e-3 });
    checkGradients((p) => categoricalCrossentropy(T([[0, 1, 0], [1, 0, 0]]), p, { fromLogits: true, labelSmoothing: 0.1 }), [T(SCORES)]);
  });

  it('hinge, squaredHinge, categoricalHinge', () => {
    checkGradients((p) => hinge(T(SIGNS), p), [T(SCORES)]);
    checkGradients((p) => squaredHinge(T(SIGNS), p), [T(SCORES)]);
    checkGradients((p) => categoricalHinge(T([[0, 1, 0], [1, 0, 0]]), p), [T(SCORES)]);
  });
});

describe('getLoss for the new losses', () => {
  it('accepts Keras names, aliases and class names', () => {
    for (const [canonical, spellings] of [
      ['huber', ['huber', 'Huber']],
      ['log_cosh', ['log_cosh', 'LogCosh', 'logCosh', 'logcosh']],
      ['kl_divergence', ['kl_divergence', 'kld', 'KLD', 'KLDivergence', 'klDivergence']],
      ['cosine_similarity', ['cosine_similarity', 'CosineSimilarity', 'cosineSimilarity']],
      ['hinge', ['hinge', 'Hinge']],
      ['squared_hinge', ['squared_hinge', 'SquaredHinge']],
      ['categorical_hinge', ['categorical_hinge', 'CategoricalHinge']],
      ['mean_squared_logarithmic_error', ['msle', 'MSLE', 'MeanSquaredLogarithmicError']],
      ['mean_absolute_percentage_error', ['mape', 'MAPE', 'MeanAbsolutePercentageError']],
    ] as const) {
      for (const s of spellings) assert.equal(canonicalLossName(s), canonical, s);
    }
  });

  it('maps each name to its function with Keras defaults', () => {
    assertClose(getLoss('huber')(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values, huber(T(REGRESSION_TRUE), T(REGRESSION_PRED)).values, 0);
    assertClose(getLoss('kld')(T(Y_TRUE), T(Y_PRED)).values, klDivergence(T(Y_TRUE), T(Y_PRED)).values, 0);
    assertClose(getLoss('cosine_similarity')(T(Y_TRUE), T(Y_PRED)).values, cosineSimilarity(T(Y_TRUE), T(Y_PRED)).values, 0);
    assertClose(getLoss('categorical_hinge')(T(SIGNS), T(SCORES)).values, categoricalHinge(T(SIGNS), T(SCORES)).values, 0);
  });

  it('checks shapes like the other losses', () => {
    assert.throws(() => huber(T([[1, 2, 3]]), T([[1, 2]])), /Loss 'huber': expected y_true and y_pred of the same shape/);
  });
});
