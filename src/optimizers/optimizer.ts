/**
 * Optimizer: Keras 3's base optimizer (keras/src/optimizers/base_optimizer.py) without the graph.
 * Updates run on Float32Arrays in plain loops, because they run every training step and need no
 * gradients of their own. Per-variable state ("slots": momentum, velocity, ...) lives in a Map keyed
 * by the Variable object, created lazily on the variable's first update.
 */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { LearningRateSchedule, type ConfigValue } from './schedules.js';

/** Options every optimizer accepts (Keras's base_optimizer keyword arguments that we support). */
export interface OptimizerOptions {
  /** A number, or a schedule evaluated at `iterations` before each step. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: `variable -= variable * weightDecay * learningRate` before each update. */
  weightDecay?: number | null;
  /** Clips each gradient to this L2 norm, one variable at a time. */
  clipnorm?: number | null;
  /** Clips each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Clips all gradients together so that their joint L2 norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
}

/** Keras's optimizer config: snake_case keys, JSON values (a schedule serializes to an object). */
export type OptimizerConfig = Record<string, ConfigValue>;

export type GradientAndVariable = readonly [Tensor, Variable];

export abstract class Optimizer {
  /** A constant learning rate, or null when a schedule sets it. */
  private fixedLearningRate: number | null;
  /** The schedule the optimizer was built with, if any. */
  readonly learningRateSchedule: LearningRateSchedule | null;
  /** How many times applyGradients has run. Adam's bias correction reads it. */
  iterations = 0;
  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  private readonly slots = new Map<Variable, Float32Array[]>();

  protected constructor(defaultName: string, defaultLearningRate: number, options: OptimizerOptions) {
    this.name = options.name ?? defaultName;
    const lr = options.learningRate ?? defaultLearningRate;
    this.learningRateSchedule = lr instanceof LearningRateSchedule ? lr : null;
    this.fixedLearningRate = lr instanceof LearningRateSchedule ? null : lr;
    this.weightDecay = options.weightDecay ?? null;
    this.clipnorm = options.clipnorm ?? null;
    this.clipvalue = options.clipvalue ?? null;
    this.globalClipnorm = options.globalClipnorm ?? null;
    if (this.fixedLearningRate !== null && !Number.isFinite(this.fixedLearningRate)) {
      throw new ValueError(`Argument \`learningRate\` should be a finite number. Received: learningRate=${this.fixedLearningRate}`);
    }
    // Same rule and wording as base_optimizer.py.
    const clipArgs = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clipArgs > 1) {
      throw new ValueError(
        'Only one of `clipnorm`, `clipvalue` and `globalClipnorm` can be set. ' +
          `Received: clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`,
      );
    }
  }

  /** The learning rate the next step uses: the schedule at `iterations`, or the constant. */
  currentLearningRate(): number {
    return this.learningRateSchedule !== null ? this.learningRateSchedule.call(this.iterations) : (this.fixedLearningRate as number);
  }

  /**
   * The learning rate the next step uses. Settable (callbacks such as ReduceLROnPlateau do) unless a
   * schedule drives it, where Keras refuses too.
   */
  get learningRate(): number {
    return this.currentLearningRate();
  }
  set learningRate(value: number) {
    if (this.learningRateSchedule !== null) {
      throw new TypeError(
        'This optimizer was created with a `LearningRateSchedule` object as its `learningRate` constructor argument, ' +
          'hence its learning rate is not settable. If you need the learning rate to be settable, ' +
          'you should instantiate the optimizer with a number `learningRate` argument.',
      );
    }
    if (!Number.isFinite(value)) {
      throw new ValueError(`Argument \`learningRate\` should be a finite number. Received: learningRate=${value}`);
    }
    this.fixedLearningRate = value;
  }

  /**
   * Applies one step: clips the gradients, applies weight decay, updates every variable, then counts
   * the step. Each variable receives a fresh values array, so tensors that captured the old values
   * (for example on a gradient tape) keep them.
   */
  applyGradients(gradsAndVars: readonly GradientAndVariable[]): void {
    this.step(gradsAndVars, false);
  }

  /**
   * The same step, writing each variable's new values into its own array instead of a fresh one (no
   * allocation). Only for callers that know no tensor shares those arrays: the planned Dense-chain
   * step (src/training/plan/), which keeps no tape. `getWeights()` returns copies, so it is unaffected.
   */
  applyGradientsInPlace(gradsAndVars: readonly GradientAndVariable[]): void {
    this.step(gradsAndVars, true);
  }

