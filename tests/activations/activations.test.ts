/** Keras activations: values against TensorFlow.js 4.22, gradients against finite differences, names and configs. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_NAMES, getActivation, serializeActivation } from '../../src/activations/index.js';
import { setSeed } from '../../src/core/random.js';
import * as ops from '../../src/ops/index.js';
import { erfScalar } from '../../src/ops/special.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, checkGradients } from '../helpers/gradcheck.js';

// Seeded at load time: describe bodies draw their inputs before any hook runs.
setSeed(5);
before(async () => {
  await tf.setBackend('cpu');
});

const tfOf = (t: Tensor): tf.Tensor => tf.tensor(t.values, t.shape);

/** The Keras 3 definitions, written with tf ops (keras/src/activations/activations.py). */
const ORACLES: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: tf.relu,
  sigmoid: tf.sigmoid,
  tanh: tf.tanh,
  softmax: (x) => tf.softmax(x),
  log_softmax: (x) => tf.logSoftmax(x),
  softplus: tf.softplus,
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  elu: tf.elu,
  selu: tf.selu,
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  relu6: tf.relu6,
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
  hard_sigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  hard_silu: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  hard_swish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  exponential: tf.exp,
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  crelu: (x) => tf.concat([tf.relu(x), tf.relu(tf.neg(x))], -1),
};

describe('activation values match tf', () => {
  it('there is an oracle for every name', () => {
    assert.deepEqual(Object.keys(ORACLES).sort(), [...ACTIVATION_NAMES]);
  });
  for (const name of Object.keys(ORACLES)) {
    it(name, () => {
      // Spans relu6's and hard_sigmoid's corners at -3, 0, 3 and 6.
      const x = ops.randomUniform([4, 9], -8, 8);
      const ours = getActivation(name)(x);
      const theirs = ORACLES[name](tfOf(x));
      assert.deepEqual(ours.shape, theirs.shape);
      assertClose(ours.values, theirs.dataSync(), 2e-6, name);
    });
  }
});

describe('gelu is the exact (erf) form, Keras 3 default approximate=False', () => {
  it('erf matches Python math.erf to float64 precision', () => {
    // python3 -c "import math; print([math.erf(x) for x in [0.1, 0.5, 1, 2, 3, -0.3, -2.2, 5]])"
    const xs = [0.1, 0.5, 1, 2, 3, -0.3, -2.2, 5];
    const expected = [0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
      0.9999779095030014, -0.3286267594591274, -0.9981371537020182, 0.9999999999984626];
    xs.forEach((x, i) => assert.ok(Math.abs(erfScalar(x) - expected[i]) < 1e-14, `erf(${x}) = ${erfScalar(x)}`));
    assert.equal(erfScalar(0), 0);
    assert.equal(erfScalar(7), 1);
    assert.equal(erfScalar(-7), -1);
  });
  it('gelu at a few points, from 0.5 x (1 + math.erf(x / sqrt(2)))', () => {
    // python3 -c "import math; print([0.5*x*(1+math.erf(x/math.sqrt(2))) for x in [-3, -1, -0.5, 0.5, 1, 3]])"
    const expected = [-0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0.34573123063700656,
      0.8413447460685429, 2.99595030590511];
    const y = getActivation('gelu')(ops.tensor([-3, -1, -0.5, 0.5, 1, 3]));
    assertClose(y.values, expected, 1e-7, 'gelu');
  });
  it('differs from the tanh approximation', () => {
    // The tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) at x = 1 is 0.8411919906082768.
    const y = getActivation('gelu')(ops.tensor([1])).values[0];
    assert.ok(Math.abs(y - 0.8411919906082768) > 1e-4);
  });
});

describe('activation gradients match finite differences', () => {
  // Points at least 0.05 from every kink (0, and -3, 3, 6 for the hard/6 functions), so the central differences are smooth.
  const points = ops.tensor([[-7.1, -4.2, -2.5, -1.3, -0.6, -0.15], [0.12, 0.7, 1.9, 2.6, 4.4, 7.3]]);
  for (const name of ACTIVATION_NAMES) {
    it(name, () => {
      const fn = getActivation(name);
      const x = name === 'exponential' ? ops.multiply(points, 0.3) : points;
      checkGradients((a) => fn(a), [ops.tensor(x.arraySync())], { tol: 1e-2 });
    });
  }
  it('erf: 2/sqrt(pi) exp(-x^2)', () => {
    checkGradients((a) => ops.erf(a), [ops.randomUniform([3, 4], -2.5, 2.5)], { eps: 1e-3, tol: 5e-3 });
  });
});

describe('getActivation and serializeActivation', () => {
  it('null and undefined mean linear, which returns its input', () => {
    const x = ops.tensor([1, -2]);
    for (const id of [null, undefined, 'linear']) {
      const fn = getActivation(id);
      assert.equal(fn.activationName, 'linear');
      assert.equal(fn(x), x);
    }
    assert.equal(serializeActivation(null), 'linear');
  });
  it("each built-in serializes as its Keras name; 'swish' and 'hard_swish' as 'silu' and 'hard_silu'", () => {
    for (const name of ['relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'leaky_relu', 'log_softmax', 'hard_sigmoid']) {
      assert.equal(serializeActivation(name), name);
      assert.equal(serializeActivation(getActivation(name)), name);
    }
    assert.equal(serializeActivation('swish'), 'silu');
    assert.equal(serializeActivation('hard_swish'), 'hard_silu');
  });
  it('accepts the Keras 3 serialized-function form', () => {
    const fn = getActivation({ module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'relu' });
    assert.equal(fn.activationName, 'relu');
  });
  it('an unknown name is an error that lists the valid names', () => {
    assert.throws(() => getActivation('rellu'), (e: Error) => /rellu/.test(e.message) && /relu, relu6/.test(e.message) && /gelu/.test(e.message));
  });
  it('wraps a custom function, which has no Keras name to serialize', () => {
    const double = (x: Tensor) => ops.multiply(x, 2);
    const fn = getActivation(double);
    assert.equal(fn.activationName, 'double');
    assert.deepEqual([...fn(ops.tensor([1.5])).values], [3]);
    assert.throws(() => serializeActivation(double), /not a Keras built-in/);
  });
  it('softmax runs over the last axis', () => {
    const y = getActivation('softmax')(ops.randomUniform([3, 4]));
    assertClose(ops.sum(y, -1).values, [1, 1, 1], 1e-6, 'rows sum to 1');
  });
  it('leaky_relu uses Keras 3 negative_slope 0.2', () => {
    assertClose(getActivation('leaky_relu')(ops.tensor([-2, 3])).values, [-0.4, 3], 1e-7, 'leaky_relu');
  });
});
