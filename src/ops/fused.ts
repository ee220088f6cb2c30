/**
 * The layer epilogue as one op: `activation(z + bias)` for Dense and the convolutions, with relu,
 * sigmoid, tanh or linear. Unfused it is an add and an activation forward (two fresh arrays) and a
 * step or derivative, a mul and a sum backward (two or three more); fused, one forward pass and one
 * backward pass that also returns the bias gradient (bench/NOTES.md entry 11). Not a Keras op: layers
 * call it, users compose `ops.add` and the activation.
 */
import type { EpilogueActivation } from '../backend/backend.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';

export type { EpilogueActivation };

export interface BiasActivationOptions {
  /**
   * Write the result into z's array instead of a new one. Only for a z that nothing else will read:
   * a fresh intermediate that the caller does not keep and that no recorded backward rule reads (the
   * conv and matmul rules read their inputs and dy, never their output). The gradient reads only y.
   */
  overwriteInput?: boolean;
}

/**
 * y = activation(z + bias), bias of shape (channels) added along z's last axis (null: no bias).
 * Differentiable in z and bias: dz = dy * activation'(y), computed from the output y, and dbias = dz
 * summed over the leading axes, in one backend call.
 */
export function biasActivation(z: Tensor, bias: Tensor | null, activation: EpilogueActivation,
  options: BiasActivationOptions = {}): Tensor {
  if (z.rank === 0) throw new ShapeError('biasActivation: expected z of rank >= 1 (its last axis holds the channels). Received: a scalar.');
  const channels = z.shape[z.rank - 1];
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== channels)) {
    throw new ShapeError(`biasActivation: expected a bias of shape (${channels}), the last axis of z ${formatShape(z.shape)}. ` +
      `Received: bias of shape ${formatShape(bias.shape)}.`);
  }
  if (bias === null && activation === 'linear') return z;
  const values = backend().biasActivation(z.values, bias?.values ?? null, activation,
    options.overwriteInput ? z.values : undefined);
  const out = new Tensor(values, z.shape);
  const leading = z.shape.slice(0, -1).map((_, i) => i);
  return recordOp(out, bias === null ? [z] : [z, bias], (dy) => {
    if (activation === 'linear') {
      // dz is dy itself (as add's rule); only the bias gradient is computed.
      return [dy, new Tensor(backend().reduce('sum', dy.values, dy.shape, leading), [channels])];
    }
    const { dz, dbias } = backend().biasActivationGrad(dy.values, out.values, activation, bias === null ? 0 : channels);
    return [new Tensor(dz, z.shape), dbias && new Tensor(dbias, [channels])];
  });
}
