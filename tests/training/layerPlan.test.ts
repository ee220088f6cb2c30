/**
 * Planned steps for chains of convolution, pooling, flatten, dropout and Dense layers
 * (src/training/plan/layerChain.ts: one backend Program per step) train, evaluate and predict as the
 * generic tape path does. The oracle is that generic path, forced with the internal option `planned: false`:
 * the same seed gives the same initial weights, shuffling and dropout masks, so both must end on the same
 * weights, History, evaluation and predictions up to float32 rounding, on the JS and the wasm backend.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input, Model, Sequential, getBackend, layers, optimizers, randInt, randomUniform, regularizers, setBackend, setSeed,
  Tensor, type CompileArgs,
} from '../../src/index.js';
import { lowerChain } from '../../src/training/plan/layerChain.js';
import { wasmAvailable } from '../../src/kernels/wasm/index.js';
import { assertRelativeClose } from '../helpers/gradcheck.js';
import { assertSameHistory, twins } from '../helpers/planTwins.js';

type Build = () => Model;
const backends = wasmAvailable() ? ['js', 'wasm'] : ['js'];

function oneHot(labels: Tensor, classes: number): Tensor {
  const out = new Float32Array(labels.size * classes);
  labels.values.forEach((c, i) => (out[i * classes + c] = 1));
  return new Tensor(out, [labels.size, classes]);
}

/** Fits twins planned and generic (tests/helpers/planTwins.ts). */
async function fitBoth(build: Build, compile: () => CompileArgs, x: Tensor, y: Tensor, epochs: number, batchSize: number) {
  const { planned, generic } = twins(build, compile, (m) => lowerChain(m.layerChain()!) !== null, 'the plan runs this chain');
  setSeed(5);
  const hp = await planned.fit(x, y, { epochs, batchSize, validationSplit: 0.2, verbose: 0 });
  setSeed(5);
  const hg = await generic.fit(x, y, { epochs, batchSize, validationSplit: 0.2, verbose: 0, planned: false });
  assertSameHistory(hp, hg, 1e-4);
  const wp = planned.getWeights();
  generic.getWeights().forEach((w, i) => assertRelativeClose(wp[i].values, w.values, `weight ${i}`, 1e-4));
  // Evaluation and prediction in inference mode (dropout off), on batches that do not divide the data.
  const ep = planned.evaluate(x, y, { batchSize: 24 }) as number[] | number;
  const eg = generic.evaluate(x, y, { batchSize: 24, planned: false }) as number[] | number;
  assertRelativeClose([ep].flat(), [eg].flat(), 'evaluate', 1e-4);
  const pp = planned.predict(x, { batchSize: 17 }) as Tensor;
  const pg = generic.predict(x, { batchSize: 17, planned: false }) as Tensor;
  assert.deepEqual(pp.shape, pg.shape);
  assertRelativeClose(pp.values, pg.values, 'predict', 1e-4);
  return hp;
}

