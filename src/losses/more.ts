/**
 * More of Keras's per-sample losses (keras/src/losses/losses.py): robust regression (Huber, LogCosh),
 * relative errors (MSLE, MAPE), distributions (KL divergence, cosine similarity) and margins (hinges).
 * Each is built from differentiable ops, so gradients reach yPred.
 */
import {
  abs, add, divide, log, maximum, mean, minimum, max, multiply, negative, softplus, sqrt, square, subtract, sum, clip,
} from '../ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { alignTensors, EPSILON } from './losses.js';
import { checkLossShapes } from './shapes.js';

function aligned(name: string, yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  checkLossShapes(name, yTrue.shape, yPred.shape);
  return alignTensors(yTrue, yPred);
}

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. */
  delta?: number;
}

/** mean(0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2, axis=-1), e = yPred - yTrue. */
export function huber(yTrue: Tensor, yPred: Tensor, { delta = 1 }: HuberOptions = {}): Tensor {
  const [t, p] = aligned('huber', yTrue, yPred);
  const absError = abs(subtract(p, t));
  // With q = min(|e|, delta): 0.5 q^2 + delta (|e| - q) is both branches of Keras's `where` at once.
  const q = minimum(absError, delta);
  return mean(add(multiply(0.5, square(q)), multiply(delta, subtract(absError, q))), -1);
}

/** mean(log(cosh(e)), axis=-1), as Keras computes it: e + softplus(-2e) - log(2), stable for large |e|. */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('log_cosh', yTrue, yPred);
  const e = subtract(p, t);
  return mean(subtract(add(e, softplus(multiply(e, -2))), Math.LN2), -1);
}

/** sum(y * log(y / p), axis=-1) with both clipped to [1e-7, 1]. */
export function klDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  checkLossShapes('kl_divergence', yTrue.shape, yPred.shape);
  const t = clip(yTrue, EPSILON, 1);
  const p = clip(yPred, EPSILON, 1);
  return sum(multiply(t, log(divide(t, p))), -1);
}

export interface CosineSimilarityOptions {
  axis?: number;
}

/** keras.ops.normalize: x / max(||x||, 1e-7) along `axis`. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return divide(x, maximum(sqrt(sum(square(x), axis, true)), EPSILON));
}

/** -sum(l2_normalize(yTrue) * l2_normalize(yPred), axis): -1 for the same direction, as a loss to minimise. */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor, { axis = -1 }: CosineSimilarityOptions = {}): Tensor {
  const [t, p] = aligned('cosine_similarity', yTrue, yPred);
  return negative(sum(multiply(l2Normalize(t, axis), l2Normalize(p, axis)), axis));
}

/** Labels of only 0s and 1s become -1 and 1 (keras losses.py convert_binary_labels_to_hinge); others pass through. */
function hingeLabels(yTrue: Tensor): Tensor {
  const v = yTrue.values;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 1) return yTrue;
  return new Tensor(v.map((y) => 2 * y - 1), yTrue.shape);
}

/** mean(max(1 - y * p, 0), axis=-1), labels -1/1 (or 0/1, converted). */
export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('hinge', yTrue, yPred);
  return mean(maximum(subtract(1, multiply(hingeLabels(t), p)), 0), -1);
}

/** mean(max(1 - y * p, 0)^2, axis=-1), labels -1/1 (or 0/1, converted). */
export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('squared_hinge', yTrue, yPred);
  return mean(square(maximum(subtract(1, multiply(hingeLabels(t), p)), 0)), -1);
}

/** max(max((1 - y) * p, axis=-1) - sum(y * p, axis=-1) + 1, 0), for one-hot y. */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('categorical_hinge', yTrue, yPred);
  const positive = sum(multiply(t, p), -1);
  const negativeScore = max(multiply(subtract(1, t), p), -1);
  return maximum(add(subtract(negativeScore, positive), 1), 0);
}

/** mean((log(max(p, eps) + 1) - log(max(y, eps) + 1))^2, axis=-1). */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('mean_squared_logarithmic_error', yTrue, yPred);
  const logP = log(add(maximum(p, EPSILON), 1));
  const logT = log(add(maximum(t, EPSILON), 1));
  return mean(square(subtract(logP, logT)), -1);
}

/** 100 * mean(|(y - p) / max(|y|, eps)|, axis=-1). */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('mean_absolute_percentage_error', yTrue, yPred);
  return multiply(100, mean(abs(divide(subtract(t, p), maximum(abs(t), EPSILON))), -1));
}
