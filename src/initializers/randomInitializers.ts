/**
 * Random initializers (keras/src/initializers/random_initializers.py, Keras 3 defaults and formulas):
 * RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling and its Glorot/He/Lecun presets.
 */
import { ValueError } from '../core/errors.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  checkSeed, checkShape, computeFans, drawWithSeed, Initializer, type InitializerConfig,
} from './initializer.js';

/** Holds the optional integer seed every random initializer takes. */
export abstract class RandomInitializer extends Initializer {
  readonly seed: number | null;

  constructor(seed: number | null | undefined) {
    super();
    this.seed = checkSeed(this.constructor.name, seed);
  }

  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }
}

/** Draws with a mean and standard deviation (Keras's defaults 0 and 0.05); subclasses pick the distribution. */
abstract class MeanStddevInitializer extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(options: { mean?: number; stddev?: number; seed?: number | null } = {}) {
    super(options.seed);
    this.mean = options.mean ?? 0;
    this.stddev = options.stddev ?? 0.05;
  }

  protected abstract draw(shape: readonly number[]): Tensor;

  call(shape: readonly number[]): Tensor {
    checkShape(this.className, shape);
    return drawWithSeed(this.seed, () => this.draw(shape));
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

export class RandomNormal extends MeanStddevInitializer {
  readonly className = 'RandomNormal';
  protected draw(shape: readonly number[]): Tensor {
    return randomNormal(shape, this.mean, this.stddev);
  }
}

/** Normal draws beyond two standard deviations are discarded and re-drawn. */
export class TruncatedNormal extends MeanStddevInitializer {
  readonly className = 'TruncatedNormal';
  protected draw(shape: readonly number[]): Tensor {
    return truncatedNormal(shape, this.mean, this.stddev);
  }
}

export class RandomUniform extends RandomInitializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;

  constructor(options: { minval?: number; maxval?: number; seed?: number | null } = {}) {
    super(options.seed);
    this.minval = options.minval ?? -0.05;
    this.maxval = options.maxval ?? 0.05;
  }

  call(shape: readonly number[]): Tensor {
    checkShape('RandomUniform', shape);
    return drawWithSeed(this.seed, () => randomUniform(shape, this.minval, this.maxval));
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export interface VarianceScalingOptions {
  scale?: number;
  mode?: FanMode;
  /** 'normal' is accepted and means 'truncated_normal', as in Keras. */
  distribution?: VarianceScalingDistribution | 'normal';
  seed?: number | null;
  /** Keras 3.15+: the kernel axes that count as inputs and outputs for the fans (null: compute_fans' rule). */
  inputAxes?: number[] | null;
  outputAxes?: number[] | null;
}

/** Standard deviation of a unit normal truncated to [-2, 2] (scipy.stats.truncnorm.std(a=-2, b=2)). */
const TRUNCATED_UNIT_STDDEV = 0.87962566103423978;

/**
 * Scales to the weight's fans: n = fan_in, fan_out or their mean (at least 1); then a truncated normal
 * with stddev sqrt(scale / n) / 0.8796 (so the truncated draws have stddev sqrt(scale / n)), a normal
 * with stddev sqrt(scale / n), or a uniform in [-sqrt(3 scale / n), sqrt(3 scale / n)].
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceScalingDistribution;
  readonly inputAxes: number[] | null;
  readonly outputAxes: number[] | null;

  constructor(options: VarianceScalingOptions = {}) {
    super(options.seed);
    const scale = options.scale ?? 1;
    if (!(scale > 0)) throw new ValueError(`Argument \`scale\` must be positive float. Received: scale=${scale}`);
    const mode = options.mode ?? 'fan_in';
    if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) {
      throw new ValueError(`Invalid \`mode\` argument: ${mode}. Expected one of fan_in, fan_out, fan_avg.`);
    }
    let distribution = (options.distribution ?? 'truncated_normal').toLowerCase();
    if (distribution === 'normal') distribution = 'truncated_normal';
    if (!['truncated_normal', 'untruncated_normal', 'uniform'].includes(distribution)) {
      throw new ValueError(
        `Invalid \`distribution\` argument: ${distribution}. Expected one of uniform, truncated_normal, untruncated_normal.`,
      );
    }
    const inputAxes = options.inputAxes ?? null;
    const outputAxes = options.outputAxes ?? null;
    if ((inputAxes === null) !== (outputAxes === null)) {
      throw new ValueError('VarianceScaling: give both `input_axes` and `output_axes`, or neither.');
    }
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution as VarianceScalingDistribution;
    this.inputAxes = inputAxes;
    this.outputAxes = outputAxes;
  }

  call(shape: readonly number[]): Tensor {
    checkShape(this.className, shape);
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, n);
    return drawWithSeed(this.seed, () => {
      if (this.distribution === 'truncated_normal') return truncatedNormal(shape, 0, Math.sqrt(scale) / TRUNCATED_UNIT_STDDEV);
      if (this.distribution === 'untruncated_normal') return randomNormal(shape, 0, Math.sqrt(scale));
      const limit = Math.sqrt(3 * scale);
      return randomUniform(shape, -limit, limit);
    });
  }

  /** The axes appear only when set, so the config stays loadable by Keras versions before 3.15. */
  protected axesConfig(): InitializerConfig {
    return this.inputAxes === null ? {} : { input_axes: this.inputAxes, output_axes: this.outputAxes };
  }

  override getConfig(): InitializerConfig {
    return { seed: this.seed, scale: this.scale, mode: this.mode, distribution: this.distribution, ...this.axesConfig() };
  }
}

type PresetOptions = { seed?: number | null; inputAxes?: number[] | null; outputAxes?: number[] | null };

/** The named presets write only their seed (and axes), as Keras's subclasses do. */
abstract class VarianceScalingPreset extends VarianceScaling {
  override getConfig(): InitializerConfig {
    return { seed: this.seed, ...this.axesConfig() };
  }
}

/** Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)). Keras's default kernel initializer. */
export class GlorotUniform extends VarianceScalingPreset {
  override readonly className = 'GlorotUniform';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 1, mode: 'fan_avg', distribution: 'uniform' });
  }
}

/** Truncated normal with stddev sqrt(2 / (fan_in + fan_out)). */
export class GlorotNormal extends VarianceScalingPreset {
  override readonly className = 'GlorotNormal';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' });
  }
}

/** Truncated normal with stddev sqrt(2 / fan_in). */
export class HeNormal extends VarianceScalingPreset {
  override readonly className = 'HeNormal';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 2, mode: 'fan_in', distribution: 'truncated_normal' });
  }
}

/** Uniform in [-sqrt(6 / fan_in), sqrt(6 / fan_in)]. */
export class HeUniform extends VarianceScalingPreset {
  override readonly className = 'HeUniform';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 2, mode: 'fan_in', distribution: 'uniform' });
  }
}

/** Truncated normal with stddev sqrt(1 / fan_in). */
export class LecunNormal extends VarianceScalingPreset {
  override readonly className = 'LecunNormal';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 1, mode: 'fan_in', distribution: 'truncated_normal' });
  }
}

/** Uniform in [-sqrt(3 / fan_in), sqrt(3 / fan_in)]. */
export class LecunUniform extends VarianceScalingPreset {
  override readonly className = 'LecunUniform';
  constructor(options: PresetOptions = {}) {
    super({ ...options, scale: 1, mode: 'fan_in', distribution: 'uniform' });
  }
}
