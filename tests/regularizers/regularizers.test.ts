/** Regularizers: Keras's penalties, configs, and their place in the training loss. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers, optimizers, regularizers, tensor, valueAndGrads } from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('regularizers', () => {
  it('L2 is l2 * sum(w^2) with gradient 2 * l2 * w (Keras 3 default l2 = 0.01)', () => {
    const w = tensor([[1, -2], [3, 0.5]]);
    const { value, grads } = valueAndGrads(() => new regularizers.L2().call(w), [w]);
    // 0.01 * (1 + 4 + 9 + 0.25) = 0.1425
    assertClose(value.values, [0.1425]);
    assertClose(grads[0].values, [0.02, -0.04, 0.06, 0.01]);
  });

  it('L1 is l1 * sum(|w|) and L1L2 adds both terms', () => {
    const w = tensor([1, -2, 3]);
    assertClose(regularizers.l1(0.1).call(w).values, [0.6]);
    // 0.1 * 6 + 0.5 * 14
    assertClose(regularizers.l1l2({ l1: 0.1, l2: 0.5 }).call(w).values, [7.6]);
  });

  it("serializes like Keras and reads names, instances and Keras configs", () => {
    assert.deepEqual(regularizers.serializeRegularizer(regularizers.getRegularizer('l2')),
      { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null });
    assert.deepEqual(regularizers.serializeRegularizer(regularizers.getRegularizer('l1_l2')),
      { module: 'keras.regularizers', class_name: 'L1L2', config: { l1: 0, l2: 0 }, registered_name: null });
    const fromConfig = regularizers.getRegularizer({ class_name: 'L1', config: { l1: 0.3 } }) as InstanceType<typeof regularizers.L1>;
    assert.equal(fromConfig.l1, 0.3);
    const l2 = new regularizers.L2(0.2);
    assert.equal(regularizers.getRegularizer(l2), l2);
    assert.equal(regularizers.getRegularizer(null), null);
    assert.throws(() => regularizers.getRegularizer('l3'), /Unknown regularizer: 'l3'/);
    assert.throws(() => new regularizers.L2(-1), /non-negative/);
  });

  it("Dense writes and reads kernel_regularizer in its config", () => {
    const dense = new layers.Dense(2, { kernelRegularizer: 'l2', biasRegularizer: regularizers.l1(0.5) });
    const config = dense.getConfig();
    assert.deepEqual(config.kernel_regularizer, { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null });
    assert.deepEqual(config.bias_regularizer, { module: 'keras.regularizers', class_name: 'L1', config: { l1: 0.5 }, registered_name: null });
    assert.equal('activity_regularizer' in config, false);
    const back = layers.Dense.fromConfig(config);
    assert.deepEqual(back.getConfig().kernel_regularizer, config.kernel_regularizer);
  });

  /**
   * Dense(1, no bias), W = [1, 2]; x = [[1, 1], [2, 0]], y = [0, 1]: predictions [3, 2], errors [3, 1],
   * mse = (9 + 1) / 2 = 5; penalty 0.01 * (1 + 4) = 0.05.
   * d mse / dW = (2 / 2) * x^T [3, 1] = [5, 3]; d penalty / dW = 0.02 * W = [0.02, 0.04].
   */
  function regularizedModel() {
    const model = new Sequential([new layers.Dense(1, { inputShape: [2], useBias: false, kernelRegularizer: regularizers.l2(0.01) })]);
    model.setWeights([tensor([[1], [2]])]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
    return model;
  }
  const x = tensor([[1, 1], [2, 0]]);
  const y = tensor([[0], [1]]);

  it('adds the L2 penalty to the loss: 5 + 0.05', () => {
    const model = regularizedModel();
    assertClose([model.evaluate(x, y) as number], [5.05], 1e-5);
    assert.equal(model.regularizationLosses().length, 1);
    assertClose(model.regularizationLosses()[0].values, [0.05]);
  });

  it("adds the penalty's gradient to the update: W - 0.1 * ([5, 3] + [0.02, 0.04])", () => {
    const model = regularizedModel();
    const loss = model.trainOnBatch(x, y) as number;
    assertClose([loss], [5.05], 1e-5);
    assertClose(model.getWeights()[0].values, [1 - 0.502, 2 - 0.304], 1e-6);
  });

  it('an activity regularizer adds l2 * sum(output^2) of the last call', () => {
    const model = new Sequential([new layers.Dense(1, { inputShape: [2], useBias: false, activityRegularizer: regularizers.l2(0.1) })]);
    model.setWeights([tensor([[1], [2]])]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    // 5 + 0.1 * (3^2 + 2^2)
    assertClose([model.evaluate(x, y) as number], [5 + 1.3], 1e-5);
  });
});
