/** Top-k accuracies (keras/src/metrics/accuracy_metrics.py top_k_categorical_accuracy and its sparse form). */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanMetricWrapper, type MetricValues } from './metric.js';

function checkK(k: number): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new ValueError(`Argument \`k\` must be a positive integer. Received: k=${k}`);
}

/**
 * 1 where the score of class `target` in row `r` is among the k largest. Ties follow
 * tf.math.in_top_k (Keras's TensorFlow backend): classes tied at the boundary all count as in the top k,
 * i.e. fewer than k scores are strictly larger.
 */
function inTopK(scores: Float32Array, row: number, classes: number, target: number, k: number): number {
  const offset = row * classes;
  const score = scores[offset + target];
  if (!Number.isFinite(score)) return 0;
  let larger = 0;
  for (let c = 0; c < classes; c++) if (scores[offset + c] > score) larger++;
  return larger < k ? 1 : 0;
}

function classesOf(name: string, yPred: Tensor): number {
  if (yPred.rank < 1) throw new ShapeError(`Metric '${name}': expected y_pred with a class axis. Received: y_pred.shape=${formatShape(yPred.shape)}.`);
  return yPred.shape[yPred.rank - 1];
}

/** How often argmax(yTrue) is among the k highest-scored classes of yPred (one-hot labels). */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;

  constructor(name = 'top_k_categorical_accuracy', { k = 5 }: { k?: number } = {}) {
    super(name);
    checkK(k);
    this.k = k;
  }

  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    const classes = classesOf(this.name, yPred);
    if (yTrue.size !== yPred.size) {
      throw new ShapeError(
        `Metric '${this.name}': expected one-hot y_true of the same shape as y_pred. ` +
          `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
      );
    }
    const rows = yPred.size / classes;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let target = 0;
      for (let c = 1; c < classes; c++) if (yTrue.values[r * classes + c] > yTrue.values[r * classes + target]) target = c;
      out[r] = inTopK(yPred.values, r, classes, target, this.k);
    }
    return { values: out, shape: yPred.shape.slice(0, -1) };
  }
}

/** How often the integer label is among the k highest-scored classes of yPred. */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;

  constructor(name = 'sparse_top_k_categorical_accuracy', { k = 5 }: { k?: number } = {}) {
    super(name);
    checkK(k);
    this.k = k;
  }

  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    const classes = classesOf(this.name, yPred);
    const rows = yPred.size / classes;
    if (yTrue.size !== rows) {
      throw new ShapeError(
        `Metric '${this.name}': expected one integer label per row of y_pred ${formatShape(yPred.shape.slice(0, -1))}. ` +
          `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
      );
    }
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = yTrue.values[r];
      out[r] = Number.isInteger(label) && label >= 0 && label < classes ? inTopK(yPred.values, r, classes, label, this.k) : 0;
    }
    return { values: out, shape: yPred.shape.slice(0, -1) };
  }
}
