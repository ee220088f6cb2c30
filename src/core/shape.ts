/** Shapes, sizes, strides and broadcasting. Pure functions over number arrays. */
import { ShapeError } from './errors.js';

export type Shape = number[];
/** A shape where the batch axis (or another) may be unknown, written `null` as in Keras's `None`. */
export type SymbolicShape = (number | null)[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align on the right; each pair of sizes must match or one must be 1. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): Shape {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        `Cannot broadcast shapes ${formatShape(a)} and ${formatShape(b)}: axis ${i - n} has sizes ${da} and ${db}; ` +
          'sizes must be equal or one of them must be 1.',
      );
  }
  return out;
}

/** Normalises a possibly negative axis against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeError(`Axis ${axis} is out of range for a tensor of rank ${rank}.`);
  return a;
}

/** Formats a shape as Python prints a tuple: `(None, 10, 3)`, `(5,)`, `()`. */
export function formatShape(shape: readonly (number | null)[]): string {
  const items = shape.map((d) => (d === null ? 'None' : String(d)));
  if (items.length === 1) return `(${items[0]},)`;
  return `(${items.join(', ')})`;
}
