/**
 * Learning-rate schedules against the formulas in keras/src/optimizers/schedules/learning_rate_schedule.py
 * docstrings, and optimizers driven by them (evaluated at `iterations`, as base_optimizer.py does).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CosineDecay, ExponentialDecay, PiecewiseConstantDecay, SGD, Adam,
} from '../../src/optimizers/index.js';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('ExponentialDecay', () => {
  it('is initial * rate^(step / decaySteps)', () => {
    const s = new ExponentialDecay(0.1, 10, 0.5);
    assertClose([0, 5, 10, 25].map((t) => s.call(t)), [0.1, 0.1 * 0.5 ** 0.5, 0.05, 0.1 * 0.5 ** 2.5], 1e-12);
  });

  it('floors the exponent with staircase', () => {
    const s = new ExponentialDecay(0.1, 10, 0.5, true);
    assertClose([0, 9, 10, 25].map((t) => s.call(t)), [0.1, 0.1, 0.05, 0.025], 1e-12);
  });

  it('has Keras config and rejects decaySteps <= 0', () => {
    assert.deepEqual(new ExponentialDecay(0.01, 10000, 0.9).getConfig(), {
      initial_learning_rate: 0.01, decay_steps: 10000, decay_rate: 0.9, staircase: false, name: 'ExponentialDecay',
    });
    assert.throws(() => new ExponentialDecay(0.1, 0, 0.5), /Argument `decay_steps` must be > 0\. Received: decay_steps=0/);
  });
});

describe('PiecewiseConstantDecay', () => {
  it('is values[0] up to and including boundaries[0], and so on (Keras docstring: 1.0, 0.5, 0.1)', () => {
    const s = new PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]);
    assert.deepEqual([0, 100000, 100001, 110000, 110001].map((t) => s.call(t)), [1.0, 1.0, 0.5, 0.5, 0.1]);
  });

  it('has Keras config and checks the lengths', () => {
    assert.deepEqual(new PiecewiseConstantDecay([5], [1, 2]).getConfig(), { boundaries: [5], values: [1, 2], name: 'PiecewiseConstant' });
    assert.throws(() => new PiecewiseConstantDecay([1, 2], [1, 2]), /The length of boundaries should be 1 less than the length of values/);
  });
});

describe('CosineDecay', () => {
  // decayed = (1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha
  const cosine = (step: number, steps: number, alpha: number) => (1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps)) + alpha;

  it('decays from initial to initial * alpha over decaySteps, then stays', () => {
    const s = new CosineDecay(0.1, 100, { alpha: 0.1 });
    const steps = [0, 25, 50, 100, 150];
    assertClose(steps.map((t) => s.call(t)), steps.map((t) => 0.1 * cosine(t, 100, 0.1)), 1e-12);
    assertClose([s.call(0), s.call(100)], [0.1, 0.01], 1e-12);
  });

  it('warms up linearly to warmupTarget, then decays from it', () => {
    // Keras docstring: initial 0, warmupTarget 0.1 over 1000 steps, then 1000 steps of decay.
    const s = new CosineDecay(0, 1000, { warmupTarget: 0.1, warmupSteps: 1000 });
    assertClose([0, 500, 1000, 1500, 2000, 3000].map((t) => s.call(t)), [0, 0.05, 0.1, 0.1 * cosine(500, 1000, 0), 0, 0], 1e-12);
  });

  it('has Keras config', () => {
    assert.deepEqual(new CosineDecay(0.1, 1000).getConfig(), {
      initial_learning_rate: 0.1, decay_steps: 1000, alpha: 0, name: 'CosineDecay', warmup_target: null, warmup_steps: 0,
    });
  });
});

describe('optimizers with a schedule', () => {
  it('evaluate the schedule at iterations (0 on the first step) before each step', () => {
    // SGD with g = 1: x decreases by lr(0) + lr(1) + lr(2) = 0.1 + 0.05 + 0.025 (decay 0.5 every step).
    const opt = new SGD({ learningRate: new ExponentialDecay(0.1, 1, 0.5) });
    const v = new Variable(tensor([1]));
    assert.equal(opt.currentLearningRate(), 0.1);
    for (let i = 0; i < 3; i++) opt.applyGradients([[tensor([1]), v]]);
    assertClose(v.values, [1 - 0.175], 1e-6);
    assert.equal(opt.currentLearningRate(), 0.0125);
    assert.equal(opt.learningRate, 0.0125);
  });

  it('use the scheduled rate for weight decay too', () => {
    // Step 0: lr 0.1, x = 2 - 2 * 0.5 * 0.1 = 1.9 (zero gradient); step 1: lr 0.05, x = 1.9 * (1 - 0.025)
    const opt = new SGD({ learningRate: new PiecewiseConstantDecay([0], [0.1, 0.05]), weightDecay: 0.5 });
    const v = new Variable(tensor([2]));
    opt.applyGradients([[tensor([0]), v]]);
    opt.applyGradients([[tensor([0]), v]]);
    assertClose(v.values, [1.9 * 0.975], 1e-6);
  });

  it('refuse a new learningRate, as Keras does, while a plain number stays settable', () => {
    const scheduled = new Adam({ learningRate: new CosineDecay(0.1, 10) });
    assert.throws(() => (scheduled.learningRate = 0.5), /learning rate is not settable/);
    const plain = new Adam({ learningRate: 0.1 });
    plain.learningRate = 0.5;
    assert.equal(plain.currentLearningRate(), 0.5);
    assert.equal(plain.getConfig().learning_rate, 0.5);
  });

  it('serialize the schedule into learning_rate as keras.optimizers.schedules.serialize does', () => {
    assert.deepEqual(new SGD({ learningRate: new ExponentialDecay(0.1, 100000, 0.96, true) }).getConfig().learning_rate, {
      module: 'keras.optimizers.schedules',
      class_name: 'ExponentialDecay',
      config: { initial_learning_rate: 0.1, decay_steps: 100000, decay_rate: 0.96, staircase: true, name: 'ExponentialDecay' },
      registered_name: null,
    });
  });
});
