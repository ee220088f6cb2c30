/** `optimizers`: Keras 3's SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax and Nadam, and learning-rate schedules, updating variables with plain Float32Array loops. */
export { Optimizer, type OptimizerOptions, type OptimizerConfig, type GradientAndVariable } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { AdamW } from './adamw.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { Nadam, type NadamOptions } from './nadam.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay, type CosineDecayOptions, type ConfigValue,
} from './schedules.js';
export { getOptimizer } from './get.js';
