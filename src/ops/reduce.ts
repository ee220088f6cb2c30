/** Reductions: sum, mean, max, min over axes, with Keras's `axis` and `keepdims`. */
import { normalizeAxis } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';

export type Axis = number | number[] | null | undefined;

function resolveAxes(axis: Axis, rank: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => normalizeAxis(a, rank)))].sort((a, b) => a - b);
}

function keptShape(shape: number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Repeats `g` (shaped with reduced axes kept as 1) back to `shape`. */
function expandTo(g: Tensor, shape: number[]): Tensor {
  const ones = new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(1);
  return new Tensor(backend().binary('mul', ones, shape, g.values, g.shape, shape), shape);
}

export function sum(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const X = toTensor(x);
  const axes = resolveAxes(axis, X.rank);
  const kept = keptShape(X.shape, axes);
  const outShape = keepdims ? kept : X.shape.filter((_, i) => !axes.includes(i));
  const out = new Tensor(backend().reduce('sum', X.values, X.shape, axes), outShape);
  return recordOp(out, [X], (dy) => [expandTo(new Tensor(dy.values, kept), X.shape)]);
}

export function mean(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const X = toTensor(x);
  const axes = resolveAxes(axis, X.rank);
  let count = 1;
  for (const a of axes) count *= X.shape[a];
  const s = sum(X, axes, keepdims);
  const out = new Tensor(s.values.map((v) => v / count), s.shape);
  return recordOp(out, [s], (dy) => [new Tensor(dy.values.map((v) => v / count), dy.shape)]);
}

function extreme(op: 'max' | 'min', x: TensorLike, axis: Axis, keepdims: boolean): Tensor {
  const X = toTensor(x);
  const axes = resolveAxes(axis, X.rank);
  const kept = keptShape(X.shape, axes);
  const outShape = keepdims ? kept : X.shape.filter((_, i) => !axes.includes(i));
  const values = backend().reduce(op, X.values, X.shape, axes);
  const out = new Tensor(values, outShape);
  // The gradient goes to the positions that hold the extreme (split evenly between ties).
  return recordOp(out, [X], (dy) => [new Tensor(backend().extremeGrad(X.values, X.shape, axes, values, dy.values), X.shape)]);
}

export function max(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  return extreme('max', x, axis, keepdims);
}
export function min(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  return extreme('min', x, axis, keepdims);
}

/** Index of the largest value along `axis` (not differentiable). */
export function argmax(x: TensorLike, axis = -1): Tensor {
  const X = toTensor(x);
  const a = normalizeAxis(axis, X.rank);
  const outer = X.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const n = X.shape[a];
  const inner = X.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity, bestIdx = 0;
      for (let k = 0; k < n; k++) {
        const v = X.values[(o * n + k) * inner + i];
        if (v > best) { best = v; bestIdx = k; }
      }
      out[o * inner + i] = bestIdx;
    }
  }
  return new Tensor(out, X.shape.filter((_, i) => i !== a));
}
