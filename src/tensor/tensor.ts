/**
 * Tensor: an immutable float32 array with a shape. No dispose(): memory is the garbage collector's job.
 * Variable: a Tensor whose values a layer or optimizer may replace (assign), the leaf that gradients reach.
 */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import type { GradNode, Tape } from './tape.js';
import { recordOp } from './tape.js';

export type DType = 'float32';
export type NestedArray = number | NestedArray[];

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  readonly shape: number[];
  readonly dtype: DType = 'float32';
  /** The backing values, row-major. Internal: ops read it; users call dataSync(). */
  values: Float32Array;
  /** Autodiff bookkeeping, set only while a gradient tape records this tensor. */
  _node: GradNode | null = null;
  _tape: Tape | null = null;

  constructor(values: Float32Array, shape: readonly number[]) {
    if (values.length !== sizeOf(shape)) {
      throw new ShapeError(`Tensor of shape ${formatShape(shape)} needs ${sizeOf(shape)} values. Received: ${values.length}.`);
    }
    this.values = values;
    this.shape = [...shape];
  }

  get rank(): number { return this.shape.length; }
  get size(): number { return this.values.length; }

  /** A copy of the values as a flat Float32Array. */
  dataSync(): Float32Array { return Float32Array.from(this.values); }

  /** The values as nested arrays (a plain number for a scalar). */
  arraySync(): NestedArray {
    const v = this.values;
    const shape = this.shape;
    if (shape.length === 0) return v[0];
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? v[pos++] : build(d + 1));
      return out;
    };
    return build(0);
  }

  /** Same values, new shape; one axis may be -1 (inferred). Differentiable. */
  reshape(shape: readonly number[]): Tensor {
    const target = inferReshape(this.shape, shape);
    const out = new Tensor(this.values, target);
    const inShape = this.shape;
    return recordOp(out, [this], (dy) => [new Tensor(dy.values, inShape)]);
  }

  toString(): string {
    return `Tensor ${formatShape(this.shape)} ${JSON.stringify(this.arraySync())}`;
  }
}

export class Variable extends Tensor {
  name: string;
  trainable: boolean;

  constructor(initial: Tensor, options: { name?: string; trainable?: boolean } = {}) {
    super(Float32Array.from(initial.values), initial.shape);
    this.name = options.name ?? 'variable';
    this.trainable = options.trainable ?? true;
  }

  /** Replaces the values (same shape). */
  assign(value: Tensor | Float32Array): void {
    const v = value instanceof Tensor ? value.values : value;
    if (v.length !== this.values.length) {
      throw new ShapeError(
        `Variable '${this.name}' has shape ${formatShape(this.shape)} (${this.values.length} values); cannot assign ${v.length} values.`,
      );
    }
    // A fresh array, so tensors that captured the old values (e.g. on a gradient tape) keep them.
    this.values = Float32Array.from(v);
  }
}

export function inferReshape(from: readonly number[], to: readonly number[]): number[] {
  const size = sizeOf(from);
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1) throw new ValueError(`Reshape target ${formatShape(to)} has more than one -1.`);
  const known = to.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = to.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(
      `Cannot reshape a tensor of shape ${formatShape(from)} (${size} elements) to ${formatShape(to)}` +
        ` (${unknown ? 'no whole size fits the -1' : `${sizeOf(out)} elements`}). The element count must stay the same.`,
    );
  }
  return out;
}
