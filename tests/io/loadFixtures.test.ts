/**
 * Real files written by Keras 2.0-3.15 load and predict what an independent float64 NumPy
 * implementation (make_expected.py, cross-checked with torch) computed from the same weights.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, Tensor, loadModel, loadWeights, modelFromJSON } from '../../src/index.js';
import { FIXTURES, MODEL_FILES, expected, fixture, flat, inputsOf, maxAbsDiff } from './fixtures.js';

const TOLERANCE = 1e-4;

/** The logits of a model whose last layer is Dense with a squashing activation: x·W + b of that layer. */
function preActivation(model: Model, x: Tensor): Float32Array {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  const body = new Model(model.inputs[0], layers[layers.length - 2].inboundNodes[0].outputs[0]);
  const h = body.predict(x) as Tensor;
  const [kernel, bias] = last.getWeights();
  const [n, inDim] = h.shape;
  const units = bias.shape[0];
  const out = new Float32Array(n * units);
  for (let b = 0; b < n; b++) {
    for (let u = 0; u < units; u++) {
      let s = bias.values[u];
      for (let i = 0; i < inDim; i++) s += h.values[b * inDim + i] * kernel.values[i * units + u];
      out[b * units + u] = s;
    }
  }
  return out;
}

describe('loading real Keras files', () => {
  for (const file of MODEL_FILES) {
    it(`${file} loads with Keras's parameter count and predicts within ${TOLERANCE}`, async () => {
      const e = expected(file);
      const model = await loadModel(join(FIXTURES, file));
      assert.equal(model.countParams(), e.total_params);
      const x = inputsOf(e);
      if (e.final_pre_activation && flat(e.outputs).every((v) => v === 1)) {
        // The sigmoid saturates to exactly 1.0 here (SOURCES.md): compare the logits instead.
        const err = maxAbsDiff(preActivation(model, x), flat(e.final_pre_activation));
        assert.ok(err < TOLERANCE, `max abs error of the logits ${err}`);
      }
      const y = model.predict(x) as Tensor;
      const err = maxAbsDiff(y.values, flat(e.outputs));
      assert.ok(err < TOLERANCE, `max abs error ${err}`);
    });
  }

  it('loads from bytes as well as from a path, telling the format by magic bytes (k2_conv1d_gru is HDF5 named .keras upstream)', async () => {
    const model = await loadModel(fixture('k2_conv1d_gru.h5'));
    assert.equal(model.countParams(), 1792);
  });

  it('a Keras 2 save_weights file loads into the model built from its JSON', async () => {
    const file = 'k2_conv1d_weights_only.h5';
    const e = expected(file);
    const model = modelFromJSON(readFileSync(join(FIXTURES, 'k2_conv1d_weights_only.model.json'), 'utf8'));
    await loadWeights(model, join(FIXTURES, file));
    assert.equal(model.countParams(), e.total_params);
    const err = maxAbsDiff((model.predict(inputsOf(e)) as Tensor).values, flat(e.outputs));
    assert.ok(err < TOLERANCE, `max abs error ${err}`);
  });

  it('the weights inside a .keras file load into a model built from the same config', async () => {
    const file = 'k3_dense_sine.keras';
    const e = expected(file);
    const reference = await loadModel(join(FIXTURES, file));
    const model = modelFromJSON(JSON.parse(JSON.stringify({ class_name: 'Sequential', config: reference.getConfig() })));
    await loadWeights(model, join(FIXTURES, file));
    const err = maxAbsDiff((model.predict(inputsOf(e)) as Tensor).values, flat(e.outputs));
    assert.ok(err < TOLERANCE, `max abs error ${err}`);
  });
});
