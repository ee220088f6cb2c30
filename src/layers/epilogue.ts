/**
 * `activation(z + bias)`, the end of Dense and of every convolution's call, as one fused op where the
 * activation is a built-in linear, relu, sigmoid or tanh; other activations get the fused bias add,
 * then the activation's own ops. The same values and gradients as `activation(ops.add(z, bias))`.
 */
import { epilogueActivation, type ActivationFn } from '../activations/index.js';
import { biasActivation } from '../ops/fused.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `z` must be the layer's fresh matmul or convolution output, kept by no one: its array is reused for
 * the result (those ops' gradient rules read their inputs, never their output).
 */
export function applyBiasActivation(z: Tensor, bias: Tensor | null, activation: ActivationFn): Tensor {
  const fused = epilogueActivation(activation);
  if (fused !== null) return biasActivation(z, bias, fused, { overwriteInput: true });
  return activation(bias === null ? z : biasActivation(z, bias, 'linear', { overwriteInput: true }));
}
