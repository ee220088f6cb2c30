/** Reference data-movement kernels: transpose, slice, pad, concat. */
import { stridesOf } from '../../core/shape.js';

export function transpose(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const stepIn = perm.map((p) => inStrides[p]);
  const y = new Float32Array(x.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < x.length; i++) {
    y[i] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stepIn[d];
      if (idx[d] < outShape[d]) break;
      src -= stepIn[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return y;
}

/** Copies a box of `x`; rows along the last axis are copied as blocks. */
export function slice(x: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array {
  const rank = shape.length;
  const total = size.reduce((p, d) => p * d, 1);
  const y = new Float32Array(total);
  if (total === 0) return y;
  if (rank === 0) { y[0] = x[0]; return y; }
  const strides = stridesOf(shape);
  const rowLen = size[rank - 1];
  const rows = total / rowLen;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let src = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) src += (begin[d] + idx[d]) * strides[d];
    y.set(x.subarray(src, src + rowLen), r * rowLen);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      if (idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return y;
}

export function pad(x: Float32Array, shape: number[], pads: [number, number][]): Float32Array {
  const rank = shape.length;
  const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const y = new Float32Array(outShape.reduce((p, d) => p * d, 1));
  if (x.length === 0) return y;
  const outStrides = stridesOf(outShape);
  const rowLen = shape[rank - 1];
  const rows = x.length / rowLen;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let dst = pads[rank - 1][0];
    for (let d = 0; d < rank - 1; d++) dst += (idx[d] + pads[d][0]) * outStrides[d];
    y.set(x.subarray(r * rowLen, (r + 1) * rowLen), dst);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      if (idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return y;
}

export function concat(xs: Float32Array[], shapes: number[][], axis: number): Float32Array {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shapes[0][i];
  const blocks = shapes.map((s) => s.slice(axis).reduce((p, d) => p * d, 1));
  const rowOut = blocks.reduce((p, d) => p + d, 0);
  const y = new Float32Array(outer * rowOut);
  for (let o = 0; o < outer; o++) {
    let dst = o * rowOut;
    for (let t = 0; t < xs.length; t++) {
      const bl = blocks[t];
      y.set(xs[t].subarray(o * bl, (o + 1) * bl), dst);
      dst += bl;
    }
  }
  return y;
}
