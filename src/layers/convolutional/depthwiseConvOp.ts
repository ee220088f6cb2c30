/**
 * Depthwise convolution composed from ops.conv2d: each input channel is convolved with its own
 * (kh, kw, 1, depth_multiplier) slice of the kernel, and the results are concatenated so output
 * channel c * depth_multiplier + m comes from input channel c and multiplier m (TensorFlow's
 * depthwise_conv2d layout, which Keras's kernel (kh, kw, in, depth_multiplier) follows).
 * One conv per channel: correct first; a fused kernel can replace it without changing callers.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface DepthwiseOptions {
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: [number, number];
}

/** x (batch, h, w, channels), kernel (kh, kw, channels, multiplier) -> (batch, oh, ow, channels * multiplier). */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, options: DepthwiseOptions): Tensor {
  const [n, h, w, channels] = x.shape;
  const [kh, kw, , multiplier] = kernel.shape;
  const perChannel: Tensor[] = [];
  for (let c = 0; c < channels; c++) {
    const xc = channels === 1 ? x : ops.slice(x, [0, 0, 0, c], [n, h, w, 1]);
    const kc = channels === 1 ? kernel : ops.slice(kernel, [0, 0, c, 0], [kh, kw, 1, multiplier]);
    perChannel.push(ops.conv2d(xc, kc, options));
  }
  return perChannel.length === 1 ? perChannel[0] : ops.concatenate(perChannel, -1);
}

/** The same on (batch, steps, channels) with kernel (k, channels, multiplier), through a height-1 image. */
export function depthwiseConv1d(x: Tensor, kernel: Tensor, options: { strides: number; padding: 'valid' | 'same'; dilationRate: number }): Tensor {
  const [n, steps, channels] = x.shape;
  const y = depthwiseConv2d(ops.reshape(x, [n, 1, steps, channels]), ops.reshape(kernel, [1, ...kernel.shape]), {
    strides: [1, options.strides], padding: options.padding, dilationRate: [1, options.dilationRate],
  });
  return ops.reshape(y, [n, y.shape[2], y.shape[3]]);
}
