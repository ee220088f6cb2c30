/**
 * Conv2DTranspose ("deconvolution"): maps (batch, height, width, channels) up to a larger grid; it is
 * the gradient of a Conv2D with respect to its input (keras/src/layers/convolutional/conv2d_transpose.py).
 */
import { BaseConvTranspose, convTransposeArgsFromConfig, type BaseConvTransposeArgs } from './baseConvTranspose.js';

export interface Conv2DTransposeArgs extends BaseConvTransposeArgs {
  strides?: number | [number, number];
  outputPadding?: number | [number, number] | null;
  dilationRate?: number | [number, number];
}

export class Conv2DTranspose extends BaseConvTranspose {
  static override readonly className = 'Conv2DTranspose';

  /** Kernel (kernel_h, kernel_w, filters, in_channels); output (batch, new_height, new_width, filters). */
  constructor(filters: number, kernelSize: number | [number, number], args: Conv2DTransposeArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  /** Rebuilds the layer from Keras's config (keras.layers.Conv2DTranspose.from_config). */
  static fromConfig(config: Record<string, unknown>): Conv2DTranspose {
    const { filters, kernelSize, args } = convTransposeArgsFromConfig(Conv2DTranspose.className, config);
    return new Conv2DTranspose(filters, kernelSize as [number, number], args as Conv2DTransposeArgs);
  }
}
