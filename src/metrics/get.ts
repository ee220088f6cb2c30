/** Metric lookup by name (keras/src/metrics/__init__.py get, plus compile_utils.py's 'accuracy' handling). */
import { ValueError } from '../core/errors.js';
import { Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy } from './accuracy.js';
import type { Metric } from './metric.js';
import { AUC, Precision, Recall } from './confusion.js';
import { MeanAbsoluteError, MeanSquaredError, MeanSquaredLogarithmicError, RootMeanSquaredError } from './regression.js';
import { SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy } from './topk.js';

type Factory = (name: string) => Metric;

const FACTORIES = new Map<string, Factory>();
function register(factory: Factory, ...spellings: string[]): void {
  for (const s of spellings) FACTORIES.set(s, factory);
}
register((n) => new MeanSquaredError(n), 'mse', 'MSE', 'mean_squared_error', 'MeanSquaredError', 'meanSquaredError');
register((n) => new MeanAbsoluteError(n), 'mae', 'MAE', 'mean_absolute_error', 'MeanAbsoluteError', 'meanAbsoluteError');
register((n) => new BinaryAccuracy(n), 'binary_accuracy', 'BinaryAccuracy', 'binaryAccuracy');
register((n) => new CategoricalAccuracy(n), 'categorical_accuracy', 'CategoricalAccuracy', 'categoricalAccuracy');
register((n) => new SparseCategoricalAccuracy(n), 'sparse_categorical_accuracy', 'SparseCategoricalAccuracy', 'sparseCategoricalAccuracy');
register((n) => new TopKCategoricalAccuracy(n), 'top_k_categorical_accuracy', 'TopKCategoricalAccuracy', 'topKCategoricalAccuracy');
register((n) => new SparseTopKCategoricalAccuracy(n),
  'sparse_top_k_categorical_accuracy', 'SparseTopKCategoricalAccuracy', 'sparseTopKCategoricalAccuracy');
register((n) => new Precision(n), 'precision', 'Precision');
register((n) => new Recall(n), 'recall', 'Recall');
register((n) => new AUC(n), 'auc', 'AUC');
// 'rmse' is not a Keras alias, but a common spelling.
register((n) => new RootMeanSquaredError(n), 'root_mean_squared_error', 'RootMeanSquaredError', 'rootMeanSquaredError', 'rmse');
register((n) => new MeanSquaredLogarithmicError(n),
  'msle', 'MSLE', 'mean_squared_logarithmic_error', 'MeanSquaredLogarithmicError', 'meanSquaredLogarithmicError');

/**
 * A fresh metric for a name, named after the string passed (Keras names the History key that way:
 * 'mae' -> 'mae', 'mean_absolute_error' -> 'mean_absolute_error'), or the given metric itself.
 * 'accuracy' and 'acc' (any case) resolve from the data's shapes on the first update.
 *
 * `_lossName` is accepted so callers can pass the compiled loss, but Keras 3 resolves 'accuracy'
 * from shapes alone, never from the loss, and so does this.
 */
export function getMetric(identifier: string | Metric, _lossName?: string): Metric {
  if (typeof identifier !== 'string') return identifier;
  if (['accuracy', 'acc'].includes(identifier.toLowerCase())) return new Accuracy(identifier);
  const factory = FACTORIES.get(identifier);
  if (factory === undefined) {
    throw new ValueError(
      `Could not interpret metric identifier: ${JSON.stringify(identifier)}. ` +
        `Expected one of 'accuracy', 'acc', 'mse', 'mae', 'mean_squared_error', 'mean_absolute_error', ` +
        `'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'top_k_categorical_accuracy', ` +
        `'sparse_top_k_categorical_accuracy', 'precision', 'recall', 'auc', 'root_mean_squared_error', 'rmse', ` +
        `'mean_squared_logarithmic_error', 'msle' (or their class or camelCase names), or a Metric.`,
    );
  }
  return factory(identifier);
}
