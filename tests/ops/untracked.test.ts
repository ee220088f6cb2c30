/**
 * The tape tells each backward rule which inputs it tracks; the convolutions skip the gradient of an
 * untracked input (a first layer's data), and the gradients that are asked for stay the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../src/backend/backend.js';
import { setSeed } from '../../src/core/random.js';
import * as ops from '../../src/ops/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

setSeed(2);

/** Runs fn while counting calls of the named backend kernels. */
function counting<T>(names: string[], fn: () => T): { result: T; calls: Record<string, number> } {
  const backend = getBackend() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = names.map((n) => backend[n]);
  const calls: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  names.forEach((n, i) => { backend[n] = (...a) => { calls[n]++; return saved[i](...a); }; });
  try {
    return { result: fn(), calls };
  } finally {
    names.forEach((n, i) => { backend[n] = saved[i]; });
  }
}

const loss = (y: Tensor) => ops.sum(ops.square(y));

describe('gradients of untracked inputs are not computed', () => {
  it('conv2d: with only the kernel tracked, no input gradient is computed, and the kernel gradient is unchanged', () => {
    const x = ops.randomUniform([2, 7, 6, 3], -1, 1), w = ops.randomUniform([3, 2, 3, 4], -1, 1);
    const both = ops.valueAndGrads(() => loss(ops.conv2d(x, w, { padding: 'same' })), [x, w]);
    const { result, calls } = counting(['conv2dBackpropInput', 'conv2dBackpropFilter'],
      () => ops.valueAndGrads(() => loss(ops.conv2d(x, w, { padding: 'same' })), [w]));
    assert.deepEqual(calls, { conv2dBackpropInput: 0, conv2dBackpropFilter: 1 });
    assert.deepEqual(result.grads[0].dataSync(), both.grads[1].dataSync());
  });

  it('conv1d (through reshape and causal padding) and conv2dTranspose skip the input gradient too', () => {
    const x = ops.randomUniform([2, 9, 3], -1, 1), w = ops.randomUniform([3, 3, 5], -1, 1);
    const { calls } = counting(['conv2dBackpropInput'],
      () => ops.valueAndGrads(() => loss(ops.conv1d(x, w, { padding: 'causal' })), [w]));
    assert.equal(calls.conv2dBackpropInput, 0);
    const xt = ops.randomUniform([2, 4, 5, 3], -1, 1), wt = ops.randomUniform([3, 3, 2, 3], -1, 1);
    const both = ops.valueAndGrads(() => loss(ops.conv2dTranspose(xt, wt, { strides: 2 })), [xt, wt]);
    const { result, calls: tcalls } = counting(['conv2d', 'conv2dBackpropFilter'],
      () => ops.valueAndGrads(() => loss(ops.conv2dTranspose(xt, wt, { strides: 2 })), [wt]));
    assert.deepEqual(tcalls, { conv2d: 0, conv2dBackpropFilter: 1 });
    assert.deepEqual(result.grads[0].dataSync(), both.grads[1].dataSync());
  });

  it('with only the input tracked, no filter gradient is computed', () => {
    const x = ops.randomUniform([1, 5, 5, 2], -1, 1), w = ops.randomUniform([2, 2, 2, 3], -1, 1);
    const { calls } = counting(['conv2dBackpropInput', 'conv2dBackpropFilter'],
      () => ops.valueAndGrads(() => loss(ops.conv2d(x, w)), [x]));
    assert.deepEqual(calls, { conv2dBackpropInput: 1, conv2dBackpropFilter: 0 });
  });
});
