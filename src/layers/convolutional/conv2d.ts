/** Conv2D: convolution over height and width of (batch, height, width, channels) (keras/src/layers/convolutional/conv2d.py). */
import { BaseConv, convArgsFromConfig, type BaseConvArgs } from './baseConv.js';

export interface Conv2DArgs extends BaseConvArgs {
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | [number, number];
}

export class Conv2D extends BaseConv {
  static override readonly className = 'Conv2D';

  /** Kernel (kernel_h, kernel_w, in_channels, filters); output (batch, new_height, new_width, filters). */
  constructor(filters: number, kernelSize: number | [number, number], args: Conv2DArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  /** Rebuilds the layer from Keras's config (keras.layers.Conv2D.from_config). */
  static fromConfig(config: Record<string, unknown>): Conv2D {
    const { filters, kernelSize, args } = convArgsFromConfig(Conv2D.className, config);
    return new Conv2D(filters, kernelSize as [number, number], args as Conv2DArgs);
  }
}
