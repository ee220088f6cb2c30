/** compile / fit / evaluate / predict behave as Keras's do. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input, Model, Sequential, layers, optimizers, ops, randomUniform, setSeed, tensor, valueAndGrads, Callback,
  type Logs,
} from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

/** y = x . [1, -2, 3] + 0.5 : a linear task that Dense(1) can fit exactly. */
function linearData(n: number) {
  const x = randomUniform([n, 3], -1, 1);
  const w = tensor([[1], [-2], [3]]);
  return { x, y: ops.add(ops.matmul(x, w), 0.5) };
}

describe('fit', () => {
  it('drives the loss of a linear task below 1e-3 with a fixed seed (Adam)', async () => {
    setSeed(1);
    const { x, y } = linearData(256);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.05 }), loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0 });
    const losses = h.history.loss;
    assert.equal(losses.length, 60);
    assert.ok(losses[0] > 1, `starts high (${losses[0]})`);
    assert.ok(losses[59] < 1e-3, `ends below 1e-3 (${losses[59]})`);
    const [[w0], [w1], [w2]] = model.layers[0].getWeights()[0].arraySync() as number[][];
    assertClose([w0, w1, w2], [1, -2, 3], 0.02, 'learned weights');
  });

  it("History has Keras's keys, and validationSplit holds out the last samples", async () => {
    setSeed(2);
    const { x, y } = linearData(100);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    assert.deepEqual(Object.keys(h.history).sort(), ['loss', 'mae', 'val_loss', 'val_mae']);
    // val_* is computed after the epoch's last update on samples 80..99, exactly what evaluate gives now.
    const last = (t: typeof x) => ops.slice(t, [80, 0], [20, -1]);
    const [valLoss, valMae] = model.evaluate(last(x), last(y)) as number[];
    assertClose([h.history.val_loss[1], h.history.val_mae[1]], [valLoss, valMae], 1e-5);
  });

  it('prints the Keras progress bar with verbose 1', async () => {
    setSeed(3);
    const { x, y } = linearData(64);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    let out = '';
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 1, validationSplit: 0.25, printFn: (t) => (out += t) });
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], 'Epoch 1/2');
    assert.match(lines[1], /^3\/3 \[==============================\] - \d+s \d+(ms|us|s)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4} - val_loss: \d+\.\d{4} - val_mae: \d+\.\d{4}$/);
    assert.equal(lines[2], 'Epoch 2/2');
  });

  it('trains a two-output functional model and names History keys after the outputs', async () => {
    setSeed(4);
    const inp = Input([4]);
    const h = new layers.Dense(8, { activation: 'tanh' }).apply(inp);
    const a = new layers.Dense(2, { name: 'matrix' }).apply(h);
    const b = new layers.Dense(1, { name: 'vector' }).apply(h);
    const model = new Model(inp, [a, b]);
    model.compile({ optimizer: 'adam', loss: ['mse', 'mae'], metrics: ['mae'] });
    const x = randomUniform([32, 4]);
    const hist = await model.fit(x, [randomUniform([32, 2]), randomUniform([32, 1])], { epochs: 3, verbose: 0 });
    assert.deepEqual(Object.keys(hist.history).sort(), ['loss', 'matrix_loss', 'matrix_mae', 'vector_loss', 'vector_mae']);
    // total loss = matrix_loss + vector_loss (loss weights 1)
    assertClose([hist.history.loss[2]], [hist.history.matrix_loss[2] + hist.history.vector_loss[2]], 1e-4);
    const preds = model.predict(x) as ReturnType<typeof tensor>[];
    assert.deepEqual(preds.map((p) => p.shape), [[32, 2], [32, 1]]);
  });

  it('calls user callbacks by Keras hook names and stops when stopTraining is set', async () => {
    setSeed(5);
    const { x, y } = linearData(40);
    const model = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const events: string[] = [];
    class Stopper extends Callback {
      onTrainBegin() { events.push('train_begin'); }
      onEpochEnd(epoch: number, logs: Logs) {
        events.push(`epoch_end ${epoch} ${typeof logs.loss}`);
        if (epoch === 1) model.stopTraining = true;
      }
      onTrainEnd() { events.push('train_end'); }
    }
    const h = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [new Stopper()] });
    assert.deepEqual(events, ['train_begin', 'epoch_end 0 number', 'epoch_end 1 number', 'train_end']);
    assert.equal(h.history.loss.length, 2);
  });
});

