/**
 * Learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py): functions of
 * the optimizer's step count. An optimizer given one evaluates it at `iterations` (0 on the first
 * step) before each update, as Keras's base optimizer does.
 */
import { ValueError } from '../core/errors.js';

/** A JSON value in a Keras config. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

export abstract class LearningRateSchedule {
  /** The learning rate at optimizer step `step` (0, 1, 2, ...). */
  abstract call(step: number): number;

  /** Keras's config: the constructor's arguments, snake_case. */
  abstract getConfig(): Record<string, ConfigValue>;

  /** keras.optimizers.schedules.serialize: what an optimizer's config holds under learning_rate. */
  serialize(): Record<string, ConfigValue> {
    return { module: 'keras.optimizers.schedules', class_name: this.constructor.name, config: this.getConfig(), registered_name: null };
  }
}

function checkDecaySteps(name: string, decaySteps: number): void {
  if (!(decaySteps > 0)) {
    throw new ValueError(`Argument \`${name}\` must be > 0. Received: ${name}=${decaySteps}`);
  }
}

/** initialLearningRate * decayRate ^ (step / decaySteps), the exponent floored when `staircase`. */
export class ExponentialDecay extends LearningRateSchedule {
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'ExponentialDecay',
  ) {
    super();
    checkDecaySteps('decay_steps', decaySteps);
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }

  getConfig(): Record<string, ConfigValue> {
    return {
      initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate,
      staircase: this.staircase, name: this.name,
    };
  }
}

/** values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], then values[-1]. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(boundaries: readonly number[], values: readonly number[], readonly name = 'PiecewiseConstant') {
    super();
    if (boundaries.length !== values.length - 1) {
      throw new ValueError(
        'The length of boundaries should be 1 less than the length of values. ' +
          `Received: boundaries=[${boundaries.join(', ')}] of length ${boundaries.length}, ` +
          `and values=[${values.join(', ')}] of length ${values.length}.`,
      );
    }
    this.boundaries = [...boundaries];
    this.values = [...values];
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i];
  }

  getConfig(): Record<string, ConfigValue> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface CosineDecayOptions {
  /** Minimum learning rate, as a fraction of the rate the decay starts from. */
  alpha?: number;
  name?: string;
  /** If set, the rate first rises linearly from initialLearningRate to this over `warmupSteps`. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/**
 * Optional linear warmup, then cosine decay from the warmup target (or initialLearningRate) to
 * alpha times it over `decaySteps`, constant afterwards (Loshchilov & Hutter, SGDR, 2017).
 */
export class CosineDecay extends LearningRateSchedule {
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(readonly initialLearningRate: number, readonly decaySteps: number, options: CosineDecayOptions = {}) {
    super();
    checkDecaySteps('decay_steps', decaySteps);
    this.alpha = options.alpha ?? 0;
    this.name = options.name ?? 'CosineDecay';
    this.warmupTarget = options.warmupTarget ?? null;
    this.warmupSteps = options.warmupSteps ?? 0;
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, ConfigValue> {
    return {
      initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name,
      warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps,
    };
  }
}
