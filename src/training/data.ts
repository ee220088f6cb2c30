/** Turning what users pass to fit/evaluate/predict into tensors, checking it, and cutting batches. */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { tensor, type TensorLike } from '../ops/convert.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';

/** One array or tensor, or a list of them (one per model input or output). */
export type DataLike = TensorLike | TensorLike[];

/** Normalises to a list of Tensors; `expected` is how many the model has. */
export function toTensorList(data: DataLike, expected: number, what: string): Tensor[] {
  let list: Tensor[];
  if (data instanceof Tensor) list = [data];
  else if (Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof Tensor || d instanceof Float32Array)) {
    list = (data as (Tensor | Float32Array)[]).map((d) => (d instanceof Tensor ? d : tensor(d)));
  } else if (expected > 1 && Array.isArray(data) && data.length === expected && data.every((d) => Array.isArray(d))) {
    list = (data as NestedArray[]).map((d) => tensor(d));
  } else {
    list = [tensor(data as TensorLike)];
  }
  if (list.length !== expected) {
    throw new ValueError(
      `The model has ${expected} ${what}(s) but ${list.length} array(s) were given. Pass a list with one array per ${what}.`,
    );
  }
  for (const t of list) {
    if (t.rank === 0) throw new ShapeError(`${what} data must have a batch axis. Received a scalar.`);
  }
  return list;
}

/** Every array has the same number of samples, at least one, and no NaN or infinity. */
export function checkData(xs: Tensor[], ys: Tensor[] | null): number {
  const n = xs[0].shape[0];
  const all = [...xs.map((t, i) => ['x', i, t] as const), ...(ys ?? []).map((t, i) => ['y', i, t] as const)];
  for (const [kind, i, t] of all) {
    if (t.shape[0] !== n) {
      const sizes = all.map(([k, j, u]) => `${k}[${j}]: ${u.shape[0]}`).join(', ');
      throw new ValueError(
        `Data cardinality is ambiguous: make sure all arrays contain the same number of samples. Received sizes: ${sizes}.` +
          `\n  Fix: check that ${kind === 'x' ? 'x and y' : 'y and x'} describe the same samples (first axis) — e.g. x.shape[0] === y.shape[0].`,
      );
    }
    for (let k = 0; k < t.values.length; k++) {
      if (!Number.isFinite(t.values[k])) {
        const perSample = t.size / Math.max(1, t.shape[0]);
        throw new ValueError(
          `${kind}${all.length > 2 ? `[${i}]` : ''} contains ${Number.isNaN(t.values[k]) ? 'NaN' : 'an infinite value'} ` +
            `(sample ${Math.floor(k / perSample)}, flat index ${k} of shape ${formatShape(t.shape)}). Clean or impute the data before training.`,
        );
      }
    }
  }
  if (n === 0) throw new ValueError('The dataset is empty: x has 0 samples. Pass at least one sample.');
  return n;
}

/** Rows `indices` of `t` (along the batch axis) as a new tensor. */
export function gatherRows(t: Tensor, indices: Int32Array | number[], start: number, end: number): Tensor {
  const row = t.size / t.shape[0];
  const count = end - start;
  // Contiguous ranges are a single copy.
  let contiguous = true;
  for (let i = start + 1; i < end; i++) if (indices[i] !== indices[i - 1] + 1) { contiguous = false; break; }
  if (contiguous) {
    const from = indices[start] * row;
    return new Tensor(t.values.slice(from, from + count * row), [count, ...t.shape.slice(1)]);
  }
  const out = new Float32Array(count * row);
  for (let i = 0; i < count; i++) out.set(t.values.subarray(indices[start + i] * row, (indices[start + i] + 1) * row), i * row);
  return new Tensor(out, [count, ...t.shape.slice(1)]);
}

/** Keras's validation_split: the last fraction of the samples, taken before any shuffling. */
export function splitForValidation(arrays: Tensor[], split: number): { train: Tensor[]; val: Tensor[] } {
  if (!(split > 0 && split < 1)) throw new ValueError(`validationSplit must be between 0 and 1. Received: ${split}.`);
  const n = arrays[0].shape[0];
  const at = Math.floor(n * (1 - split));
  if (at === 0 || at === n) {
    throw new ValueError(`validationSplit=${split} leaves ${at === 0 ? 'no training' : 'no validation'} samples out of ${n}. Use more data or another split.`);
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    train: arrays.map((t) => gatherRows(t, idx, 0, at)),
    val: arrays.map((t) => gatherRows(t, idx, at, n)),
  };
}
