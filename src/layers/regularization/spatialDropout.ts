/**
 * SpatialDropout1D: Dropout that drops whole channels of a (batch, steps, channels) input, one mask
 * of shape (batch, 1, channels) (keras/src/layers/regularization/spatial_dropout.py).
 */
import { ValueError } from '../../core/errors.js';
import { Dropout } from './dropout.js';
import type { LayerArgs } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

export interface SpatialDropoutArgs extends Pick<LayerArgs, 'name' | 'inputShape' | 'batchSize' | 'batchInputShape'> {
  seed?: number | null;
}

export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';

  constructor(rate: number, args: SpatialDropoutArgs = {}) {
    super(rate, { ...args, seed: args.seed ?? null });
    this.inputSpec = { ndim: 3 };
  }

  protected override inputFix(): string {
    return 'SpatialDropout1D needs (batch, steps, channels); for a 2-D input use Dropout.';
  }

  protected override maskShape(inputShape: number[]): number[] {
    if (inputShape.length !== 3) {
      throw new ValueError(`Layer "${this.name}" (SpatialDropout1D) expects a 3-D input. Received shape: (${inputShape.join(', ')}).`);
    }
    return [inputShape[0], 1, inputShape[2]];
  }

  static override fromConfig(config: Config): SpatialDropout1D {
    checkDtype(config, 'SpatialDropout1D');
    const { name } = baseArgsFromConfig(config);
    return new SpatialDropout1D(config.rate as number, { name, seed: (config.seed as number | null | undefined) ?? null });
  }

  /** Keras's BaseSpatialDropout.get_config: only rate, seed, name and dtype (the variable dtype string). */
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed, name: this.name, dtype: 'float32' };
  }
}
