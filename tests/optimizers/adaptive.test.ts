/**
 * AdamW, Adagrad, Adadelta, Adamax and Nadam: 20-step trajectories against tfjs where its formula is
 * Keras's, else against a float64 loop of the Keras formula; the first step by hand; and the
 * single-step, weight-decay and golden values of keras/src/optimizers/*_test.py.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adadelta, Adagrad, Adamax, AdamW, Nadam } from '../../src/optimizers/index.js';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers/gradcheck.js';
import { assertGolden, goldenRows, singleStep, weightDecayThreeTimes } from './golden.js';
import { flat, runKerats, runReference, runTfjs } from './quadratic.js';

const KERAS_WEIGHT_DECAY = 1.9760959;

function firstStep(optimizer: AdamW | Adagrad | Adadelta | Adamax | Nadam, x: number[], g: number[]): Float32Array {
  const v = new Variable(tensor(x));
  optimizer.applyGradients([[tensor(g), v]]);
  return v.values;
}

/** keras/src/optimizers/adam.py with base_optimizer.py's decoupled decay x -= x * wd * lr first, in float64. */
function kerasAdamW(lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-7) {
  const m: number[] = [], v: number[] = [];
  return (x: number[], g: number[], t: number) => {
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < x.length; i++) {
      x[i] -= x[i] * wd * lr;
      m[i] = (m[i] ?? 0) + (g[i] - (m[i] ?? 0)) * (1 - b1);
      v[i] = (v[i] ?? 0) + (g[i] * g[i] - (v[i] ?? 0)) * (1 - b2);
      x[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  };
}

/** keras/src/optimizers/adadelta.py update_step in float64. */
function kerasAdadelta(lr: number, rho: number, eps: number) {
  const accGrad: number[] = [], accDelta: number[] = [];
  return (x: number[], g: number[]) => {
    for (let i = 0; i < x.length; i++) {
      accGrad[i] = rho * (accGrad[i] ?? 0) + (1 - rho) * g[i] * g[i];
      const delta = (-Math.sqrt((accDelta[i] ?? 0) + eps) * g[i]) / Math.sqrt(accGrad[i] + eps);
      accDelta[i] = rho * (accDelta[i] ?? 0) + (1 - rho) * delta * delta;
      x[i] += lr * delta;
    }
  };
}

/** keras/src/optimizers/nadam.py (update_step plus _backend_update_step's u_product) in float64. */
function kerasNadam(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7) {
  const m: number[] = [], v: number[] = [];
  let uProduct = 1;
  const u = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
  return (x: number[], g: number[], t: number) => {
    uProduct *= u(t);
    const uProductNext = uProduct * u(t + 1);
    for (let i = 0; i < x.length; i++) {
      m[i] = (m[i] ?? 0) + (g[i] - (m[i] ?? 0)) * (1 - b1);
      v[i] = (v[i] ?? 0) + (g[i] * g[i] - (v[i] ?? 0)) * (1 - b2);
      const mHat = (u(t + 1) * m[i]) / (1 - uProductNext) + ((1 - u(t)) * g[i]) / (1 - uProduct);
      const vHat = v[i] / (1 - b2 ** t);
      x[i] -= (mHat * lr) / (Math.sqrt(vHat) + eps);
    }
  };
}

describe('AdamW', () => {
  it('decays by x * weightDecay * lr, then takes the Adam step (first step by hand)', () => {
    // x = 1 - 1 * 0.1 * 0.5 = 0.95; Adam's first step is lr * sqrt(0.001)|g| / (sqrt(0.001)|g| + eps) * sign(g)
    const s = Math.sqrt(0.001), lr = 0.1;
    const out = firstStep(new AdamW({ learningRate: lr, weightDecay: 0.5 }), [1], [2]);
    assertClose(out, [0.95 - (lr * s * 2) / (s * 2 + 1e-7)], 1e-6);
  });

  // tfjs has no AdamW; decaying its variables before tf.train.adam (epsilon 0, where tfjs's epsilon
  // placement equals Keras's) gives the same algorithm.
  it('follows tf.train.adam on pre-decayed variables for 20 steps, and a float64 loop', () => {
    const lr = 0.1, wd = 0.05;
    const ours = flat(runKerats(new AdamW({ learningRate: lr, weightDecay: wd, epsilon: 0 })));
    const oracle = runTfjs(tf.train.adam(lr, 0.9, 0.999, 0), 20, (vars) => vars.forEach((v) => v.assign(tf.mul(v, 1 - wd * lr))));
    assertClose(ours, flat(oracle), 5e-5);
    assertClose(flat(runKerats(new AdamW({ learningRate: lr, weightDecay: wd }))), flat(runReference(kerasAdamW(lr, wd))), 1e-6);
  });

  it("matches Keras's adamw_test.py single step, weight decay and golden values", () => {
    assertClose(singleStep(new AdamW({ learningRate: 0.5 })), [0.498, 1.496, 2.494, 3.492], 1e-4);
    assertClose([weightDecayThreeTimes(() => new AdamW({ learningRate: 1, weightDecay: 0.004 }))], [KERAS_WEIGHT_DECAY], 1e-6);
    assertGolden(goldenRows(new AdamW({ learningRate: 1, weightDecay: 0.5, epsilon: 2 })), [
      [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
      [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
      [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
      [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
      [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
    ]);
  });

  it('defaults to weightDecay 0.004 and name adamw, and refuses a null weightDecay', () => {
    const config = new AdamW().getConfig();
    assert.equal(config.name, 'adamw');
    assert.equal(config.weight_decay, 0.004);
    assert.equal(config.amsgrad, false);
    assert.throws(() => new AdamW({ weightDecay: null }), /Argument `weightDecay` must be a float\. Received: weightDecay=null/);
  });
});

describe('Adagrad', () => {
  it('starts the accumulator at 0.1 and puts epsilon inside the square root (first step by hand)', () => {
    // acc = 0.1 + 4 = 4.1; x = 1 - 0.1 * 2 / sqrt(4.1 + 1e-7)
    assertClose(firstStep(new Adagrad({ learningRate: 0.1 }), [1], [2]), [1 - 0.2 / Math.sqrt(4.1 + 1e-7)], 1e-6);
  });

  // tf.train.adagrad: accum += g^2; x -= lr * g / sqrt(accum + 1e-7) (the float32 backend epsilon): Keras's formula.
  it('follows tf.train.adagrad for 20 steps', () => {
    assertClose(flat(runKerats(new Adagrad({ learningRate: 0.1 }))), flat(runTfjs(tf.train.adagrad(0.1))), 1e-5);
    assertClose(flat(runKerats(new Adagrad({ learningRate: 0.3, initialAccumulatorValue: 0.5 }))), flat(runTfjs(tf.train.adagrad(0.3, 0.5))), 1e-5);
  });

  it("matches Keras's adagrad_test.py single step, weight decay and golden values", () => {
    assertClose(singleStep(new Adagrad({ learningRate: 0.5 })), [0.5233, 1.5007, 2.5005, 3.5061], 1e-4);
    assertClose([weightDecayThreeTimes(() => new Adagrad({ learningRate: 1, weightDecay: 0.004 }))], [KERAS_WEIGHT_DECAY], 1e-6);
    assertGolden(goldenRows(new Adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.3, epsilon: 1e-6 })), [
      [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
      [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
      [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
      [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
      [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
    ]);
  });

  it('has Keras 3 config', () => {
    const config = new Adagrad().getConfig();
    assert.deepEqual([config.name, config.learning_rate, config.initial_accumulator_value, config.epsilon], ['adagrad', 0.001, 0.1, 1e-7]);
    assert.throws(() => new Adagrad({ initialAccumulatorValue: -1 }), /must be non-negative/);
  });
});

describe('Adadelta', () => {
  it('divides by the accumulator updated with this gradient (first step by hand)', () => {
    // accGrad = 0.05 * 4 = 0.2; delta = -sqrt(1e-7) * 2 / sqrt(0.2 + 1e-7); x = 1 + lr * delta
    const delta = (-Math.sqrt(1e-7) * 2) / Math.sqrt(0.2 + 1e-7);
    assertClose(firstStep(new Adadelta({ learningRate: 1 }), [1], [2]), [1 + delta], 1e-6);
  });

  // tf.train.adadelta divides by sqrt(accum_grad + eps) using the accumulator from *before* this
  // gradient (tfjs-core adadelta_optimizer.ts), Keras by the updated one, so tfjs is no oracle.
  it('follows a float64 loop of the Keras formula for 20 steps, and differs from tf.train.adadelta', () => {
    const ours = flat(runKerats(new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6 })));
    assertClose(ours, flat(runReference(kerasAdadelta(1, 0.9, 1e-6))), 1e-5);
    const tfjs = flat(runTfjs(tf.train.adadelta(1, 0.9, 1e-6)));
    assert.ok(Math.max(...ours.map((x, i) => Math.abs(x - tfjs[i]))) > 1e-3);
  });

  it("matches Keras's adadelta_test.py single step, weight decay and golden values", () => {
    assertClose(singleStep(new Adadelta({ learningRate: 0.5 })), [0.9993, 1.9993, 2.9993, 3.9993], 1e-4);
    assertClose([weightDecayThreeTimes(() => new Adadelta({ learningRate: 1, weightDecay: 0.004 }))], [KERAS_WEIGHT_DECAY], 1e-6);
    const golden = [0.9978, 0.9947, 0.9915, 0.9882, 0.9849].map((v) => new Array(10).fill(v));
    assertGolden(goldenRows(new Adadelta({ learningRate: 1, rho: 0.8, epsilon: 1e-6 })), golden);
  });

  it('has Keras 3 config', () => {
    const config = new Adadelta().getConfig();
    assert.deepEqual([config.name, config.learning_rate, config.rho, config.epsilon], ['adadelta', 0.001, 0.95, 1e-7]);
  });
});

describe('Adamax', () => {
  it('steps lr * m / ((1 - beta1^t)(u + eps)) (first step by hand)', () => {
    // m = 0.1 * 2, u = 2, correction 0.1: x = 1 - 0.1 * 0.2 / (0.1 * (2 + 1e-7))
    assertClose(firstStep(new Adamax({ learningRate: 0.1 }), [1], [2]), [1 - 0.02 / (0.1 * (2 + 1e-7))], 1e-6);
  });

  // tf.train.adamax: the same update (lr / (1 - beta1^t) * m / (u + eps)); pass Keras's epsilon and no decay.
  it('follows tf.train.adamax for 20 steps', () => {
    const ours = flat(runKerats(new Adamax({ learningRate: 0.1 })));
    assertClose(ours, flat(runTfjs(tf.train.adamax(0.1, 0.9, 0.999, 1e-7, 0))), 2e-5);
    const custom = flat(runKerats(new Adamax({ learningRate: 0.05, beta1: 0.8, beta2: 0.95 })));
    assertClose(custom, flat(runTfjs(tf.train.adamax(0.05, 0.8, 0.95, 1e-7, 0))), 2e-5);
  });

  it("matches Keras's adamax_test.py single step, weight decay and golden values", () => {
    assertClose(singleStep(new Adamax({ learningRate: 0.5 })), [0.5, 1.5, 2.5, 3.5], 1e-4);
    assertClose([weightDecayThreeTimes(() => new Adamax({ learningRate: 1, weightDecay: 0.004 }))], [KERAS_WEIGHT_DECAY], 1e-6);
    assertGolden(goldenRows(new Adamax({ learningRate: 0.2, beta1: 0.85, beta2: 0.95, epsilon: 1e-6 })), [
      [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
      [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
      [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
      [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
      [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126],
    ]);
  });

  it('has Keras 3 config', () => {
    const config = new Adamax().getConfig();
    assert.deepEqual([config.name, config.beta_1, config.beta_2, config.epsilon], ['adamax', 0.9, 0.999, 1e-7]);
  });
});

describe('Nadam', () => {
  it("uses Keras's momentum cache u_t = beta1 (1 - 0.5 * 0.96^t) (first step by hand)", () => {
    // t = 1: u1 = 0.9 * 0.52 = 0.468, u2 = 0.9 * (1 - 0.5 * 0.9216) = 0.48528, uProduct = u1.
    // m = 0.2, v = 0.004; mHat = u2 m / (1 - u1 u2) + (1 - u1) g / (1 - u1); vHat = v / 0.001 = 4.
    const u1 = 0.468, u2 = 0.48528;
    const mHat = (u2 * 0.2) / (1 - u1 * u2) + ((1 - u1) * 2) / (1 - u1);
    assertClose(firstStep(new Nadam({ learningRate: 0.1 }), [1], [2]), [1 - (0.1 * mHat) / (2 + 1e-7)], 1e-6);
  });

  // tfjs has no Nadam: the reference is the Keras formula written out.
  it('follows a float64 loop of the Keras formula for 20 steps', () => {
    assertClose(flat(runKerats(new Nadam({ learningRate: 0.05 }))), flat(runReference(kerasNadam(0.05))), 1e-5);
    const custom = flat(runKerats(new Nadam({ learningRate: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-4 })));
    assertClose(custom, flat(runReference(kerasNadam(0.1, 0.8, 0.99, 1e-4))), 1e-5);
  });

  it("matches Keras's nadam_test.py single step, weight decay and golden values", () => {
    assertClose(singleStep(new Nadam({ learningRate: 0.5 })), [0.4686, 1.4686, 2.4686, 3.4686], 1e-4);
    assertClose([weightDecayThreeTimes(() => new Nadam({ learningRate: 1, weightDecay: 0.004 }))], [KERAS_WEIGHT_DECAY], 1e-6);
    assertGolden(goldenRows(new Nadam({ learningRate: 0.5, beta1: 0.5, beta2: 0.67, epsilon: 1e-5 })), [
      [0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281],
      [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
      [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
      [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
      [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454],
    ]);
  });

  it('has Keras 3 config', () => {
    const config = new Nadam().getConfig();
    assert.deepEqual([config.name, config.beta_1, config.beta_2, config.epsilon], ['nadam', 0.9, 0.999, 1e-7]);
  });
});
