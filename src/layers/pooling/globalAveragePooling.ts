/**
 * GlobalAveragePooling1D and GlobalAveragePooling2D: the mean over all steps, or all of height and width,
 * per channel (keras/src/layers/pooling/global_average_pooling1d.py, global_average_pooling2d.py).
 */
import { BaseGlobalPooling, globalPoolingArgsFromConfig, type GlobalPoolingArgs } from './baseGlobalPooling.js';

export class GlobalAveragePooling1D extends BaseGlobalPooling {
  static override readonly className = 'GlobalAveragePooling1D';

  /** (batch, steps, channels) -> (batch, channels), or (batch, 1, channels) with keepdims. */
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, 'average', args);
  }

  protected get siblingClassName(): string {
    return 'GlobalAveragePooling2D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.GlobalAveragePooling1D.from_config). */
  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(globalPoolingArgsFromConfig(GlobalAveragePooling1D.className, config));
  }
}

export class GlobalAveragePooling2D extends BaseGlobalPooling {
  static override readonly className = 'GlobalAveragePooling2D';

  /** (batch, height, width, channels) -> (batch, channels), or (batch, 1, 1, channels) with keepdims. */
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, 'average', args);
  }

  protected get siblingClassName(): string {
    return 'GlobalAveragePooling1D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.GlobalAveragePooling2D.from_config). */
  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(globalPoolingArgsFromConfig(GlobalAveragePooling2D.className, config));
  }
}
