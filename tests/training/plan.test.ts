/**
 * Planned steps for chains of Dense layers (src/training/plan/) train, evaluate and predict as the
 * generic tape path does. The oracle is that generic path itself, forced with the internal option
 * `planned: false`: same seed, same weights, same shuffling, so both must end on the same weights and
 * History up to float32 rounding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input, Model, Sequential, layers, optimizers, randomUniform, randInt, setSeed, ops, regularizers, Tensor,
  type History, type CompileArgs,
} from '../../src/index.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';
import { assertSameHistory, twins as twinModels } from '../helpers/planTwins.js';

type Build = () => Model;


/** Twins for a Dense chain (tests/helpers/planTwins.ts). */
const twins = (build: Build, compile: () => CompileArgs) =>
  twinModels(build, compile, (m) => m.denseChain() !== null, 'the model is a Dense chain');

async function fitBoth(build: Build, compile: () => CompileArgs, x: Tensor, y: Tensor, epochs = 3, batchSize = 20) {
  const { planned, generic } = twins(build, compile);
  setSeed(5);
  const hp = await planned.fit(x, y, { epochs, batchSize, validationSplit: 0.2, verbose: 0 });
  setSeed(5);
  const hg = await generic.fit(x, y, { epochs, batchSize, validationSplit: 0.2, verbose: 0, planned: false });
  assertSameHistory(hp, hg);
  const wp = planned.getWeights();
  const wg = generic.getWeights();
  wg.forEach((w, i) => assertRelativeClose(wp[i].values, w.values, `weight ${i}`));
  return { planned, generic };
}

function oneHot(labels: Tensor, classes: number): Tensor {
  const out = new Float32Array(labels.size * classes);
  labels.values.forEach((c, i) => (out[i * classes + c] = 1));
  return new Tensor(out, [labels.size, classes]);
}

