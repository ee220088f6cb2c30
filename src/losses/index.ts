/** `losses`: Keras's loss functions, per-sample and differentiable, with name lookup and shape checks. */
export {
  meanSquaredError, meanAbsoluteError, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  EPSILON, type LossFunction, type LossFn, type CrossentropyOptions, type SparseCrossentropyOptions,
} from './losses.js';
export {
  huber, logCosh, klDivergence, cosineSimilarity, hinge, squaredHinge, categoricalHinge, meanSquaredLogarithmicError,
  meanAbsolutePercentageError, type HuberOptions, type CosineSimilarityOptions,
} from './more.js';
export { getLoss } from './get.js';
export { reduceLoss } from './reduction.js';
export { checkLossShapes, alignRanks, type LossShape } from './shapes.js';
export { canonicalLossName, LOSS_NAMES, type LossName } from './names.js';
