/** Reference reductions over any set of axes. */
import type { ReduceOp } from '../../backend/backend.js';

export function reduce(op: ReduceOp, x: Float32Array, shape: number[], axes: number[]): Float32Array {
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  // Collapse into (outer, inner) groups when the reduced axes are contiguous: the common case.
  let first = -1, last = -1;
  for (let i = 0; i < rank; i++) if (reduced[i]) { if (first < 0) first = i; last = i; }
  const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
  if (first < 0) return Float32Array.from(x);
  let contiguous = true;
  for (let i = first; i <= last; i++) if (!reduced[i]) contiguous = false;
  if (contiguous) {
    let outer = 1, mid = 1, inner = 1;
    for (let i = 0; i < first; i++) outer *= shape[i];
    for (let i = first; i <= last; i++) mid *= shape[i];
    for (let i = last + 1; i < rank; i++) inner *= shape[i];
    const y = new Float32Array(outer * inner);
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(init);
      const base = o * mid * inner;
      for (let m = 0; m < mid; m++) {
        const off = base + m * inner;
        if (op === 'sum') for (let i = 0; i < inner; i++) acc[i] += x[off + i];
        else if (op === 'max') for (let i = 0; i < inner; i++) { if (x[off + i] > acc[i]) acc[i] = x[off + i]; }
        else for (let i = 0; i < inner; i++) { if (x[off + i] < acc[i]) acc[i] = x[off + i]; }
      }
      for (let i = 0; i < inner; i++) y[o * inner + i] = acc[i];
    }
    return y;
  }
  // General: map each input index to its output index.
  const outShape = shape.filter((_, i) => !reduced[i]);
  const outSize = outShape.reduce((p, d) => p * d, 1);
  const acc = new Float64Array(outSize).fill(init);
  const outStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) if (!reduced[i]) { outStrides[i] = s; s *= shape[i]; }
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (op === 'sum') acc[o] += v;
    else if (op === 'max') { if (v > acc[o]) acc[o] = v; }
    else if (v < acc[o]) acc[o] = v;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      o += outStrides[d];
      if (idx[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return Float32Array.from(acc);
}
