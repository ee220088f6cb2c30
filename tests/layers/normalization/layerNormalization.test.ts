/** LayerNormalization: forward against TensorFlow.js 4.22, gradients, weights and Keras 3's config. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Input, randomUniform, setSeed, tensor, type Tensor } from '../../../src/index.js';
import { LayerNormalization } from '../../../src/layers/normalization/index.js';
import { assertClose, checkGradients } from '../../helpers/gradcheck.js';

const toTf = (t: Tensor) => tf.tensor(Array.from(t.values), t.shape);

describe('LayerNormalization', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const [shape, axis] of [[[4, 6], -1], [[2, 3, 5], -1], [[2, 3, 4], [1, 2]]] as [number[], number | number[]][]) {
    it(`matches tfjs on ${JSON.stringify(shape)}, axis ${JSON.stringify(axis)}, with random gamma and beta`, () => {
      setSeed(shape.length);
      const ln = new LayerNormalization({ axis, epsilon: 1e-3 });
      const x = randomUniform(shape, -2, 3);
      ln.apply(x);
      const pshape = ln.gamma!.shape;
      ln.setWeights([randomUniform(pshape, 0.5, 1.5), randomUniform(pshape, -1, 1)]);
      const twin = tf.layers.layerNormalization({ axis, epsilon: 1e-3 });
      twin.apply(tf.zeros(shape));
      twin.setWeights(ln.getWeights().map(toTf));
      assertClose(ln.apply(x).dataSync(), (twin.apply(toTf(x)) as tf.Tensor).dataSync(), 1e-4);
    });
  }

  it('normalizes each sample by its own statistics (hand-computed), the same in training and inference', () => {
    const ln = new LayerNormalization({ epsilon: 1e-3 });
    // Row [1, 2, 3]: mean 2, biased variance 2/3 -> (x - 2) / sqrt(2/3 + 1e-3).
    const s = Math.sqrt(2 / 3 + 1e-3);
    const x = tensor([[1, 2, 3], [10, 10, 10]]);
    const expected = [-1 / s, 0, 1 / s, 0, 0, 0];
    assertClose(ln.apply(x).dataSync(), expected, 1e-6);
    assertClose(ln.apply(x, { training: true }).dataSync(), expected, 1e-6);
  });

  it('has correct gradients for x, gamma and beta', () => {
    setSeed(8);
    const ln = new LayerNormalization();
    const x = randomUniform([3, 4], -1, 1);
    ln.apply(x);
    ln.setWeights([randomUniform([4], 0.5, 1.5), randomUniform([4], -1, 1)]);
    checkGradients((t) => ln.apply(t), [x, ln.gamma!, ln.beta!], { eps: 1e-2, tol: 3e-2 });
  });

  it('rms_scaling: x * gamma / sqrt(mean-centred variance + epsilon), gamma only', () => {
    const ln = new LayerNormalization({ rmsScaling: true });
    const y = ln.apply(tensor([[1, 2, 3]])).dataSync();
    assert.deepEqual(ln.weights.map((w) => w.name.split('/').pop()), ['gamma']);
    const s = Math.sqrt(2 / 3 + 1e-3);
    assertClose(y, [1 / s, 2 / s, 3 / s], 1e-6);
  });

  it('has 2 * features trainable params and no non-trainable ones', () => {
    const ln = new LayerNormalization();
    const y = ln.apply(Input([7, 16]));
    assert.deepEqual(y.shape, [null, 7, 16]);
    assert.equal(ln.countParams(), 32);
    assert.equal(ln.nonTrainableWeights.length, 0);
  });

  it("getConfig has Keras 3's keys; once built an integer axis reads as a list, as Keras's build does", () => {
    const ln = new LayerNormalization({ name: 'ln', epsilon: 1e-6, center: false });
    const keys = [
      'name', 'trainable', 'dtype', 'axis', 'epsilon', 'center', 'scale', 'rms_scaling', 'beta_initializer',
      'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint',
    ];
    assert.deepEqual(Object.keys(ln.getConfig()), keys);
    assert.equal(ln.getConfig().axis, -1);
    ln.apply(Input([3]));
    const config = ln.getConfig();
    assert.deepEqual(config.axis, [-1]);
    assert.deepEqual([config.epsilon, config.center, config.scale, config.rms_scaling], [1e-6, false, true, false]);
    const again = LayerNormalization.fromConfig(config);
    again.apply(Input([3]));
    assert.deepEqual(again.getConfig(), config);
  });

  it('rejects an axis outside the input', () => {
    assert.throws(() => new LayerNormalization({ axis: 3 }).apply(Input([4])), /Axis 3 is out of bounds/);
  });
});
