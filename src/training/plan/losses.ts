/**
 * The five common losses on flat Float32Arrays, for planned steps: the value, and optionally its
 * gradient with respect to the predictions, with no tensors. Each computes what src/losses/losses.ts
 * computes (same clipping; mean over the last axis, then over the batch) and rounds to float32 at the
 * points where the tape's ops would, so planned and generic training agree to float32 rounding.
 */
import { ValueError } from '../../core/errors.js';
import { EPSILON } from '../../losses/losses.js';
import { canonicalLossName } from '../../losses/names.js';
import { shapesEqual } from '../../core/shape.js';
import { activeTape, recordOp } from '../../tensor/tape.js';
import { Tensor } from '../../tensor/tensor.js';

export const PLANNED_LOSSES = [
  'mean_squared_error', 'mean_absolute_error', 'binary_crossentropy', 'categorical_crossentropy',
  'sparse_categorical_crossentropy',
] as const;
export type PlannedLoss = (typeof PLANNED_LOSSES)[number];

/** The planned loss for a loss given by name, or null (custom functions are never planned). */
export function plannedLoss(identifier: unknown): PlannedLoss | null {
  if (typeof identifier !== 'string') return null;
  const name = canonicalLossName(identifier);
  return (PLANNED_LOSSES as readonly string[]).includes(name ?? '') ? (name as PlannedLoss) : null;
}

const f32 = Math.fround;
// The clip bounds as the float32 scalars that clip(p, EPSILON, 1 - EPSILON) compares against.
const LOW = f32(EPSILON);
const HIGH = f32(1 - EPSILON);

/**
 * The batch loss of `yPred` (rows x cols) against `yTrue` (same size, or one label per row for the
 * sparse loss). When `grad` is given, writes d(weight * loss)/d yPred into it (`weight`: the output's
 * loss weight, the tape's seed).
 */
export function lossAndGradient(
  loss: PlannedLoss, yTrue: Float32Array, yPred: Float32Array, rows: number, cols: number,
  weight: number, grad: Float32Array | null,
): number {
  // The tape's seed for a part is the loss weight; mean over the batch divides it by rows.
  const perRow = f32(f32(weight) / rows);
  switch (loss) {
    case 'mean_squared_error': return meanError(yTrue, yPred, rows, cols, perRow, grad, true);
    case 'mean_absolute_error': return meanError(yTrue, yPred, rows, cols, perRow, grad, false);
    case 'binary_crossentropy': return binaryCrossentropy(yTrue, yPred, rows, cols, perRow, grad);
    case 'categorical_crossentropy': return crossentropy(yTrue, yPred, rows, cols, perRow, grad, false);
    case 'sparse_categorical_crossentropy': return crossentropy(yTrue, yPred, rows, cols, perRow, grad, true);
  }
}

/** mean((t - p)^2) or mean(|t - p|) over the last axis; d/dp = -2 (t - p) or -sign(t - p), over rows * cols. */
function meanError(t: Float32Array, p: Float32Array, rows: number, cols: number, perRow: number,
  grad: Float32Array | null, squared: boolean): number {
  const perElement = f32(perRow / cols);
  let total = 0;
  if (cols === 1) {
    // One value a row (W2's (32, 12, 10, 1) outputs): the row mean is the term itself, without the per-row
    // loop and division (~10 ns a row); the same sums.
    for (let j = 0; j < rows; j++) {
      const d = f32(t[j] - p[j]);
      total += squared ? f32(d * d) : Math.abs(d);
      if (grad) grad[j] = squared ? -f32(perElement * f32(d * 2)) : -(perElement * Math.sign(d));
    }
    return f32(f32(total) / rows);
  }
  for (let r = 0; r < rows; r++) {
    let rowSum = 0;
    for (let j = r * cols, end = j + cols; j < end; j++) {
      const d = f32(t[j] - p[j]);
      rowSum += squared ? f32(d * d) : Math.abs(d);
      if (grad) grad[j] = squared ? -f32(perElement * f32(d * 2)) : -(perElement * Math.sign(d));
    }
    total += f32(f32(rowSum) / cols);
  }
  return f32(f32(total) / rows);
}

