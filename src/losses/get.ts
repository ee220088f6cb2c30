/** Loss lookup by name, as keras.losses.get. */
import { ValueError } from '../core/errors.js';
import {
  binaryCrossentropy, categoricalCrossentropy, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy,
  type LossFunction,
} from './losses.js';
import {
  categoricalHinge, cosineSimilarity, hinge, huber, klDivergence, logCosh, meanAbsolutePercentageError,
  meanSquaredLogarithmicError, squaredHinge,
} from './more.js';
import { canonicalLossName, validLossNames, type LossName } from './names.js';

const FUNCTIONS: Record<LossName, LossFunction> = {
  mean_squared_error: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
  binary_crossentropy: (t, p) => binaryCrossentropy(t, p),
  categorical_crossentropy: (t, p) => categoricalCrossentropy(t, p),
  sparse_categorical_crossentropy: (t, p) => sparseCategoricalCrossentropy(t, p),
  huber: (t, p) => huber(t, p),
  log_cosh: logCosh,
  kl_divergence: klDivergence,
  cosine_similarity: (t, p) => cosineSimilarity(t, p),
  hinge,
  squared_hinge: squaredHinge,
  categorical_hinge: categoricalHinge,
  mean_squared_logarithmic_error: meanSquaredLogarithmicError,
  mean_absolute_percentage_error: meanAbsolutePercentageError,
};

/** The loss function for a name (any spelling Keras accepts, or camelCase), or the function itself. */
export function getLoss(identifier: string | LossFunction): LossFunction {
  if (typeof identifier === 'function') return identifier;
  const name = typeof identifier === 'string' ? canonicalLossName(identifier) : undefined;
  if (name === undefined) {
    throw new ValueError(
      `Could not interpret loss identifier: ${JSON.stringify(identifier)}. ` +
        `Expected one of ${validLossNames().map((n) => `'${n}'`).join(', ')} (or their camelCase forms), or a function (yTrue, yPred) => Tensor.`,
    );
  }
  return FUNCTIONS[name];
}
