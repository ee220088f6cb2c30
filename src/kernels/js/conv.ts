/**
 * Reference 2-D convolution kernels in NHWC layout with a (kH, kW, C_in, C_out) filter, as TensorFlow.
 * out[n, oh, ow, co] = sum_{kh, kw, ci} x[n, oh*sh - padTop + kh*dh, ow*sw - padLeft + kw*dw, ci] * w[kh, kw, ci, co]
 * Positions outside the input read as zero.
 */
import type { Conv2DParams } from '../../backend/backend.js';

export function conv2d(x: Float32Array, w: Float32Array, p: Conv2DParams): Float32Array {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = p;
  const y = new Float32Array(batch * OH * OW * CO);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yOff = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < p.kernelHeight; kh++) {
          const ih = oh * p.strideHeight - p.padTop + kh * p.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < p.kernelWidth; kw++) {
            const iw = ow * p.strideWidth - p.padLeft + kw * p.dilationWidth;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((n * H + ih) * W + iw) * C;
            const wOff = (kh * p.kernelWidth + kw) * C * CO;
            for (let ci = 0; ci < C; ci++) {
              const xv = x[xOff + ci];
              if (xv === 0) continue;
              const wRow = wOff + ci * CO;
              for (let co = 0; co < CO; co++) y[yOff + co] += xv * w[wRow + co];
            }
          }
        }
      }
    }
  }
  return y;
}

export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, p: Conv2DParams): Float32Array {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = p;
  const dx = new Float32Array(batch * H * W * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < p.kernelHeight; kh++) {
          const ih = oh * p.strideHeight - p.padTop + kh * p.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < p.kernelWidth; kw++) {
            const iw = ow * p.strideWidth - p.padLeft + kw * p.dilationWidth;
            if (iw < 0 || iw >= W) continue;
            const dxOff = ((n * H + ih) * W + iw) * C;
            const wOff = (kh * p.kernelWidth + kw) * C * CO;
            for (let ci = 0; ci < C; ci++) {
              const wRow = wOff + ci * CO;
              let s = 0;
              for (let co = 0; co < CO; co++) s += dy[dyOff + co] * w[wRow + co];
              dx[dxOff + ci] += s;
            }
          }
        }
      }
    }
  }
  return dx;
}

export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, p: Conv2DParams): Float32Array {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = p;
  const dw = new Float32Array(p.kernelHeight * p.kernelWidth * C * CO);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < p.kernelHeight; kh++) {
          const ih = oh * p.strideHeight - p.padTop + kh * p.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < p.kernelWidth; kw++) {
            const iw = ow * p.strideWidth - p.padLeft + kw * p.dilationWidth;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((n * H + ih) * W + iw) * C;
            const wOff = (kh * p.kernelWidth + kw) * C * CO;
            for (let ci = 0; ci < C; ci++) {
              const xv = x[xOff + ci];
              if (xv === 0) continue;
              const wRow = wOff + ci * CO;
              for (let co = 0; co < CO; co++) dw[wRow + co] += xv * dy[dyOff + co];
            }
          }
        }
      }
    }
  }
  return dw;
}
