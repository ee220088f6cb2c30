/** Convolutions (NHWC / NWC, channels last as Keras's default) and their gradients. */
import type { Conv2DParams } from '../backend/backend.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import {
  convOutputLength, convPadding, convTransposeOutputLength, convTransposePadBefore, type Padding,
} from './convShapes.js';
import { pad } from './movement.js';

export interface ConvOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilationRate?: number | [number, number];
}

function pair(v: number | [number, number] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  return typeof v === 'number' ? [v, v] : v;
}

/** The raw conv with explicit geometry; differentiable in both x and the filter. */
function conv2dWithParams(X: Tensor, W: Tensor, p: Conv2DParams): Tensor {
  const out = new Tensor(backend().conv2d(X.values, W.values, p), [p.batch, p.outHeight, p.outWidth, p.outChannels]);
  // A first layer's input is data: its gradient, a full conv, is skipped.
  return recordOp(out, [X, W], (dy, needed) => [
    needed[0] ? new Tensor(backend().conv2dBackpropInput(dy.values, W.values, p), X.shape) : null,
    needed[1] ? new Tensor(backend().conv2dBackpropFilter(X.values, dy.values, p), W.shape) : null,
  ]);
}

/** x (batch, h, w, in), kernel (kh, kw, in, filters) -> (batch, oh, ow, filters). */
export function conv2d(x: TensorLike, kernel: TensorLike, options: ConvOptions = {}): Tensor {
  const X = toTensor(x);
  const W = toTensor(kernel);
  if (X.rank !== 4 || W.rank !== 4) {
    throw new ShapeError(`conv2d expects x of rank 4 (batch, h, w, channels) and a kernel of rank 4. Received: ${formatShape(X.shape)} and ${formatShape(W.shape)}.`);
  }
  const [sh, sw] = pair(options.strides, 1);
  const [dh, dw] = pair(options.dilationRate, 1);
  const padding = options.padding ?? 'valid';
  if (padding === 'causal') throw new ShapeError("conv2d: padding 'causal' is only for 1-D convolutions.");
  const [n, h, w, c] = X.shape;
  const [kh, kw, kc, filters] = W.shape;
  if (kc !== c) {
    throw new ShapeError(`conv2d: the kernel expects ${kc} input channels. Received: x of shape ${formatShape(X.shape)} with ${c}.`);
  }
  const oh = convOutputLength(h, kh, sh, padding, dh);
  const ow = convOutputLength(w, kw, sw, padding, dw);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(`conv2d: kernel (${kh}, ${kw}) does not fit input (${h}, ${w}) with padding '${padding}'; output would be (${oh}, ${ow}).`);
  }
  const p: Conv2DParams = {
    batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: filters,
    kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
    padTop: convPadding(h, kh, sh, padding, dh)[0], padLeft: convPadding(w, kw, sw, padding, dw)[0],
  };
  return conv2dWithParams(X, W, p);
}

/** x (batch, steps, in), kernel (k, in, filters) -> (batch, outSteps, filters); supports 'causal'. */
export function conv1d(x: TensorLike, kernel: TensorLike,
  options: { strides?: number; padding?: Padding; dilationRate?: number } = {}): Tensor {
  let X = toTensor(x);
  const W = toTensor(kernel);
  if (X.rank !== 3 || W.rank !== 3) {
    throw new ShapeError(`conv1d expects x of rank 3 (batch, steps, channels) and a kernel of rank 3. Received: ${formatShape(X.shape)} and ${formatShape(W.shape)}.`);
  }
  let padding = options.padding ?? 'valid';
  const d = options.dilationRate ?? 1;
  if (padding === 'causal') {
    X = pad(X, [[0, 0], [(W.shape[0] - 1) * d, 0], [0, 0]]);
    padding = 'valid';
  }
  const X4 = X.reshape([X.shape[0], 1, X.shape[1], X.shape[2]]);
  const W4 = W.reshape([1, ...W.shape]);
  const y = conv2d(X4, W4, { strides: [1, options.strides ?? 1], padding, dilationRate: [1, d] });
  return y.reshape([y.shape[0], y.shape[2], y.shape[3]]);
}

/**
 * Transposed conv (TensorFlow's conv2d_transpose): x (batch, h, w, in), kernel (kh, kw, filters, in).
 * It is the gradient of a conv2d with respect to its input.
 */
export function conv2dTranspose(x: TensorLike, kernel: TensorLike,
  options: { strides?: number | [number, number]; padding?: 'valid' | 'same'; outputPadding?: number | [number, number] | null;
    dilationRate?: number | [number, number] } = {}): Tensor {
  const X = toTensor(x);
  const W = toTensor(kernel);
  if (X.rank !== 4 || W.rank !== 4) {
    throw new ShapeError(`conv2dTranspose expects x of rank 4 and a kernel of rank 4. Received: ${formatShape(X.shape)} and ${formatShape(W.shape)}.`);
  }
  const [sh, sw] = pair(options.strides, 1);
  const [dh, dw] = pair(options.dilationRate, 1);
  const padding = options.padding ?? 'valid';
  const op = options.outputPadding ?? null;
  const [oph, opw] = op === null ? [null, null] : pair(op, 0);
  const [n, h, w, c] = X.shape;
  const [kh, kw, filters, kc] = W.shape;
  if (kc !== c) {
    throw new ShapeError(`conv2dTranspose: the kernel expects ${kc} input channels. Received: x of shape ${formatShape(X.shape)} with ${c}.`);
  }
  const oh = convTransposeOutputLength(h, kh, sh, padding, oph, dh);
  const ow = convTransposeOutputLength(w, kw, sw, padding, opw, dw);
  // The forward conv this transposes maps (oh, ow, filters) -> (h, w, c).
  const p: Conv2DParams = {
    batch: n, inHeight: oh, inWidth: ow, inChannels: filters, outHeight: h, outWidth: w, outChannels: c,
    kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
    padTop: convTransposePadBefore(h, oh, kh, sh, padding, dh), padLeft: convTransposePadBefore(w, ow, kw, sw, padding, dw),
  };
  const out = new Tensor(backend().conv2dBackpropInput(X.values, W.values, p), [n, oh, ow, filters]);
  return recordOp(out, [X, W], (dy, needed) => [
    needed[0] ? new Tensor(backend().conv2d(dy.values, W.values, p), X.shape) : null,
    // conv2d's filter gradient with the roles of input and output swapped.
    needed[1] ? new Tensor(backend().conv2dBackpropFilter(dy.values, X.values, p), W.shape) : null,
  ]);
}
