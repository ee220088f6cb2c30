/**
 * Loading is safe by default: no code from a file runs, and corrupt, truncated or hostile files give a
 * clear Error, never a crash, a hang or an out-of-memory.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { zipSync } from 'fflate';
import h5wasm, { type File as H5File } from 'h5wasm';
import { Sequential, layers, loadModel, saveModel } from '../../src/index.js';
import { readZip, writeZip } from '../../src/io/zip.js';
import { fixture } from './fixtures.js';

const LIMITS = { maxEntryBytes: 1 << 30, maxTotalBytes: 1 << 30, maxEntries: 100 };
const enc = new TextEncoder();

/** A .keras zip from a config object and optional weights bytes. */
function kerasZip(config: unknown, weights?: Uint8Array): Uint8Array {
  const members: [string, Uint8Array][] = [
    ['metadata.json', enc.encode('{"keras_version": "3.13.2", "date_saved": "2026-01-01@00:00:00"}')],
    ['config.json', enc.encode(JSON.stringify(config))],
  ];
  if (weights) members.push(['model.weights.h5', weights]);
  return writeZip(members);
}

function members(file: string): Map<string, Uint8Array> {
  return readZip(fixture(file), LIMITS);
}

function configOf(file: string): { class_name: string; config: { layers: Record<string, unknown>[] } } {
  return JSON.parse(new TextDecoder().decode(members(file).get('config.json')));
}

