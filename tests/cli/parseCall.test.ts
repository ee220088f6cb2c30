import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callToConfig, parseCall } from '../../src/cli/parseCall.js';

describe('parseCall', () => {
  it('reads positional and keyword arguments as Python writes them', () => {
    assert.deepEqual(parseCall("Conv1D(32, 5, strides=2, padding='same')"), {
      className: 'Conv1D', args: [32, 5], kwargs: { strides: 2, padding: 'same' },
    });
  });
  it('reads tuples, lists, floats, double-quoted strings, True/False/None', () => {
    assert.deepEqual(parseCall('Dense(10, input_shape=(10, 3), use_bias=False, x=None, y=True, r=0.5, e=-1e-3, l=[1, (2,)], s="a\'b")').kwargs, {
      input_shape: [10, 3], use_bias: false, x: null, y: true, r: 0.5, e: -0.001, l: [1, [2]], s: "a'b",
    });
  });
  it('reads a one-item tuple (5,) as a list and a parenthesised value (5) as the value', () => {
    assert.deepEqual(parseCall('Reshape((5,), a=(5))'), { className: 'Reshape', args: [[5]], kwargs: { a: 5 } });
  });
  it('drops module prefixes and accepts a trailing comma and a bare class name', () => {
    assert.equal(parseCall('tf.keras.layers.Dense(3,)').className, 'Dense');
    assert.deepEqual(parseCall('Flatten'), { className: 'Flatten', args: [], kwargs: {} });
  });
  it('says where it stopped on a call it cannot read', () => {
    assert.throws(() => parseCall('Conv1D(32, 5'), /Cannot parse the layer call: expected ',' or '\)' before the end/);
    assert.throws(() => parseCall("Dense(3, padding=same)"), /'same' at position 18 is not a value; put strings in quotes/);
    assert.throws(() => parseCall("Dense(units=3, 4)"), /positional arguments must come first/);
    assert.throws(() => parseCall("Dense(3, name='x)"), /Unterminated string/);
    assert.throws(() => parseCall('Dense(3; 4)'), /Unexpected character ';'/);
    assert.throws(() => parseCall(''), /Empty layer call/);
  });
});

describe('callToConfig', () => {
  it('names positional arguments as Keras configs do and keeps snake_case keywords', () => {
    assert.deepEqual(callToConfig(parseCall("Conv2D(2, (2, 2), padding='same')")).serialized, {
      class_name: 'Conv2D', config: { filters: 2, kernel_size: [2, 2], padding: 'same' },
    });
    assert.deepEqual(callToConfig(parseCall('Reshape((3, 4))')).serialized.config, { target_shape: [3, 4] });
    assert.deepEqual(callToConfig(parseCall('LSTM(8)')).serialized.config, { units: 8 });
    assert.deepEqual(callToConfig(parseCall('MaxPooling1D(2)')).serialized.config, { pool_size: 2 });
  });
  it('turns camelCase keywords into Keras config names', () => {
    assert.deepEqual(callToConfig(parseCall('SimpleRNN(4, returnSequences=True)')).serialized.config, { units: 4, return_sequences: true });
  });
  it('turns input_shape into batch_input_shape and reports it as the input shape', () => {
    const c = callToConfig(parseCall('Dense(50, input_shape=(10, 3))'));
    assert.deepEqual(c.inputShape, [10, 3]);
    assert.deepEqual(c.serialized.config.batch_input_shape, [null, 10, 3]);
  });
  it('refuses more positional arguments than the layer takes, and an argument given twice', () => {
    assert.throws(() => callToConfig(parseCall('Dense(1, 2, 3, 4)')), /Dense takes at most 3 positional argument\(s\) \(units, activation, use_bias\)/);
    assert.throws(() => callToConfig(parseCall('Dense(1, units=2)')), /two values for 'units'/);
  });
});
