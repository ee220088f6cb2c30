/** Making tensors: constants and seeded random draws. */
import { sizeOf } from '../core/shape.js';
import { randomFloat, randomGaussian } from '../core/random.js';
import { Tensor } from '../tensor/tensor.js';

export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}
export function ones(shape: readonly number[]): Tensor {
  return fill(shape, 1);
}
export function fill(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}
export function onesLike(t: Tensor): Tensor {
  return ones(t.shape);
}
export function scalar(v: number): Tensor {
  return new Tensor(new Float32Array([v]), []);
}
export function randomNormal(shape: readonly number[], mean = 0, stddev = 1): Tensor {
  const v = new Float32Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = mean + stddev * randomGaussian();
  return new Tensor(v, shape);
}
/** Normal draws re-drawn until within two standard deviations (Keras's truncated_normal). */
export function truncatedNormal(shape: readonly number[], mean = 0, stddev = 1): Tensor {
  const v = new Float32Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) {
    let z = randomGaussian();
    while (Math.abs(z) > 2) z = randomGaussian();
    v[i] = mean + stddev * z;
  }
  return new Tensor(v, shape);
}
export function randomUniform(shape: readonly number[], minval = 0, maxval = 1): Tensor {
  const v = new Float32Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = minval + (maxval - minval) * randomFloat();
  return new Tensor(v, shape);
}
/** Integers in [minval, maxval), as float32 values. */
export function randInt(shape: readonly number[], minval: number, maxval: number): Tensor {
  const v = new Float32Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = minval + Math.floor(randomFloat() * (maxval - minval));
  return new Tensor(v, shape);
}
