/** Mean and the regression metrics: running averages weighted by sample count (reduction_metrics.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mean, MeanAbsoluteError, MeanSquaredError } from '../../src/metrics/index.js';
import { tensor } from '../../src/ops/index.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('Mean', () => {
  it('is 0 before any update', () => {
    assert.equal(new Mean().result(), 0);
  });

  it('weights each value by its sample weight, e.g. batch losses by batch size', () => {
    // (2 * 10 + 5 * 30) / 40 = 4.25, not the mean of the two batch losses (3.5)
    const m = new Mean('loss');
    m.updateState(2, 10);
    m.updateState(5, 30);
    assert.equal(m.name, 'loss');
    assertClose([m.result()], [4.25], 1e-12);
  });

  it('counts one value per sample of a tensor (Keras docstring: [1, 3, 5, 7] -> 4)', () => {
    const m = new Mean();
    m.updateState(tensor([1, 3, 5, 7]));
    assertClose([m.result()], [4], 1e-12);
    // A (2, 2) tensor is two samples, each the mean of its row: (1.5 + 3.5) / 2, then (4 * 4 + 2.5 * 2) / 6
    m.updateState(tensor([[1, 2], [3, 4]]));
    assertClose([m.result()], [(16 + 5) / 6], 1e-12);
  });

  it('counts a tensor with a numeric weight as its mean with that weight', () => {
    const m = new Mean();
    m.updateState(tensor([1, 3]), 4);
    m.updateState(8, 1);
    assertClose([m.result()], [(2 * 4 + 8) / 5], 1e-12);
  });

  it('accumulates in float64', () => {
    // In float32 the running total of 0.1s drifts by ~1e-4 relative after 1e5 additions.
    const m = new Mean();
    for (let i = 0; i < 100000; i++) m.updateState(0.1, 1);
    assertClose([m.result()], [0.1], 1e-12);
  });

  it('starts over after resetState', () => {
    const m = new Mean();
    m.updateState(10, 3);
    m.resetState();
    assert.equal(m.result(), 0);
    m.updateState(1, 1);
    assert.equal(m.result(), 1);
  });
});

describe('MeanSquaredError and MeanAbsoluteError metrics', () => {
  it('average per-sample values over all samples seen, weighted by sample count', () => {
    // batch 1: per-sample mse [0.5, 0.5]; batch 2: [(0 + 4) / 2] = [2]; overall (0.5 + 0.5 + 2) / 3 = 1
    const m = new MeanSquaredError();
    m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]]));
    assertClose([m.result()], [0.5], 1e-12);
    m.updateState(tensor([[1, 1]]), tensor([[1, 3]]));
    assertClose([m.result()], [1], 1e-12);
  });

  it('mean absolute error by hand', () => {
    // |0 - 0.5| + |1 - 0.5| = 1 over 2 -> 0.5; |2 - (-1)| + |0 - 0| = 3 over 2 -> 1.5; mean 1
    const m = new MeanAbsoluteError();
    m.updateState(tensor([[0, 1], [2, 0]]), tensor([[0.5, 0.5], [-1, 0]]));
    assertClose([m.result()], [1], 1e-7);
  });

  it('accept y_true of shape (batch,) for predictions of shape (batch, 1)', () => {
    const m = new MeanAbsoluteError();
    m.updateState(tensor([1, 2, 3]), tensor([[1], [2], [5]]));
    assertClose([m.result()], [2 / 3], 1e-7);
  });

  it('reject shapes that do not match', () => {
    assert.throws(() => new MeanSquaredError('mse').updateState(tensor([[1, 2, 3]]), tensor([[1, 2]])),
      /Metric 'mse': expected y_true and y_pred of the same shape[^]*Received: y_true\.shape=\(1, 3\), y_pred\.shape=\(1, 2\)/);
  });

  it('start over after resetState', () => {
    const m = new MeanSquaredError();
    m.updateState(tensor([[0]]), tensor([[3]]));
    m.resetState();
    assert.equal(m.result(), 0);
    m.updateState(tensor([[0]]), tensor([[1]]));
    assert.equal(m.result(), 1);
  });
});
