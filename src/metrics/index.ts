/** `metrics`: running metrics for training logs (plain loops, float64 accumulation) and name lookup. */
export { Mean, MeanMetricWrapper, meanOverLastAxis, type Metric, type MetricValues } from './metric.js';
export { MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, MeanSquaredLogarithmicError } from './regression.js';
export { TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy } from './topk.js';
export { Precision, Recall, AUC, type AUCOptions, type AucSummationMethod } from './confusion.js';
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, accuracyKind, type AccuracyKind,
} from './accuracy.js';
export { getMetric } from './get.js';
