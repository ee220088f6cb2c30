/**
 * Pooling configs are Keras 3's (keras/src/layers/pooling/base_pooling.py and base_global_pooling.py
 * get_config): pool_size, padding, strides, data_format; global: data_format, keepdims. They round-trip.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../../src/core/errors.js';
import { FLOAT32_POLICY } from '../../../src/layers/layer.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from '../../../src/layers/pooling/index.js';

describe('pooling configs', () => {
  it("MaxPooling2D() writes Keras 3's config: pool_size (2, 2), strides defaulting to it, valid, channels_last", () => {
    const layer = new MaxPooling2D(undefined, { name: 'max_pooling2d' });
    assert.deepEqual(layer.getConfig(), {
      name: 'max_pooling2d', trainable: true, dtype: FLOAT32_POLICY,
      pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last',
    });
  });

  it('MaxPooling1D defaults to pool_size 2; default names are snake_case of the class', () => {
    const c = new MaxPooling1D().getConfig();
    assert.deepEqual([c.pool_size, c.strides, c.padding], [[2], [2], 'valid']);
    assert.match(String(c.name), /^max_pooling1d(_\d+)?$/);
    assert.match(new GlobalAveragePooling2D().name, /^global_average_pooling2d(_\d+)?$/);
  });

  it('global pooling writes data_format and keepdims', () => {
    const c = new GlobalMaxPooling1D({ name: 'g', keepdims: true }).getConfig();
    assert.deepEqual(c, { name: 'g', trainable: true, dtype: FLOAT32_POLICY, data_format: 'channels_last', keepdims: true });
  });

  it('every pooling layer round-trips through fromConfig', () => {
    const layers = [
      new MaxPooling1D(3, { strides: 1, padding: 'same' }),
      new MaxPooling2D([3, 2], { strides: [1, 2] }),
      new AveragePooling1D(4, { padding: 'same' }),
      new AveragePooling2D(2, { strides: 1 }),
      new GlobalMaxPooling1D(), new GlobalMaxPooling2D({ keepdims: true }),
      new GlobalAveragePooling1D({ keepdims: true }), new GlobalAveragePooling2D(),
    ];
    for (const layer of layers) {
      const cls = layer.constructor as unknown as { fromConfig(c: Record<string, unknown>): typeof layer };
      const config = layer.getConfig();
      assert.deepEqual(cls.fromConfig(config).getConfig(), config, layer.className);
      // the whole serialized form {class_name, config} is accepted too
      assert.deepEqual(cls.fromConfig(layer.serialize()).getConfig(), config, `${layer.className} (serialized)`);
    }
  });

  it('reads a Keras 3 JSON config, with a string dtype and upper-case padding', () => {
    const layer = MaxPooling2D.fromConfig({
      name: 'pool', trainable: true, dtype: 'float32', pool_size: [3, 3], padding: 'SAME', strides: [2, 2], data_format: 'channels_last',
    });
    assert.deepEqual([layer.poolSize, layer.strides, layer.padding], [[3, 3], [2, 2], 'same']);
  });

  it('refuses what it cannot compute, with Keras\'s wording', () => {
    assert.throws(() => new MaxPooling2D(2, { dataFormat: 'channels_first' }), (e: Error) => e instanceof ValueError && /channels_first/.test(e.message));
    assert.throws(() => new MaxPooling2D([2, 2, 2] as unknown as [number, number]), (e: Error) => /pool_size/.test(e.message));
    assert.throws(() => new MaxPooling1D(2, { padding: 'causal' as 'same' }), (e: Error) => /padding/.test(e.message));
    assert.throws(() => AveragePooling2D.fromConfig({ name: 'a' }), (e: Error) => /pool_size/.test(e.message));
  });
});
