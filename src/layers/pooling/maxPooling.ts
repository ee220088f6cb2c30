/**
 * MaxPooling1D and MaxPooling2D: the largest value of each window
 * (keras/src/layers/pooling/max_pooling1d.py, max_pooling2d.py). Keras's defaults: pool_size 2 and (2, 2).
 */
import { BasePooling, poolingArgsFromConfig, type BasePoolingArgs } from './basePooling.js';

export interface MaxPooling1DArgs extends BasePoolingArgs {
  strides?: number | [number] | null;
}

export class MaxPooling1D extends BasePooling {
  static override readonly className = 'MaxPooling1D';

  /** (batch, steps, channels) -> (batch, new_steps, channels). */
  constructor(poolSize: number | [number] = 2, args: MaxPooling1DArgs = {}) {
    super(1, 'max', poolSize, args);
  }

  protected get siblingClassName(): string {
    return 'MaxPooling2D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.MaxPooling1D.from_config). */
  static fromConfig(config: Record<string, unknown>): MaxPooling1D {
    const { poolSize, args } = poolingArgsFromConfig(MaxPooling1D.className, config);
    return new MaxPooling1D(poolSize as [number] | undefined, args as MaxPooling1DArgs);
  }
}

export interface MaxPooling2DArgs extends BasePoolingArgs {
  strides?: number | [number, number] | null;
}

export class MaxPooling2D extends BasePooling {
  static override readonly className = 'MaxPooling2D';

  /** (batch, height, width, channels) -> (batch, new_height, new_width, channels). */
  constructor(poolSize: number | [number, number] = [2, 2], args: MaxPooling2DArgs = {}) {
    super(2, 'max', poolSize, args);
  }

  protected get siblingClassName(): string {
    return 'MaxPooling1D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.MaxPooling2D.from_config). */
  static fromConfig(config: Record<string, unknown>): MaxPooling2D {
    const { poolSize, args } = poolingArgsFromConfig(MaxPooling2D.className, config);
    return new MaxPooling2D(poolSize as [number, number] | undefined, args as MaxPooling2DArgs);
  }
}
