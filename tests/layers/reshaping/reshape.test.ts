/** Reshape: shapes, the -1 rule, values, the element-count error, and Keras 3's config (reshape.py). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/ops/index.js';
import { Input } from '../../../src/layers/core/input.js';
import { Reshape } from '../../../src/layers/reshaping/index.js';
import { checkGradients } from '../../helpers/gradcheck.js';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('expected an error');
}

describe('Reshape', () => {
  it('maps (None, 12) to (None, 3, 4) and infers one -1: (None, 3, 2, 2)', () => {
    // The examples in Keras's Reshape docstring.
    assert.deepEqual(new Reshape([3, 4]).apply(Input([12])).shape, [null, 3, 4]);
    assert.deepEqual(new Reshape([-1, 2, 2]).apply(Input([12])).shape, [null, 3, 2, 2]);
  });

  it("turns the seed's (10, 3) matrix into a (10, 3, 1) image", () => {
    assert.deepEqual(new Reshape([10, 3, 1]).apply(Input([10, 3])).shape, [null, 10, 3, 1]);
  });

  it('leaves a -1 unknown (None) when the input has an unknown axis', () => {
    assert.deepEqual(new Reshape([-1, 2]).apply(Input([null, 4])).shape, [null, null, 2]);
  });

  it('keeps the values in row-major order, per sample', () => {
    const x = ops.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
    const y = new Reshape([3, 2]).apply(x);
    assert.deepEqual(y.shape, [2, 3, 2]);
    assert.deepEqual(y.arraySync(), [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    checkGradients((a) => new Reshape([-1]).apply(a), [ops.randomUniform([2, 3, 2], -1, 1)]);
  });

  it('rejects a target with a different element count, naming layer, shapes, counts and a fix', () => {
    const layer = new Reshape([12, 10], { name: 'to_grid' });
    const msg = messageOf(() => layer.apply(Input([10, 3])));
    assert.ok(msg.includes('"to_grid"'), msg);
    assert.ok(msg.includes('(None, 10, 3)'), msg);
    assert.ok(msg.includes('(12, 10)'), msg);
    assert.ok(msg.includes('30 elements'), msg);
    assert.ok(msg.includes('120'), msg);
    assert.ok(msg.includes('Dense(120)'), msg);
    assert.ok(msg.includes('[-1, 2]') || msg.includes('[30]'), msg);
  });

  it('rejects the same mismatch on eager tensors and when -1 cannot divide', () => {
    assert.throws(() => new Reshape([4, 4]).apply(ops.zeros([2, 10])), /10 elements per sample/);
    assert.throws(() => new Reshape([-1, 4]).apply(Input([10])), /not a multiple of the 4 elements/);
  });

  it('rejects more than one -1 and non-positive sizes', () => {
    assert.throws(() => new Reshape([-1, -1]), /must not contain more than one `-1` value/);
    assert.throws(() => new Reshape([0, 3]), /positive integers/);
  });

  it('has Keras 3 config {name, trainable, dtype, target_shape} with -1 kept, and no build_config', () => {
    const layer = new Reshape([-1, 2, 2], { name: 'reshape_x' });
    layer.apply(Input([12]));
    const config = layer.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'target_shape']);
    assert.deepEqual(config.target_shape, [-1, 2, 2]);
    // Keras builds Reshape in __init__, so its serialized form carries no build_config.
    assert.equal(layer.serialize().build_config, undefined);
    const again = Reshape.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.deepEqual(again.getConfig(), config);
    assert.equal(Reshape.fromConfig({ name: 'r', trainable: true, dtype: 'float32', target_shape: [3, 4] }).targetShape.join(), '3,4');
  });
});
