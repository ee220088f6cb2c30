/** Regression metrics (keras/src/metrics/regression_metrics.py): MSE, MAE, RMSE and MSLE. */
import { ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { alignRanks } from '../losses/shapes.js';
import type { Tensor } from '../tensor/tensor.js';
import { Mean, MeanMetricWrapper, type Metric, type MetricValues } from './metric.js';

/**
 * Fills out[r] with the mean over row r (`last` values, rows one after another) of an elementwise
 * function of y_true (`a`) and y_pred (`b`), summed in float64 in order. Each metric writes its own loop:
 * one shared loop calling a per-metric function was megamorphic and cost ~15 ns per element (W1's MAE).
 */
export type RowMeans = (a: Float32Array, b: Float32Array, last: number, out: Float64Array) => void;

/**
 * Keras's squeeze_or_expand_to_same_rank, then `rowMeans` over the last axis, as the loss functions
 * these metrics wrap do.
 */
export function elementwiseMean(name: string, yTrue: Tensor, yPred: Tensor, rowMeans: RowMeans): MetricValues {
  const [t, p] = alignRanks(yTrue.shape, yPred.shape) as [number[], number[]];
  if (!shapesEqual(t, p)) {
    throw new ShapeError(
      `Metric '${name}': expected y_true and y_pred of the same shape (up to a trailing axis of size 1). ` +
        `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
    );
  }
  const last = p.length === 0 ? 1 : p[p.length - 1];
  const out = new Float64Array(last === 0 ? 0 : yTrue.size / last);
  rowMeans(yTrue.values, yPred.values, last, out);
  return { values: out, shape: p.slice(0, -1) };
}

export class MeanSquaredError extends MeanMetricWrapper {
  constructor(name = 'mean_squared_error') {
    super(name);
  }
  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    return elementwiseMean(this.name, yTrue, yPred, (a, b, last, out) => {
      for (let r = 0, i = 0, s = 0; r < out.length; r++, s = 0) {
        for (const end = i + last; i < end; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        out[r] = s / last;
      }
    });
  }
}

export class MeanAbsoluteError extends MeanMetricWrapper {
  constructor(name = 'mean_absolute_error') {
    super(name);
  }
  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    return elementwiseMean(this.name, yTrue, yPred, (a, b, last, out) => {
      for (let r = 0, i = 0, s = 0; r < out.length; r++, s = 0) {
        for (const end = i + last; i < end; i++) s += Math.abs(a[i] - b[i]);
        out[r] = s / last;
      }
    });
  }
}

/** keras.config.epsilon(): MSLE clips values to it before log(1 + x). */
const EPSILON = 1e-7;

/** mean((log(max(p, eps) + 1) - log(max(y, eps) + 1))^2, axis=-1), averaged over samples. */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  constructor(name = 'mean_squared_logarithmic_error') {
    super(name);
  }
  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    return elementwiseMean(this.name, yTrue, yPred, (a, b, last, out) => {
      for (let r = 0, i = 0, s = 0; r < out.length; r++, s = 0) {
        for (const end = i + last; i < end; i++) {
          const d = Math.log(Math.max(b[i], EPSILON) + 1) - Math.log(Math.max(a[i], EPSILON) + 1);
          s += d * d;
        }
        out[r] = s / last;
      }
    });
  }
}

/**
 * sqrt of the running mean of squared errors, each sample's errors averaged first (Keras's
 * RootMeanSquaredError is a Mean of (y_pred - y_true)^2 with the root taken in result()).
 */
export class RootMeanSquaredError implements Metric {
  private readonly mean: Mean;

  constructor(name = 'root_mean_squared_error') {
    this.mean = new Mean(name);
  }

  get name(): string {
    return this.mean.name;
  }
  set name(value: string) {
    this.mean.name = value;
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const [t, p] = alignRanks(yTrue.shape, yPred.shape) as [number[], number[]];
    if (!shapesEqual(t, p)) {
      throw new ShapeError(
        `Metric '${this.name}': expected y_true and y_pred of the same shape (up to a trailing axis of size 1). ` +
          `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
      );
    }
    const a = yTrue.values, b = yPred.values;
    const squared = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) squared[i] = (a[i] - b[i]) * (a[i] - b[i]);
    this.mean.addSamples(squared, p);
  }

  result(): number {
    return Math.sqrt(this.mean.result());
  }

  resetState(): void {
    this.mean.resetState();
  }
}