/** An HDF5 file made with h5wasm directly (to plant links Keras never writes). */
async function hdf5With(build: (f: H5File) => void): Promise<Uint8Array> {
  const mod = await h5wasm.ready;
  const path = `/hostile-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(path, 'w');
  build(f);
  f.close();
  const bytes = new Uint8Array(mod.FS!.readFile(path));
  mod.FS!.unlink(path);
  return bytes;
}

describe('refusing what loading must not do', () => {
  it('refuses a Lambda layer, which would carry Python code', async () => {
    const config = configOf('k3_conv1d_dense.keras');
    config.config.layers.splice(2, 0, {
      module: 'keras.layers', class_name: 'Lambda', registered_name: null,
      config: { name: 'evil', function: { class_name: '__lambda__', config: { code: '4wEAAAAAAAAA', defaults: null, closure: null } } },
    });
    await assert.rejects(loadModel(kerasZip(config)), /Unknown layer: 'Lambda'/);
  });

  it('refuses an unknown class_name instead of importing the module it names', async () => {
    const config = configOf('k3_conv1d_dense.keras');
    Object.assign(config.config.layers[1], { module: 'os', class_name: 'system' });
    await assert.rejects(loadModel(kerasZip(config)), /Unknown layer: 'system'/);
  });

  it('tells the format by magic bytes and refuses anything else', async () => {
    await assert.rejects(loadModel(enc.encode('{"class_name": "Sequential"}')), /Not a Keras model file/);
    await assert.rejects(loadModel(new Uint8Array(0)), /Not a Keras model file/);
  });

  it('refuses a truncated .keras and a truncated .h5', async () => {
    const keras = fixture('k3_lstm.keras');
    await assert.rejects(loadModel(keras.subarray(0, keras.length >> 1)), /zip end-of-directory record is missing/);
    const h5 = fixture('k2_dense_bn.h5');
    await assert.rejects(loadModel(h5.subarray(0, h5.length >> 1)), Error);
  });

  it('refuses a zip member whose declared size is over the cap, before inflating it (zip bomb)', async () => {
    const bomb = zipSync({ 'config.json': [new Uint8Array(20_000_000), { level: 1 }] });
    assert.ok(bomb.length < 100_000);
    await assert.rejects(loadModel(bomb, { maxBytes: 10_000_000 }), /declares 20000000 bytes uncompressed, over the limit/);
  });

  it('stops inflating a member that lies about its size', async () => {
    const bomb = zipSync({ 'config.json': [new Uint8Array(5_000_000), { level: 9 }] });
    const view = new DataView(bomb.buffer, bomb.byteOffset);
    // Rewrite the declared size in the central directory to 100 bytes (and the local header too).
    const eocd = bomb.length - 22;
    const dir = view.getUint32(eocd + 16, true);
    view.setUint32(dir + 24, 100, true);
    view.setUint32(22, 100, true);
    await assert.rejects(loadModel(bomb), /inflates to more than its declared 100 bytes/);
  });

  it('refuses a corrupt member through its CRC', async () => {
    const bytes = new Uint8Array(fixture('k3_conv1d_dense.keras'));
    bytes[bytes.length - 2000] ^= 0xff;
    await assert.rejects(loadModel(bytes), /CRC|corrupt/);
  });

  it('refuses a config whose layer declares an absurd size', async () => {
    const config = configOf('k3_dense_sine.keras');
    (config.config.layers[2].config as Record<string, unknown>).units = 1e12;
    await assert.rejects(loadModel(kerasZip(config)), /units must be an integer between 0 and/);
    (config.config.layers[2].config as Record<string, unknown>).units = 1_000_000;
    config.config.layers[2].build_config = { input_shape: [null, 1_000_000] };
    await assert.rejects(loadModel(kerasZip(config)), /more than \d+ parameters/);
  });

  it('refuses weights whose shape disagrees with the config', async () => {
    const m = members('k3_dense_sine.keras');
    const config = configOf('k3_dense_sine.keras');
    (config.config.layers[1].config as Record<string, unknown>).units = 17;
    await assert.rejects(loadModel(kerasZip(config, m.get('model.weights.h5'))), /expected a weight of shape \(1, 17\)\. Received: shape \(1, 18\)/);
  });

  it('refuses a config that references weights the file does not have', async () => {
    const config = configOf('k3_dense_sine.keras');
    config.config.layers.push({ ...config.config.layers[6], config: { ...(config.config.layers[6].config as object), name: 'extra' } });
    await assert.rejects(loadModel(kerasZip(config, members('k3_dense_sine.keras').get('model.weights.h5'))), /no group \/layers\/dense_6\/vars/);
  });

  it('refuses integer data where float weights belong', async () => {
    const config = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'in' } },
      { class_name: 'Dense', config: { units: 1, name: 'd' } },
    ] } };
    const weights = await hdf5With((f) => {
      const g = f.create_group('layers').create_group('dense').create_group('vars');
      g.create_dataset({ name: '0', data: new Int32Array([1, 2]), shape: [2, 1], dtype: '<i' });
      g.create_dataset({ name: '1', data: new Float32Array([0]), shape: [1], dtype: '<f' });
    });
    await assert.rejects(loadModel(kerasZip(config, weights)), /expected float32 or float64 data\. Received: int32/);
  });

  it('refuses HDF5 external links and soft links', async () => {
    const config = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'in' } },
      { class_name: 'Dense', config: { units: 1, name: 'd' } },
    ] } };
    const external = await hdf5With((f) => {
      const g = f.create_group('layers').create_group('dense');
      g.create_external_link('/etc/passwd', '/x', 'vars');
    });
    await assert.rejects(loadModel(kerasZip(config, external)), /Refusing the external link at \/layers\/dense\/vars \(to '\/etc\/passwd'\)/);
    const soft = await hdf5With((f) => {
      const g = f.create_group('layers').create_group('dense');
      const real = f.create_group('elsewhere');
      real.create_dataset({ name: '0', data: new Float32Array([1, 2]), shape: [2, 1], dtype: '<f' });
      real.create_dataset({ name: '1', data: new Float32Array([0]), shape: [1], dtype: '<f' });
      g.create_soft_link('/elsewhere', 'vars');
    });
    await assert.rejects(loadModel(kerasZip(config, soft)), /Refusing the soft link at \/layers\/dense\/vars/);
  });
});

/** Deterministic mutations (mulberry32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(base: Uint8Array, random: () => number): Uint8Array {
  const out = new Uint8Array(base);
  const kind = Math.floor(random() * 4);
  const at = () => Math.floor(random() * out.length);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) out[at()] ^= 1 << Math.floor(random() * 8);
  } else if (kind === 1) {
    return out.subarray(0, Math.floor(random() * out.length));
  } else if (kind === 2) {
    // Sizes, offsets and counts are 4- or 8-byte fields: plant large values.
    const p = at() & ~3;
    new DataView(out.buffer).setUint32(Math.min(p, out.length - 4), [0xffffffff, 0x7fffffff, 0x10000000, 0][Math.floor(random() * 4)], true);
  } else {
    for (let i = 0, n = 1 + Math.floor(random() * 32); i < n; i++) out[at()] = Math.floor(random() * 256);
  }
  return out;
}

describe('fuzzing', () => {
  it('200 mutated files each load or throw an Error, within 20 s each', async (t) => {
    const saved = await saveModel(new Sequential([new layers.Dense(3, { inputShape: [2] })]));
    const sineWeights = members('k3_conv1d_dense.keras').get('model.weights.h5')!;
    const sineConfig = members('k3_conv1d_dense.keras').get('config.json')!;
    const bases: { name: string; bytes: Uint8Array; inner?: boolean }[] = [
      { name: 'k2_conv1d.h5', bytes: fixture('k2_conv1d.h5') },
      { name: 'k2_conv1d_gru.h5', bytes: fixture('k2_conv1d_gru.h5') },
      { name: 'k3_conv1d_dense.keras', bytes: fixture('k3_conv1d_dense.keras') },
      { name: 'saved.keras', bytes: saved },
      // The weights inside a valid zip (so the CRC does not catch the damage first).
      { name: 'k3_conv1d_dense model.weights.h5', bytes: sineWeights, inner: true },
    ];
    // Node 20 cannot start a worker from a .ts file: register tsx inside the worker first.
    const entry = JSON.stringify(new URL('./fuzzWorker.ts', import.meta.url).href);
    const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true });
    const outcomes = { loaded: 0, error: 0 };
    try {
      const random = rng(20240611);
      for (let i = 0; i < 200; i++) {
        const base = bases[i % bases.length];
        let bytes = mutate(base.bytes, random);
        if (base.inner) bytes = writeZip([['config.json', sineConfig], ['model.weights.h5', bytes]]);
        const result = await new Promise<{ outcome: string; message?: string }>((resolve, reject) => {
          const done = () => { clearTimeout(timer); worker.removeAllListeners('message'); worker.removeAllListeners('error'); };
          const timer = setTimeout(() => { done(); reject(new Error(`case ${i} (${base.name}) did not finish within 20 s`)); }, 20_000);
          worker.once('message', (m) => { done(); resolve(m); });
          worker.once('error', (e) => { done(); reject(new Error(`case ${i} (${base.name}) crashed the worker: ${e.message}`)); });
          worker.postMessage(bytes);
        });
        assert.notEqual(result.outcome, 'non-error', `case ${i} (${base.name}) threw a non-Error: ${result.message}`);
        outcomes[result.outcome as 'loaded' | 'error']++;
      }
    } finally {
      await worker.terminate();
    }
    t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
    assert.equal(outcomes.loaded + outcomes.error, 200);
    assert.ok(outcomes.error > 50, `most mutations should be refused: ${JSON.stringify(outcomes)}`);
  });
});
