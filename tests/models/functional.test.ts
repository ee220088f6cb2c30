/** The functional API: symbolic shapes, model.inputs/outputs/layers/getLayer, several inputs and outputs, graph errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Sequential, layers, randomUniform, setSeed, tensor, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('functional models', () => {
  it('symbolic tensors carry shapes with null for the batch axis', () => {
    const x = Input([128, 1]);
    assert.deepEqual(x.shape, [null, 128, 1]);
    const y = new layers.Conv1D(32, 5, { strides: 2, padding: 'same' }).apply(x);
    assert.deepEqual(y.shape, [null, 64, 32]);
  });

  it('exposes inputs, outputs, layers and getLayer by name or index', () => {
    const x = Input([4], { name: 'features' });
    const h = new layers.Dense(3, { name: 'hidden' }).apply(x);
    const y = new layers.Dense(1, { name: 'out' }).apply(h);
    const model = new Model(x, y);
    assert.deepEqual(model.inputs.map((t) => t.shape), [[null, 4]]);
    assert.deepEqual(model.outputs.map((t) => t.shape), [[null, 1]]);
    assert.deepEqual(model.layers.map((l) => l.name), ['features', 'hidden', 'out']);
    assert.equal(model.getLayer('hidden').countParams(), 15);
    assert.equal(model.getLayer(2).name, 'out');
    assert.throws(() => model.getLayer('nope'), /No such layer: nope[\s\S]*'hidden'/);
  });

  it('a model with two inputs runs both through the graph (the RNN initial state as an input)', () => {
    setSeed(3);
    const seq = Input([5, 2]);
    const h0 = Input([4]);
    const rnn = new layers.SimpleRNN(4);
    const out = rnn.apply(seq, { initialState: [h0] });
    const model = new Model([seq, h0], out);
    const xs = randomUniform([3, 5, 2]);
    const hs = randomUniform([3, 4]);
    const viaModel = model.predict([xs, hs]) as Tensor;
    const eager = rnn.apply(xs, { initialState: [hs] });
    assertClose(viaModel.dataSync(), eager.dataSync(), 1e-6);
    assert.throws(() => model.predict(xs), /2 input/);
  });

  it('a model is callable eagerly on tensors, with the same result as predict', () => {
    const x = Input([2]);
    const model = new Model(x, new layers.Dense(2, { kernelInitializer: 'ones' }).apply(x));
    assert.deepEqual((model.apply(tensor([[1, 2]])) as Tensor).arraySync(), [[3, 3]]);
  });

  it('refuses a graph whose output does not depend on the given input', () => {
    const a = Input([2]);
    const b = Input([2]);
    const y = new layers.Dense(1).apply(b);
    assert.throws(() => new Model(a, y), /Graph disconnected/);
  });

  it('a Sequential rejects a layer that does not fit the previous output at add() time', () => {
    const model = new Sequential([new layers.Dense(8, { inputShape: [10, 3] })]);
    assert.throws(() => model.add(new layers.Conv2D(2, 3)), /Conv2D[\s\S]*expected ndim=4[\s\S]*\(None, 10, 8\)/);
  });
});
