/**
 * Dropout: in training, zero each unit with probability `rate` and scale the kept ones by
 * 1 / (1 - rate) (inverted dropout); identity at inference (keras/src/layers/regularization/dropout.py).
 */
import { ValueError } from '../../core/errors.js';
import { bernoulliFill } from '../../core/random.js';
import * as ops from '../../ops/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

export interface DropoutArgs extends LayerArgs {
  /** Shape of the mask, broadcast over the input; null entries take the input's size. */
  noiseShape?: (number | null)[] | null;
  /**
   * Kept for Keras's config. The mask is drawn from the global generator (src/core/random.ts), so
   * `setSeed` makes runs reproducible; a per-layer seed stream is not implemented.
   */
  seed?: number | null;
}

/** Checks `rate` as Keras does (0 <= rate <= 1). */
export function validateRate(rate: number): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new ValueError(`Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${rate}`);
  }
  return rate;
}

/**
 * `x * mask`, the mask (shape `noiseShape`, broadcast to x) holding 0 with probability `rate` and
 * 1 / (1 - rate) otherwise (keras/src/random/random.py dropout). The mask is a constant, so the
 * gradient is the same mask.
 */
export function dropoutWithMask(x: Tensor, rate: number, noiseShape: number[]): Tensor {
  const size = noiseShape.reduce((p, d) => p * d, 1);
  const mask = new Float32Array(size);
  const keep = 1 - rate;
  if (keep > 0) bernoulliFill(mask, keep, 1 / keep);
  return ops.multiply(x, new Tensor(mask, noiseShape));
}

export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;

  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    this.rate = validateRate(rate);
    this.seed = args.seed ?? null;
    const ns = args.noiseShape ?? null;
    if (ns !== null) {
      if (!Array.isArray(ns)) {
        throw new ValueError(`Invalid value received for argument \`noise_shape\`. Expected a tuple or list of integers. Received: noise_shape=${JSON.stringify(ns)}`);
      }
      ns.forEach((d, i) => {
        if (d !== null && (!Number.isInteger(d) || d <= 0)) {
          throw new ValueError(`Invalid value received for argument \`noise_shape\`. Expected all dimensions to be positive integers or None. Received value at index ${i}: ${d}`);
        }
      });
    }
    this.noiseShape = ns === null ? null : [...ns];
    // No weights: built from the start, as Keras (`_build_at_init`).
    this.built = true;
  }

  static fromConfig(config: Config): Dropout {
    checkDtype(config, 'Dropout');
    return new Dropout(config.rate as number, {
      ...baseArgsFromConfig(config),
      noiseShape: (config.noise_shape as (number | null)[] | null | undefined) ?? null,
      seed: (config.seed as number | null | undefined) ?? null,
    });
  }

  /** The mask's concrete shape for an input shape. */
  protected maskShape(inputShape: number[]): number[] {
    if (this.noiseShape === null) return inputShape;
    if (this.noiseShape.length !== inputShape.length) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}): noise_shape=${JSON.stringify(this.noiseShape)} must have one entry per input axis. Received input of rank ${inputShape.length}.`,
      );
    }
    return this.noiseShape.map((d, i) => d ?? inputShape[i]);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return dropoutWithMask(x, this.rate, this.maskShape(x.shape));
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape)];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rate: this.rate,
      seed: this.seed,
      noise_shape: this.noiseShape === null ? null : [...this.noiseShape],
    };
  }
}
