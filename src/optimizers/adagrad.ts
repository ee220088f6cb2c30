/** Adagrad (Duchi et al., 2011) exactly as keras/src/optimizers/adagrad.py computes it. */
import { ValueError } from '../core/errors.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super('adagrad', 0.001, options);
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) {
      throw new ValueError(
        `Argument \`initialAccumulatorValue\` must be non-negative. Received: initialAccumulatorValue=${this.initialAccumulatorValue}`,
      );
    }
  }

  /** accumulator, starting at initial_accumulator_value. */
  protected override slotCount(): number {
    return 1;
  }
  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const [accumulator] = slots;
    // Keras puts epsilon inside the square root: var -= lr * g / sqrt(accumulator + eps).
    for (let i = 0; i < x.length; i++) {
      accumulator[i] += g[i] * g[i];
      next[i] = x[i] - (lr * g[i]) / Math.sqrt(accumulator[i] + this.epsilon);
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
