/** Neural-network functions composed from primitives (so their gradients come for free). */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/tape.js';
import { toTensor, type TensorLike } from './convert.js';
import { add, clip, divide, exp, log, multiply, subtract } from './elementwise.js';
import { max, sum } from './reduce.js';

/** Stable softmax: exp(x - max) / sum(exp(x - max)). The max is a constant for the gradient. */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const X = toTensor(x);
  const m = noGrad(() => max(X, axis, true));
  const e = exp(subtract(X, m));
  return divide(e, sum(e, axis, true));
}

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const X = toTensor(x);
  const m = noGrad(() => max(X, axis, true));
  const shifted = subtract(X, m);
  return subtract(shifted, log(sum(exp(shifted), axis, true)));
}

/** Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
export function hardSigmoid(x: TensorLike): Tensor {
  return multiply(clip(add(x, 3), 0, 6), 1 / 6);
}
