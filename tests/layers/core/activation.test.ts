/** The Activation layer: values, shape, gradient, and Keras 3's config (layers/activations/activation.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { Input } from '../../../src/layers/core/input.js';
import { Activation } from '../../../src/layers/core/activation.js';
import { checkGradients, assertClose } from '../../helpers/gradcheck.js';

describe('Activation', () => {
  it("applies relu: [-3, -1, 0, 2] -> [0, 0, 0, 2] (Keras's docstring example)", () => {
    assert.deepEqual(Array.from(new Activation('relu').apply(ops.tensor([[-3, -1, 0, 2]])).values), [0, 0, 0, 2]);
  });

  it('applies tanh elementwise, keeping the shape, with the right gradient', () => {
    const layer = new Activation('tanh');
    assert.deepEqual(layer.apply(Input([4, 3])).shape, [null, 4, 3]);
    const x = ops.tensor([[-1, 0.5, 2]]);
    assertClose(layer.apply(x).values, [Math.tanh(-1), Math.tanh(0.5), Math.tanh(2)], 1e-6);
    checkGradients((a) => layer.apply(a), [ops.randomUniform([2, 3], -2, 2)]);
  });

  it('has no weights', () => {
    const layer = new Activation('sigmoid');
    layer.apply(Input([3]));
    assert.equal(layer.countParams(), 0);
  });

  it('needs an activation and rejects unknown names', () => {
    assert.throws(() => new Activation(undefined), /needs an activation/);
    assert.throws(() => new Activation('nope'), /Unknown activation/);
  });

  it('has Keras 3 config {name, trainable, dtype, activation} and reads it back', () => {
    const layer = new Activation('swish', { name: 'act' });
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'activation']);
    assert.equal(config.activation, 'silu');
    // Keras builds Activation at init, so its serialized form carries no build_config.
    layer.apply(Input([2]));
    assert.equal(layer.serialize().build_config, undefined);
    const again = Activation.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.deepEqual(again.getConfig(), config);
    assert.equal(Activation.fromConfig({ name: 'a', trainable: true, dtype: 'float32', activation: 'relu' }).activation.activationName, 'relu');
  });
});
