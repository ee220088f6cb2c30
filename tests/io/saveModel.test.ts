/** Saving: a .keras zip laid out as Keras 3 writes it, that loads back to the same config and predictions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Input, Model, Sequential, Tensor, layers, loadModel, loadWeights, modelToJSON, modelFromJSON, randomUniform, saveModel,
  saveWeights, setSeed,
} from '../../src/index.js';
import { readZip } from '../../src/io/zip.js';
import { H5Reader } from '../../src/io/hdf5.js';
import { FIXTURES, expected, flat, inputsOf, maxAbsDiff } from './fixtures.js';

const LIMITS = { maxEntryBytes: 1 << 30, maxTotalBytes: 1 << 30, maxEntries: 100 };

function assertSamePredictions(a: Model, b: Model, x: Tensor): void {
  const ya = a.predict(x) as Tensor;
  const yb = b.predict(x) as Tensor;
  assert.deepEqual(yb.shape, ya.shape);
  assert.equal(maxAbsDiff(yb.values, ya.values), 0);
}

async function datasetPaths(h5: Uint8Array): Promise<string[]> {
  const r = await H5Reader.open(h5);
  const out: string[] = [];
  const walk = (p: string) => {
    for (const k of r.keys(p) ?? []) {
      const q = p ? `${p}/${k}` : k;
      if (r.isGroup(q)) walk(q);
      else out.push(`${q} (${r.datasetInfo(q).shape.join(',')})`);
    }
  };
  walk('');
  r.close();
  return out.sort();
}

describe('saving .keras files', () => {
  it('writes metadata.json, config.json and model.weights.h5, stored uncompressed as Keras does', async () => {
    setSeed(1);
    const model = new Sequential([new layers.Dense(4, { inputShape: [3], activation: 'relu' }), new layers.Dense(2)]);
    const bytes = await saveModel(model);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    const members = readZip(bytes, LIMITS);
    assert.deepEqual([...members.keys()], ['metadata.json', 'config.json', 'model.weights.h5']);
    // Compression method 0 (stored) in the first local header.
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true), 0);
    const metadata = JSON.parse(new TextDecoder().decode(members.get('metadata.json')));
    assert.match(metadata.keras_version, /^3\.\d+\.\d+$/);
    assert.match(metadata.date_saved, /^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
    const config = JSON.parse(new TextDecoder().decode(members.get('config.json')));
    assert.equal(config.class_name, 'Sequential');
    assert.equal(config.config.layers[0].class_name, 'InputLayer');
  });

  it("lays out model.weights.h5 exactly like the Keras 3 file it was loaded from (layers/<class>[_n]/vars, RNN cells)", async () => {
    const file = join(FIXTURES, 'k3_lstm.keras');
    const original = readZip(new Uint8Array(readFileSync(file)), LIMITS).get('model.weights.h5')!;
    const saved = readZip(await saveModel(await loadModel(file)), LIMITS).get('model.weights.h5')!;
    const keep = (p: string) => p.startsWith('layers/');
    assert.deepEqual((await datasetPaths(saved)).filter(keep), (await datasetPaths(original)).filter(keep));
  });

  for (const file of ['k3_conv1d_dense.keras', 'k3_lstm.keras', 'k2_dense_bn.h5', 'k2_conv1d_gru.h5', 'tfk214_conv1d_maxpool.keras']) {
    it(`${file}: save -> load gives the same config and the same predictions`, async () => {
      const e = expected(file);
      const model = await loadModel(join(FIXTURES, file));
      const again = await loadModel(await saveModel(model));
      assert.equal(modelToJSON(again), modelToJSON(model));
      assertSamePredictions(model, again, inputsOf(e));
      const err = maxAbsDiff((again.predict(inputsOf(e)) as Tensor).values, flat(e.outputs));
      assert.ok(err < 1e-4, `max abs error ${err}`);
    });
  }

  it('a functional model with two branches round-trips through a file on disk', async () => {
    setSeed(2);
    const x = Input([6, 3]);
    const a = new layers.Conv1D(4, 3, { padding: 'same', activation: 'relu' }).apply(x);
    const b = new layers.GRU(5, { returnSequences: true }).apply(x);
    const merged = new layers.Concatenate().apply([a, b]);
    const y = new layers.Dense(2).apply(new layers.Flatten().apply(merged));
    const model = new Model(x, y);
    const dir = mkdtempSync(join(tmpdir(), 'kerats-io-'));
    try {
      const path = join(dir, 'model.keras');
      await saveModel(model, path);
      const again = await loadModel(path);
      assert.equal(modelToJSON(again), modelToJSON(model));
      assertSamePredictions(model, again, randomUniform([3, 6, 3], -1, 1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('saveWeights writes a .weights.h5 that loadWeights reads into a fresh model of the same architecture', async () => {
    setSeed(3);
    const build = () => new Sequential([
      new layers.Conv1D(3, 2, { inputShape: [5, 2] }), new layers.BatchNormalization(), new layers.LSTM(4), new layers.Dense(1),
    ]);
    const model = build();
    const fresh = modelFromJSON(modelToJSON(model));
    const bytes = await saveWeights(model);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const x = randomUniform([2, 5, 2], -1, 1);
    assert.notEqual(maxAbsDiff((fresh.predict(x) as Tensor).values, (model.predict(x) as Tensor).values), 0);
    await loadWeights(fresh, bytes);
    assertSamePredictions(model, fresh, x);
    assert.deepEqual(await datasetPaths(bytes), [
      'layers/batch_normalization/vars/0 (3)', 'layers/batch_normalization/vars/1 (3)', 'layers/batch_normalization/vars/2 (3)',
      'layers/batch_normalization/vars/3 (3)', 'layers/conv1d/vars/0 (2,2,3)', 'layers/conv1d/vars/1 (3)',
      'layers/dense/vars/0 (4,1)', 'layers/dense/vars/1 (1)', 'layers/lstm/cell/vars/0 (3,16)', 'layers/lstm/cell/vars/1 (4,16)',
      'layers/lstm/cell/vars/2 (16)',
    ]);
  });

  it('modelToJSON writes Keras to_json() form that modelFromJSON reads back', () => {
    const model = new Sequential([new layers.Dense(3, { inputShape: [2] })]);
    const json = JSON.parse(modelToJSON(model));
    assert.equal(json.class_name, 'Sequential');
    assert.equal(json.module, 'keras');
    assert.deepEqual(json.build_config, { input_shape: [null, 2] });
    assert.equal(modelToJSON(modelFromJSON(JSON.stringify(json))), JSON.stringify(json));
  });
});
