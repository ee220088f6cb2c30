/**
 * Max and average pooling (keras.ops.max_pool / average_pool), channels last: rank 3 (batch, steps,
 * channels) pools along steps, rank 4 (batch, height, width, channels) along height and width.
 * Window shape math is convShapes's (the same as a convolution's); 'same' pads TensorFlow's way.
 */
import type { Pool2DParams } from '../backend/backend.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { backend } from '../tensor/engine.js';
import { recordOp } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { convOutputLength, convPadding } from './convShapes.js';

export type PoolPadding = 'valid' | 'same';
type PoolMode = 'max' | 'average';

/** An int or one int per spatial axis, all positive, as a list of `rank` ints. */
function spatialTuple(value: number | readonly number[], rank: number, name: string, op: string): number[] {
  const tuple = typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (tuple.length !== rank || tuple.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ValueError(
      `${op}: \`${name}\` must be a positive integer or a list of ${rank} positive integers. Received: ${name}=${JSON.stringify(value)}.`,
    );
  }
  return tuple;
}

/** The pooling geometry of a 4-D input, with the window checked to fit. */
function pool2dParams(shape: number[], pool: number[], strides: number[], padding: PoolPadding, op: string,
  spatialRank: number): Pool2DParams {
  const [n, h, w, c] = shape;
  const oh = convOutputLength(h, pool[0], strides[0], padding);
  const ow = convOutputLength(w, pool[1], strides[1], padding);
  if (oh <= 0 || ow <= 0) {
    const window = spatialRank === 1 ? `(${pool[1]},)` : `(${pool[0]}, ${pool[1]})`;
    const input = spatialRank === 1 ? `(${w},)` : `(${h}, ${w})`;
    throw new ShapeError(
      `${op}: pool_size ${window} does not fit the input's spatial size ${input} with padding 'valid'. ` +
        `Received: inputs.shape=${formatShape(spatialRank === 1 ? [n, w, c] : shape)}. Use padding 'same' or a smaller pool_size.`,
    );
  }
  return {
    batch: n, inHeight: h, inWidth: w, channels: c, outHeight: oh, outWidth: ow,
    poolHeight: pool[0], poolWidth: pool[1], strideHeight: strides[0], strideWidth: strides[1],
    padTop: convPadding(h, pool[0], strides[0], padding)[0], padLeft: convPadding(w, pool[1], strides[1], padding)[0],
  };
}

/** The raw 2-D pool with explicit geometry, and its gradient. */
function pool2dWithParams(X: Tensor, mode: PoolMode, p: Pool2DParams): Tensor {
  const outShape = [p.batch, p.outHeight, p.outWidth, p.channels];
  if (mode === 'max') {
    const out = new Tensor(backend().maxPool2d(X.values, p), outShape);
    return recordOp(out, [X], (dy) => [new Tensor(backend().maxPool2dBackprop(dy.values, X.values, p), X.shape)]);
  }
  const out = new Tensor(backend().avgPool2d(X.values, p), outShape);
  return recordOp(out, [X], (dy) => [new Tensor(backend().avgPool2dBackprop(dy.values, p), X.shape)]);
}

function pool(mode: PoolMode, x: TensorLike, poolSize: number | readonly number[], strides: number | readonly number[] | null,
  padding: PoolPadding): Tensor {
  const op = mode === 'max' ? 'maxPool' : 'averagePool';
  const X = toTensor(x);
  if (X.rank !== 3 && X.rank !== 4) {
    throw new ShapeError(
      `${op} expects inputs of rank 3 (batch, steps, channels) or 4 (batch, height, width, channels). Received: inputs.shape=${formatShape(X.shape)}.`,
    );
  }
  if (padding !== 'valid' && padding !== 'same') {
    throw new ValueError(`${op}: \`padding\` must be 'valid' or 'same'. Received: padding=${JSON.stringify(padding)}.`);
  }
  const rank = X.rank - 2;
  const pool = spatialTuple(poolSize, rank, 'pool_size', op);
  const step = strides === null ? pool : spatialTuple(strides, rank, 'strides', op);
  if (rank === 2) return pool2dWithParams(X, mode, pool2dParams(X.shape, pool, step, padding, op, 2));
  // 1-D pooling is 2-D pooling over a height of 1.
  const [n, steps, c] = X.shape;
  const p = pool2dParams([n, 1, steps, c], [1, pool[0]], [1, step[0]], padding, op, 1);
  const y = pool2dWithParams(X.reshape([n, 1, steps, c]), mode, p);
  return y.reshape([n, p.outWidth, c]);
}

/** Largest value of each window; the gradient goes to the first maximum of each window (TensorFlow's rule). */
export function maxPool(x: TensorLike, poolSize: number | readonly number[], strides: number | readonly number[] | null = null,
  padding: PoolPadding = 'valid'): Tensor {
  return pool('max', x, poolSize, strides, padding);
}

/** Mean of each window; with 'same', padded positions are left out of the mean (TensorFlow's rule). */
export function averagePool(x: TensorLike, poolSize: number | readonly number[], strides: number | readonly number[] | null = null,
  padding: PoolPadding = 'valid'): Tensor {
  return pool('average', x, poolSize, strides, padding);
}
