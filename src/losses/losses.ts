/**
 * Loss functions: (yTrue, yPred) -> per-sample loss, built from differentiable ops so gradients
 * reach yPred. Formulas follow keras/src/losses/losses.py and the backends' nn.py.
 */
import { ValueError } from '../core/errors.js';
import {
  abs, add, clip, divide, logSoftmax, log, mean, multiply, negative, reshape, softplus, square, subtract, sum,
} from '../ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { alignRanks, checkLossShapes } from './shapes.js';

export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;
/** Short alias of LossFunction. */
export type LossFn = LossFunction;

export interface CrossentropyOptions {
  /** Whether yPred holds logits (before sigmoid/softmax) rather than probabilities. */
  fromLogits?: boolean;
  /**
   * Squeezes the labels towards uniform: binary y * (1 - s) + 0.5 s, categorical
   * y * (1 - s) + s / numClasses (keras/src/losses/losses.py). 0 (off) by default.
   */
  labelSmoothing?: number;
}

/** Keras 3's SparseCategoricalCrossentropy has no label smoothing. */
export type SparseCrossentropyOptions = Pick<CrossentropyOptions, 'fromLogits'>;

/** keras.config.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON] before the log. */
export const EPSILON = 1e-7;

/** Keras's squeeze_or_expand_to_same_rank (losses/loss.py), applied by LossFunctionWrapper. */
export function alignTensors(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const [t, p] = alignRanks(yTrue.shape, yPred.shape) as [number[], number[]];
  return [t.length === yTrue.rank ? yTrue : reshape(yTrue, t), p.length === yPred.rank ? yPred : reshape(yPred, p)];
}

/** mean((y_true - y_pred)^2, axis=-1) */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  checkLossShapes('mean_squared_error', yTrue.shape, yPred.shape);
  const [t, p] = alignTensors(yTrue, yPred);
  return mean(square(subtract(t, p)), -1);
}

/** mean(|y_true - y_pred|, axis=-1) */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  checkLossShapes('mean_absolute_error', yTrue.shape, yPred.shape);
  const [t, p] = alignTensors(yTrue, yPred);
  return mean(abs(subtract(t, p)), -1);
}

/** mean(-(y log p + (1 - y) log(1 - p)), axis=-1) with p clipped to [eps, 1 - eps]. */
export function binaryCrossentropy(
  yTrue: Tensor, yPred: Tensor, { fromLogits = false, labelSmoothing = 0 }: CrossentropyOptions = {},
): Tensor {
  checkLossShapes('binary_crossentropy', yTrue.shape, yPred.shape);
  const [aligned, p] = alignTensors(yTrue, yPred);
  const t = labelSmoothing > 0 ? add(multiply(aligned, 1 - labelSmoothing), 0.5 * labelSmoothing) : aligned;
  let elementwise: Tensor;
  if (fromLogits) {
    // -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) = softplus(x) - x y: the same quantity as
    // tf.nn.sigmoid_cross_entropy_with_logits (Keras's TensorFlow backend), stable for large |x|,
    // and smooth at x = 0 (unlike the max(x, 0) - x y + log1p(exp(-|x|)) spelling).
    elementwise = subtract(softplus(p), multiply(p, t));
  } else {
    const q = clip(p, EPSILON, 1 - EPSILON);
    elementwise = negative(add(multiply(t, log(q)), multiply(subtract(1, t), log(subtract(1, q)))));
  }
  return mean(elementwise, -1);
}

/** -sum(y_true * log_probabilities, axis=-1), the log-probabilities as Keras's nn.py computes them. */
function crossentropyFromOneHot(oneHot: Tensor, yPred: Tensor, fromLogits: boolean): Tensor {
  let logProbabilities: Tensor;
  if (fromLogits) {
    logProbabilities = logSoftmax(yPred, -1);
  } else {
    // Keras rescales so each row sums to 1, then clips before the log.
    const q = divide(yPred, sum(yPred, -1, true));
    logProbabilities = log(clip(q, EPSILON, 1 - EPSILON));
  }
  return negative(sum(multiply(oneHot, logProbabilities), -1));
}

/** Crossentropy against one-hot (or soft) labels of the same shape as yPred. */
export function categoricalCrossentropy(
  yTrue: Tensor, yPred: Tensor, { fromLogits = false, labelSmoothing = 0 }: CrossentropyOptions = {},
): Tensor {
  checkLossShapes('categorical_crossentropy', yTrue.shape, yPred.shape);
  const classes = yPred.shape[yPred.rank - 1];
  const t = labelSmoothing > 0 ? add(multiply(yTrue, 1 - labelSmoothing), labelSmoothing / classes) : yTrue;
  return crossentropyFromOneHot(t, yPred, fromLogits);
}

/** Crossentropy against integer class labels of shape (batch,) or (batch, 1), stored as float32. */
export function sparseCategoricalCrossentropy(
  yTrue: Tensor, yPred: Tensor, { fromLogits = false }: SparseCrossentropyOptions = {},
): Tensor {
  checkLossShapes('sparse_categorical_crossentropy', yTrue.shape, yPred.shape);
  return crossentropyFromOneHot(oneHotLabels(yTrue, yPred.shape), yPred, fromLogits);
}

/** One-hot encodes integer labels into `shape` (the predictions' shape). Not differentiable: labels are data. */
function oneHotLabels(labels: Tensor, shape: readonly number[]): Tensor {
  const classes = shape[shape.length - 1];
  const out = new Float32Array(labels.size * classes);
  labels.values.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ValueError(
        `Loss 'sparse_categorical_crossentropy': expected integer labels in [0, ${classes - 1}] ` +
          `for predictions over ${classes} classes. Received: y_true[${i}]=${label}.`,
      );
    }
    out[i * classes + label] = 1;
  });
  return new Tensor(out, shape);
}