for (const name of backends) {
  describe(`planned layer-chain steps (${name} backend)`, () => {
    const withBackend = (f: () => Promise<void>) => async () => {
      const before = getBackend().name;
      setBackend(name);
      try {
        await f();
      } finally {
        setBackend(before);
      }
    };

    it("train a small MNIST-style convnet (Conv2D, MaxPooling2D, Flatten, Dropout, softmax Dense) as the generic path", withBackend(async () => {
      setSeed(1);
      // 90 samples: 72 train after the split, so the last batch of 16 is short.
      const x = randomUniform([90, 12, 11, 1]);
      const y = oneHot(randInt([90], 0, 5), 5);
      const build = () => new Sequential([
        Input([12, 11, 1]),
        new layers.Conv2D(4, [3, 3], { activation: 'relu' }), new layers.MaxPooling2D([2, 2]),
        new layers.Conv2D(6, [3, 2], { activation: 'relu', padding: 'same', strides: [2, 1] }),
        new layers.MaxPooling2D([2, 2], { padding: 'same' }),
        new layers.Flatten(), new layers.Dropout(0.5), new layers.Dense(5, { activation: 'softmax' }),
      ]);
      const h = await fitBoth(build, () => ({ optimizer: new optimizers.Adam(), loss: 'categorical_crossentropy',
        metrics: ['accuracy'] }), x, y, 3, 16);
      assert.ok(h.history.loss.every(Number.isFinite));
    }));

    it('train Conv1D layers (strides, dilation, same padding, tanh and sigmoid) with MSE and SGD momentum', withBackend(async () => {
      setSeed(2);
      const x = randomUniform([60, 20, 3], -1, 1);
      const y = randomUniform([60, 2]);
      const build = () => new Sequential([
        Input([20, 3]),
        new layers.Conv1D(5, 4, { strides: 2, padding: 'same', activation: 'tanh' }), new layers.MaxPooling1D(2),
        new layers.Conv1D(4, 2, { dilationRate: 2, activation: 'sigmoid', useBias: false }),
        new layers.Flatten(), new layers.Dense(8, { activation: 'relu' }), new layers.Dense(2),
      ]);
      await fitBoth(build, () => ({ optimizer: new optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse',
        metrics: ['mae'] }), x, y, 3, 10);
    }));

    it('train W3\'s shape of chain (Conv1D, Conv1D, GlobalMaxPooling1D, softmax Dense; relu ties at 0 split the max\'s gradient) and GlobalMaxPooling2D with keepdims', withBackend(async () => {
      setSeed(4);
      const x = randomUniform([48, 30, 3], -1, 1);
      const y = oneHot(randInt([48], 0, 3), 3);
      const build = () => new Sequential([
        Input([30, 3]),
        new layers.Conv1D(6, 5, { activation: 'relu' }), new layers.Conv1D(4, 3, { activation: 'relu', padding: 'same' }),
        new layers.GlobalMaxPooling1D(), new layers.Dense(3, { activation: 'softmax' }),
      ]);
      await fitBoth(build, () => ({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy',
        metrics: ['accuracy'] }), x, y, 3, 8);
      const x2 = randomUniform([40, 7, 6, 2], -1, 1);
      const y2 = randomUniform([40, 2]);
      const build2 = () => new Sequential([
        Input([7, 6, 2]),
        new layers.Conv2D(3, 3, { activation: 'relu' }), new layers.GlobalMaxPooling2D({ keepdims: true }),
        new layers.Flatten(), new layers.Dense(2),
      ]);
      await fitBoth(build2, () => ({ optimizer: new optimizers.Adam(), loss: 'mse' }), x2, y2, 2, 8);
    }));

    it('train GlobalAveragePooling1D and GlobalAveragePooling2D (keepdims) chains as the generic path', withBackend(async () => {
      setSeed(6);
      const x = randomUniform([40, 25, 4], -1, 1);
      const y = randInt([40, 1], 0, 3);
      const build = () => new Sequential([
        Input([25, 4]),
        new layers.Conv1D(8, 6, { activation: 'relu', padding: 'same' }),
        new layers.GlobalAveragePooling1D(), new layers.Dropout(0.2), new layers.Dense(3, { activation: 'softmax' }),
      ]);
      await fitBoth(build, () => ({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'] }), x, y, 3, 8);
      const x2 = randomUniform([32, 6, 7, 3], -1, 1);
      const y2 = randomUniform([32, 2]);
      const build2 = () => new Sequential([
        Input([6, 7, 3]),
        new layers.Conv2D(5, 3, { activation: 'tanh', padding: 'same' }), new layers.GlobalAveragePooling2D({ keepdims: true }),
        new layers.Flatten(), new layers.Dense(2),
      ]);
      await fitBoth(build2, () => ({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mae' }), x2, y2, 2, 8);
    }));

    it('train with sparse labels, a first layer that is not a convolution, and dropout between Dense layers', withBackend(async () => {
      setSeed(3);
      const x = randomUniform([50, 6, 6, 2]);
      const y = randInt([50, 1], 0, 3);
      const build = () => new Sequential([
        Input([6, 6, 2]),
        new layers.MaxPooling2D([2, 2]), new layers.Flatten(), new layers.Dense(10, { activation: 'relu' }),
        new layers.Dropout(0.3), new layers.Dense(3, { activation: 'softmax' }),
      ]);
      await fitBoth(build, () => ({ optimizer: new optimizers.RMSprop(), loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'] }), x, y, 2, 8);
    }));
  });
}

describe('layer-chain plan coverage', () => {
  const chainOf = (...ls: layers.Layer[]) => new Sequential([Input([8, 8, 1]), ...ls]);
  const head = () => [new layers.Flatten(), new layers.Dense(2)];
  it('declines layers and options it does not run, so those models train generically', () => {
    const declined: [string, Model][] = [
      ['a kernel regularizer', chainOf(new layers.Conv2D(2, 3, { kernelRegularizer: regularizers.l2(0.1) }), ...head())],
      ['a Dropout noise shape', chainOf(new layers.Conv2D(2, 3), new layers.Dropout(0.5, { noiseShape: [null, 1, 1, 2] }), ...head())],
      ['a softmax before the last layer', chainOf(new layers.Conv2D(2, 3, { activation: 'softmax' }), ...head())],
      ['an output with more than one axis', chainOf(new layers.Conv2D(2, 3))],
      ['AveragePooling2D', chainOf(new layers.AveragePooling2D(2), ...head())],
      ['no weights', chainOf(new layers.MaxPooling2D(2), new layers.Flatten())],
    ];
    for (const [what, model] of declined) {
      const links = model.layerChain();
      assert.notEqual(links, null, `${what}: still a chain`);
      assert.equal(lowerChain(links!), null, what);
    }
    assert.notEqual(lowerChain(chainOf(new layers.Conv2D(2, 3), ...head()).layerChain()!), null, 'the plain chain is planned');
  });

  it('is not a chain when a layer has two inputs or the model two outputs', () => {
    const input = Input([4, 4, 1]);
    const a = new layers.Conv2D(1, 1).apply(input) as ReturnType<typeof Input>;
    const sum = new layers.Add().apply([a, input]) as ReturnType<typeof Input>;
    const out = new layers.Dense(2).apply(new layers.Flatten().apply(sum)) as ReturnType<typeof Input>;
    assert.equal(new Model(input, out).layerChain(), null);
    assert.equal(new Model(input, [a, sum]).layerChain(), null);
  });
});
