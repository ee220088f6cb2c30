/**
 * AveragePooling1D and AveragePooling2D: the mean of each window
 * (keras/src/layers/pooling/average_pooling1d.py, average_pooling2d.py). In Keras 3 `pool_size` has no
 * default. With padding 'same', padded positions are left out of the mean (TensorFlow's AvgPool).
 */
import {
  BasePooling, poolingArgsFromConfig, requirePoolSize, type BasePoolingArgs,
} from './basePooling.js';

export interface AveragePooling1DArgs extends BasePoolingArgs {
  strides?: number | [number] | null;
}

export class AveragePooling1D extends BasePooling {
  static override readonly className = 'AveragePooling1D';

  /** (batch, steps, channels) -> (batch, new_steps, channels). */
  constructor(poolSize: number | [number], args: AveragePooling1DArgs = {}) {
    super(1, 'average', poolSize, args);
  }

  protected get siblingClassName(): string {
    return 'AveragePooling2D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.AveragePooling1D.from_config). */
  static fromConfig(config: Record<string, unknown>): AveragePooling1D {
    const { poolSize, args } = poolingArgsFromConfig(AveragePooling1D.className, config);
    return new AveragePooling1D(requirePoolSize(AveragePooling1D.className, poolSize, config) as [number], args as AveragePooling1DArgs);
  }
}

export interface AveragePooling2DArgs extends BasePoolingArgs {
  strides?: number | [number, number] | null;
}

export class AveragePooling2D extends BasePooling {
  static override readonly className = 'AveragePooling2D';

  /** (batch, height, width, channels) -> (batch, new_height, new_width, channels). */
  constructor(poolSize: number | [number, number], args: AveragePooling2DArgs = {}) {
    super(2, 'average', poolSize, args);
  }

  protected get siblingClassName(): string {
    return 'AveragePooling1D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.AveragePooling2D.from_config). */
  static fromConfig(config: Record<string, unknown>): AveragePooling2D {
    const { poolSize, args } = poolingArgsFromConfig(AveragePooling2D.className, config);
    return new AveragePooling2D(requirePoolSize(AveragePooling2D.className, poolSize, config) as [number, number], args as AveragePooling2DArgs);
  }
}
