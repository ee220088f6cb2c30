/**
 * Reference 2-D pooling kernels in NHWC layout, as TensorFlow's MaxPool / AvgPool.
 * Window (oh, ow) covers rows oh*sh - padTop + [0, poolHeight) and columns ow*sw - padLeft + [0, poolWidth),
 * clipped to the input: padded positions are not part of the window (max never sees them; average
 * divides by the number of real elements, TensorFlow's 'SAME' average pooling).
 */
import type { Pool2DParams } from '../../backend/backend.js';

/** The window of output (oh, ow), clipped to the input: [rowStart, rowEnd) x [colStart, colEnd). */
function windowBounds(oh: number, ow: number, p: Pool2DParams): [number, number, number, number] {
  const r0 = oh * p.strideHeight - p.padTop;
  const c0 = ow * p.strideWidth - p.padLeft;
  return [
    Math.max(r0, 0), Math.min(r0 + p.poolHeight, p.inHeight),
    Math.max(c0, 0), Math.min(c0 + p.poolWidth, p.inWidth),
  ];
}

/**
 * For each output element, the flat input index of the first maximum of its window (row-major scan;
 * a later equal value does not replace it, so ties go to the first, as TensorFlow's CPU MaxPoolGrad).
 */
function maxPositions(x: Float32Array, p: Pool2DParams): Int32Array {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = p;
  const at = new Int32Array(batch * OH * OW * C).fill(-1);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const [rs, re, cs, ce] = windowBounds(oh, ow, p);
        const yOff = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestAt = -1;
          for (let r = rs; r < re; r++) {
            for (let col = cs; col < ce; col++) {
              const i = ((n * H + r) * W + col) * C + c;
              // NaN propagates as the maximum, as TensorFlow's.
              if (bestAt === -1 || x[i] > best || (Number.isNaN(x[i]) && !Number.isNaN(best))) {
                best = x[i];
                bestAt = i;
              }
            }
          }
          at[yOff + c] = bestAt;
        }
      }
    }
  }
  return at;
}

export function maxPool2d(x: Float32Array, p: Pool2DParams): Float32Array {
  const at = maxPositions(x, p);
  const y = new Float32Array(at.length);
  // A window entirely in the padding cannot happen with TensorFlow's padding; -Infinity if it did.
  for (let o = 0; o < at.length; o++) y[o] = at[o] === -1 ? -Infinity : x[at[o]];
  return y;
}

export function maxPool2dBackprop(dy: Float32Array, x: Float32Array, p: Pool2DParams): Float32Array {
  const at = maxPositions(x, p);
  const dx = new Float32Array(x.length);
  for (let o = 0; o < at.length; o++) if (at[o] !== -1) dx[at[o]] += dy[o];
  return dx;
}

export function avgPool2d(x: Float32Array, p: Pool2DParams): Float32Array {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = p;
  const y = new Float32Array(batch * OH * OW * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const [rs, re, cs, ce] = windowBounds(oh, ow, p);
        const count = Math.max((re - rs) * (ce - cs), 1);
        const yOff = ((n * OH + oh) * OW + ow) * C;
        for (let r = rs; r < re; r++) {
          for (let col = cs; col < ce; col++) {
            const xOff = ((n * H + r) * W + col) * C;
            for (let c = 0; c < C; c++) y[yOff + c] += x[xOff + c];
          }
        }
        for (let c = 0; c < C; c++) y[yOff + c] /= count;
      }
    }
  }
  return y;
}

export function avgPool2dBackprop(dy: Float32Array, p: Pool2DParams): Float32Array {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = p;
  const dx = new Float32Array(batch * H * W * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const [rs, re, cs, ce] = windowBounds(oh, ow, p);
        const count = Math.max((re - rs) * (ce - cs), 1);
        const dyOff = ((n * OH + oh) * OW + ow) * C;
        for (let r = rs; r < re; r++) {
          for (let col = cs; col < ce; col++) {
            const dxOff = ((n * H + r) * W + col) * C;
            for (let c = 0; c < C; c++) dx[dxOff + c] += dy[dyOff + c] / count;
          }
        }
      }
    }
  }
  return dx;
}
