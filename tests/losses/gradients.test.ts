/** Loss gradients with respect to y_pred against central finite differences. */
import { describe, it } from 'node:test';
import {
  binaryCrossentropy, categoricalCrossentropy, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy,
  reduceLoss,
} from '../../src/losses/index.js';
import { tensor, valueAndGrads } from '../../src/ops/index.js';
import { setSeed } from '../../src/core/random.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

setSeed(5);

const yTrue = tensor([[0, 1, 0], [1, 0, 0], [0.5, 0.25, 0.25], [0, 0, 1]]);
// Probabilities away from the clip bounds, so a step of 1e-2 stays inside [eps, 1 - eps].
const probs = () => tensor([[0.2, 0.7, 0.1], [0.6, 0.3, 0.15], [0.3, 0.35, 0.4], [0.25, 0.2, 0.6]]);
const logits = () => tensor([[0.5, -1.2, 2.0], [-3.0, 0.1, 0.7], [1.5, 1.4, -0.5], [-0.2, 4.0, -2.5]]);

describe('loss gradients match finite differences', () => {
  it('meanSquaredError and meanAbsoluteError', () => {
    checkGradients((p) => meanSquaredError(yTrue, p), [logits()]);
    // |y_true - y_pred| is at least 0.1 everywhere here, so the kink at 0 is out of reach.
    checkGradients((p) => meanAbsoluteError(yTrue, p), [logits()]);
  });

  it('binaryCrossentropy, from probabilities and from logits', () => {
    checkGradients((p) => binaryCrossentropy(yTrue, p), [probs()]);
    checkGradients((p) => binaryCrossentropy(yTrue, p, { fromLogits: true }), [logits()]);
  });

  it('binaryCrossentropy from logits has gradient sigmoid(x) - y, also at x = 0', () => {
    const x = tensor([[0, 0, 2]]);
    const { grads } = valueAndGrads(() => reduceLoss(binaryCrossentropy(tensor([[1, 0, 1]]), x, { fromLogits: true })), [x]);
    // d/dx mean(softplus(x) - x y) = (sigmoid(x) - y) / 3
    const s = 1 / (1 + Math.exp(-2));
    assertClose(grads[0].values, [(0.5 - 1) / 3, 0.5 / 3, (s - 1) / 3], 1e-6);
  });

  it('categoricalCrossentropy, from probabilities (with the rescaling) and from logits', () => {
    checkGradients((p) => categoricalCrossentropy(yTrue, p), [probs()]);
    checkGradients((p) => categoricalCrossentropy(yTrue, p, { fromLogits: true }), [logits()]);
  });

  it('sparseCategoricalCrossentropy, from probabilities and from logits', () => {
    const labels = tensor([1, 0, 2, 2]);
    checkGradients((p) => sparseCategoricalCrossentropy(labels, p), [probs()]);
    checkGradients((p) => sparseCategoricalCrossentropy(labels, p, { fromLogits: true }), [logits()]);
  });

  it('gradients flow through reduceLoss with sample weights', () => {
    const weights = tensor([1, 0, 2, 0.5]);
    checkGradients((p) => reduceLoss(meanSquaredError(yTrue, p), weights), [logits()]);
  });

  it('a clipped probability gets no gradient, as in Keras', () => {
    const p = tensor([[0, 1]]);
    const { grads } = valueAndGrads(() => reduceLoss(binaryCrossentropy(tensor([[1, 0]]), p)), [p]);
    assertClose(grads[0].values, [0, 0], 0);
  });
});
