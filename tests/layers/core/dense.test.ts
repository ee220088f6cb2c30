/** Dense: shapes on N-D input, parameter counts, weight layout, and Keras 3's config. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, layers, randomUniform, setSeed, tensor, valueAndGrads } from '../../../src/index.js';
import * as ops from '../../../src/ops/index.js';
import { assertClose } from '../../helpers/gradcheck.js';
import { fixtureLayerConfigs } from '../../helpers/kerasFixture.js';
import { tf, useTfjsCpu, toTf, assertAllClose } from '../convolutional/oracle.js';

describe('Dense', () => {
  it('acts on the last axis of an N-D input: (None, 10, 3) -> Dense(50) -> (None, 10, 50), 200 params', () => {
    const d = new layers.Dense(50);
    const y = d.apply(Input([10, 3]));
    assert.deepEqual(y.shape, [null, 10, 50]);
    assert.equal(d.countParams(), 3 * 50 + 50);
    assert.deepEqual(d.weights.map((w) => w.shape), [[3, 50], [50]]);
  });

  it('computes x W + b then the activation (hand-computed)', () => {
    const d = new layers.Dense(2, { activation: 'relu' });
    d.apply(tensor([[0, 0, 0]]));
    d.setWeights([tensor([[1, -1], [2, 0], [0, 3]]), tensor([0.5, -10])]);
    // [1, 2, 3] W = [1 + 4 + 0, -1 + 0 + 9] = [5, 8]; + b = [5.5, -2]; relu -> [5.5, 0]
    assertClose(d.apply(tensor([[1, 2, 3]])).dataSync(), [5.5, 0]);
    // On a 3-D input the same weights apply at every position of the middle axis.
    assert.deepEqual(d.apply(tensor([[[1, 2, 3], [0, 0, 0]]])).arraySync(), [[[5.5, 0], [0.5, 0]]]);
  });

  it('setWeights refuses a wrong shape and names the layer', () => {
    const d = new layers.Dense(2, { name: 'head' });
    d.apply(Input([3]));
    assert.throws(() => d.setWeights([tensor([[1, 2]]), tensor([0, 0])]), /"head"[\s\S]*\(3, 2\)[\s\S]*\(1, 2\)/);
  });

  it("getConfig is Keras 3.13's, key for key, as in a real .keras file", (t) => {
    // fixtureLayerConfigs strips shared_object_id: a Python object id Keras's saver adds, not part of get_config().
    const configs = fixtureLayerConfigs('k3_conv1d_dense.keras', 'Dense');
    if (!configs) {
      t.skip('shared/fixtures not present');
      return;
    }
    const ours = layers.deserialize({ class_name: 'Dense', config: configs[0] }).getConfig();
    assert.equal(JSON.stringify(ours), JSON.stringify(configs[0]));
  });

  it('round-trips through deserialize', () => {
    const d = new layers.Dense(7, { activation: 'tanh', useBias: false, kernelInitializer: 'he_normal', name: 'd7' });
    const again = layers.deserialize({ class_name: 'Dense', config: d.getConfig() });
    assert.deepEqual(again.getConfig(), d.getConfig());
  });

  it('deserialize refuses an unknown class and says how to register one', () => {
    assert.throws(() => layers.deserialize({ class_name: 'Lambda', config: {} }), /Unknown layer: 'Lambda'[\s\S]*registerLayer/);
  });

  it('rejects units that are not a positive integer, as Keras', () => {
    assert.throws(() => new layers.Dense(0), /units=0/);
  });
});

describe('Dense against TensorFlow.js (oracle)', () => {
  it('forward and gradients (input, kernel, bias) agree on a 3-D input with relu', async () => {
    await useTfjsCpu();
    setSeed(11);
    const ours = new layers.Dense(4, { activation: 'relu' });
    const x = randomUniform([2, 3, 5], -1, 1);
    ours.apply(x);
    const theirs = tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3, 5] });
    theirs.apply(tf.zeros([1, 3, 5]));
    theirs.setWeights(ours.getWeights().map(toTf));
    assertAllClose(ours.apply(x).dataSync(), (theirs.apply(toTf(x)) as tf.Tensor).dataSync(), 'output', 1e-5);

    const r = randomUniform([2, 3, 4], -1, 1);
    const { grads } = valueAndGrads(() => ops.sum(ops.multiply(ours.apply(x), r)), [x, ...ours.weights]);
    const [kernel, bias] = ours.getWeights().map(toTf);
    const tfGrads = tf.grads((xx: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(xx.reshape([6, 5]), k).reshape([2, 3, 4]), b)), toTf(r))));
    const [gx, gk, gb] = tfGrads([toTf(x), kernel, bias]);
    assertAllClose(grads[0].dataSync(), gx.dataSync(), 'dx', 1e-5);
    assertAllClose(grads[1].dataSync(), gk.dataSync(), 'dkernel', 1e-5);
    assertAllClose(grads[2].dataSync(), gb.dataSync(), 'dbias', 1e-5);
  });
});
