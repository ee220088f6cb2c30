/** RMSprop (Hinton, 2012) exactly as keras/src/optimizers/rmsprop.py computes it. */
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super('rmsprop', 0.001, options);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }

  /** velocity, then momentum and average_gradient when enabled. */
  protected override slotCount(): number {
    return 1 + (this.momentum > 0 ? 1 : 0) + (this.centered ? 1 : 0);
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const velocity = slots[0];
    const momentum = this.momentum > 0 ? slots[1] : undefined;
    const averageGrad = this.centered ? slots[this.momentum > 0 ? 2 : 1] : undefined;
    const rho = this.rho, eps = this.epsilon, mu = this.momentum;
    for (let i = 0; i < x.length; i++) {
      const gi = g[i];
      velocity[i] = rho * velocity[i] + (1 - rho) * gi * gi;
      // Keras puts epsilon inside the square root: lr * g / sqrt(velocity + eps)
      // (centered: sqrt(velocity - average_grad^2 + eps)).
      let denominator = velocity[i] + eps;
      if (averageGrad !== undefined) {
        averageGrad[i] = rho * averageGrad[i] + (1 - rho) * gi;
        denominator = velocity[i] - averageGrad[i] * averageGrad[i] + eps;
      }
      const increment = (lr * gi) / Math.sqrt(denominator);
      if (momentum !== undefined) {
        momentum[i] = mu * momentum[i] + increment;
        next[i] = x[i] - momentum[i];
      } else {
        next[i] = x[i] - increment;
      }
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
