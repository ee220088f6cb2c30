/** Reducing per-sample losses to the scalar that training minimises (keras/src/losses/loss.py). */
import { mean, multiply, reshape } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignRanks } from './shapes.js';

/**
 * Keras's default reduction "sum_over_batch_size": sum(loss * sampleWeight) / number of loss
 * elements. Note the divisor counts every sample, weighted or not, as Keras does.
 */
export function reduceLoss(perSample: Tensor, sampleWeight?: Tensor): Tensor {
  let values = perSample;
  if (sampleWeight !== undefined) {
    const [v, w] = alignRanks(values.shape, sampleWeight.shape) as [number[], number[]];
    values = multiply(reshape(values, v), reshape(sampleWeight, w));
  }
  return mean(values);
}
