/** Finite-difference gradient checks (central differences in float64 over float32 ops). */
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { valueAndGrads } from '../../src/ops/grad.js';
import { sum, multiply } from '../../src/ops/index.js';
import { randomUniform } from '../../src/ops/creation.js';

/**
 * Checks d(sum(f(inputs) * r))/d(input) against central differences, where r is a fixed random
 * projection (so every output element's gradient matters, not just their sum).
 */
export function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], { eps = 1e-2, tol = 2e-2 } = {}): void {
  const probe = f(...inputs);
  const r = randomUniform(probe.shape, -1, 1);
  const scalarF = () => sum(multiply(f(...inputs), r));
  const { grads } = valueAndGrads(scalarF, inputs);
  inputs.forEach((x, xi) => {
    const g = grads[xi].values;
    assert.deepEqual(grads[xi].shape, x.shape, `gradient ${xi} has the input's shape`);
    for (let i = 0; i < x.size; i++) {
      const orig = x.values[i];
      x.values[i] = orig + eps;
      const plus = scalarF().values[0];
      x.values[i] = orig - eps;
      const minus = scalarF().values[0];
      x.values[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const err = Math.abs(numeric - g[i]) / Math.max(1, Math.abs(numeric));
      assert.ok(err < tol, `input ${xi} element ${i}: analytic ${g[i]} vs numeric ${numeric}`);
    }
  });
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, msg = ''): void {
  assert.equal(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol * Math.max(1, Math.abs(expected[i])))) {
      assert.fail(`${msg} element ${i}: ${actual[i]} vs expected ${expected[i]} (|diff| ${d} > ${tol})`);
    }
  }
}

/** |a - b| <= relative * (largest |b| of the array) + 1e-12, element by element. */
export function assertRelativeClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, relative = 1e-5): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= relative * scale + 1e-12, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}
