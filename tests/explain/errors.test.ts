/**
 * Errors that teach: one test per common shape mistake (from ../shared/seed.txt and Keras questions
 * generally), each asserting the message names the layer, what it got, and the fix in code.
 * (Merging layers with mismatched shapes are covered with the merging layers.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers, randomNormal, tensor, zeros } from '../../src/index.js';

describe('shape errors name the fix', () => {
  it('an RNN on 2-D input suggests a timestep axis: Input([2, 1])', () => {
    assert.throws(() => new layers.SimpleRNN(10).apply(Input([2])), (e: Error) =>
      /\(SimpleRNN\)/.test(e.message) && /expected ndim=3/.test(e.message) && /Fix: .*Input\(\[2, 1\]\)/.test(e.message));
  });

  it('chaining RNNs without returnSequences suggests returnSequences: true on the previous layer', () => {
    const first = new layers.SimpleRNN(10, { name: 'first' });
    const h = first.apply(Input([2, 1]));
    assert.throws(() => new layers.SimpleRNN(10).apply(h), /Fix: .*"first".*returnSequences: true/);
  });

  it('a Dense where a Flatten is missing fails in fit with a message suggesting Flatten', async () => {
    const inp = Input([8, 8, 1]);
    const conv = new layers.Conv2D(4, 3, { padding: 'same' }).apply(inp);
    const out = new layers.Dense(10, { activation: 'softmax' }).apply(conv);
    assert.deepEqual(out.shape, [null, 8, 8, 10]); // Dense acts on the last axis only
    const model = new Model(inp, out);
    for (const [loss, y] of [['categorical_crossentropy', zeros([4, 10])], ['mse', zeros([4, 10])], ['sparse_categorical_crossentropy', zeros([4])]] as const) {
      model.compile({ optimizer: 'adam', loss });
      await assert.rejects(model.fit(randomNormal([4, 8, 8, 1]), y, { epochs: 1, verbose: 0 }),
        /keeps the axes \(8, 8\).*add layers\.Flatten\(\).*before the last Dense.*\(None, 10\)/s, loss);
    }
  });

  it('Conv2D on (10, 3) suggests the channels axis: Input([10, 3, 1])', () => {
    assert.throws(() => new layers.Conv2D(2, [2, 2]).apply(Input([10, 3])),
      /\(Conv2D\).*expected ndim=4.*Fix: .*add a channels axis: Input\(\[10, 3, 1\]\)/s);
  });

  it("a kernel longer than the input with 'valid' padding suggests padding 'same' or a smaller kernel", () => {
    assert.throws(() => new layers.Conv2D(2, [2, 4]).apply(Input([10, 3, 1])),
      /kernel_size=\(2, 4\).*output length of 0.*Fix: use padding: 'same'.*Fix: or use a smaller kernel: kernelSize <= 3 along width/s);
  });

  it('a Reshape to a different element count names the count and targets that fit', () => {
    assert.throws(() => new layers.Reshape([12, 10]).apply(Input([10, 3])),
      /30 elements per sample; target_shape=\(12, 10\) holds 120.*Fix: Choose a target whose sizes multiply to 30.*Dense\(120\)/s);
  });

  it('integer labels with categorical_crossentropy suggest sparse_categorical_crossentropy', async () => {
    const inp = Input([4]);
    const model = new Model(inp, new layers.Dense(3, { activation: 'softmax' }).apply(inp));
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await assert.rejects(model.fit(randomNormal([4, 4]), tensor([0, 1, 2, 1]), { verbose: 0 }),
      /Fix: .*use loss 'sparse_categorical_crossentropy'.*or one-hot encode y_true to shape \(4, 3\)/);
  });

  it('one-hot labels with sparse_categorical_crossentropy suggest categorical_crossentropy', async () => {
    const inp = Input([4]);
    const model = new Model(inp, new layers.Dense(3, { activation: 'softmax' }).apply(inp));
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await assert.rejects(model.fit(randomNormal([4, 4]), zeros([4, 3]), { verbose: 0 }),
      /y_true looks one-hot: use loss 'categorical_crossentropy'/);
  });

  it('one array for a two-input model asks for a list with one array per input', () => {
    const a = Input([3]);
    const b = Input([2]);
    const model = new Model([a, b], new layers.Dense(1).apply(a));
    assert.throws(() => model.predict(randomNormal([4, 3])), /2 input\(s\).*1 array\(s\).*Pass a list with one array per input/);
  });
});
