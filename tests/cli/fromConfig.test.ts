import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Input, Model, Sequential, layers, modelFromJSON } from '../../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const summaryRows = (m: Model) => m.layers.map((l) => `${l.name} ${JSON.stringify(l.outputShape)} ${l.countParams()}`);

describe('modelFromJSON', () => {
  it("rebuilds a Keras 2 functional config (nodes as [[[layer, node, tensor, {}]]]) with Keras's shapes and counts", () => {
    // Expected rows: Keras 2.x model.summary() of this file (fixtures/keras-files/k2_conv1d_weights_only).
    const m = modelFromJSON(fixture('k2_conv1d_weights_only.model.json'));
    assert.deepEqual(summaryRows(m), [
      'input_1 [null,10,4] 0', 'conv1_relu [null,10,3] 51', 'conv2_relu [null,10,2] 26', 'conv3_relu [null,10,1] 9',
      'flatten_1 [null,10] 0', 'fc1_relu [null,5] 55', 'output_softmax [null,5] 30',
    ]);
  });

  it('rebuilds a Keras 3 Sequential config whose first item is an InputLayer with batch_shape', () => {
    const m = modelFromJSON(JSON.parse(fixture('k3_dense_sine.config.json')));
    assert.ok(m instanceof Sequential);
    assert.deepEqual(m.inputs[0].shape, [null, 1]);
    // Dense(18) on 1 feature: 1 x 18 + 18 = 36 (summary of the fixture's Keras model).
    assert.equal(m.layers[0].countParams(), 36);
  });

  it('rebuilds a tf.keras 2.14 Sequential whose InputLayer has batch_input_shape', () => {
    const m = modelFromJSON(fixture('tfk214_conv1d_maxpool.config.json'));
    assert.deepEqual(m.inputs[0].shape, [null, 100, 3]);
    // Conv1D(32, 3) on 3 channels: 3 x 3 x 32 + 32 = 320.
    assert.equal(m.layers[0].countParams(), 320);
  });

  it('round-trips a functional model with two outputs in the Keras 3 format', () => {
    const inp = Input([10, 3], { name: 'grid' });
    const trunk = new layers.Dense(50, { name: 'trunk' }).apply(inp);
    const a = new layers.Dense(12, { name: 'matrix' }).apply(trunk);
    const b = new layers.Dense(10, { name: 'position' }).apply(new layers.Flatten({ name: 'flat' }).apply(trunk));
    const model = new Model(inp, [a, b], { name: 'two' });
    const again = modelFromJSON(JSON.stringify({ class_name: 'Functional', config: model.getConfig() }));
    assert.deepEqual(again.outputNames, ['matrix', 'position']);
    assert.deepEqual(again.outputs.map((t) => t.shape), [[null, 10, 12], [null, 10]]);
    assert.equal(again.countParams(), model.countParams());
  });

  it("reports a layer class it does not know as 'Unknown layer' with the known ones", () => {
    const json = { class_name: 'Sequential', config: { layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 4] } },
      { class_name: 'NoSuchLayer', config: { units: 3 } },
    ] } };
    assert.throws(() => modelFromJSON(json), /Unknown layer: 'NoSuchLayer'\. Known layers: .*Dense/);
  });

  it('says what it expected for text that is not a model config', () => {
    assert.throws(() => modelFromJSON('{not json'), /Model JSON could not be parsed/);
    assert.throws(() => modelFromJSON({ class_name: 'Dense', config: {} }), /class_name 'Sequential', 'Functional' or 'Model'. Received: class_name='Dense'/);
  });
});
