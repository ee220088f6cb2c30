/** Turning user values (numbers, nested arrays, typed arrays) into Tensors. */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';

export type TensorLike = Tensor | NestedArray | Float32Array | number[];

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(v: NestedArray, shape: number[], out: Float32Array, depth: number, pos: { i: number }): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') throw new ShapeError(`Ragged nested array: expected a number at depth ${depth}.`);
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw new ShapeError(
      `Ragged nested array: expected ${shape[depth]} items at depth ${depth} (shape ${formatShape(shape)}). ` +
        `Received: ${Array.isArray(v) ? `${v.length} items` : typeof v}.`,
    );
  }
  for (const item of v) flatten(item, shape, out, depth + 1, pos);
}

/** Creates a Tensor from nested arrays, a flat array or Float32Array (with `shape`), or a number. */
export function tensor(values: TensorLike, shape?: readonly number[]): Tensor {
  if (values instanceof Tensor) return shape ? values.reshape(shape) : values;
  if (values instanceof Float32Array || (ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    const data = Float32Array.from(values as unknown as ArrayLike<number>);
    return new Tensor(data, shape ?? [data.length]);
  }
  if (typeof values === 'number') {
    const data = new Float32Array(shape ? sizeOf(shape) : 1).fill(values);
    return new Tensor(data, shape ?? []);
  }
  if (!Array.isArray(values)) throw new ValueError(`tensor() takes numbers, nested arrays or a Float32Array. Received: ${typeof values}.`);
  const inferred = inferShape(values);
  const data = new Float32Array(sizeOf(inferred));
  flatten(values, inferred, data, 0, { i: 0 });
  if (shape) {
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor(): shape ${formatShape(shape)} needs ${sizeOf(shape)} values. Received: ${data.length}.`);
    }
    return new Tensor(data, shape);
  }
  return new Tensor(data, inferred);
}

export function toTensor(x: TensorLike): Tensor {
  return x instanceof Tensor ? x : tensor(x);
}
