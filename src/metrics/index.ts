/** `metrics`: running metrics for training logs (plain loops, float64 accumulation) and name lookup. */
export { Mean, MeanMetricWrapper, meanOverLastAxis, type Metric, type MetricValues } from './metric.js';
export { MeanSquaredError, MeanAbsoluteError } from './regression.js';
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, accuracyKind, type AccuracyKind,
} from './accuracy.js';
export { getMetric } from './get.js';
