/** The Orthogonal initializer (keras/src/initializers/random_initializers.py Orthogonal) and the QR it needs. */
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { randomNormal } from '../ops/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { RandomInitializer } from './randomInitializers.js';
import { checkShape, type InitializerConfig, drawWithSeed } from './initializer.js';

/**
 * Reduced QR of a row-major (m, n) matrix with m >= n, by Householder reflections in float64.
 * Returns Q (m, n, orthonormal columns) and the diagonal of R.
 */
export function householderQR(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // Reflect column k below the diagonal onto -sign(x0) ||x|| e0 (the sign avoids cancellation).
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) { v[i - k] = r[i * n + k]; norm += v[i - k] * v[i - k]; }
    norm = Math.sqrt(norm);
    const alpha = v[0] > 0 ? -norm : norm;
    v[0] -= alpha;
    let vNorm = 0;
    for (let i = 0; i < v.length; i++) vNorm += v[i] * v[i];
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = 0; i < v.length; i++) v[i] /= vNorm;
    vs.push(v);
    // R[k:, k:] -= 2 v (v^T R[k:, k:])
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * r[i * n + j];
      for (let i = k; i < m; i++) r[i * n + j] -= 2 * v[i - k] * dot;
    }
    rDiag[k] = r[k * n + k];
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * v[i - k] * dot;
    }
  }
  return { q, rDiag };
}

/**
 * Flattens the shape to (prod(shape[:-1]), shape[-1]), takes Q of the QR of a normal matrix of shape
 * (max, min) with columns sign-corrected by diag(R) (so Q is unique), transposes it when there are
 * fewer rows than columns, and multiplies by `gain`.
 */
export class Orthogonal extends RandomInitializer {
  readonly className = 'Orthogonal';
  readonly gain: number;

  constructor(options: { gain?: number; seed?: number | null } = {}) {
    super(options.seed);
    this.gain = options.gain ?? 1;
  }

  call(shape: readonly number[]): Tensor {
    checkShape('Orthogonal', shape);
    if (shape.length < 2) {
      throw new ShapeError(
        `The tensor to initialize must be at least two-dimensional. Received: shape=${formatShape(shape)} of rank ${shape.length}.`,
      );
    }
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const big = Math.max(rows, cols);
    const small = Math.min(rows, cols);
    const a = drawWithSeed(this.seed, () => randomNormal([big, small]));
    const { q, rDiag } = householderQR(Float64Array.from(a.values), big, small);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < big; i++) {
      for (let j = 0; j < small; j++) {
        const v = this.gain * q[i * small + j] * Math.sign(rDiag[j]);
        // (big, small) is (rows, cols) unless rows < cols, when Keras transposes it.
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    return new Tensor(out, shape);
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), gain: this.gain };
  }
}
