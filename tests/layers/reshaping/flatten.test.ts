/** Flatten: shapes, values (channels_last and channels_first), and Keras 3's config (flatten.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { Input } from '../../../src/layers/core/input.js';
import { Flatten } from '../../../src/layers/reshaping/index.js';
import { checkGradients } from '../../helpers/gradcheck.js';

describe('Flatten', () => {
  it('maps (None, 10, 64) to (None, 640), as in Keras\'s docstring', () => {
    assert.deepEqual(new Flatten().apply(Input([10, 64])).shape, [null, 640]);
  });

  it('maps (None,) to (None, 1) and an unknown axis to None', () => {
    assert.deepEqual(new Flatten().computeOutputShape([null]), [null, 1]);
    assert.deepEqual(new Flatten().apply(Input([null, 3])).shape, [null, null]);
  });

  it('flattens each sample in row-major order', () => {
    const x = ops.tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    const y = new Flatten().apply(x);
    assert.deepEqual(y.arraySync(), [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    checkGradients((a) => new Flatten().apply(a), [ops.randomUniform([2, 3, 2], -1, 1)]);
  });

  it('moves channels last before flattening with channels_first', () => {
    // x[0] is (channels 2, length 3): [[1, 2, 3], [4, 5, 6]] -> channels last [[1, 4], [2, 5], [3, 6]].
    const x = ops.tensor([[[1, 2, 3], [4, 5, 6]]]);
    assert.deepEqual(new Flatten({ dataFormat: 'channels_first' }).apply(x).arraySync(), [[1, 4, 2, 5, 3, 6]]);
  });

  it('rejects an unknown data_format', () => {
    assert.throws(() => new Flatten({ dataFormat: 'nhwc' as never }), /data_format/);
  });

  it('reads and writes the config a Keras 3 file holds', () => {
    // From shared/fixtures/keras-files/k3_conv1d_dense.keras config.json (shared_object_id dropped).
    const saved = {
      module: 'keras.layers', class_name: 'Flatten',
      config: {
        name: 'flatten_1', trainable: true,
        dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
        data_format: 'channels_last',
      },
      registered_name: null, build_config: { input_shape: [null, 2, 8] },
    };
    const layer = Flatten.fromConfig(saved.config);
    assert.deepEqual(layer.apply(Input([2, 8])).shape, [null, 16]);
    assert.deepEqual(layer.serialize(), saved);
    // Keras 3.3 wrote dtype as a plain string (tfk214_conv1d_maxpool.keras has dtype 'float32').
    assert.equal(Flatten.fromConfig({ name: 'flatten_2', trainable: true, dtype: 'float32', data_format: 'channels_last' }).name, 'flatten_2');
  });
});
