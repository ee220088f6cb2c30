/** `optimizers`: Keras 3's SGD, Adam and RMSprop, updating variables with plain Float32Array loops. */
export { Optimizer, type OptimizerOptions, type OptimizerConfig, type GradientAndVariable } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { getOptimizer } from './get.js';