  private step(gradsAndVars: readonly GradientAndVariable[], inPlace: boolean): void {
    if (gradsAndVars.length === 0) return;
    for (const [g, v] of gradsAndVars) {
      if (g.size !== v.size) {
        throw new ShapeError(
          `${this.name}: the gradient for variable '${v.name}' must have the variable's shape ${formatShape(v.shape)}. ` +
            `Received: gradient.shape=${formatShape(g.shape)}.`,
        );
      }
    }
    const grads = this.clipGradients(gradsAndVars.map(([g]) => g.values));
    const lr = this.currentLearningRate();
    this.prepareStep();
    for (let i = 0; i < gradsAndVars.length; i++) {
      const variable = gradsAndVars[i][1];
      if (this.weightDecay !== null) applyWeightDecay(variable, this.weightDecay * lr, inPlace);
      // Every updateStep reads current[i] before writing next[i], so the two may be one array.
      const next = inPlace ? variable.values : new Float32Array(variable.size);
      this.updateStep(grads[i], variable.values, next, this.slotsFor(variable), lr);
      variable.values = next;
    }
    this.iterations++;
  }

  /**
   * Writes the updated values of one variable into `next`, given its gradient and current values,
   * and updates its slot arrays in place. `next` may be `current` itself (applyGradientsInPlace): read
   * current[i] before writing next[i].
   */
  protected abstract updateStep(
    gradient: Float32Array,
    current: Float32Array,
    next: Float32Array,
    slots: Float32Array[],
    learningRate: number,
  ): void;

  /** Runs once per step before the variables update, for state shared by all of them (Nadam's). */
  protected prepareStep(): void {}

  /**
   * For a kernel that runs this optimizer's whole update itself (Backend.denseTrainStep, from the planned
   * Dense step): this step's learning rate and each variable's slot arrays, which the kernel updates in
   * place; the caller counts the step (`iterations`). Null when clipping or weight decay is set, which such a kernel skips.
   */
  protected externalStep(variables: readonly Variable[]): { learningRate: number; slots: Float32Array[][] } | null {
    const on = (c: number | null) => c !== null && c > 0;
    if (this.weightDecay !== null || on(this.clipnorm) || on(this.clipvalue) || on(this.globalClipnorm)) return null;
    return { learningRate: this.currentLearningRate(), slots: variables.map((v) => this.slotsFor(v)) };
  }

  /** How many zero-initialised slot arrays each variable needs. */
  protected abstract slotCount(): number;

  /** The value slot `k` starts at (Adagrad's accumulator starts at initial_accumulator_value). */
  protected slotInitialValue(_slot: number): number {
    return 0;
  }

  private slotsFor(variable: Variable): Float32Array[] {
    let s = this.slots.get(variable);
    if (s === undefined) {
      s = Array.from({ length: this.slotCount() }, (_, k) => new Float32Array(variable.size).fill(this.slotInitialValue(k)));
      this.slots.set(variable, s);
    }
    return s;
  }

  /** Returns the gradients, clipped as configured (new arrays only where clipping applies). */
  private clipGradients(grads: Float32Array[]): Float32Array[] {
    // Keras treats 0 as "off" (`if self.clipnorm and self.clipnorm > 0`).
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const c = this.clipnorm;
      return grads.map((g) => scaled(g, c / Math.max(l2Norm([g]), c)));
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const c = this.globalClipnorm;
      const scale = c * Math.min(1 / l2Norm(grads), 1 / c);
      return grads.map((g) => scaled(g, scale));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const c = this.clipvalue;
      return grads.map((g) => g.map((x) => Math.min(Math.max(x, -c), c)));
    }
    return grads;
  }

  /** Keras 3's optimizer config (base_optimizer.py get_config), in its key order. */
  getConfig(): OptimizerConfig {
    return {
      name: this.name,
      learning_rate: this.learningRateSchedule !== null ? this.learningRateSchedule.serialize() : this.currentLearningRate(),
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
    };
  }
}

function l2Norm(arrays: Float32Array[]): number {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function scaled(g: Float32Array, factor: number): Float32Array {
  return factor === 1 ? g : g.map((x) => x * factor);
}

function applyWeightDecay(variable: Variable, rate: number, inPlace: boolean): void {
  const x = variable.values;
  const out = inPlace ? x : new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - x[i] * rate;
  variable.values = out;
}
