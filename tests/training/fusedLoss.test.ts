/**
 * fusedLoss (src/training/plan/losses.ts): fit's generic step computes a named loss as one tape node. The
 * oracle is Keras's op chain as src/losses implements it (getLoss, then reduceLoss: the mean over the last
 * axis, then over the batch): the same value and the same gradient with respect to the predictions, up to
 * float32 rounding, for every planned loss on rank-2 and rank-4 predictions and one value a row; and fit with and without it
 * (`planned: false`) ends on the same History and weights for the seed's deconv net.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layers, randomUniform, randInt, Sequential, setSeed, Tensor, type Model } from '../../src/index.js';
import { getLoss } from '../../src/losses/get.js';
import { reduceLoss } from '../../src/losses/reduction.js';
import { valueAndGrads } from '../../src/ops/grad.js';
import { fusedLoss, PLANNED_LOSSES } from '../../src/training/plan/losses.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';

function targets(loss: string, shape: number[]): Tensor {
  const lead = shape.slice(0, -1), classes = shape[shape.length - 1];
  if (loss === 'sparse_categorical_crossentropy') return randInt(lead, 0, classes);
  if (loss === 'categorical_crossentropy') {
    // One-hot rows.
    const labels = randInt(lead, 0, classes).values;
    const t = new Float32Array(labels.length * classes);
    labels.forEach((c, r) => (t[r * classes + c] = 1));
    return new Tensor(t, shape);
  }
  return randomUniform(shape);
}

describe('fusedLoss', () => {
  for (const loss of PLANNED_LOSSES) {
    for (const shape of [[7, 5], [3, 4, 2, 3], [6, 4, 1]]) {
      it(`${loss} on ${JSON.stringify(shape)}: value and gradient as Keras's op chain`, () => {
        setSeed(3);
        // Probabilities for the crossentropies (rows summing to anything: Keras rescales them).
        const yPred = randomUniform(shape, 0.05, 0.95);
        const yTrue = targets(loss, shape);
        const fused = valueAndGrads(() => fusedLoss(loss, yTrue, yPred)!, [yPred]);
        const chain = valueAndGrads(() => reduceLoss(getLoss(loss)(yTrue, yPred)), [yPred]);
        assertRelativeClose(fused.value.values, chain.value.values, 'value', 1e-6);
        assertRelativeClose(fused.grads[0].values, chain.grads[0].values, 'd loss / d y_pred', 1e-5);
      });
    }
  }

  it('declines shapes it does not take as rows x columns', () => {
    assert.equal(fusedLoss('mean_squared_error', randomUniform([6]), randomUniform([6])), null, 'rank 1');
    assert.equal(fusedLoss('mean_squared_error', randomUniform([6, 1]), randomUniform([6, 2])), null, 'other shape');
    assert.equal(fusedLoss('sparse_categorical_crossentropy', randInt([6, 2], 0, 3), randomUniform([6, 3])), null, 'two labels a row');
    assert.notEqual(fusedLoss('sparse_categorical_crossentropy', randInt([6, 1], 0, 3), randomUniform([6, 3])), null, 'labels (6, 1)');
  });

  it("fit on the seed's deconv net ends where Keras's op chain does (planned: false)", async () => {
    const build = (): Model => new Sequential([
      new layers.Conv2D(2, [2, 2], { inputShape: [10, 3, 1] }), new layers.Conv2D(4, [2, 2]),
      new layers.Conv2DTranspose(4, [3, 4]), new layers.Conv2DTranspose(2, [2, 4]), new layers.Conv2DTranspose(1, [2, 4]),
    ]);
    setSeed(9);
    const x = randomUniform([64, 10, 3, 1]);
    const y = randomUniform([64, 12, 10, 1]);
    const runs: { history: Record<string, number[]>; weights: Tensor[] }[] = [];
    for (const planned of [true, false]) {
      setSeed(21);
      const model = build();
      model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
      setSeed(5);
      const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, planned });
      runs.push({ history: history.history, weights: model.getWeights() });
    }
    for (const key of ['loss', 'mae']) assertRelativeClose(runs[0].history[key], runs[1].history[key], key, 1e-5);
    runs[0].weights.forEach((w, i) => assertRelativeClose(w.values, runs[1].weights[i].values, `weight ${i}`, 1e-5));
  });
});
