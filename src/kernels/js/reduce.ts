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

/**
 * The gradient of a max or min reduction: dy (one value per output) goes to the inputs that equal their
 * output y, split evenly between ties, as TensorFlow's _MinOrMaxGrad does
 * (indicators = x == y; dx = indicators * dy / sum(indicators)). One pass counts the ties, one writes dx.
 */
export function extremeGrad(x: Float32Array, shape: number[], axes: number[], y: Float32Array, dy: Float32Array): Float32Array {
  const first = Math.min(...axes), last = Math.max(...axes);
  if (axes.length === last - first + 1) return extremeGradContiguous(x, shape, first, last, y, dy);
  const outIndex = outputIndexOf(shape, axes);
  const counts = new Float32Array(y.length);
  for (let i = 0; i < x.length; i++) if (x[i] === y[outIndex(i)]) counts[outIndex(i)]++;
  const share = new Float32Array(y.length);
  for (let o = 0; o < y.length; o++) share[o] = dy[o] / counts[o];
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const o = outIndex(i);
    if (x[i] === y[o]) dx[i] = share[o];
  }
  return dx;
}

/** extremeGrad when the reduced axes are contiguous: input (outer, mid, inner) -> output (outer, inner). */
function extremeGradContiguous(x: Float32Array, shape: number[], first: number, last: number, y: Float32Array,
  dy: Float32Array): Float32Array {
  let outer = 1, mid = 1, inner = 1;
  for (let d = 0; d < first; d++) outer *= shape[d];
  for (let d = first; d <= last; d++) mid *= shape[d];
  for (let d = last + 1; d < shape.length; d++) inner *= shape[d];
  const share = new Float32Array(y.length);
  for (let o = 0; o < outer; o++) {
    const out = o * inner, base = o * mid * inner;
    for (let m = 0; m < mid; m++) {
      const at = base + m * inner;
      for (let i = 0; i < inner; i++) if (x[at + i] === y[out + i]) share[out + i]++;
    }
  }
  for (let o = 0; o < y.length; o++) share[o] = dy[o] / share[o];
  const dx = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    const out = o * inner, base = o * mid * inner;
    for (let m = 0; m < mid; m++) {
      const at = base + m * inner;
      for (let i = 0; i < inner; i++) if (x[at + i] === y[out + i]) dx[at + i] = share[out + i];
    }
  }
  return dx;
}

/** Maps a flat input index to the flat index of its output when `axes` are reduced. */
function outputIndexOf(shape: number[], axes: number[]): (i: number) => number {
  const rank = shape.length;
  // Row-major strides of the output (reduced axes contribute nothing) per input axis.
  const outStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) if (!axes.includes(d)) { outStrides[d] = s; s *= shape[d]; }
  const inStrides = new Array<number>(rank);
  s = 1;
  for (let d = rank - 1; d >= 0; d--) { inStrides[d] = s; s *= shape[d]; }
  return (i) => {
    let o = 0;
    for (let d = 0; d < rank; d++) o += Math.floor(i / inStrides[d]) % shape[d] * outStrides[d];
    return o;
  };
}
