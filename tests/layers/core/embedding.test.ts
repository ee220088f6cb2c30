/**
 * Embedding (keras/src/layers/core/embedding.py): shapes and parameters, values and the gradient to the
 * table against TensorFlow.js 4.22's tf.layers.embedding holding the same table, repeated indices
 * (scatter-add), errors, and Keras 3's config.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { setSeed } from '../../../src/core/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Input, deserialize } from '../../../src/layers/index.js';
import { Embedding } from '../../../src/layers/core/embedding.js';
import { FLOAT32_POLICY } from '../../../src/layers/layer.js';
import { assertAllClose, tf, toTf, useTfjsCpu } from '../convolutional/oracle.js';

before(async () => {
  await useTfjsCpu();
  setSeed(5);
});

/** Indices as float32 values, drawn from [0, inputDim). */
function indices(shape: number[], inputDim: number): Tensor {
  const t = ops.randomUniform(shape, 0, inputDim);
  return new Tensor(t.values.map((v) => Math.min(inputDim - 1, Math.floor(v))), shape);
}

describe('Embedding shapes and parameters', () => {
  it('maps Input([10]) to (None, 10, 64) with 1000 * 64 = 64000 parameters (Keras docstring example)', () => {
    const layer = new Embedding(1000, 64);
    assert.deepEqual(layer.apply(Input([10])).shape, [null, 10, 64]);
    assert.equal(layer.countParams(), 64000);
    assert.deepEqual(layer.weights.map((w) => w.name), [`${layer.name}/embeddings`]);
  });

  it('appends output_dim to any input shape: (None, 3, 4) -> (None, 3, 4, 2)', () => {
    assert.deepEqual(new Embedding(7, 2).apply(Input([3, 4])).shape, [null, 3, 4, 2]);
  });

  it("initializes from RandomUniform(-0.05, 0.05) ('uniform')", () => {
    const layer = new Embedding(50, 20);
    layer.apply(Input([2]));
    const v = layer.getWeights()[0].values;
    assert.ok(v.every((x) => x >= -0.05 && x <= 0.05));
    assert.ok(Math.max(...v) - Math.min(...v) > 0.08);
  });
});

describe('Embedding values and gradients', () => {
  it('matches tfjs: output and d/dembeddings of sum(output * r)', () => {
    const layer = new Embedding(9, 4);
    const x = indices([3, 5], 9);
    layer.apply(x);
    layer.setWeights([ops.randomUniform([9, 4], -1, 1)]);
    const r = ops.randomUniform([3, 5, 4], -1, 1);
    const y = layer.apply(x);
    const { grads } = ops.valueAndGrads(() => ops.sum(ops.multiply(layer.apply(x), r)), [layer.weights[0]]);

    const oracle = tf.layers.embedding({ inputDim: 9, outputDim: 4 });
    const xTf = toTf(x);
    oracle.apply(xTf);
    oracle.setWeights([toTf(layer.getWeights()[0])]);
    const yTf = oracle.apply(xTf) as tf.Tensor;
    const table = oracle.trainableWeights[0].read() as tf.Variable;
    const tfGrads = tf.variableGrads(() => tf.sum(tf.mul(oracle.apply(xTf) as tf.Tensor, toTf(r))) as tf.Scalar, [table]);
    assert.deepEqual(y.shape, yTf.shape);
    assertAllClose(y.values, yTf.dataSync(), 'output');
    assertAllClose(grads[0].values, tfGrads.grads[table.name].dataSync(), 'd/dembeddings');
  });

  it('adds the gradients of repeated indices into one row (scatter-add) and gives unused rows zero', () => {
    const layer = new Embedding(4, 2);
    const x = new Tensor(Float32Array.from([1, 3, 1, 1]), [1, 4]);
    layer.apply(x);
    const { grads } = ops.valueAndGrads(() => ops.sum(layer.apply(x)), [layer.weights[0]]);
    // Row 1 is used three times, row 3 once, rows 0 and 2 never.
    assert.deepEqual(Array.from(grads[0].values), [0, 0, 3, 3, 0, 0, 1, 1]);
  });
});

describe('Embedding errors', () => {
  it('refuses an index >= input_dim, suggesting a larger inputDim', () => {
    const layer = new Embedding(10, 3);
    assert.throws(() => layer.apply(new Tensor(Float32Array.from([2, 10]), [1, 2])),
      /indices in \[0, 9\].*Received: 10.*new Embedding\(11, 3\)/s);
  });

  it('refuses fractional values, pointing real-valued inputs to Dense', () => {
    const layer = new Embedding(10, 3);
    assert.throws(() => layer.apply(new Tensor(Float32Array.from([0.5]), [1, 1])), /Received: 0\.5.*Dense/s);
  });

  it('refuses invalid sizes and mask_zero (not supported yet)', () => {
    assert.throws(() => new Embedding(0, 3), /input_dim.*Received: input_dim=0/);
    assert.throws(() => new Embedding(3, 1.5), /output_dim=1\.5/);
    assert.throws(() => new Embedding(3, 2, { maskZero: true }), /mask_zero=true is not supported yet/);
  });
});

describe('Embedding config', () => {
  it("writes Keras 3's keys in Keras's order and round-trips through deserialize", () => {
    const layer = new Embedding(100, 8, { name: 'emb' });
    const config = layer.getConfig();
    assert.deepEqual(config, {
      name: 'emb', trainable: true, dtype: FLOAT32_POLICY, input_dim: 100, output_dim: 8,
      embeddings_initializer: { module: 'keras.initializers', class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null }, registered_name: null },
      embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false, quantization_config: null,
    });
    const copy = deserialize({ class_name: 'Embedding', config }) as Embedding;
    assert.ok(copy instanceof Embedding);
    assert.deepEqual(copy.getConfig(), config);
  });
});
