/** Conv1D: convolution along the steps of (batch, steps, channels) (keras/src/layers/convolutional/conv1d.py). */
import { BaseConv, convArgsFromConfig, type BaseConvArgs } from './baseConv.js';

export interface Conv1DArgs extends BaseConvArgs {
  strides?: number | [number];
  /** 'causal' pads dilation_rate * (kernel_size - 1) steps at the start, so output t sees inputs <= t. */
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number | [number];
}

export class Conv1D extends BaseConv {
  static override readonly className = 'Conv1D';

  /** Kernel (kernel_size, in_channels, filters); output (batch, new_steps, filters). */
  constructor(filters: number, kernelSize: number | [number], args: Conv1DArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  /** Rebuilds the layer from Keras's config (keras.layers.Conv1D.from_config). */
  static fromConfig(config: Record<string, unknown>): Conv1D {
    const { filters, kernelSize, args } = convArgsFromConfig(Conv1D.className, config);
    return new Conv1D(filters, kernelSize as [number], args as Conv1DArgs);
  }
}
