/** SGD against tf.train.sgd / tf.train.momentum and hand-computed steps (keras/src/optimizers/sgd.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { SGD } from '../../src/optimizers/index.js';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';
import { flat, runKerats, runReference, runTfjs } from './quadratic.js';

function oneStep(opt: SGD, x: number[], g: number[], steps = 1): Float32Array {
  const v = new Variable(tensor(x));
  for (let i = 0; i < steps; i++) opt.applyGradients([[tensor(g), v]]);
  return v.values;
}

describe('SGD', () => {
  it('takes x - lr * g on the first step', () => {
    // 1 - 0.1 * 2 = 0.8; -1 - 0.1 * (-4) = -0.6
    assertClose(oneStep(new SGD({ learningRate: 0.1 }), [1, -1], [2, -4]), [0.8, -0.6], 1e-6);
  });

  it('with momentum, accumulates m = momentum * m - lr * g and adds m', () => {
    // step 1: m = -0.2, x = 0.8; step 2 (same g): m = 0.9 * -0.2 - 0.2 = -0.38, x = 0.42
    assertClose(oneStep(new SGD({ learningRate: 0.1, momentum: 0.9 }), [1], [2], 2), [0.42], 1e-6);
  });

  it('with nesterov, adds momentum * m - lr * g', () => {
    // step 1: m = -0.2, x = 1 + 0.9 * -0.2 - 0.2 = 0.62
    assertClose(oneStep(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), [1], [2]), [0.62], 1e-6);
  });

  it('follows tf.train.sgd for 20 steps', () => {
    assertClose(flat(runKerats(new SGD({ learningRate: 0.1 }))), flat(runTfjs(tf.train.sgd(0.1))), 1e-5);
  });

  // tf.train.momentum keeps a = momentum * a + g and steps x -= lr * a (nesterov: x -= lr * (g + momentum * a)).
  // With a constant lr, Keras's m equals -lr * a by induction (m' = momentum * (-lr a) - lr g = -lr a'),
  // so both the plain and the Nesterov trajectories coincide mathematically; only rounding differs.
  it('follows tf.train.momentum for 20 steps (constant learning rate)', () => {
    const ours = runKerats(new SGD({ learningRate: 0.05, momentum: 0.9 }));
    assertClose(flat(ours), flat(runTfjs(tf.train.momentum(0.05, 0.9))), 1e-5);
  });

  it('follows tf.train.momentum with useNesterov for 20 steps', () => {
    const ours = runKerats(new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }));
    assertClose(flat(ours), flat(runTfjs(tf.train.momentum(0.05, 0.9, true))), 1e-5);
  });

  it('follows a float64 loop of the Keras formula for 20 steps', () => {
    const lr = 0.05, mu = 0.8;
    const m: number[] = [];
    const expected = runReference((x, g) => {
      for (let i = 0; i < x.length; i++) {
        m[i] = mu * (m[i] ?? 0) - lr * g[i];
        x[i] += mu * m[i] - lr * g[i];
      }
    });
    assertClose(flat(runKerats(new SGD({ learningRate: lr, momentum: mu, nesterov: true }))), flat(expected), 1e-5);
  });

  it('rejects a momentum outside [0, 1]', () => {
    assert.throws(() => new SGD({ momentum: 1.5 }), /`momentum` must be a float between \[0, 1\]/);
  });

  it('has Keras 3 config with name SGD', () => {
    assert.deepEqual(new SGD().getConfig(), {
      name: 'SGD', learning_rate: 0.01, weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null,
      use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, loss_scale_factor: null,
      gradient_accumulation_steps: null, momentum: 0, nesterov: false,
    });
  });
});
