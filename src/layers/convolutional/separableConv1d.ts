/** SeparableConv1D: depthwise then pointwise convolution over (batch, steps, channels) (keras/src/layers/convolutional/separable_conv1d.py). */
import { BaseSeparableConv, separableConvArgsFromConfig, type BaseSeparableConvArgs } from './baseSeparableConv.js';

export interface SeparableConv1DArgs extends BaseSeparableConvArgs {
  strides?: number | [number];
  dilationRate?: number | [number];
}

export class SeparableConv1D extends BaseSeparableConv {
  static override readonly className = 'SeparableConv1D';

  /** depthwise_kernel (k, in, depth_multiplier), pointwise_kernel (1, in * depth_multiplier, filters), bias (filters). */
  constructor(filters: number, kernelSize: number | [number], args: SeparableConv1DArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, unknown>): SeparableConv1D {
    const { filters, kernelSize, args } = separableConvArgsFromConfig(SeparableConv1D.className, config);
    return new SeparableConv1D(filters, kernelSize as [number], args as SeparableConv1DArgs);
  }
}
