/** `ops`: Keras 3's keras.ops names for tensor math; every op is differentiable unless noted. */
export { tensor, toTensor, type TensorLike } from './convert.js';
export {
  add, subtract, multiply, divide, maximum, minimum, power, greater, equal, negative, exp, log, sqrt, square, abs,
  sign, floor, round, reciprocal, tanh, sigmoid, relu, softplus, clip,
} from './elementwise.js';
export { sum, mean, max, min, argmax } from './reduce.js';
export { matmul } from './linalg.js';
export { gather } from './gather.js';
export {
  reshape, transpose, slice, pad, concatenate, expandDims, squeeze, stack, split, take, reverse, broadcastTo,
} from './movement.js';
export { softmax, logSoftmax, hardSigmoid } from './nn.js';
export { erf } from './special.js';
export { conv1d, conv2d, conv2dTranspose } from './conv.js';
export { maxPool, averagePool, type PoolPadding } from './pooling.js';
export {
  zeros, ones, fill, zerosLike, onesLike, scalar, randomNormal, randomUniform, truncatedNormal, randInt,
} from './creation.js';
export { valueAndGrads, noGrad } from './grad.js';
// Internal (not a keras.ops name): the SimpleRNN layer's whole-sequence fast path.
export { simpleRnn, SIMPLE_RNN_ACTIVATIONS, type RecurrentActivation, type SimpleRnnOptions } from './rnn.js';
