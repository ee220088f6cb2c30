/**
 * kerats: the Keras API in TypeScript. This file is the one public surface; everything a user can
 * import is listed here explicitly.
 */
export { Tensor, Variable, type NestedArray } from './tensor/tensor.js';
export { tensor, type TensorLike } from './ops/convert.js';
export { zeros, ones, randomNormal, randomUniform, randInt } from './ops/creation.js';
export { valueAndGrads, noGrad } from './ops/grad.js';
export { setSeed } from './core/random.js';
export { ValueError, ShapeError } from './core/errors.js';
export { setBackend, getBackend } from './backend/backend.js';
export { wasmBuild } from './kernels/wasm/index.js';
export * as ops from './ops/index.js';
export * as layers from './layers/index.js';
export { Input, Layer, SymbolicTensor, registerLayer } from './layers/index.js';
export { Model } from './models/model.js';
export { Sequential } from './models/sequential.js';
export * as optimizers from './optimizers/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export * as activations from './activations/index.js';
export * as initializers from './initializers/index.js';
export { Callback, History, type CallbackLike, type Logs } from './training/callbacks.js';
export * as callbacks from './training/callbacksIndex.js';
export * as regularizers from './regularizers/index.js';
export * as constraints from './constraints/index.js';
export type { CompileArgs, FitArgs, EvaluateArgs, PredictArgs, BatchArgs, Batch, BatchSource } from './training/trainer.js';
export { explain, explainLayer, formatExplanation, type LayerExplanation, type ExplainedWeight } from './explain/explain.js';
export { resetNames as clearSession } from './layers/naming.js';
export { plotModel, plotHistory } from './plot/index.js';
export { modelFromConfig as modelFromJSON } from './models/fromConfig.js';
export { loadModel, saveModel, loadWeights, saveWeights, modelToJSON, type LoadOptions } from './io/index.js';
export { exportC } from './export/c/index.js';
export { exportOnnx } from './export/onnx/index.js';
