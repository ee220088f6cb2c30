/** getLoss, reduceLoss and checkLossShapes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  binaryCrossentropy, canonicalLossName, checkLossShapes, getLoss, meanSquaredError, reduceLoss,
} from '../../src/losses/index.js';
import { tensor } from '../../src/ops/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('getLoss', () => {
  const yTrue = tensor([[0, 1], [1, 0]]);
  const yPred = tensor([[0.2, 0.7], [0.6, 0.1]]);
  const valueOf = (id: string) => Array.from(getLoss(id)(yTrue, yPred).values);

  it('accepts Keras names, aliases, class names and camelCase forms', () => {
    for (const [canonical, spellings] of [
      ['mean_squared_error', ['mse', 'MSE', 'meanSquaredError', 'MeanSquaredError']],
      ['mean_absolute_error', ['mae', 'MAE', 'meanAbsoluteError']],
      ['binary_crossentropy', ['bce', 'binaryCrossentropy', 'BinaryCrossentropy']],
      ['categorical_crossentropy', ['categoricalCrossentropy']],
    ] as const) {
      for (const s of spellings) {
        assert.equal(canonicalLossName(s), canonical);
        assert.deepEqual(valueOf(s), valueOf(canonical), s);
      }
    }
    assert.equal(canonicalLossName('sparseCategoricalCrossentropy'), 'sparse_categorical_crossentropy');
  });

  it('maps each name to its formula', () => {
    assertClose(getLoss('mse')(yTrue, yPred).values, meanSquaredError(yTrue, yPred).values, 0);
    assertClose(getLoss('binary_crossentropy')(yTrue, yPred).values, binaryCrossentropy(yTrue, yPred).values, 0);
  });

  it('returns a function unchanged', () => {
    const custom = (t: Tensor, p: Tensor) => meanSquaredError(t, p);
    assert.equal(getLoss(custom), custom);
  });

  it('lists the valid names for an unknown one', () => {
    assert.throws(() => getLoss('mean_squared_eror'),
      /Could not interpret loss identifier: "mean_squared_eror"\. Expected one of 'mean_squared_error', .*'sparse_categorical_crossentropy', .*'mse', 'mae', 'bce'/);
    assert.throws(() => getLoss('toString'), /Could not interpret loss identifier/);
  });
});

describe('reduceLoss', () => {
  it('averages the per-sample losses', () => {
    assertClose(reduceLoss(tensor([1, 2, 3, 6])).values, [3], 1e-6);
    assert.deepEqual(reduceLoss(tensor([1, 2])).shape, []);
  });

  it('weights samples and divides by the number of samples (sum_over_batch_size)', () => {
    // (1 * 1 + 2 * 0 + 3 * 2 + 6 * 0.5) / 4 = 2.5
    assertClose(reduceLoss(tensor([1, 2, 3, 6]), tensor([1, 0, 2, 0.5])).values, [2.5], 1e-6);
    assertClose(reduceLoss(tensor([1, 2, 3, 6]), tensor([[1], [0], [2], [0.5]])).values, [2.5], 1e-6);
  });
});

describe('checkLossShapes', () => {
  it('explains integer labels given to categorical_crossentropy, suggesting the sparse loss or one-hot', () => {
    assert.throws(() => checkLossShapes('categorical_crossentropy', [32, 1], [32, 10]), (e: Error) => {
      assert.equal(e.name, 'ShapeError');
      assert.match(e.message, /Loss 'categorical_crossentropy': expected one-hot y_true of the same shape as y_pred/);
      assert.match(e.message, /Received: y_true\.shape=\(32, 1\), y_pred\.shape=\(32, 10\)/);
      assert.match(e.message, /use loss 'sparse_categorical_crossentropy'/);
      assert.match(e.message, /one-hot encode y_true to shape \(32, 10\)/);
      return true;
    });
    assert.throws(() => checkLossShapes('categorical_crossentropy', [32], [null, 10]), /y_pred\.shape=\(None, 10\)[^]*sparse_categorical_crossentropy/);
  });

  it('is also raised by the loss function itself', () => {
    assert.throws(() => getLoss('categorical_crossentropy')(tensor([[1], [2]]), tensor([[0.5, 0.2, 0.3], [0.1, 0.1, 0.8]])),
      /y_true\.shape=\(2, 1\), y_pred\.shape=\(2, 3\)/);
  });

  it('rejects mismatched shapes for mean_squared_error, naming both and a fix', () => {
    assert.throws(() => checkLossShapes('mse', [8, 3], [8, 2]),
      /Loss 'mean_squared_error': expected y_true and y_pred of the same shape[^]*Received: y_true\.shape=\(8, 3\), y_pred\.shape=\(8, 2\)[^]*Fix: give y_true the model's output shape \(8, 2\), or change the model's output \(e\.g\. the last layer's units\) to \(8, 3\)/);
    // Keras would broadcast (8, 1) against (8, 10) here; it is almost always class labels.
    assert.throws(() => checkLossShapes('mean_squared_error', [8, 1], [8, 10]), /sparse_categorical_crossentropy/);
  });

  it('points one-hot labels given to sparse_categorical_crossentropy at categorical_crossentropy', () => {
    assert.throws(() => checkLossShapes('sparse_categorical_crossentropy', [4, 10], [4, 10]),
      /expected integer labels of shape \(4,\) or \(4, 1\)[^]*use loss 'categorical_crossentropy'/);
  });

  it('accepts the shapes Keras accepts', () => {
    assert.deepEqual(checkLossShapes('mse', [4], [4, 1]), []);
    assert.deepEqual(checkLossShapes('mse', [null, 1], [null]), []);
    assert.deepEqual(checkLossShapes('binary_crossentropy', [4, 1], [null, 1]), []);
    assert.deepEqual(checkLossShapes('categorical_crossentropy', [4, 3], [null, 3]), []);
    assert.deepEqual(checkLossShapes('sparse_categorical_crossentropy', [4], [null, 3]), []);
    assert.deepEqual(checkLossShapes('sparse_categorical_crossentropy', [4, 1], [4, 3]), []);
    assert.deepEqual(checkLossShapes('sparse_categorical_crossentropy', [2, 5], [2, 5, 7]), []);
    assert.deepEqual(checkLossShapes('my_custom_loss', [1], [9, 9]), []);
  });

  it('warns, as Keras does, when categorical_crossentropy gets a single class', () => {
    const [warning] = checkLossShapes('categorical_crossentropy', [4, 1], [4, 1]);
    assert.match(warning, /Consider using 'binary_crossentropy' if you only have 2 classes/);
  });
});
