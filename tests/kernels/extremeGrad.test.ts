/**
 * extremeGrad, the gradient of max/min reductions: dy goes to the inputs equal to their output, split
 * evenly between ties (TensorFlow's _MinOrMaxGrad: indicators * dy / sum(indicators)). Expected values
 * come from that formula written out with explicit index arithmetic in float64, and from hand-worked cases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmAvailable, wasmBackend } from '../../src/kernels/wasm/index.js';
import { assertClose } from '../helpers/gradcheck.js';

function oracle(x: Float32Array, shape: number[], axes: number[], op: 'max' | 'min', dy: Float32Array) {
  const rank = shape.length, outShape = shape.filter((_, d) => !axes.includes(d));
  const outOf = (i: number) => {
    let o = 0, rest = i;
    const idx = new Array<number>(rank);
    for (let d = rank - 1; d >= 0; d--) { idx[d] = rest % shape[d]; rest = Math.floor(rest / shape[d]); }
    for (let d = 0, k = 0; d < rank; d++) if (!axes.includes(d)) o = o * outShape[k++] + idx[d];
    return o;
  };
  const size = outShape.reduce((p, d) => p * d, 1);
  const y = new Float64Array(size).fill(op === 'max' ? -Infinity : Infinity);
  for (let i = 0; i < x.length; i++) y[outOf(i)] = op === 'max' ? Math.max(y[outOf(i)], x[i]) : Math.min(y[outOf(i)], x[i]);
  const count = new Float64Array(size);
  for (let i = 0; i < x.length; i++) if (x[i] === y[outOf(i)]) count[outOf(i)]++;
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) if (x[i] === y[outOf(i)]) dx[i] = dy[outOf(i)] / count[outOf(i)];
  return { y: Float32Array.from(y), dx };
}

describe('extremeGrad (max/min reduction gradient)', () => {
  it('splits dy between tied maxima: max over axis 1 of [[1, 3, 3], [2, 0, 1]] with dy [6, 4] -> [[0, 3, 3], [4, 0, 0]]', () => {
    const x = Float32Array.from([1, 3, 3, 2, 0, 1]);
    const dx = jsBackend.extremeGrad(x, [2, 3], [1], Float32Array.from([3, 2]), Float32Array.from([6, 4]));
    assert.deepEqual([...dx], [0, 3, 3, 4, 0, 0]);
  });

  const rand = (n: number, levels: number) => Float32Array.from({ length: n }, () => Math.floor(Math.random() * levels) - levels / 2);
  const cases: [number[], number[]][] = [
    [[64, 110, 100], [1]], [[3, 5, 7], [0]], [[3, 5, 7], [2]], [[3, 5, 7], [0, 1]], [[3, 5, 7], [0, 2]],
    [[2, 3, 4, 5], [1, 3]], [[2, 3, 4, 5], [0, 1, 2, 3]], [[7], [0]],
    // Large enough for the wasm kernels (1,024 floats), with a scalar tail (inner 7) and with inner 1.
    [[9, 50, 7], [1]], [[4, 30, 11], [0]], [[40, 2, 33], [1, 2]],
  ];
  for (const [shape, axes] of cases) {
    for (const op of ['max', 'min'] as const) {
      it(`${op} over axes ${JSON.stringify(axes)} of ${JSON.stringify(shape)} (many ties): js and wasm backends match the formula`, () => {
        const n = shape.reduce((p, d) => p * d, 1);
        const x = rand(n, 6); // 6 levels: ties everywhere
        const { y } = oracle(x, shape, axes, op, new Float32Array(1));
        const dy = rand(y.length, 1000);
        const { dx } = oracle(x, shape, axes, op, dy);
        for (const backend of wasmAvailable() ? [jsBackend, wasmBackend] : [jsBackend]) {
          assert.deepEqual(backend.reduce(op, x, shape, axes), y, `${backend.name} reduce ${op}`);
          assertClose(backend.extremeGrad(x, shape, axes, y, dy), dx, 1e-6, `${backend.name} ${op}`);
        }
      });
    }
  }

  it('wasm max/min reductions skip NaNs and keep the first of equal values (-0 or 0), bit for bit as the JS kernel', { skip: !wasmAvailable() }, () => {
    for (const op of ['max', 'min'] as const) {
      // Every row and column of the (3, 100, 6) input mixes NaN, -0 and 0 with values that never win, so the
      // extreme is a signed zero whose sign depends on which came first.
      const values = [Number.NaN, -0, 0, op === 'max' ? -1 : 1];
      const x = Float32Array.from({ length: 1800 }, (_, i) => values[(i + Math.floor(i / 6) + Math.floor(i / 37)) % 4]);
      for (let i = 0; i < 6; i++) x[i * 6 + 5] = Number.NaN; // NaN-only stretches
      for (const axes of [[1], [0, 1], [2]]) {
        const want = jsBackend.reduce(op, x, [3, 100, 6], axes), got = wasmBackend.reduce(op, x, [3, 100, 6], axes);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${op} over ${JSON.stringify(axes)}`);
      }
    }
  });
});
