/** Shape and data movement: reshape, transpose, concatenate, slice, pad, stack, split, expand/squeeze. */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';

export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  return toTensor(x).reshape(shape);
}

export function transpose(x: TensorLike, axes?: readonly number[]): Tensor {
  const X = toTensor(x);
  const perm = axes ? axes.map((a) => normalizeAxis(a, X.rank)) : X.shape.map((_, i) => X.rank - 1 - i);
  if (perm.length !== X.rank || new Set(perm).size !== X.rank) {
    throw new ValueError(`transpose: axes ${formatShape(axes ?? [])} is not a permutation of ${X.rank} axes.`);
  }
  const out = new Tensor(backend().transpose(X.values, X.shape, perm), perm.map((p) => X.shape[p]));
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return recordOp(out, [X], (dy) => [new Tensor(backend().transpose(dy.values, dy.shape, inverse), X.shape)]);
}

/** Copies `x[begin : begin + size]`; a size of -1 means "to the end". */
export function slice(x: TensorLike, begin: readonly number[], size: readonly number[]): Tensor {
  const X = toTensor(x);
  const b = [...begin];
  const s = size.map((d, i) => (d === -1 ? X.shape[i] - b[i] : d));
  for (let i = 0; i < X.rank; i++) {
    if (b[i] < 0 || b[i] + s[i] > X.shape[i]) {
      throw new ShapeError(`slice: begin ${formatShape(b)} size ${formatShape(s)} is outside shape ${formatShape(X.shape)}.`);
    }
  }
  const out = new Tensor(backend().slice(X.values, X.shape, b, s), s);
  return recordOp(out, [X], (dy) => {
    const pads = X.shape.map((d, i) => [b[i], d - b[i] - s[i]] as [number, number]);
    return [new Tensor(backend().pad(dy.values, dy.shape, pads), X.shape)];
  });
}

/** Zero padding: `paddings[i] = [before, after]` for each axis. */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[]): Tensor {
  const X = toTensor(x);
  const pads = paddings.map((p) => [p[0], p[1]] as [number, number]);
  const outShape = X.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const out = new Tensor(backend().pad(X.values, X.shape, pads), outShape);
  return recordOp(out, [X], (dy) => [new Tensor(backend().slice(dy.values, dy.shape, pads.map((p) => p[0]), X.shape), X.shape)]);
}

export function concatenate(xs: readonly TensorLike[], axis = -1): Tensor {
  const Xs = xs.map(toTensor);
  if (Xs.length === 0) throw new ValueError('concatenate needs at least one tensor.');
  const rank = Xs[0].rank;
  const a = normalizeAxis(axis, rank);
  for (const t of Xs) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== a && d !== Xs[0].shape[i])) {
      throw new ShapeError(
        `concatenate: all shapes must match except on axis ${axis}. Received: ${Xs.map((t2) => formatShape(t2.shape)).join(', ')}.`,
      );
    }
  }
  const outShape = [...Xs[0].shape];
  outShape[a] = Xs.reduce((p, t) => p + t.shape[a], 0);
  const out = new Tensor(backend().concat(Xs.map((t) => t.values), Xs.map((t) => t.shape), a), outShape);
  return recordOp(out, Xs, (dy) => {
    let offset = 0;
    return Xs.map((t) => {
      const begin = new Array<number>(rank).fill(0);
      begin[a] = offset;
      offset += t.shape[a];
      return new Tensor(backend().slice(dy.values, dy.shape, begin, t.shape), t.shape);
    });
  });
}

export function expandDims(x: TensorLike, axis: number): Tensor {
  const X = toTensor(x);
  const a = axis < 0 ? axis + X.rank + 1 : axis;
  const shape = [...X.shape];
  shape.splice(a, 0, 1);
  return X.reshape(shape);
}

export function squeeze(x: TensorLike, axis?: number): Tensor {
  const X = toTensor(x);
  if (axis === undefined) return X.reshape(X.shape.filter((d) => d !== 1));
  const a = normalizeAxis(axis, X.rank);
  if (X.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} has size ${X.shape[a]}, not 1.`);
  return X.reshape(X.shape.filter((_, i) => i !== a));
}

export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  return concatenate(xs.map((t) => expandDims(t, axis)), axis);
}

/** Splits into `sections` equal parts along `axis` (Keras's ops.split with an integer). */
export function split(x: TensorLike, sections: number, axis = 0): Tensor[] {
  const X = toTensor(x);
  const a = normalizeAxis(axis, X.rank);
  if (X.shape[a] % sections !== 0) {
    throw new ShapeError(`split: axis ${axis} of size ${X.shape[a]} does not divide into ${sections} equal parts.`);
  }
  const part = X.shape[a] / sections;
  return Array.from({ length: sections }, (_, i) => {
    const begin = new Array<number>(X.rank).fill(0);
    begin[a] = i * part;
    const size = [...X.shape];
    size[a] = part;
    return slice(X, begin, size);
  });
}

/** Takes index `index` along `axis`, dropping that axis (x[:, t] for axis 1). */
export function take(x: TensorLike, index: number, axis: number): Tensor {
  const X = toTensor(x);
  const a = normalizeAxis(axis, X.rank);
  const begin = new Array<number>(X.rank).fill(0);
  begin[a] = index;
  const size = [...X.shape];
  size[a] = 1;
  return slice(X, begin, size).reshape(X.shape.filter((_, i) => i !== a));
}

/** Reverses the order along `axis` (used by RNNs with goBackwards). */
export function reverse(x: TensorLike, axis: number): Tensor {
  const X = toTensor(x);
  const a = normalizeAxis(axis, X.rank);
  const parts = Array.from({ length: X.shape[a] }, (_, i) => {
    const begin = new Array<number>(X.rank).fill(0);
    begin[a] = X.shape[a] - 1 - i;
    const size = [...X.shape];
    size[a] = 1;
    return slice(X, begin, size);
  });
  return parts.length ? concatenate(parts, a) : X;
}

export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const X = toTensor(x);
  const ones = new Tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(1), [...shape]);
  const out = new Tensor(backend().binary('mul', X.values, X.shape, ones.values, ones.shape, [...shape]), [...shape]);
  return recordOp(out, [X], (dy) => {
    const lead = dy.rank - X.rank;
    const axes: number[] = [];
    for (let i = 0; i < dy.rank; i++) if (i < lead || (X.shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
    return [new Tensor(axes.length ? backend().reduce('sum', dy.values, dy.shape, axes) : dy.values, X.shape)];
  });
}
