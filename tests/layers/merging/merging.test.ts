/** Merging layers: values, broadcasting, output shapes, shape errors with fixes, gradients and configs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Input, ShapeError, ValueError, randomUniform, setSeed, tensor } from '../../../src/index.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../../../src/layers/merging/index.js';
import { assertClose, checkGradients } from '../../helpers/gradcheck.js';

const a = tensor([[1, -2, 3], [4, 5, -6]]);
const b = tensor([[2, 2, 2], [-1, 0, 1]]);
const c = tensor([[0, 1, 10], [1, 1, 1]]);

describe('elementwise merging layers', () => {
  it('Add sums all inputs', () => {
    assert.deepEqual(new Add().apply([a, b, c]).arraySync(), [[3, 1, 15], [4, 6, -4]]);
  });

  it('Subtract takes the first minus the second', () => {
    assert.deepEqual(new Subtract().apply([a, b]).arraySync(), [[-1, -4, 1], [5, 5, -7]]);
  });

  it('Multiply takes the product', () => {
    assert.deepEqual(new Multiply().apply([a, b, c]).arraySync(), [[0, -4, 60], [-4, 0, -6]]);
  });

  it('Average takes the mean', () => {
    assertClose(new Average().apply([a, b, c]).dataSync(), [1, 1 / 3, 5, 4 / 3, 2, -4 / 3]);
  });

  it('Maximum and Minimum take the elementwise extremes', () => {
    assert.deepEqual(new Maximum().apply([a, b, c]).arraySync(), [[2, 2, 10], [4, 5, 1]]);
    assert.deepEqual(new Minimum().apply([a, b, c]).arraySync(), [[0, -2, 2], [-1, 0, -6]]);
  });

  it('broadcasts size-1 axes and inserts axes after the batch axis for a lower-rank input, as Keras', () => {
    const x = tensor([[[1, 2, 3], [4, 5, 6]]]); // (1, 2, 3)
    const row = tensor([[10, 20, 30]]); // (1, 3) -> (1, 1, 3)
    assert.deepEqual(new Add().apply([x, row]).arraySync(), [[[11, 22, 33], [14, 25, 36]]]);
    assert.deepEqual(new Add().apply([Input([2, 3]), Input([1, 3])]).shape, [null, 2, 3]);
    assert.deepEqual(new Multiply().apply([Input([2, 3]), Input([3])]).shape, [null, 2, 3]);
  });

  it('gives symbolic outputs the shared shape', () => {
    assert.deepEqual(new Add().apply([Input([4]), Input([4])]).shape, [null, 4]);
    assert.deepEqual(new Average().apply([Input([5, 4]), Input([5, 4]), Input([5, 4])]).shape, [null, 5, 4]);
  });

  it('refuses mismatched shapes, naming the layer and both shapes, and suggests Dense or Reshape', () => {
    const add = new Add({ name: 'sum_branch' });
    let err: unknown;
    try {
      add.apply([Input([3]), Input([4])]);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ShapeError);
    const msg = (err as Error).message;
    assert.match(msg, /"sum_branch" \(Add\)/);
    assert.match(msg, /\(None, 3\)[\s\S]*\(None, 4\)/);
    assert.match(msg, /Fix:.*Dense/);
    assert.match(msg, /Reshape/);
    assert.match(msg, /Concatenate/);
  });

  it('refuses mismatched concrete tensors, including different batch sizes', () => {
    assert.throws(() => new Multiply().apply([a, tensor([[1, 2], [3, 4]])]), /"multiply[_0-9]*" \(Multiply\)[\s\S]*, 3\)[\s\S]*, 2\)/);
    assert.throws(() => new Add().apply([a, tensor([[1, 2, 3]])]), /same batch size/);
  });

  it('must be called on a list; Subtract on exactly two inputs', () => {
    assert.throws(() => new Add().apply(a), (e: unknown) => e instanceof ValueError && /list of inputs/.test((e as Error).message));
    assert.throws(() => new Subtract().apply([Input([2]), Input([2]), Input([2])]), /exactly 2 inputs/);
  });

  it('pass gradients to every input', () => {
    setSeed(6);
    const x = randomUniform([2, 3], -1, 1);
    const y = randomUniform([2, 3], -1, 1);
    const z = randomUniform([2, 1], -1, 1);
    checkGradients((p, q, r) => new Multiply().apply([p, q, r]), [x, y, z]);
    checkGradients((p, q) => new Average().apply([p, q]), [x, y]);
    checkGradients((p, q) => new Subtract().apply([p, q]), [x, y]);
    checkGradients((p, q) => new Maximum().apply([p, q]), [x, y]);
  });

  it("configs are Keras's base config (name, trainable, dtype) and round-trip", () => {
    for (const cls of [Add, Subtract, Multiply, Average, Maximum, Minimum]) {
      const layer = new cls({ name: `m_${cls.className}` });
      const config = layer.getConfig();
      assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype']);
      const again = cls.fromConfig(config);
      assert.equal(again.className, cls.className);
      assert.deepEqual(again.getConfig(), config);
    }
  });
});

describe('Concatenate', () => {
  it('joins along the last axis by default', () => {
    assert.deepEqual(new Concatenate().apply([a, tensor([[7], [8]])]).arraySync(), [[1, -2, 3, 7], [4, 5, -6, 8]]);
  });

  it('joins along a given axis, with output shapes summing that axis (None when unknown)', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // (2, 1, 2)
    const y = tensor([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]); // (2, 2, 2)
    assert.deepEqual(new Concatenate({ axis: 1 }).apply([x, y]).arraySync(), [[[1, 2], [5, 6], [7, 8]], [[3, 4], [9, 10], [11, 12]]]);
    assert.deepEqual(new Concatenate({ axis: 1 }).apply([Input([1, 2]), Input([2, 2])]).shape, [null, 3, 2]);
    assert.deepEqual(new Concatenate().apply([Input([5, 8]), Input([5, 4]), Input([5, 1])]).shape, [null, 5, 13]);
    assert.deepEqual(new Concatenate({ axis: 1 }).apply([Input([null, 3]), Input([2, 3])]).shape, [null, null, 3]);
  });

  it('refuses inputs that differ off the concatenation axis, naming the layer and shapes, and suggests Reshape or Dense', () => {
    assert.throws(
      () => new Concatenate({ name: 'cat' }).apply([Input([5, 8]), Input([4, 8])]),
      (e: unknown) => e instanceof ShapeError &&
        /"cat" \(Concatenate\)/.test(e.message) && /\(None, 5, 8\)/.test(e.message) && /\(None, 4, 8\)/.test(e.message) &&
        /axis 1 differs/.test(e.message) && /Fix:.*Reshape.*Dense/.test(e.message),
    );
    assert.throws(() => new Concatenate().apply([Input([5, 8]), Input([8])]), /same rank/);
  });

  it('passes gradients to each part', () => {
    setSeed(7);
    checkGradients((p, q) => new Concatenate({ axis: 0 }).apply([p, q]), [randomUniform([2, 3]), randomUniform([1, 3])]);
  });

  it("config adds `axis` to the base config and round-trips", () => {
    const cat = new Concatenate({ axis: 1, name: 'cat1' });
    const config = cat.getConfig();
    assert.deepEqual(Object.keys(config), ['name', 'trainable', 'dtype', 'axis']);
    assert.equal(config.axis, 1);
    assert.deepEqual(Concatenate.fromConfig(config).getConfig(), config);
  });
});
