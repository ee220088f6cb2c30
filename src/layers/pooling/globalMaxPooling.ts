/**
 * GlobalMaxPooling1D and GlobalMaxPooling2D: the largest value over all steps, or all of height and width,
 * per channel (keras/src/layers/pooling/global_max_pooling1d.py, global_max_pooling2d.py).
 */
import { BaseGlobalPooling, globalPoolingArgsFromConfig, type GlobalPoolingArgs } from './baseGlobalPooling.js';

export class GlobalMaxPooling1D extends BaseGlobalPooling {
  static override readonly className = 'GlobalMaxPooling1D';

  /** (batch, steps, channels) -> (batch, channels), or (batch, 1, channels) with keepdims. */
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, 'max', args);
  }

  protected get siblingClassName(): string {
    return 'GlobalMaxPooling2D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.GlobalMaxPooling1D.from_config). */
  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(globalPoolingArgsFromConfig(GlobalMaxPooling1D.className, config));
  }
}

export class GlobalMaxPooling2D extends BaseGlobalPooling {
  static override readonly className = 'GlobalMaxPooling2D';

  /** (batch, height, width, channels) -> (batch, channels), or (batch, 1, 1, channels) with keepdims. */
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, 'max', args);
  }

  protected get siblingClassName(): string {
    return 'GlobalMaxPooling1D';
  }

  /** Rebuilds the layer from Keras's config (keras.layers.GlobalMaxPooling2D.from_config). */
  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(globalPoolingArgsFromConfig(GlobalMaxPooling2D.className, config));
  }
}
