/** Matrix multiply with NumPy's matmul broadcasting of batch axes (the common cases). */
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';

/**
 * a (..., m, k) @ b (..., k, n). Supports 2-D @ 2-D, N-D @ 2-D (the weight is shared, as in Dense),
 * and batched N-D @ N-D with equal batch axes. Optional transposes of the last two axes.
 */
export function matmul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  if (A.rank < 2 || B.rank < 2) {
    throw new ShapeError(`matmul needs tensors of rank >= 2. Received: ${formatShape(A.shape)} and ${formatShape(B.shape)}.`);
  }
  const m = transposeA ? A.shape[A.rank - 1] : A.shape[A.rank - 2];
  const k = transposeA ? A.shape[A.rank - 2] : A.shape[A.rank - 1];
  const kb = transposeB ? B.shape[B.rank - 1] : B.shape[B.rank - 2];
  const n = transposeB ? B.shape[B.rank - 2] : B.shape[B.rank - 1];
  if (k !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions must match. Received: ${formatShape(A.shape)} @ ${formatShape(B.shape)} (${k} != ${kb}).`,
    );
  }
  const batchA = A.shape.slice(0, -2);
  const batchB = B.shape.slice(0, -2);
  let batch = batchA.reduce((p, d) => p * d, 1);
  let outBatchShape = batchA;
  let bBatch = 1;
  let mm = m;
  if (batchB.length === 0 && !transposeA) {
    // Fold A's batch axes into its rows: one big GEMM with a shared B.
    mm = m * batch;
    batch = 1;
  } else if (batchB.length > 0) {
    const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
    if (!sameBatch) {
      throw new ShapeError(`matmul: batch axes must match. Received: ${formatShape(A.shape)} @ ${formatShape(B.shape)}.`);
    }
    bBatch = batch;
  } else {
    outBatchShape = batchA;
  }
  const values = backend().matmul(A.values, B.values, batch, mm, k, n, transposeA, transposeB, bBatch);
  const out = new Tensor(values, [...outBatchShape, m, n]);
  return recordOp(out, [A, B], (dy) => {
    // C = A B  ->  dA = dC B^T, dB = A^T dC (with transposes mirrored), summed over a shared B's batch.
    const gA = transposeA ? matmul(B, dy, transposeB, true) : matmul(dy, B, false, !transposeB);
    if (batchB.length === 0 && !transposeA && A.rank > 2) {
      // Folded case: treat A as (rows, k) and dy as (rows, n).
      const A2 = new Tensor(A.values, [mm, k]);
      const dy2 = new Tensor(dy.values, [mm, n]);
      return [gA, transposeB ? matmul(dy2, A2, true, false) : matmul(A2, dy2, true, false)];
    }
    let gB = transposeB ? matmul(dy, A, true, transposeA) : matmul(A, dy, !transposeA, false);
    if (batchB.length === 0 && gB.rank > 2) {
      const rows = gB.shape[gB.rank - 2], cols = gB.shape[gB.rank - 1];
      gB = new Tensor(backend().reduce('sum', gB.values, [gB.size / (rows * cols), rows, cols], [0]), [rows, cols]);
    }
    return [gA, gB];
  });
}