/** mean(-(t log q + (1 - t) log(1 - q))) over the last axis, q = clip(p, eps, 1 - eps). */
function binaryCrossentropy(t: Float32Array, p: Float32Array, rows: number, cols: number, perRow: number,
  grad: Float32Array | null): number {
  const perElement = f32(perRow / cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let rowSum = 0;
    for (let j = r * cols, end = j + cols; j < end; j++) {
      const pj = p[j];
      const q = Math.min(Math.max(pj, LOW), HIGH);
      const oneMinusT = f32(1 - t[j]);
      const oneMinusQ = f32(1 - q);
      rowSum += -f32(f32(t[j] * f32(Math.log(q))) + f32(oneMinusT * f32(Math.log(oneMinusQ))));
      if (grad) {
        // Gradient flows through clip only inside [eps, 1 - eps] (maximum/minimum send ties to x).
        const inside = pj >= LOW && pj <= HIGH;
        grad[j] = inside
          ? f32(f32(f32(-perElement * t[j]) / q) - f32(f32(-perElement * oneMinusT) / oneMinusQ))
          : 0;
      }
    }
    total += f32(f32(rowSum) / cols);
  }
  return f32(f32(total) / rows);
}

/**
 * -sum(t log clip(p / sum(p))) over the last axis (Keras rescales rows to sum 1, then clips); with
 * `sparse`, t is one-hot of the integer label in yTrue[r].
 */
function crossentropy(yTrue: Float32Array, p: Float32Array, rows: number, cols: number, perRow: number,
  grad: Float32Array | null, sparse: boolean): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const label = sparse ? checkedLabel(yTrue[r], r, cols) : -1;
    let rowTotal = 0;
    for (let j = 0; j < cols; j++) rowTotal += p[base + j];
    const s = f32(rowTotal);
    let rowSum = 0;
    let dS = 0;
    for (let j = 0; j < cols; j++) {
      const tj = sparse ? (j === label ? 1 : 0) : yTrue[base + j];
      const q = f32(p[base + j] / s);
      const c = Math.min(Math.max(q, LOW), HIGH);
      rowSum += f32(tj * f32(Math.log(c)));
      if (grad) {
        const dq = q >= LOW && q <= HIGH ? f32(f32(-perRow * tj) / c) : 0;
        grad[base + j] = f32(dq / s);
        dS += (-dq * p[base + j]) / (s * s);
      }
    }
    if (grad) for (let j = 0; j < cols; j++) grad[base + j] = f32(grad[base + j] + dS);
    total += -f32(rowSum);
  }
  return f32(f32(total) / rows);
}

/** The label as a class index, with the error sparseCategoricalCrossentropy raises. */
function checkedLabel(label: number, i: number, classes: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new ValueError(
      `Loss 'sparse_categorical_crossentropy': expected integer labels in [0, ${classes - 1}] ` +
        `for predictions over ${classes} classes. Received: y_true[${i}]=${label}.`,
    );
  }
  return label;
}

/**
 * The batch loss of one output as one tape node, its value and gradient from lossAndGradient: for the
 * generic step, in place of Keras's chain of small ops (for the mean squared error: the difference, the
 * square, the mean over the last axis and over the batch, then each one's backward rule; ~10 kernel calls,
 * a quarter of W2's step). Null when the shapes are not rows x cols as the planned losses take them:
 * predictions of rank >= 2 with targets of the same shape, or for the sparse loss one label per row
 * (target shape the predictions' leading axes, with or without a trailing 1).
 */
export function fusedLoss(loss: PlannedLoss, yTrue: Tensor, yPred: Tensor): Tensor | null {
  if (yPred.rank < 2 || yPred.size === 0) return null;
  const cols = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / cols;
  const leading = yPred.shape.slice(0, -1);
  const fits = loss === 'sparse_categorical_crossentropy'
    ? shapesEqual(yTrue.shape, leading) || shapesEqual(yTrue.shape, [...leading, 1])
    : shapesEqual(yTrue.shape, yPred.shape);
  if (!fits) return null;
  const grad = activeTape() === null ? null : new Float32Array(yPred.size);
  const out = new Tensor(Float32Array.of(lossAndGradient(loss, yTrue.values, yPred.values, rows, cols, 1, grad)), []);
  if (grad === null) return out;
  return recordOp(out, [yPred], (dy) => {
    const seed = dy.values[0];
    if (seed !== 1) for (let i = 0; i < grad.length; i++) grad[i] = Math.fround(grad[i] * seed);
    return [new Tensor(grad, yPred.shape)];
  });
}
