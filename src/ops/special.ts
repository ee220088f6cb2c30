/** Special functions that are not compositions of the backend's primitives: erf (for the exact GELU). */
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { exp, multiply, negative, square } from './elementwise.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) in float64, accurate to ~1e-15: the everywhere-convergent series with positive terms
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))   (Abramowitz & Stegun 7.1.6).
 * No cancellation, so no precision is lost; beyond |x| = 6, 1 - |erf(x)| < 3e-17 and the answer is +-1.
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = ax * ax;
  let term = ax;
  let total = ax;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    total += term;
    if (term < total * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * total;
  return x < 0 ? -r : r;
}

/** The Gauss error function, elementwise; d erf(x)/dx = 2/sqrt(pi) * exp(-x^2). */
export function erf(x: TensorLike): Tensor {
  const X = toTensor(x);
  const values = new Float32Array(X.size);
  for (let i = 0; i < values.length; i++) values[i] = erfScalar(X.values[i]);
  const out = new Tensor(values, X.shape);
  // Backward rules run with recording off, so composing ops here records nothing.
  return recordOp(out, [X], (dy) => [multiply(dy, multiply(exp(negative(square(X))), TWO_OVER_SQRT_PI))]);
}
