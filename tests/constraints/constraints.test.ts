/** Constraints: Keras's projections, configs, and their application after each optimizer step. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, constraints, layers, optimizers, randomUniform, setSeed, tensor } from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

describe('constraints', () => {
  it('MaxNorm scales columns whose norm exceeds maxValue: [3, 4] -> [3, 4] * 2 / 5', () => {
    const w = tensor([[3, 0.3], [4, 0.4]]);
    // column norms 5 and 0.5 (axis 0); only the first is above 2.
    assertClose(new constraints.MaxNorm().call(w).values, [1.2, 0.3, 1.6, 0.4], 1e-6);
  });

  it('NonNeg zeroes negatives, UnitNorm divides by the norm, MinMaxNorm clips the norm', () => {
    assertClose(new constraints.NonNeg().call(tensor([-1, 0, 2])).values, [0, 0, 2]);
    assertClose(new constraints.UnitNorm().call(tensor([[3], [4]])).values, [0.6, 0.8], 1e-6);
    assertClose(new constraints.MinMaxNorm({ minValue: 1, maxValue: 2 }).call(tensor([[0.3], [0.4]])).values, [0.6, 0.8], 1e-6);
    // rate 0.5: halfway between the norm 0.5 and its clipped value 1 -> norm 0.75
    assertClose(new constraints.MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).call(tensor([[0.3], [0.4]])).values, [0.45, 0.6], 1e-6);
  });

  it('serializes like Keras and reads snake_case names', () => {
    assert.deepEqual(constraints.serializeConstraint(constraints.getConstraint('max_norm')),
      { module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 2, axis: 0 }, registered_name: null });
    assert.deepEqual(constraints.serializeConstraint(constraints.getConstraint({ class_name: 'UnitNorm', config: { axis: 1 } })),
      { module: 'keras.constraints', class_name: 'UnitNorm', config: { axis: 1 }, registered_name: null });
    assert.equal(constraints.getConstraint('non_neg')?.className, 'NonNeg');
    assert.throws(() => constraints.getConstraint('unit'), /Unknown constraint: 'unit'/);
  });

  it('keeps every kernel column norm <= maxValue after a large SGD step', async () => {
    setSeed(11);
    const model = new Sequential([new layers.Dense(3, { inputShape: [4], kernelConstraint: constraints.maxNorm(0.5), biasConstraint: 'non_neg' })]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 5 }), loss: 'mse' });
    const x = randomUniform([8, 4], -1, 1);
    const y = randomUniform([8, 3], -10, 10);
    model.trainOnBatch(x, y);
    const [kernel, bias] = model.getWeights();
    const k = kernel.arraySync() as number[][];
    for (let unit = 0; unit < 3; unit++) {
      const norm = Math.hypot(...k.map((row) => row[unit]));
      assert.ok(norm <= 0.5 + 1e-6, `column ${unit} norm ${norm}`);
    }
    assert.ok([...bias.values].every((b) => b >= 0), `bias ${[...bias.values]}`);
    assert.deepEqual(model.layers[0].getConfig().kernel_constraint,
      { module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 0.5, axis: 0 }, registered_name: null });
  });
});