describe('planned Dense-chain steps', () => {
  it("train the seed MLP (relu, MSE + MAE, Adam) to the generic path's weights and History", async () => {
    setSeed(1);
    // 210 samples: 168 train after the split, so the last batch of 20 is short.
    const x = randomUniform([210, 30]);
    const y = randomUniform([210, 30]);
    const build = () => new Sequential([new layers.Dense(100, { activation: 'relu', inputShape: [30] }), new layers.Dense(30)]);
    await fitBoth(build, () => ({ optimizer: new optimizers.Adam(), loss: 'mse', metrics: ['mae'] }), x, y);
  });

  it('train tanh and sigmoid layers with binary crossentropy and SGD with Nesterov momentum', async () => {
    setSeed(2);
    const x = randomUniform([150, 8], -2, 2);
    // greater gives 0/1 as float32 (the only dtype).
    const y = ops.greater(ops.sum(x, -1, true), 0);
    const build = () => new Sequential([
      new layers.Dense(16, { activation: 'tanh', inputShape: [8] }),
      new layers.Dense(12, { activation: 'relu' }),
      new layers.Dense(1, { activation: 'sigmoid' }),
    ]);
    await fitBoth(build, () => ({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
      loss: 'binary_crossentropy', metrics: ['accuracy'] }), x, y, 4, 16);
  });

  it('train a softmax output with categorical crossentropy and RMSprop', async () => {
    setSeed(3);
    const x = randomUniform([120, 10]);
    const labels = randInt([120], 0, 4);
    const build = () => new Sequential([
      new layers.Dense(20, { activation: 'relu', inputShape: [10] }),
      new layers.Dense(4, { activation: 'softmax' }),
    ]);
    await fitBoth(build, () => ({ optimizer: new optimizers.RMSprop(), loss: 'categorical_crossentropy', metrics: ['accuracy'] }),
      x, oneHot(labels, 4));
  });

  it('train a functional chain with sparse categorical crossentropy from integer labels', async () => {
    setSeed(4);
    const x = randomUniform([100, 6]);
    const labels = randInt([100], 0, 3);
    const build = () => {
      const input = Input([6]);
      const hidden = new layers.Dense(9, { activation: 'sigmoid' }).apply(input);
      return new Model(input, new layers.Dense(3, { activation: 'softmax' }).apply(hidden));
    };
    await fitBoth(build, () => ({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }),
      x, labels);
  });

  it('train layers without bias on MAE with a loss weight', async () => {
    setSeed(5);
    const x = randomUniform([90, 5]);
    const y = randomUniform([90, 2]);
    const build = () => new Sequential([
      new layers.Dense(7, { useBias: false, inputShape: [5] }),
      new layers.Dense(2, { useBias: false, activation: 'tanh' }),
    ]);
    await fitBoth(build, () => ({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mae', lossWeights: [0.5] }), x, y);
  });

  it('update in place with weight decay and clipping (AdamW with clipnorm, SGD with clipvalue) as the generic path does', async () => {
    setSeed(12);
    const x = randomUniform([80, 7]);
    const y = randomUniform([80, 3]);
    const build = () => new Sequential([new layers.Dense(11, { activation: 'relu', inputShape: [7] }), new layers.Dense(3)]);
    await fitBoth(build, () => ({ optimizer: new optimizers.AdamW({ weightDecay: 0.05, clipnorm: 0.1 }), loss: 'mse' }), x, y);
    await fitBoth(build, () => ({ optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.5, clipvalue: 0.01 }), loss: 'mae' }), x, y);
  });

  it('train from weights set between fits, and leave earlier getWeights results untouched', async () => {
    setSeed(13);
    const x = randomUniform([60, 5]);
    const y = randomUniform([60, 2]);
    const build = () => new Sequential([new layers.Dense(6, { activation: 'relu', inputShape: [5] }), new layers.Dense(2)]);
    const { planned, generic } = twins(build, () => ({ optimizer: 'adam', loss: 'mse' }));
    await planned.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const held = planned.getWeights();
    const heldValues = held.map((w) => Float32Array.from(w.values));
    // Both restart from the same new weights and a fresh optimizer; the plan, made during the first fit,
    // must read the new arrays, not the ones it updated in place before setWeights.
    setSeed(14);
    const start = build().getWeights();
    for (const m of [planned, generic]) {
      m.compile({ optimizer: 'adam', loss: 'mse' });
      m.setWeights(start);
    }
    setSeed(5);
    const hp = await planned.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    setSeed(5);
    const hg = await generic.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, planned: false });
    assertSameHistory(hp, hg);
    const wg = generic.getWeights();
    planned.getWeights().forEach((w, i) => assertRelativeClose(w.values, wg[i].values, `weight ${i}`));
    held.forEach((w, i) => assert.deepEqual(w.values, heldValues[i], `getWeights result ${i} kept its values`));
  });

  it('predict and evaluate give what the generic path gives', async () => {
    setSeed(6);
    const x = randomUniform([75, 12]);
    const labels = randInt([75], 0, 5);
    const build = () => new Sequential([
      new layers.Dense(16, { activation: 'relu', inputShape: [12] }),
      new layers.Dense(5, { activation: 'softmax' }),
    ]);
    const { planned, generic } = twins(build, () => ({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }));
    for (const batchSize of [75, 32]) {
      const p = planned.predict(x, { batchSize }) as Tensor;
      const g = generic.predict(x, { batchSize, planned: false }) as Tensor;
      assert.deepEqual(p.shape, [75, 5]);
      assertRelativeClose(p.values, g.values, `predict, batch ${batchSize}`);
    }
    const ep = planned.evaluate(x, labels, { batchSize: 32 }) as number[];
    const eg = generic.evaluate(x, labels, { batchSize: 32, planned: false }) as number[];
    assertRelativeClose(ep, eg, 'evaluate');
  });

  it('evaluate over several forward chunks (2,500 rows) gives what batch-by-batch evaluation gives', () => {
    setSeed(11);
    const x = randomUniform([2500, 30]);
    const y = randomUniform([2500, 30]);
    const build = () => new Sequential([new layers.Dense(100, { activation: 'relu', inputShape: [30] }), new layers.Dense(30)]);
    const { planned, generic } = twins(build, () => ({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] }));
    // Batch 48: chunks of 1,008 rows, the last batch of the last chunk short (2,500 = 52 x 48 + 4).
    const ep = planned.evaluate(x, y, { batchSize: 48 }) as number[];
    const eg = generic.evaluate(x, y, { batchSize: 48, planned: false }) as number[];
    assertRelativeClose(ep, eg, 'evaluate', 1e-6);
  });

  it('predict of a linear-relu chain is bit-identical (same kernels, same order)', () => {
    setSeed(7);
    const x = randomUniform([40, 30]);
    const model = new Sequential([new layers.Dense(100, { activation: 'relu', inputShape: [30] }), new layers.Dense(30)]);
    const p = model.predict(x, { batchSize: 16 }) as Tensor;
    const g = model.predict(x, { batchSize: 16, planned: false }) as Tensor;
    assert.deepEqual(p.values, g.values);
  });

  it('fall back to the generic path for sample weights and still match it', async () => {
    setSeed(8);
    const x = randomUniform([60, 4]);
    const y = randomUniform([60, 1]);
    const sampleWeight = randomUniform([60], 0, 2);
    const build = () => new Sequential([new layers.Dense(3, { activation: 'relu', inputShape: [4] }), new layers.Dense(1)]);
    setSeed(11);
    const a = build();
    setSeed(11);
    const b = build();
    for (const m of [a, b]) m.compile({ optimizer: 'adam', loss: 'mse' });
    let forwards = 0;
    const forward = a.forward.bind(a);
    a.forward = (xs, training) => { forwards++; return forward(xs, training); };
    setSeed(5);
    const ha = await a.fit(x, y, { epochs: 2, batchSize: 16, sampleWeight, verbose: 0 });
    setSeed(5);
    const hb = await b.fit(x, y, { epochs: 2, batchSize: 16, sampleWeight, verbose: 0, planned: false });
    assert.ok(forwards > 0, 'sample weights use the generic path');
    assert.deepEqual(ha.history, hb.history);
  });

  it('leave models that are not plain Dense chains to the generic path, which still trains them', async () => {
    setSeed(9);
    const x = randomUniform([64, 6]);
    const y = randomUniform([64, 2]);
    const notChains: Model[] = [
      new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [6] }), new layers.Dropout(0.5), new layers.Dense(2)]),
      new Sequential([new layers.Dense(8, { inputShape: [6], kernelRegularizer: regularizers.l2(0.01) }), new layers.Dense(2)]),
      new Sequential([new layers.Dense(8, { activation: 'elu', inputShape: [6] }), new layers.Dense(2)]),
    ];
    for (const model of notChains) assert.equal(model.denseChain(), null, model.layers.map((l) => l.name).join(' -> '));
    // Softmax before the last layer is a chain, but not one the plan runs.
    const softmaxInside = new Sequential([new layers.Dense(8, { activation: 'softmax', inputShape: [6] }), new layers.Dense(2)]);
    for (const model of [...notChains, softmaxInside]) {
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse' });
      const h = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
      assert.equal(h.history.loss.length, 5);
      assert.ok(h.history.loss[4] < h.history.loss[0], `loss falls (${h.history.loss})`);
    }
  });
});