describe('predict and evaluate', () => {
  it('predict in batches equals one forward pass', () => {
    setSeed(6);
    const model = new Sequential([new layers.Dense(4, { inputShape: [3], activation: 'relu' }), new layers.Dense(2)]);
    const x = randomUniform([10, 3]);
    const all = model.predict(x, { batchSize: 100 }) as ReturnType<typeof tensor>;
    const batched = model.predict(x, { batchSize: 3 }) as ReturnType<typeof tensor>;
    assert.deepEqual(batched.shape, [10, 2]);
    assertClose(batched.dataSync(), all.dataSync(), 1e-6);
  });

  it('evaluate returns the mse of the predictions', () => {
    setSeed(7);
    const model = new Sequential([new layers.Dense(2, { inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randomUniform([9, 3]);
    const y = randomUniform([9, 2]);
    const p = (model.predict(x) as ReturnType<typeof tensor>).dataSync();
    const yv = y.dataSync();
    let s = 0;
    for (let i = 0; i < p.length; i++) s += (p[i] - yv[i]) ** 2;
    assertClose([model.evaluate(x, y, { batchSize: 4 }) as number], [s / p.length], 1e-5);
  });

  it('a Sequential without an input shape builds from the first data it sees', () => {
    const model = new Sequential([new layers.Dense(3), new layers.Dense(1)]);
    const out = model.predict(randomUniform([5, 7])) as ReturnType<typeof tensor>;
    assert.deepEqual(out.shape, [5, 1]);
    assert.equal(model.countParams(), 7 * 3 + 3 + 3 + 1);
  });
});

describe('bad input gets a clear error', () => {
  const model = () => {
    const m = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  };
  it('x and y with different sample counts', async () => {
    await assert.rejects(model().fit(randomUniform([10, 3]), randomUniform([9, 1]), { verbose: 0 }), /same number of samples[\s\S]*x\[0\]: 10, y\[0\]: 9/);
  });
  it('NaN in the data', async () => {
    const x = randomUniform([4, 3]);
    x.values[5] = NaN;
    await assert.rejects(model().fit(x, randomUniform([4, 1]), { verbose: 0 }), /x contains NaN \(sample 1/);
  });
  it('an empty dataset', async () => {
    await assert.rejects(model().fit(tensor(new Float32Array(0), [0, 3]), tensor(new Float32Array(0), [0, 1]), { verbose: 0 }), /empty/);
  });
  it('an unknown loss or optimizer name', () => {
    const m = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mean_squared_eror' }), /mean_squared_eror/);
    assert.throws(() => m.compile({ optimizer: 'adamm', loss: 'mse' }), /adamm/);
  });
  it('fit before compile', async () => {
    const m = new Sequential([new layers.Dense(1, { inputShape: [3] })]);
    await assert.rejects(m.fit(randomUniform([2, 3]), randomUniform([2, 1])), /compile\(\)/);
  });
  it('data whose shape does not fit the model names the input and a fix', () => {
    assert.throws(() => model().predict(randomUniform([4, 5])), /expected data of shape \(None, 3\)[\s\S]*Received: \(4, 5\)/);
  });
});

describe('valueAndGrads with layer weights (custom training loops)', () => {
  it('gives d(loss)/d(kernel) = x^T (2 (xW + b - y) / n) for a Dense layer', () => {
    const dense = new layers.Dense(1, { kernelInitializer: 'ones' });
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([[0], [1]]);
    dense.apply(x); // builds
    const { value, grads } = valueAndGrads(() => ops.mean(ops.square(ops.subtract(dense.apply(x), y))), dense.weights);
    // predictions 3 and 7; errors 3 and 6; loss (9 + 36) / 2 = 22.5
    assertClose(value.dataSync(), [22.5]);
    // dL/dW = sum_i x_i * 2 e_i / 2 = [1*3 + 3*6, 2*3 + 4*6] = [21, 30]; dL/db = 3 + 6 = 9
    assertClose(grads[0].dataSync(), [21, 30]);
    assertClose(grads[1].dataSync(), [9]);
  });
});
