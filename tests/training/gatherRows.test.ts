/**
 * gatherRows builds a batch from sample indices (the shuffled order of an epoch): row i of the result is
 * sample indices[start + i]. Expected rows are written out from the sample numbering (sample s holds
 * s * 1000 + column), for short rows (a plain loop), long rows (one copy per row) and contiguous ranges.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { batchShape, gatherRows, RowBatch } from '../../src/training/data.js';
import { DenseChainPlan } from '../../src/training/plan/denseChain.js';
import { Variable } from '../../src/tensor/tensor.js';

function numbered(samples: number, shape: number[]): Tensor {
  const row = shape.reduce((p, d) => p * d, 1);
  return new Tensor(Float32Array.from({ length: samples * row }, (_, i) => Math.floor(i / row) * 1000 + (i % row)), [samples, ...shape]);
}

describe('gatherRows', () => {
  for (const shape of [[3], [30], [8, 8, 2], [65]]) {
    it(`takes rows indices[start..end) in order, rows of shape ${JSON.stringify(shape)}`, () => {
      const t = numbered(10, shape);
      const indices = [7, 2, 9, 0, 5, 5, 1];
      const batch = gatherRows(t, indices, 1, 6);
      assert.deepEqual(batch.shape, [5, ...shape]);
      const row = t.size / 10;
      const expected = [2, 9, 0, 5, 5].flatMap((s) => Array.from({ length: row }, (_, c) => s * 1000 + c));
      assert.deepEqual([...batch.values], expected);
    });
  }

  it('copies a contiguous range without aliasing the source', () => {
    const t = numbered(6, [4]);
    const batch = gatherRows(t, [0, 1, 2, 3, 4, 5], 2, 5);
    assert.deepEqual([...batch.values], [2, 3, 4].flatMap((s) => [0, 1, 2, 3].map((c) => s * 1000 + c)));
    batch.values[0] = -1;
    assert.equal(t.values[8], 2000);
  });
});

describe('RowBatch', () => {
  const order = Int32Array.from([4, 1, 3, 0, 2]);
  const x = numbered(5, [3]);
  const y = numbered(5, [2]);

  it('gathers rows order[start..end) on access, and gives shapes without gathering', () => {
    const batch = new RowBatch({ xs: [x], ys: [y], sampleWeight: null }, order, 1, 4);
    assert.deepEqual(batchShape(batch, 'xs', 0), [3, 3]);
    assert.deepEqual(batchShape(batch, 'ys', 0), [3, 2]);
    assert.equal(batchShape(batch, 'ys', 1), undefined);
    assert.equal(batch.sampleWeight, null);
    assert.deepEqual([...batch.ys[0].values], [1000, 1001, 3000, 3001, 0, 1]);
    assert.deepEqual([...batch.xs[0].values], [1000, 1001, 1002, 3000, 3001, 3002, 0, 1, 2]);
    assert.equal(batch.xs[0], batch.xs[0], 'gathered once');
  });

  it("gathers into a plan's buffers the same rows gatherRows does", () => {
    const plan = new DenseChainPlan([{ kernel: new Variable(new Tensor(new Float32Array(6), [3, 2])), bias: null, activation: 'linear' }]);
    const viaPlan = [...plan.gather(0, x.values, 3, order, 2, 5)];
    assert.deepEqual(viaPlan, [...gatherRows(x, order, 2, 5).values]);
    // A shorter (last) batch reuses the buffer: a view of its first rows.
    assert.deepEqual([...plan.gather(0, x.values, 3, order, 0, 1)], [4000, 4001, 4002]);
  });
});
