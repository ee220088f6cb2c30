/** Adadelta (Zeiler, 2012) exactly as keras/src/optimizers/adadelta.py computes it. */
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super('adadelta', 0.001, options);
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** accumulated_grad, accumulated_delta_var. */
  protected override slotCount(): number {
    return 2;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const [accumulatedGrad, accumulatedDelta] = slots;
    const rho = this.rho, eps = this.epsilon;
    for (let i = 0; i < x.length; i++) {
      // The denominator uses the accumulator already updated with this gradient (tf.train.adadelta
      // uses the previous one, so it is not an oracle for Keras here).
      accumulatedGrad[i] = rho * accumulatedGrad[i] + (1 - rho) * g[i] * g[i];
      const delta = (-Math.sqrt(accumulatedDelta[i] + eps) * g[i]) / Math.sqrt(accumulatedGrad[i] + eps);
      accumulatedDelta[i] = rho * accumulatedDelta[i] + (1 - rho) * delta * delta;
      next[i] = x[i] + lr * delta;
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
