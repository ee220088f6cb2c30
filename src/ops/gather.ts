/**
 * gather: rows of a table picked by integer indices (Keras's ops.take(x, indices, axis=0), as
 * Embedding uses it). Indices are float32 values holding whole numbers. The gradient flows to the
 * table only: each output row's gradient is added into the row it came from (scatter-add).
 */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';

/** table (rows, ...rest), indices of any shape -> indices.shape + rest. */
export function gather(table: TensorLike, indices: TensorLike): Tensor {
  const T = toTensor(table);
  const I = toTensor(indices);
  if (T.rank < 1) throw new ShapeError(`gather: the table must have at least one axis. Received: shape ${formatShape(T.shape)}.`);
  const rows = T.shape[0];
  const rowSize = T.size / Math.max(rows, 1);
  const idx = new Int32Array(I.size);
  for (let i = 0; i < I.size; i++) {
    const v = I.values[i];
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new ValueError(
        `gather: indices must be whole numbers in [0, ${rows - 1}] (the table has ${rows} rows). ` +
          `Received: ${v} at flat position ${i} of indices of shape ${formatShape(I.shape)}.`,
      );
    }
    idx[i] = v;
  }
  const out = new Float32Array(I.size * rowSize);
  for (let i = 0; i < idx.length; i++) out.set(T.values.subarray(idx[i] * rowSize, (idx[i] + 1) * rowSize), i * rowSize);
  const outShape = [...I.shape, ...T.shape.slice(1)];
  return recordOp(new Tensor(out, outShape), [T, I], (dy) => {
    const dT = new Float32Array(T.size);
    for (let i = 0; i < idx.length; i++) {
      const base = idx[i] * rowSize;
      for (let j = 0; j < rowSize; j++) dT[base + j] += dy.values[i * rowSize + j];
    }
    return [new Tensor(dT, T.shape), null];
  });
}
