/**
 * SimpleRNN's shapes, parameter counts, errors and config: the seed's questions (Input((2,)) vs
 * Input((2, 1)), chaining two SimpleRNNs) and Keras 3's simple_rnn.py / rnn.py get_config.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Input } from '../../../src/layers/core/input.js';
import { Dense } from '../../../src/layers/core/dense.js';
import type { SymbolicTensor } from '../../../src/layers/symbolic.js';
import { SimpleRNN } from '../../../src/layers/rnn/index.js';
import { serializeInitializer } from '../../../src/initializers/index.js';
import { Model } from '../../../src/models/model.js';
import { Sequential } from '../../../src/models/sequential.js';
import { assertClose } from '../../helpers/gradcheck.js';

setSeed(3);

/** The error `f` throws, so a test can check several parts of its message. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('expected an error');
}

describe('SimpleRNN shapes and parameters (the seed)', () => {
  it('maps Input([2, 1]) to (None, 10) with 120 parameters', () => {
    // Seed summary: simple_rnn_1 (SimpleRNN) (None, 10) 120 = kernel 1*10 + recurrent 10*10 + bias 10.
    const layer = new SimpleRNN(10);
    const y = layer.apply(Input([2, 1]));
    assert.deepEqual(y.shape, [null, 10]);
    assert.equal(layer.countParams(), 120);
  });

  it('rejects Input([2]) with ndim=3 and suggests Input([2, 1])', () => {
    const msg = messageOf(() => new SimpleRNN(10).apply(Input([2])));
    assert.match(msg, /ndim=3/);
    assert.match(msg, /ndim=2/);
    assert.ok(msg.includes('Input([2, 1])'), msg);
    assert.ok(msg.includes('(None, 2)'), msg);
  });

  it('builds the suggestion from the shape it received', () => {
    const msg = messageOf(() => new SimpleRNN(4).apply(Input([7])));
    assert.ok(msg.includes('Input([7, 1])'), msg);
  });

  it('rejects a second SimpleRNN after one without returnSequences, naming the first and the fix', () => {
    const first = new SimpleRNN(10);
    const h = first.apply(Input([2, 1]));
    const msg = messageOf(() => new SimpleRNN(10).apply(h));
    assert.match(msg, /ndim=3/);
    assert.ok(msg.includes(`"${first.name}"`), msg);
    assert.ok(msg.includes('returns only its last output'), msg);
    assert.ok(msg.includes('returnSequences: true'), msg);
    assert.ok(!msg.includes('Input(['), 'no Input() hint when the cause is the previous RNN');
  });

  it('gives the same hint when the chain is built by a Sequential', () => {
    const msg = messageOf(() => new Sequential([Input([2, 1]), new SimpleRNN(10), new SimpleRNN(10)]));
    assert.ok(msg.includes('returnSequences: true'), msg);
  });

  it('chains with returnSequences: the first gives (None, 2, 10), the second (None, 10); 120 + 210 parameters', () => {
    const first = new SimpleRNN(10, { returnSequences: true });
    const second = new SimpleRNN(10);
    const h = first.apply(Input([2, 1]));
    const y = second.apply(h);
    assert.deepEqual(h.shape, [null, 2, 10]);
    assert.deepEqual(y.shape, [null, 10]);
    // second: kernel 10*10 + recurrent 10*10 + bias 10 = 210.
    assert.equal(first.countParams() + second.countParams(), 330);
  });

  it('returns [output, state] with returnState, as a list of shapes', () => {
    const layer = new SimpleRNN(4, { returnState: true, returnSequences: true });
    assert.deepEqual(layer.computeOutputShape([null, 6, 3]), [[null, 6, 4], [null, 4]]);
    const outs = layer.apply(Input([6, 3])) as unknown as SymbolicTensor[];
    assert.equal(outs.length, 2);
    assert.deepEqual(outs.map((t) => t.shape), [[null, 6, 4], [null, 4]]);
  });

  it('has kernel (features, units), recurrent_kernel (units, units), bias (units), in that order', () => {
    const layer = new SimpleRNN(3);
    layer.apply(Input([5, 2]));
    assert.deepEqual(layer.weights.map((w) => w.name), [`${layer.name}/kernel`, `${layer.name}/recurrent_kernel`, `${layer.name}/bias`]);
    assert.deepEqual(layer.weights.map((w) => w.shape), [[2, 3], [3, 3], [3]]);
    const noBias = new SimpleRNN(3, { useBias: false });
    noBias.apply(Input([5, 2]));
    assert.equal(noBias.countParams(), 2 * 3 + 3 * 3);
  });

  it('starts from a zero state and an orthogonal recurrent kernel by default', () => {
    const layer = new SimpleRNN(4);
    layer.apply(Input([3, 2]));
    const [, recurrent, bias] = layer.getWeights();
    const uut = ops.matmul(recurrent, recurrent, true, false);
    assertClose(uut.values, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-5, 'U^T U = I');
    assert.deepEqual(Array.from(bias.values), [0, 0, 0, 0]);
  });
});

describe('SimpleRNN errors', () => {
  it('rejects other ranks with a Reshape suggestion', () => {
    const msg = messageOf(() => new SimpleRNN(4).apply(Input([28, 28, 1])));
    assert.match(msg, /ndim=3/);
    assert.ok(msg.includes('Reshape([28, 28])'), msg);
  });

  it('suggests a Reshape when the 2-D input comes from another layer', () => {
    const msg = messageOf(() => new SimpleRNN(4).apply(new Dense(6).apply(Input([3]))));
    assert.ok(msg.includes('Reshape([6, 1])'), msg);
  });

  it('gives both hints for an eager 2-D tensor', () => {
    const msg = messageOf(() => new SimpleRNN(4).apply(ops.zeros([5, 2])));
    assert.ok(msg.includes('Input([2, 1])'), msg);
    assert.ok(msg.includes('returnSequences: true'), msg);
  });

  it('explains a state output passed as a sequence', () => {
    const [, state] = new SimpleRNN(4, { returnState: true }).apply(Input([3, 2])) as unknown as SymbolicTensor[];
    const msg = messageOf(() => new SimpleRNN(4).apply(state));
    assert.ok(msg.includes('final state'), msg);
    assert.ok(msg.includes('initialState'), msg);
  });

  it('rejects a different feature size after build', () => {
    const layer = new SimpleRNN(4);
    layer.apply(Input([3, 2]));
    const msg = messageOf(() => layer.apply(Input([3, 5])));
    assert.ok(msg.includes('built for 2 features'), msg);
  });

  it('rejects dropout and recurrent dropout other than 0 as not supported yet', () => {
    assert.throws(() => new SimpleRNN(4, { dropout: 0.2 }), /dropout is not supported yet.*dropout=0\.2/);
    assert.throws(() => new SimpleRNN(4, { recurrentDropout: 0.5 }), /recurrentDropout is not supported yet/);
    assert.doesNotThrow(() => new SimpleRNN(4, { dropout: 0, recurrentDropout: 0 }));
  });

  it('rejects stateful, units <= 0 and an initial state of the wrong shape', () => {
    assert.throws(() => new SimpleRNN(4, { stateful: true }), /stateful=true is not supported yet/);
    assert.throws(() => new SimpleRNN(0), /expected a positive integer, got 0/);
    const layer = new SimpleRNN(4);
    const x = ops.zeros([2, 3, 1]);
    assert.throws(() => layer.apply(x, { initialState: [ops.zeros([2, 5])] }), /1 state of shape \(2, 4\).*Received: \(2, 5\)/s);
    assert.throws(() => layer.apply(x, { initialState: [ops.zeros([3, 4])] }), /Received: \(3, 4\)/);
    assert.throws(() => layer.apply(Input([3, 1]), { initialState: [Input([5])] }), /\(None, 4\).*Received: \(None, 5\)/s);
  });
});

describe('SimpleRNN initial state in a functional model', () => {
  it('records a symbolic initial state on the node and feeds it to call', () => {
    const x = Input([4, 2]);
    const h0 = Input([3]);
    const layer = new SimpleRNN(3, { returnSequences: true });
    const y = layer.apply(x, { initialState: [h0] });
    assert.deepEqual(y.shape, [null, 4, 3]);
    assert.deepEqual(layer.inboundNodes[0].kwargTensors.initialState, [h0]);
    const model = new Model([x, h0], y);
    const xv = ops.randomUniform([2, 4, 2], -1, 1);
    const hv = ops.randomUniform([2, 3], -1, 1);
    const viaModel = model.call([xv, hv]) as Tensor;
    const eager = layer.apply(xv, { initialState: [hv] });
    assertClose(viaModel.values, eager.values, 1e-6);
    // And the state matters: a zero start differs.
    assert.notDeepEqual(Array.from(layer.apply(xv).values), Array.from(eager.values));
  });

  it('accepts a single tensor as initialState', () => {
    const layer = new SimpleRNN(2);
    const x = ops.randomUniform([1, 3, 2], -1, 1);
    const h0 = ops.randomUniform([1, 2], -1, 1);
    assertClose(layer.apply(x, { initialState: h0 }).values, layer.apply(x, { initialState: [h0] }).values, 0);
  });
});

describe('SimpleRNN config (Keras 3 simple_rnn.py SimpleRNN.get_config over rnn.py RNN.get_config)', () => {
  it('has Keras 3 keys in Keras order with default values', () => {
    const layer = new SimpleRNN(10, { name: 'rnn_a' });
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), [
      'name', 'trainable', 'dtype',
      'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask',
      'units', 'activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
      'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
      'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
    ]);
    assert.equal(config.name, 'rnn_a');
    assert.equal(config.units, 10);
    assert.equal(config.activation, 'tanh');
    assert.equal(config.use_bias, true);
    for (const k of ['return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask']) {
      assert.equal(config[k], false, k);
    }
    // As in a Keras 3 .keras file (shared/fixtures/keras-files/k3_lstm.keras config.json).
    assert.deepEqual(config.kernel_initializer, { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null });
    assert.deepEqual(config.bias_initializer, { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null });
    assert.deepEqual(config.recurrent_initializer, serializeInitializer('orthogonal'));
    assert.equal(config.dropout, 0);
    assert.equal(config.recurrent_dropout, 0);
  });

  it('round-trips through fromConfig', () => {
    const layer = new SimpleRNN(6, { returnSequences: true, returnState: true, goBackwards: true, activation: 'relu', useBias: false, unroll: true });
    const again = SimpleRNN.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
    assert.deepEqual(again.getConfig(), layer.getConfig());
  });

  it('reads a Keras 3.5+ config with a DTypePolicy dtype and OrthogonalInitializer', () => {
    const config = {
      name: 'simple_rnn', trainable: false,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
      units: 8, activation: 'tanh', use_bias: true,
      kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
      recurrent_initializer: { module: 'keras.initializers', class_name: 'OrthogonalInitializer', config: { gain: 1.0, seed: null }, registered_name: null },
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
      kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
    };
    const layer = SimpleRNN.fromConfig(config);
    assert.equal(layer.name, 'simple_rnn');
    assert.equal(layer.trainable, false);
    assert.equal(layer.units, 8);
    assert.equal(layer.returnSequences, true);
    assert.deepEqual(layer.apply(Input([5, 2])).shape, [null, 5, 8]);
    assert.throws(() => SimpleRNN.fromConfig({ ...config, dtype: 'float64' }), /float32/);
    assert.throws(() => SimpleRNN.fromConfig({ ...config, kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } } }), /kernel_regularizer is not supported yet/);
    assert.throws(() => SimpleRNN.fromConfig({ ...config, dropout: 0.1 }), /not supported yet/);
  });
});
