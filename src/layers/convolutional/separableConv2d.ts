/** SeparableConv2D: depthwise then pointwise convolution over (batch, height, width, channels) (keras/src/layers/convolutional/separable_conv2d.py). */
import { BaseSeparableConv, separableConvArgsFromConfig, type BaseSeparableConvArgs } from './baseSeparableConv.js';

export interface SeparableConv2DArgs extends BaseSeparableConvArgs {
  strides?: number | [number, number];
  dilationRate?: number | [number, number];
}

export class SeparableConv2D extends BaseSeparableConv {
  static override readonly className = 'SeparableConv2D';

  /** depthwise_kernel (kh, kw, in, depth_multiplier), pointwise_kernel (1, 1, in * depth_multiplier, filters), bias (filters). */
  constructor(filters: number, kernelSize: number | [number, number], args: SeparableConv2DArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): SeparableConv2D {
    const { filters, kernelSize, args } = separableConvArgsFromConfig(SeparableConv2D.className, config);
    return new SeparableConv2D(filters, kernelSize as [number, number], args as SeparableConv2DArgs);
  }
}
