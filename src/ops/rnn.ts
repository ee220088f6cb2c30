/**
 * SimpleRNN over a whole sequence as one op and one tape node (internal: the SimpleRNN layer's fast
 * path), each direction one backend kernel call. Forward: the input projection z = x W + b for every
 * timestep in one matmul, then the recurrence h_i = activation(z_t(i) + h_{i-1} U). Backward (BPTT):
 * per step dz and its contributions to dU and dh_{i-1}; then dW = x^T dz, dx = dz W^T and db = sum(dz),
 * one matmul or sum each over all timesteps. Computes what the per-step composition computes
 * (keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call under rnn.py's loop), without a tape node per
 * step or a fresh array per op.
 */
import type { RecurrentActivation, SimpleRnnParams } from '../backend/backend.js';
import { ShapeError, shapeErrorMessage } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';

export type { RecurrentActivation };

/** The activations `simpleRnn` supports; a layer with any other runs its step loop. */
export const SIMPLE_RNN_ACTIVATIONS: readonly RecurrentActivation[] = ['linear', 'relu', 'tanh', 'sigmoid'];

export interface SimpleRnnOptions {
  activation: RecurrentActivation;
  /** Read the timesteps from last to first; outputs stay in processing order (Keras's go_backwards). */
  goBackwards?: boolean;
}

function checkShape(name: string, got: readonly number[], want: readonly number[]): void {
  if (got.length === want.length && got.every((d, i) => d === want[i])) return;
  throw new ShapeError(shapeErrorMessage({
    where: `simpleRnn ${name}`,
    expected: `shape ${formatShape(want)}`,
    received: formatShape(got),
  }));
}

/**
 * Every timestep's output of a SimpleRNN, (batch, timesteps, units), in processing order.
 * inputs (batch, timesteps, features), kernel (features, units), recurrentKernel (units, units),
 * bias (units) or null, initialState (batch, units).
 */
export function simpleRnn(inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null,
  initialState: Tensor, options: SimpleRnnOptions): Tensor {
  if (inputs.rank !== 3 || inputs.shape[1] < 1) {
    throw new ShapeError(shapeErrorMessage({
      where: 'simpleRnn inputs',
      expected: 'rank 3, (batch, timesteps >= 1, features)',
      received: formatShape(inputs.shape),
    }));
  }
  const [batch, timesteps, features] = inputs.shape;
  const units = kernel.shape[kernel.rank - 1];
  checkShape('kernel', kernel.shape, [features, units]);
  checkShape('recurrentKernel', recurrentKernel.shape, [units, units]);
  if (bias) checkShape('bias', bias.shape, [units]);
  checkShape('initialState', initialState.shape, [batch, units]);

  const p: SimpleRnnParams = {
    batch, timesteps, features, units, activation: options.activation, goBackwards: options.goBackwards ?? false,
  };
  // The arrays the forward pass read: a Variable's values may be replaced before backward runs.
  const x = inputs.values, w = kernel.values, u = recurrentKernel.values, h0 = initialState.values;
  const outputs = backend().simpleRnnForward(x, w, u, bias ? bias.values : null, h0, p);
  const out = new Tensor(outputs, [batch, timesteps, units]);
  const recorded = bias ? [inputs, kernel, recurrentKernel, initialState, bias] : [inputs, kernel, recurrentKernel, initialState];
  return recordOp(out, recorded, (dy) => {
    const g = backend().simpleRnnBackward(dy.values, outputs, x, w, u, h0, p);
    const grads = [
      new Tensor(g.dInputs, inputs.shape),
      new Tensor(g.dKernel, kernel.shape),
      new Tensor(g.dRecurrentKernel, recurrentKernel.shape),
      new Tensor(g.dInitialState, initialState.shape),
    ];
    if (bias) grads.push(new Tensor(g.dBias, bias.shape));
    return grads;
  });
}
