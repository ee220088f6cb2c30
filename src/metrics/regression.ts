/** MeanSquaredError and MeanAbsoluteError metrics (keras/src/metrics/regression_metrics.py). */
import { ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { alignRanks } from '../losses/shapes.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanMetricWrapper, meanOverLastAxis, type MetricValues } from './metric.js';

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
