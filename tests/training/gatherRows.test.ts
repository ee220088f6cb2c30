/**
 * gatherRows builds a batch from sample indices (the shuffled order of an epoch): row i of the result is
 * sample indices[start + i]. Expected rows are written out from the sample numbering (sample s holds
 * s * 1000 + column), for short rows (a plain loop), long rows (one copy per row) and contiguous ranges.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { gatherRows } from '../../src/training/data.js';

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
