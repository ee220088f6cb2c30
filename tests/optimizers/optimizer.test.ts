/** Behaviour shared by every optimizer (keras/src/optimizers/base_optimizer.py) and getOptimizer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adadelta, Adagrad, Adam, Adamax, AdamW, getOptimizer, Nadam, Optimizer, RMSprop, SGD,
} from '../../src/optimizers/index.js';
import { mean, square, subtract, tensor, valueAndGrads } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';

const variable = (values: number[]) => new Variable(tensor(values));

describe('Optimizer.applyGradients', () => {
  it('counts iterations, one per call', () => {
    const opt = new Adam();
    const v = variable([1, 2]);
    opt.applyGradients([[tensor([1, 1]), v]]);
    opt.applyGradients([[tensor([1, 1]), v]]);
    assert.equal(opt.iterations, 2);
  });

  it('uses the current learningRate, which callbacks may change between steps', () => {
    const opt = new SGD({ learningRate: 0.1 });
    const v = variable([1]);
    opt.applyGradients([[tensor([1]), v]]);
    opt.learningRate = 0.5;
    opt.applyGradients([[tensor([1]), v]]);
    assertClose(v.values, [1 - 0.1 - 0.5], 1e-6);
  });

  it('keeps separate state per variable', () => {
    // Two variables updated together end where each would end if updated alone.
    const together = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const a = variable([1]), b = variable([5, 6]);
    const alone = variable([1]);
    const single = new SGD({ learningRate: 0.1, momentum: 0.9 });
    for (let i = 0; i < 3; i++) {
      together.applyGradients([[tensor([2]), a], [tensor([-1, 3]), b]]);
      single.applyGradients([[tensor([2]), alone]]);
    }
    assertClose(a.values, alone.values, 0);
  });

  it('gives each variable a fresh values array, leaving the old one intact', () => {
    const v = variable([1, 2]);
    const before = v.values;
    new SGD({ learningRate: 1 }).applyGradients([[tensor([1, 1]), v]]);
    assert.notEqual(v.values, before);
    assertClose(before, [1, 2], 0);
    assertClose(v.values, [0, 1], 0);
  });

  it('applyGradientsInPlace writes into the same array and takes exactly the steps applyGradients takes', () => {
    // Every optimizer, with weight decay and with each kind of clipping: identical float32 trajectories.
    const makers: (() => Optimizer)[] = [
      () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), () => new RMSprop({ momentum: 0.5, centered: true }),
      () => new Adam({ amsgrad: true }), () => new Adam({ weightDecay: 0.01 }), () => new AdamW(), () => new Adamax(),
      () => new Nadam(), () => new Adagrad(), () => new Adadelta({ learningRate: 1 }),
      () => new Adam({ clipnorm: 0.5 }), () => new SGD({ globalClipnorm: 0.3 }), () => new RMSprop({ clipvalue: 0.2 }),
    ];
    for (const make of makers) {
      const fresh = make(), inPlace = make();
      const a = [variable([1, -2, 3]), variable([0.5, 0.25])], b = [variable([1, -2, 3]), variable([0.5, 0.25])];
      const arrays = b.map((v) => v.values);
      for (let step = 0; step < 6; step++) {
        const grads = [tensor([0.3 * step - 1, 2, -0.7]), tensor([step % 2 ? 1.5 : -0.4, 0.9])];
        fresh.applyGradients(grads.map((g, i) => [g, a[i]] as const));
        inPlace.applyGradientsInPlace(grads.map((g, i) => [g, b[i]] as const));
      }
      b.forEach((v, i) => {
        assert.equal(v.values, arrays[i], `${fresh.name}: same array`);
        assert.deepEqual(v.values, a[i].values, `${fresh.name}: same values`);
      });
      assert.equal(inPlace.iterations, 6);
    }
  });

  it('rejects a gradient whose size differs from the variable', () => {
    assert.throws(
      () => new SGD().applyGradients([[tensor([1, 2, 3]), new Variable(tensor([1, 2]), { name: 'kernel' })]]),
      /gradient for variable 'kernel' must have the variable's shape \(2,\)\. Received: gradient\.shape=\(3,\)/,
    );
  });

  it('minimises a loss together with valueAndGrads', () => {
    const w = variable([3, -2]);
    const target = tensor([1, 1]);
    const loss = () => mean(square(subtract(w, target)));
    const opt = new Adam({ learningRate: 0.1 });
    for (let i = 0; i < 200; i++) {
      const { grads } = valueAndGrads(loss, [w]);
      opt.applyGradients([[grads[0], w]]);
    }
    assertClose(w.values, [1, 1], 1e-2);
  });
});

describe('gradient clipping and weight decay', () => {
  it('clipnorm rescales each gradient to at most that L2 norm', () => {
    // g = (3, 4) has norm 5; clipped to norm 1 it is (0.6, 0.8).
    const v = variable([0, 0]);
    new SGD({ learningRate: 1, clipnorm: 1 }).applyGradients([[tensor([3, 4]), v]]);
    assertClose(v.values, [-0.6, -0.8], 1e-6);
  });

  it('clipnorm leaves gradients already within the norm alone', () => {
    const v = variable([0, 0]);
    new SGD({ learningRate: 1, clipnorm: 10 }).applyGradients([[tensor([3, 4]), v]]);
    assertClose(v.values, [-3, -4], 1e-6);
  });

  it('clipnorm applies per variable, globalClipnorm across all', () => {
    // Per variable: (3) and (4) each have norm <= 5, untouched. Globally: norm 5, scaled by 1/5.
    const a = variable([0]), b = variable([0]);
    new SGD({ learningRate: 1, clipnorm: 5 }).applyGradients([[tensor([3]), a], [tensor([4]), b]]);
    assertClose([a.values[0], b.values[0]], [-3, -4], 1e-6);
    const c = variable([0]), d = variable([0]);
    new SGD({ learningRate: 1, globalClipnorm: 1 }).applyGradients([[tensor([3]), c], [tensor([4]), d]]);
    assertClose([c.values[0], d.values[0]], [-0.6, -0.8], 1e-6);
  });

  it('clipvalue clips each element to [-clipvalue, clipvalue]', () => {
    const v = variable([0, 0, 0]);
    new SGD({ learningRate: 1, clipvalue: 0.5 }).applyGradients([[tensor([3, -0.2, -7]), v]]);
    assertClose(v.values, [-0.5, 0.2, 0.5], 1e-6);
  });

  it('allows only one of clipnorm, clipvalue and globalClipnorm', () => {
    assert.throws(() => new Adam({ clipnorm: 1, clipvalue: 1 }), /Only one of `clipnorm`, `clipvalue` and `globalClipnorm` can be set/);
  });

  it('weightDecay shrinks the variable by lr * weightDecay before the update', () => {
    // x = 2 - 2 * 0.1 * 0.5 = 1.9, then SGD: 1.9 - 0.1 * 1 = 1.8
    const v = variable([2]);
    new SGD({ learningRate: 0.1, weightDecay: 0.5 }).applyGradients([[tensor([1]), v]]);
    assertClose(v.values, [1.8], 1e-6);
  });

  it('reports clipping and weight decay in the config', () => {
    const config = new RMSprop({ clipnorm: 2, weightDecay: 0.01 }).getConfig();
    assert.equal(config.clipnorm, 2);
    assert.equal(config.weight_decay, 0.01);
    assert.equal(config.clipvalue, null);
  });
});

describe('getOptimizer', () => {
  it('builds an optimizer with Keras defaults from a case-insensitive name', () => {
    assert.ok(getOptimizer('adam') instanceof Adam);
    assert.ok(getOptimizer('Adam') instanceof Adam);
    assert.ok(getOptimizer('SGD') instanceof SGD);
    assert.ok(getOptimizer('RMSprop') instanceof RMSprop);
    assert.equal(getOptimizer('sgd').learningRate, 0.01);
    assert.equal(getOptimizer('rmsprop').learningRate, 0.001);
  });

  it('knows adamw, adagrad, adadelta, adamax and nadam, with Keras defaults', () => {
    assert.ok(getOptimizer('AdamW') instanceof AdamW);
    assert.equal(getOptimizer('adamw').weightDecay, 0.004);
    assert.ok(getOptimizer('adagrad') instanceof Adagrad);
    assert.ok(getOptimizer('Adadelta') instanceof Adadelta);
    assert.ok(getOptimizer('adamax') instanceof Adamax);
    assert.ok(getOptimizer('Nadam') instanceof Nadam);
    for (const name of ['adamw', 'adagrad', 'adadelta', 'adamax', 'nadam']) assert.equal(getOptimizer(name).learningRate, 0.001);
  });

  it('returns an Optimizer instance unchanged', () => {
    const opt: Optimizer = new SGD({ learningRate: 0.3 });
    assert.equal(getOptimizer(opt), opt);
  });

  it('lists the valid names for an unknown name', () => {
    assert.throws(() => getOptimizer('lamb'),
      /Could not interpret optimizer identifier: "lamb"\. Expected one of 'sgd', 'adam', 'rmsprop', 'adamw', 'adagrad', 'adadelta', 'adamax', 'nadam'/);
    assert.throws(() => getOptimizer('constructor'), /Could not interpret optimizer identifier/);
  });
});
