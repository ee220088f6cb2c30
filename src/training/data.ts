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
  return new Tensor(copyRows(t.values, row, indices, start, end, new Float32Array(count * row)), [count, ...t.shape.slice(1)]);
}

/** Rows indices[start..end) of `values` (rows of `width` floats) into `out`, one after another; returns `out`. */
export function copyRows(values: Float32Array, width: number, indices: Int32Array | number[], start: number, end: number,
  out: Float32Array): Float32Array {
  if (width < 64) {
    // Short rows (the seed's 30 features): a plain loop; a subarray per row costs more than its copy.
    for (let i = start, o = 0; i < end; i++) {
      for (let from = indices[i] * width, to = from + width; from < to; from++, o++) out[o] = values[from];
    }
  } else {
    for (let i = start; i < end; i++) out.set(values.subarray(indices[i] * width, (indices[i] + 1) * width), (i - start) * width);
  }
  return out;
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

/** One batch from a generator: [x, y], [x, y, sampleWeight], or {x, y, sampleWeight}. */
export type Batch =
  | [DataLike, DataLike]
  | [DataLike, DataLike, TensorLike]
  | { x: DataLike; y: DataLike; sampleWeight?: TensorLike };

/** An iterable or async iterable (e.g. a generator) of batches, for data that does not fit in memory. */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

/** One batch as tensors. */
export interface TensorBatch {
  xs: Tensor[];
  ys: Tensor[];
  sampleWeight: Tensor | null;
}

/**
 * Rows order[start..end) of in-memory arrays, gathered into tensors on first access. A planned step
 * reads `sources` and gathers the rows into buffers of its own instead, so a batch it runs allocates
 * nothing (on this VM a fresh Float32Array of a few KB costs ~2.5 µs; W1 makes two per step).
 */
export class RowBatch implements TensorBatch {
  private gathered: { xs?: Tensor[]; ys?: Tensor[]; sampleWeight?: Tensor | null } = {};

  constructor(readonly sources: TensorBatch, readonly order: Int32Array, readonly start: number, readonly end: number) {}

  get rows(): number {
    return this.end - this.start;
  }

  get xs(): Tensor[] {
    return (this.gathered.xs ??= this.sources.xs.map((t) => gatherRows(t, this.order, this.start, this.end)));
  }

  get ys(): Tensor[] {
    return (this.gathered.ys ??= this.sources.ys.map((t) => gatherRows(t, this.order, this.start, this.end)));
  }

  get sampleWeight(): Tensor | null {
    const sw = this.sources.sampleWeight;
    if (sw === null) return null;
    return (this.gathered.sampleWeight ??= gatherRows(sw, this.order, this.start, this.end));
  }
}

/** The shape of input (`kind` 'xs') or target ('ys') `i` of a batch, without gathering a RowBatch's rows. */
export function batchShape(batch: TensorBatch, kind: 'xs' | 'ys', i: number): readonly number[] | undefined {
  if (batch instanceof RowBatch) {
    const t = batch.sources[kind][i];
    return t && [batch.rows, ...t.shape.slice(1)];
  }
  return batch[kind][i]?.shape;
}

/** True for generators and other (async) iterables; arrays, typed arrays and tensors are data, not sources. */
export function isBatchSource(data: unknown): data is BatchSource {
  if (data === null || typeof data !== 'object') return false;
  if (Array.isArray(data) || ArrayBuffer.isView(data) || data instanceof Tensor) return false;
  const d = data as Record<symbol, unknown>;
  return typeof d[Symbol.iterator] === 'function' || typeof d[Symbol.asyncIterator] === 'function';
}

/**
 * Reads batches from a source, keeping its position across epochs (as Keras does with steps_per_epoch).
 * When the source is exhausted, the next read starts a new pass (an iterable such as an array of
 * batches restarts; a generator object stays exhausted).
 */
export class BatchReader {
  private iterator: Iterator<Batch> | AsyncIterator<Batch> | null = null;
  constructor(private readonly source: BatchSource, private readonly inputs: number, private readonly outputs: number) {}

  /** The next batch, or null when this pass has ended. */
  async next(): Promise<TensorBatch | null> {
    if (!this.iterator) {
      const s = this.source as Partial<Iterable<Batch> & AsyncIterable<Batch>>;
      this.iterator = s[Symbol.asyncIterator] ? s[Symbol.asyncIterator]!() : s[Symbol.iterator]!();
    }
    const r = await this.iterator.next();
    if (r.done) {
      this.iterator = null;
      return null;
    }
    return toTensorBatch(r.value, this.inputs, this.outputs);
  }
}

/** Checks and converts one batch a generator yielded. */
export function toTensorBatch(batch: Batch, inputs: number, outputs: number): TensorBatch {
  let x: DataLike;
  let y: DataLike;
  let w: TensorLike | undefined;
  if (Array.isArray(batch) && (batch.length === 2 || batch.length === 3)) [x, y, w] = batch as [DataLike, DataLike, TensorLike?];
  else if (batch && typeof batch === 'object' && 'x' in batch && 'y' in batch) ({ x, y, sampleWeight: w } = batch);
  else {
    throw new ValueError(
      `A data generator must yield [x, y], [x, y, sampleWeight] or {x, y, sampleWeight}. Received: ${Array.isArray(batch) ? `an array of length ${(batch as unknown[]).length}` : typeof batch}.`,
    );
  }
  const xs = toTensorList(x, inputs, 'input');
  const ys = toTensorList(y, outputs, 'output');
  checkData(xs, ys);
  return { xs, ys, sampleWeight: w === undefined ? null : toSampleWeight(w, xs[0].shape[0]) };
}

/** A per-sample weight vector of shape (n,) (a trailing axis of 1 is accepted). */
export function toSampleWeight(w: TensorLike, n: number): Tensor {
  const t = w instanceof Tensor ? w : tensor(w);
  const ok = (t.rank === 1 || (t.rank === 2 && t.shape[1] === 1)) && t.shape[0] === n;
  if (!ok) {
    throw new ValueError(`sampleWeight must have shape (${n},), one weight per sample. Received: shape ${formatShape(t.shape)}.`);
  }
  for (const v of t.values) {
    if (!Number.isFinite(v)) throw new ValueError('sampleWeight contains NaN or an infinite value.');
  }
  return t.rank === 1 ? t : new Tensor(t.values, [n]);
}

/**
 * Keras's class_weight_to_sample_weights (trainers/data_adapters/data_adapter_utils.py): the class of
 * each sample is argmax(y) for one-hot targets, round(y) for sparse ones; missing classes weigh 1.
 */
export function classWeightToSampleWeight(y: Tensor, classWeight: Record<number, number>): Tensor {
  const n = y.shape[0];
  const per = y.size / Math.max(1, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (per > 1) {
      cls = 0;
      for (let k = 1; k < per; k++) if (y.values[i * per + k] > y.values[i * per + cls]) cls = k;
    } else {
      cls = Math.round(y.values[i]);
    }
    out[i] = classWeight[cls] ?? 1;
  }
  return new Tensor(out, [n]);
}
