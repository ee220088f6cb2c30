/** RMSprop against tf.train.rmsprop (same formula as Keras, epsilon inside the sqrt) and Keras's docstring. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { RMSprop } from '../../src/optimizers/index.js';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';
import { flat, runKerats, runTfjs } from './quadratic.js';

describe('RMSprop', () => {
  it('matches the Keras docstring example: var 10, loss var^2 / 2, lr 0.1 gives 9.683772', () => {
    // velocity = 0.1 * 100 = 10; var = 10 - 0.1 * 10 / sqrt(10 + 1e-7)
    const v = new Variable(tensor([10]));
    new RMSprop({ learningRate: 0.1 }).applyGradients([[tensor([10]), v]]);
    assertClose(v.values, [9.683772], 1e-6);
  });

  it('follows tf.train.rmsprop for 20 steps', () => {
    const ours = runKerats(new RMSprop({ learningRate: 0.05 }));
    assertClose(flat(ours), flat(runTfjs(tf.train.rmsprop(0.05, 0.9, 0, 1e-7))), 1e-5);
  });

  it('follows tf.train.rmsprop with momentum for 20 steps', () => {
    const ours = runKerats(new RMSprop({ learningRate: 0.02, rho: 0.8, momentum: 0.5 }));
    assertClose(flat(ours), flat(runTfjs(tf.train.rmsprop(0.02, 0.8, 0.5, 1e-7))), 1e-5);
  });

  it('follows tf.train.rmsprop centered, with momentum, for 20 steps', () => {
    const ours = runKerats(new RMSprop({ learningRate: 0.01, momentum: 0.3, centered: true }));
    assertClose(flat(ours), flat(runTfjs(tf.train.rmsprop(0.01, 0.9, 0.3, 1e-7, true))), 1e-5);
  });

  it('has Keras 3 config', () => {
    const config = new RMSprop().getConfig();
    assert.equal(config.name, 'rmsprop');
    assert.equal(config.learning_rate, 0.001);
    assert.deepEqual([config.rho, config.momentum, config.epsilon, config.centered], [0.9, 0, 1e-7, false]);
  });
});
