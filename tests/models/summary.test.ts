/**
 * summary() against Keras's own table. The expected texts were produced by an independent Python
 * transcription of tf.keras 2.6's print_summary/print_row (keras/utils/layer_utils.py: columns at
 * int(65 * [.45, .85, 1]) or int(98 * [.33, .55, .67, 1]), fields cut at their column, '_' between rows)
 * applied to the rows the seed shows (../shared/seed.txt), with kerats's automatic names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Sequential, layers } from '../../src/index.js';

const DECONV = "Model: \"functional\"\n_________________________________________________________________\nLayer (type)                 Output Shape              Param #   \n=================================================================\ninput_layer (InputLayer)     [(None, 10, 3, 1)]        0         \n_________________________________________________________________\nconv2d (Conv2D)              (None, 9, 2, 2)           10        \n_________________________________________________________________\nconv2d_1 (Conv2D)            (None, 8, 1, 4)           36        \n_________________________________________________________________\nconv2d_transpose (Conv2DTran (None, 10, 4, 4)          196       \n_________________________________________________________________\nconv2d_transpose_1 (Conv2DTr (None, 11, 7, 2)          66        \n_________________________________________________________________\nconv2d_transpose_2 (Conv2DTr (None, 12, 10, 1)         17        \n=================================================================\nTotal params: 325\nTrainable params: 325\nNon-trainable params: 0\n_________________________________________________________________";
const MLP = "Model: \"functional_1\"\n_________________________________________________________________\nLayer (type)                 Output Shape              Param #   \n=================================================================\ninput_layer_1 (InputLayer)   [(None, 30)]              0         \n_________________________________________________________________\ndense (Dense)                (None, 100)               3100      \n_________________________________________________________________\ndense_1 (Dense)              (None, 30)                3030      \n=================================================================\nTotal params: 6,130\nTrainable params: 6,130\nNon-trainable params: 0\n_________________________________________________________________";
const TWO_OUTPUTS = "Model: \"two_outputs\"\n__________________________________________________________________________________________________\nLayer (type)                    Output Shape         Param #     Connected to                     \n==================================================================================================\ninput_layer_2 (InputLayer)      [(None, 10, 3)]      0                                            \n__________________________________________________________________________________________________\nflatten (Flatten)               (None, 30)           0           input_layer_2[0][0]              \n__________________________________________________________________________________________________\ndense_2 (Dense)                 (None, 120)          3720        flatten[0][0]                    \n__________________________________________________________________________________________________\ndense_3 (Dense)                 (None, 10)           310         flatten[0][0]                    \n==================================================================================================\nTotal params: 4,030\nTrainable params: 4,030\nNon-trainable params: 0\n__________________________________________________________________________________________________";
const SEQUENTIAL = "Model: \"sequential\"\n_________________________________________________________________\nLayer (type)                 Output Shape              Param #   \n=================================================================\ndense_4 (Dense)              (None, 10, 50)            200       \n_________________________________________________________________\ndense_5 (Dense)              (None, 10, 20)            1020      \n_________________________________________________________________\ndense_6 (Dense)              (None, 10, 5)             105       \n_________________________________________________________________\ndense_7 (Dense)              (None, 10, 10)            60        \n=================================================================\nTotal params: 1,385\nTrainable params: 1,385\nNon-trainable params: 0\n_________________________________________________________________";

const quiet = { printFn: () => {} };

describe('summary() prints Keras\'s table', () => {
  it('the seed deconv net: (10,3,1) -> (12,10,1), 325 params, names cut at the column as in the seed', () => {
    const inp = Input([10, 3, 1]);
    let x = new layers.Conv2D(2, [2, 2]).apply(inp);
    x = new layers.Conv2D(4, [2, 2]).apply(x);
    x = new layers.Conv2DTranspose(4, [3, 4]).apply(x);
    x = new layers.Conv2DTranspose(2, [2, 4]).apply(x);
    const out = new layers.Conv2DTranspose(1, [2, 4]).apply(x);
    const model = new Model(inp, out);
    assert.equal(model.summary(quiet), DECONV);
    assert.equal(model.countParams(), 325);
  });

  it('the seed MLP: 30 -> Dense(100, relu) -> Dense(30), 6,130 params', () => {
    const inp = Input([30]);
    const h = new layers.Dense(100, { activation: 'relu' }).apply(inp);
    const model = new Model(inp, new layers.Dense(30).apply(h));
    assert.equal(model.summary(quiet), MLP);
  });

  it('a branching model with two outputs gets the 98-wide table with "Connected to"', () => {
    const inp = Input([10, 3]);
    const f = new layers.Flatten().apply(inp);
    const model = new Model(inp, [new layers.Dense(120).apply(f), new layers.Dense(10).apply(f)], { name: 'two_outputs' });
    assert.equal(model.summary(quiet), TWO_OUTPUTS);
  });

  it('the seed Sequential: Dense on (10, 3) acts on the last axis', () => {
    const model = new Sequential();
    model.add(new layers.Dense(50, { inputShape: [10, 3], kernelInitializer: 'he_normal', activation: 'relu' }));
    model.add(new layers.Dense(20, { kernelInitializer: 'he_normal', activation: 'relu' }));
    model.add(new layers.Dense(5, { kernelInitializer: 'he_normal', activation: 'relu' }));
    model.add(new layers.Dense(10, { activation: 'softmax' }));
    assert.equal(model.summary(quiet), SEQUENTIAL);
  });

  it('returns the text it prints', () => {
    const lines: string[] = [];
    const model = new Sequential([new layers.Dense(2, { inputShape: [3] })]);
    const text = model.summary({ printFn: (l) => lines.push(l) });
    assert.equal(lines.join('\n'), text);
    assert.match(text, /Total params: 8/);
  });

  it('an unbuilt Sequential explains how to give it an input shape', () => {
    const model = new Sequential([new layers.Dense(2)]);
    assert.throws(() => model.summary(quiet), /has not been built yet[\s\S]*inputShape/);
  });
});
