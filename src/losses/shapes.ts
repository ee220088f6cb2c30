/**
 * Shape rules for losses, checked before any math so that a mismatch reads as a clear error
 * instead of a silent broadcast (Keras broadcasts (32, 1) against (32, 10) in mse and trains on nonsense).
 */
import { ShapeError, shapeErrorMessage } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { canonicalLossName } from './names.js';

/** A shape whose batch (or other) axis may be unknown: `null`, as Keras's `None`. */
export type LossShape = readonly (number | null)[];

/**
 * keras/src/losses/loss.py squeeze_or_expand_to_same_rank, on shapes: when the ranks differ by one
 * and the longer shape ends in 1, drop that 1 (or, if the shorter is rank 1, give it a trailing 1).
 */
export function alignRanks(a: LossShape, b: LossShape): [LossShape, LossShape] {
  if (a.length === b.length + 1 && a[a.length - 1] === 1) {
    return b.length === 1 ? [a, [...b, 1]] : [a.slice(0, -1), b];
  }
  if (b.length === a.length + 1 && b[b.length - 1] === 1) {
    return a.length === 1 ? [[...a, 1], b] : [a, b.slice(0, -1)];
  }
  return [a, b];
}

function compatible(a: LossShape, b: LossShape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/** y_true looks like integer class labels for predictions over `n > 1` classes. */
function looksSparse(yTrue: LossShape, yPred: LossShape): boolean {
  const n = yPred[yPred.length - 1];
  if (yPred.length === 0 || n === 1) return false;
  const lead = yPred.slice(0, -1);
  return compatible(yTrue, lead) || compatible(yTrue, [...lead, 1]);
}

/**
 * y_pred keeps axes between the batch and the classes that y_true lacks: the usual cause is a Dense
 * applied to a Conv/RNN output without a Flatten (Dense acts on the last axis only).
 */
function missingFlattenFix(yTrue: LossShape, yPred: LossShape, sparse: boolean): string[] {
  const n = yPred[yPred.length - 1];
  if (yPred.length < 3) return [];
  const labels = sparse && yTrue.length === 2 && yTrue[1] === 1 ? yTrue.slice(0, 1) : yTrue;
  const fits = sparse ? labels.length === 1 : labels.length === 2 && (labels[1] === n || n === null);
  if (!fits) return [];
  return [`the model's output ${formatShape(yPred)} keeps the axes ${formatShape(yPred.slice(1, -1))} that y_true lacks: ` +
    `a Dense layer acts on the last axis only, so add layers.Flatten() (or a global pooling layer) before the last Dense ` +
    `to get an output of shape ${formatShape([yPred[0], n])}`];
}

/**
 * Checks that `yTrue` and `yPred` shapes suit the loss, and throws a ShapeError naming both shapes
 * and a fix if not. Returns warnings for shapes that work but are probably a mistake (Keras warns
 * for them too). Names of custom losses are not checked.
 */
export function checkLossShapes(lossName: string, yTrueShape: LossShape, yPredShape: LossShape): string[] {
  const name = canonicalLossName(lossName);
  if (name === undefined) return [];
  const received = `y_true.shape=${formatShape(yTrueShape)}, y_pred.shape=${formatShape(yPredShape)}`;
  const where = `Loss '${name}'`;
  // Unknown (None) axes of y_pred take y_true's size where it has one, for a concrete suggestion.
  const oneHotShape = yPredShape.map((d, i) => d ?? yTrueShape[i] ?? null);
  const sparseFix = `if y_true holds integer class indices, use loss 'sparse_categorical_crossentropy' ` +
    `(with a softmax output), or one-hot encode y_true to shape ${formatShape(oneHotShape)} and keep '${name}'`;

  if (name === 'sparse_categorical_crossentropy') {
    const lead = yPredShape.slice(0, -1);
    const labels = yTrueShape.length === yPredShape.length && yTrueShape[yTrueShape.length - 1] === 1
      ? yTrueShape.slice(0, -1) : yTrueShape;
    if (yPredShape.length >= 1 && compatible(labels, lead)) return [];
    const oneHot = compatible(yTrueShape, yPredShape);
    throw new ShapeError(shapeErrorMessage({
      where,
      expected: `integer labels of shape ${formatShape(lead)} or ${formatShape([...lead, 1])} for predictions of shape ${formatShape(yPredShape)}`,
      received,
      fix: missingFlattenFix(yTrueShape, yPredShape, true).length ? missingFlattenFix(yTrueShape, yPredShape, true) : oneHot
        ? [`y_true looks one-hot: use loss 'categorical_crossentropy', or pass the class indices (argmax of y_true) instead`]
        : [`make y_true hold one class index per sample, shape ${formatShape(lead)}`],
    }));
  }

  if (name === 'categorical_crossentropy') {
    if (!compatible(yTrueShape, yPredShape)) {
      throw new ShapeError(shapeErrorMessage({
        where,
        expected: 'one-hot y_true of the same shape as y_pred',
        received,
        fix: [...missingFlattenFix(yTrueShape, yPredShape, false),
          ...(looksSparse(yTrueShape, yPredShape) ? [sparseFix] : [`make y_true and y_pred the same shape`])],
      }));
    }
    if (yPredShape[yPredShape.length - 1] === 1) {
      // Keras's SyntaxWarning (losses.py categorical_crossentropy): with one class the loss is always 0.
      return [
        `In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. ` +
          `Received: y_pred.shape=${formatShape(yPredShape)}. Consider using 'binary_crossentropy' if you only have 2 classes.`,
      ];
    }
    return [];
  }

  // mean_squared_error, mean_absolute_error, binary_crossentropy: elementwise after aligning ranks.
  const [t, p] = alignRanks(yTrueShape, yPredShape);
  if (compatible(t, p)) return [];
  throw new ShapeError(shapeErrorMessage({
    where,
    expected: 'y_true and y_pred of the same shape (up to a trailing axis of size 1)',
    received,
    fix: missingFlattenFix(yTrueShape, yPredShape, false).length ? missingFlattenFix(yTrueShape, yPredShape, false)
      : looksSparse(yTrueShape, yPredShape) && name !== 'binary_crossentropy'
      ? sparseFix
      : [`give y_true the model's output shape ${formatShape(yPredShape)}, or change the model's output (e.g. the last layer's units) to ${formatShape(yTrueShape)}`],
  }));
}
