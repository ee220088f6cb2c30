/** sampleWeight, classWeight, the *OnBatch methods and generators in fit, as Keras's trainer does them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Callback, Sequential, layers, optimizers, ops, randomUniform, setSeed, tensor, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

/** Dense(1, no bias) with W = [1, 2] and plain SGD, so losses and updates can be worked out by hand. */
function fixedModel(learningRate = 0.1, metrics: string[] = []) {
  const model = new Sequential([new layers.Dense(1, { inputShape: [2], useBias: false })]);
  model.setWeights([tensor([[1], [2]])]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate }), loss: 'mse', metrics });
  return model;
}

describe('sampleWeight', () => {
  // x = [[1, 1], [2, 0], [0, 1]], y = [0, 1, 0]: predictions [3, 2, 2], per-sample mse [9, 1, 4].
  const x = tensor([[1, 1], [2, 0], [0, 1]]);
  const y = tensor([[0], [1], [0]]);
  const w = [1, 0, 2];

  it("weighs the loss as Keras's sum_over_batch_size: sum(w * l) / n = (9 + 0 + 8) / 3", () => {
    assertClose([fixedModel().evaluate(x, y, { sampleWeight: w }) as number], [17 / 3], 1e-5);
    assertClose([fixedModel().evaluate(x, y) as number], [14 / 3], 1e-5);
  });

  it('weighs the gradient: dW = (1/3) sum_i w_i 2 (p_i - y_i) x_i = [2, 14/3]', async () => {
    const model = fixedModel();
    const h = await model.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, sampleWeight: tensor(w), verbose: 0 });
    assertClose(h.history.loss, [17 / 3], 1e-5);
    assertClose(model.getWeights()[0].values, [1 - 0.2, 2 - 0.1 * (14 / 3)], 1e-6);
  });

  it('refuses weights of the wrong length', async () => {
    await assert.rejects(fixedModel().fit(x, y, { sampleWeight: [1, 2], verbose: 0 }), /sampleWeight must have shape \(3,\)/);
  });
});

describe('classWeight', () => {
  async function trainBoth(y: Tensor, loss: string, classWeight: Record<number, number>, sampleWeight: number[]) {
    setSeed(31);
    const x = randomUniform([12, 4], -1, 1);
    const make = () => new Sequential([new layers.Dense(3, { inputShape: [4], activation: 'softmax' })]);
    const a = make();
    const b = make();
    b.setWeights(a.getWeights());
    for (const m of [a, b]) m.compile({ optimizer: new optimizers.SGD({ learningRate: 0.5 }), loss });
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, classWeight, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, sampleWeight, verbose: 0 });
    assertClose(ha.history.loss, hb.history.loss, 1e-6);
    a.getWeights().forEach((t, i) => assertClose(t.values, b.getWeights()[i].values, 1e-6));
  }
  const labels = [0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2];
  const perClass: Record<number, number> = { 0: 1, 1: 3 }; // class 2 is missing: weight 1, as Keras
  const weights = labels.map((c) => perClass[c] ?? 1);

  it('equals the sample weights it maps to, for sparse targets', async () => {
    await trainBoth(tensor(labels.map((c) => [c])), 'sparse_categorical_crossentropy', perClass, weights);
  });

  it('equals the sample weights it maps to, for one-hot targets (class = argmax)', async () => {
    const oneHot = tensor(labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
    await trainBoth(oneHot, 'categorical_crossentropy', perClass, weights);
  });
});

describe('trainOnBatch, testOnBatch, predictOnBatch', () => {
  // x = [[1, 1], [2, 0]], y = [0, 1]: predictions [3, 2], mse 5, mae 2; dW = x^T [3, 1] = [5, 3].
  const x = tensor([[1, 1], [2, 0]]);
  const y = tensor([[0], [1]]);

  it('trainOnBatch returns [loss, mae] of the batch and takes one SGD step', () => {
    const model = fixedModel(0.1, ['mae']);
    assertClose(model.trainOnBatch(x, y) as number[], [5, 2], 1e-6);
    assertClose(model.getWeights()[0].values, [0.5, 1.7], 1e-6);
  });

  it('testOnBatch and predictOnBatch use the updated weights and change nothing', () => {
    const model = fixedModel(0.1);
    model.trainOnBatch(x, y);
    // new predictions [2.2, 1.0]: mse = (2.2^2 + 0) / 2
    assertClose([model.testOnBatch(x, y) as number], [2.42], 1e-5);
    assertClose((model.predictOnBatch(x) as Tensor).values, [2.2, 1.0], 1e-6);
    assertClose(model.getWeights()[0].values, [0.5, 1.7], 1e-6);
  });
});

describe('fit on generators', () => {
  const w = tensor([[1], [-2], [3]]);
  function batch(n: number): [Tensor, Tensor] {
    const x = randomUniform([n, 3], -1, 1);
    return [x, ops.add(ops.matmul(x, w), 0.5)];
  }
  function model() {
    const m = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    m.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'mse' });
    return m;
  }

  it('trains from an endless generator with stepsPerEpoch', async () => {
    setSeed(41);
    function* endless() { for (;;) yield batch(16); }
    let steps = 0;
    class Count extends Callback { onTrainBatchEnd() { steps++; } }
    const h = await model().fit(endless(), undefined, { epochs: 30, stepsPerEpoch: 10, verbose: 0, callbacks: [new Count()] });
    assert.equal(steps, 300);
    assert.equal(h.history.loss.length, 30);
    assert.ok(h.history.loss[29] < 0.01 && h.history.loss[0] > 10 * h.history.loss[29], `losses ${h.history.loss[0]} -> ${h.history.loss[29]}`);
  });

  it('takes one pass of a finite iterable per epoch, {x, y} batches, and a validation generator', async () => {
    setSeed(42);
    const batches = Array.from({ length: 4 }, () => { const [x, y] = batch(8); return { x, y }; });
    const iterable = { [Symbol.iterator]: () => batches[Symbol.iterator]() };
    async function* validation() { for (;;) yield batch(8); }
    let out = '';
    const h = await model().fit(iterable, undefined, {
      epochs: 3, validationData: validation(), validationSteps: 2, verbose: 'auto', printFn: (t) => (out += t),
    });
    assert.deepEqual(Object.keys(h.history).sort(), ['loss', 'val_loss']);
    assert.equal(h.history.loss.length, 3);
    // The first pass has unknown length; the bar is drawn once it is known.
    assert.match(out.split('\n')[1], /^4\/4 \[=+\]/);
  });

  it("stops with Keras's warning when a generator runs out", async () => {
    setSeed(43);
    function* three() { for (let i = 0; i < 3; i++) yield batch(4); }
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      const h = await model().fit(three(), undefined, { epochs: 5, stepsPerEpoch: 2, verbose: 0 });
      assert.equal(h.history.loss.length, 2);
    } finally {
      console.warn = warn;
    }
    assert.match(warnings[0], /Your input ran out of data; interrupting training/);
  });
});
