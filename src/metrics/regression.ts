/** Regression metrics (keras/src/metrics/regression_metrics.py): MSE, MAE, RMSE and MSLE. */
import { ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { alignRanks } from '../losses/shapes.js';
import type { Tensor } from '../tensor/tensor.js';
import { Mean, MeanMetricWrapper, meanOverLastAxis, type Metric, type MetricValues } from './metric.js';

/**
 * Applies `f(true, pred)` elementwise after Keras's squeeze_or_expand_to_same_rank, then means
 * over the last axis, as the loss functions these metrics wrap do.
 */
export function elementwiseMean(name: string, yTrue: Tensor, yPred: Tensor, f: (t: number, p: number) => number): MetricValues {
  const [t, p] = alignRanks(yTrue.shape, yPred.shape) as [number[], number[]];
  if (!shapesEqual(t, p)) {
    throw new ShapeError(
      `Metric '${name}': expected y_true and y_pred of the same shape (up to a trailing axis of size 1). ` +
        `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
    );
  }
  const a = yTrue.values, b = yPred.values;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i], b[i]);
  return meanOverLastAxis(out, p);
}

export class MeanSquaredError extends MeanMetricWrapper {
  constructor(name = 'mean_squared_error') {
    super(name);
  }
  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    return elementwiseMean(this.name, yTrue, yPred, (t, p) => (t - p) * (t - p));
  }
}

export class MeanAbsoluteError extends MeanMetricWrapper {
  constructor(name = 'mean_absolute_error') {
    super(name);
  }
  protected override compute(yTrue: Tensor, yPred: Tensor): MetricValues {
    return elementwiseMean(this.name, yTrue, yPred, (t, p) => Math.abs(t - p));
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
    return elementwiseMean(this.name, yTrue, yPred, (t, p) => {
      const d = Math.log(Math.max(p, EPSILON) + 1) - Math.log(Math.max(t, EPSILON) + 1);
      return d * d;
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
