/** Adam against tf.train.adam, a float64 Keras-formula loop, and a hand-computed first step. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../../src/optimizers/index.js';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';
import { flat, runKerats, runReference, runTfjs } from './quadratic.js';

/** keras/src/optimizers/adam.py update_step, in float64. */
function kerasAdam(lr: number, b1: number, b2: number, eps: number, amsgrad: boolean) {
  const m: number[] = [], v: number[] = [], vHat: number[] = [];
  return (x: number[], g: number[], t: number) => {
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < x.length; i++) {
      m[i] = (m[i] ?? 0) + (g[i] - (m[i] ?? 0)) * (1 - b1);
      v[i] = (v[i] ?? 0) + (g[i] * g[i] - (v[i] ?? 0)) * (1 - b2);
      vHat[i] = Math.max(vHat[i] ?? 0, v[i]);
      x[i] -= (alpha * m[i]) / (Math.sqrt(amsgrad ? vHat[i] : v[i]) + eps);
    }
  };
}

describe('Adam', () => {
  it('moves each element by about lr * sign(g) on the first step', () => {
    // t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1, so the step is
    // lr * sqrt(0.001) |g| / (sqrt(0.001) |g| + eps) * sign(g).
    const lr = 0.01, eps = 1e-7;
    const v = new Variable(tensor([1, -1, 0.5]));
    const g = [2, -0.5, 0.001];
    new Adam({ learningRate: lr }).applyGradients([[tensor(g), v]]);
    const s = Math.sqrt(0.001);
    const expected = [1, -1, 0.5].map((x, i) => x - (lr * s * g[i]) / (s * Math.abs(g[i]) + eps));
    assertClose(v.values, expected, 1e-6);
  });

  // tfjs runs the whole update in float32 (including its running beta powers) and drifts up to
  // ~1.4e-5 from a float64 evaluation over these 20 steps, where kerats stays within ~2e-7;
  // hence the looser tolerance against tfjs and the tight one against the float64 loop.
  // With epsilon = 0 Keras's rule and tfjs's (epsilon added to sqrt(v_hat)) are the same formula.
  it('follows tf.train.adam for 20 steps when epsilon is 0', () => {
    const ours = flat(runKerats(new Adam({ learningRate: 0.1, epsilon: 0 })));
    assertClose(ours, flat(runTfjs(tf.train.adam(0.1, 0.9, 0.999, 0))), 5e-5);
    assertClose(ours, flat(runReference(kerasAdam(0.1, 0.9, 0.999, 0, false))), 1e-6);
  });

  // With epsilon = 1e-7 (tfjs's default is 1e-8, so pass it) the placements differ by
  // eps * (1 - sqrt(1 - beta2^t)) in the denominator: below 1e-6 of each step here.
  it('follows tf.train.adam for 20 steps with epsilon 1e-7', () => {
    const ours = flat(runKerats(new Adam({ learningRate: 0.1 })));
    assertClose(ours, flat(runTfjs(tf.train.adam(0.1, 0.9, 0.999, 1e-7))), 5e-5);
    assertClose(ours, flat(runReference(kerasAdam(0.1, 0.9, 0.999, 1e-7, false))), 1e-6);
  });

  it('follows a float64 loop of the Keras formula, with custom betas', () => {
    const expected = runReference(kerasAdam(0.05, 0.8, 0.99, 1e-3, false));
    assertClose(flat(runKerats(new Adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }))), flat(expected), 1e-6);
  });

  // tfjs has no AMSGrad, so the reference is the Keras formula written out.
  it('with amsgrad, follows the Keras formula using max(v_hat, v)', () => {
    const expected = runReference(kerasAdam(0.1, 0.9, 0.999, 1e-7, true));
    const ours = runKerats(new Adam({ learningRate: 0.1, amsgrad: true }));
    assertClose(flat(ours), flat(expected), 1e-6);
    // v shrinks on this problem as the gradients do, so AMSGrad really takes a different path.
    const plain = flat(runKerats(new Adam({ learningRate: 0.1 })));
    assert.ok(Math.max(...flat(ours).map((x, i) => Math.abs(x - plain[i]))) > 1e-4);
  });

  it('has Keras 3 config', () => {
    const config = new Adam().getConfig();
    assert.deepEqual(config, {
      name: 'adam', learning_rate: 0.001, weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null,
      use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, loss_scale_factor: null,
      gradient_accumulation_steps: null, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false,
    });
    assert.deepEqual(Object.keys(config).slice(0, 3), ['name', 'learning_rate', 'weight_decay']);
  });
});
