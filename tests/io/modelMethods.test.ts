/** Keras's model methods: model.save(path), model.saveWeights / loadWeights, model.toJSON(). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Model, Sequential, layers, loadModel, modelFromJSON, randomUniform, setSeed, type Tensor } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kerats-methods-'));

function mlp(): Model {
  const x = Input([4]);
  const h = new layers.Dense(8, { activation: 'tanh' }).apply(x);
  return new Model(x, new layers.Dense(2).apply(h));
}

describe('model methods for files', () => {
  it('model.save(path) writes a .keras zip that loadModel reads back with the same predictions', async () => {
    setSeed(1);
    const model = mlp();
    const path = join(dir, 'm.keras');
    const bytes = await model.save(path);
    assert.deepEqual([...readFileSync(path).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    assert.equal(bytes.length, readFileSync(path).length);
    const again = await loadModel(path);
    const x = randomUniform([3, 4]);
    assert.deepEqual((again.predict(x) as Tensor).dataSync(), (model.predict(x) as Tensor).dataSync());
  });

  it('model.toJSON() is Keras to_json(), and modelFromJSON rebuilds the architecture', () => {
    const model = new Sequential([new layers.Dense(3, { inputShape: [5], name: 'hidden' })]);
    const json = JSON.parse(model.toJSON());
    assert.equal(json.class_name, 'Sequential');
    assert.equal(json.config.layers[1].class_name, 'Dense');
    assert.deepEqual(json.build_config, { input_shape: [null, 5] });
    assert.equal(modelFromJSON(model.toJSON()).countParams(), 18);
  });

  it('model.saveWeights then model.loadWeights into a fresh copy restores every weight', async () => {
    setSeed(2);
    const model = mlp();
    const path = join(dir, 'w.weights.h5');
    await model.saveWeights(path);
    const twin = modelFromJSON(model.toJSON());
    await twin.loadWeights(path);
    twin.weights.forEach((w, i) => assert.deepEqual(w.dataSync(), model.weights[i].dataSync()));
  });
});
