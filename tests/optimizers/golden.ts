/**
 * The protocol of Keras's own optimizer tests (keras/src/optimizers/*_test.py): `test_single_step`
 * (vars [1, 2, 3, 4], grads [1, 6, 7, 2], one step) and `test_correctness_with_golden` (x = ones(10),
 * one step with grads 0.01, then steps with grads arange(0.1, 1.1, 0.1), checking x before each).
 */
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import type { Optimizer } from '../../src/optimizers/index.js';

export function singleStep(optimizer: Optimizer): Float32Array {
  const v = new Variable(tensor([1, 2, 3, 4]));
  optimizer.applyGradients([[tensor([1, 6, 7, 2]), v]]);
  return v.values;
}

/** The five rows Keras compares against its golden arrays. */
export function goldenRows(optimizer: Optimizer): number[][] {
  const x = new Variable(tensor(new Array(10).fill(1)));
  const grads = tensor(Array.from({ length: 10 }, (_, i) => (i + 1) / 10));
  optimizer.applyGradients([[tensor(new Array(10).fill(0.01)), x]]);
  const rows: number[][] = [];
  for (let i = 0; i < 5; i++) {
    rows.push(Array.from(x.values));
    optimizer.applyGradients([[grads, x]]);
  }
  return rows;
}

/** Keras's assertAllClose(rtol=5e-4, atol=5e-4) on every golden row. */
export function assertGolden(rows: number[][], golden: number[][], message = ''): void {
  rows.forEach((row, r) =>
    row.forEach((value, i) => {
      const expected = golden[r][i];
      if (!(Math.abs(value - expected) <= 5e-4 + 5e-4 * Math.abs(expected))) {
        throw new Error(`${message} row ${r} element ${i}: ${value} vs golden ${expected}`);
      }
    }),
  );
}

/**
 * Keras's `test_weight_decay`: three fresh optimizers (lr 1, weightDecay 0.004) each step a variable
 * of 2.0 with a zero gradient, leaving 2 * 0.996^3 = 1.9760959 in every optimizer.
 */
export function weightDecayThreeTimes(make: () => Optimizer): number {
  const v = new Variable(tensor([2]));
  for (let i = 0; i < 3; i++) make().applyGradients([[tensor([0]), v]]);
  return v.values[0];
}
