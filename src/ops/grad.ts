/** valueAndGrads: the hook for gradients and custom training loops. */
import { ValueError } from '../core/errors.js';
import { backend } from '../tensor/engine.js';
import { noGrad, runWithTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from './creation.js';

export { noGrad };

/**
 * Runs `f` (which returns a scalar Tensor) and returns its value and the gradient of that value
 * with respect to each tensor or variable in `wrt` (zeros where it does not depend on one).
 */
export function valueAndGrads(f: () => Tensor, wrt: readonly Tensor[]): { value: Tensor; grads: Tensor[] } {
  for (const t of wrt) {
    if (!(t instanceof Tensor)) throw new ValueError('valueAndGrads: every item of `wrt` must be a Tensor or Variable.');
  }
  return runWithTape(f, wrt, {
    add: (a, b) => new Tensor(backend().binary('add', a.values, a.shape, b.values, b.shape, a.shape), a.shape),
    onesLike: (t) => ones(t.shape),
    zerosLike: (t) => zeros(t.shape),
  });
}
