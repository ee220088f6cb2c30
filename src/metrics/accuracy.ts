/** Accuracy metrics (keras/src/metrics/accuracy_metrics.py) and Keras's 'accuracy' resolution. */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanMetricWrapper, type Metric, type MetricValues } from './metric.js';
import { elementwiseMean } from './regression.js';

/** How often (yPred > threshold) equals yTrue, averaged over the last axis. */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;

  constructor(name = 'binary_accuracy', { threshold = 0.5 }: { threshold?: number } = {}) {
    super(name);
    if (!(threshold > 0 && threshold < 1)) {
      throw new ValueError(`Invalid value for argument \`threshold\`. Expected a value in interval (0, 1). Received: threshold=${threshold}`);
    }
    this.threshold = threshold;
  }

  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    const th = this.threshold;
    return elementwiseMean(this.name, yTrue, yPred, (a, b, last, out) => {
      for (let r = 0, i = 0, s = 0; r < out.length; r++, s = 0) {
        for (const end = i + last; i < end; i++) s += a[i] === (b[i] > th ? 1 : 0) ? 1 : 0;
        out[r] = s / last;
      }
    });
  }
}

/** Index of the largest of `n` values starting at `offset` (the first on ties, as argmax). */
function argmaxAt(v: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[offset + k] > v[offset + best]) best = k;
  return best;
}

function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

/** How often argmax(yTrue) equals argmax(yPred) along the last axis (one-hot labels). */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor(name = 'categorical_accuracy') {
    super(name);
  }

  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    if (!shapesEqual(yTrue.shape, yPred.shape)) {
      throw new ShapeError(
        `Metric '${this.name}': expected one-hot y_true of the same shape as y_pred. ` +
          `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
      );
    }
    const n = lastDim(yPred.shape);
    const rows = yPred.size / n;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = argmaxAt(yTrue.values, r * n, n) === argmaxAt(yPred.values, r * n, n) ? 1 : 0;
    return { values: out, shape: yPred.shape.slice(0, -1) };
  }
}

/** How often the integer label equals argmax(yPred) along the last axis. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor(name = 'sparse_categorical_accuracy') {
    super(name);
  }

  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    const lead = yPred.shape.slice(0, -1);
    const labelsShape = yTrue.rank === yPred.rank && lastDim(yTrue.shape) === 1 ? yTrue.shape.slice(0, -1) : yTrue.shape;
    if (!shapesEqual(labelsShape, lead)) {
      throw new ShapeError(
        `Metric '${this.name}': expected integer labels of shape ${formatShape(lead)} or ${formatShape([...lead, 1])} ` +
          `for predictions of shape ${formatShape(yPred.shape)}. Received: y_true.shape=${formatShape(yTrue.shape)}.`,
      );
    }
    const n = lastDim(yPred.shape);
    const out = new Float64Array(yTrue.size);
    for (let r = 0; r < out.length; r++) out[r] = yTrue.values[r] === argmaxAt(yPred.values, r * n, n) ? 1 : 0;
    return { values: out, shape: lead };
  }
}

export type AccuracyKind = 'binary_accuracy' | 'sparse_categorical_accuracy' | 'categorical_accuracy';

/**
 * Which accuracy Keras means by 'accuracy' (keras/src/trainers/compile_utils.py
 * is_binary_or_sparse_categorical): binary when y_pred's last axis is 1; sparse when y_true has
 * lower rank, or a last axis of 1 while y_pred's is larger; categorical otherwise.
 */
export function accuracyKind(yTrueShape: readonly number[], yPredShape: readonly number[]): AccuracyKind {
  const predLast = lastDim(yPredShape);
  if (predLast === 1) return 'binary_accuracy';
  if (yTrueShape.length < yPredShape.length || (lastDim(yTrueShape) === 1 && predLast > 1)) return 'sparse_categorical_accuracy';
  return 'categorical_accuracy';
}

/**
 * The metric behind the string 'accuracy' (or 'acc'): picks binary, sparse categorical or
 * categorical accuracy from the shapes of the first batch it sees, as Keras does when it builds
 * compiled metrics. (Keras's own keras.metrics.Accuracy class is exact-match accuracy; this is
 * the compile-time resolution instead.)
 */
export class Accuracy implements Metric {
  name: string;
  private resolved: MeanMetricWrapper | null = null;

  constructor(name = 'accuracy') {
    this.name = name;
  }

  /** The chosen accuracy, or null before the first update. */
  get kind(): AccuracyKind | null {
    return this.resolved === null ? null
      : this.resolved instanceof BinaryAccuracy ? 'binary_accuracy'
      : this.resolved instanceof SparseCategoricalAccuracy ? 'sparse_categorical_accuracy' : 'categorical_accuracy';
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    if (this.resolved === null) {
      const kind = accuracyKind(yTrue.shape, yPred.shape);
      this.resolved = kind === 'binary_accuracy' ? new BinaryAccuracy(this.name)
        : kind === 'sparse_categorical_accuracy' ? new SparseCategoricalAccuracy(this.name) : new CategoricalAccuracy(this.name);
    }
    this.resolved.updateState(yTrue, yPred);
  }

  result(): number {
    return this.resolved === null ? 0 : this.resolved.result();
  }

  /** Clears the running mean; the resolved kind stays (Keras builds compiled metrics once). */
  resetState(): void {
    this.resolved?.resetState();
  }
}
