/** Adamax (Kingma & Ba, 2014, section 7.1) exactly as keras/src/optimizers/adamax.py computes it. */
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super('adamax', 0.001, options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** momentum (m) and norm (u, the exponentially weighted infinity norm). */
  protected override slotCount(): number {
    return 2;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const [m, u] = slots;
    const b1 = this.beta1, b2 = this.beta2;
    const correction = 1 - Math.pow(b1, this.iterations + 1);
    for (let i = 0; i < x.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
      next[i] = x[i] - (lr * m[i]) / (correction * (u[i] + this.epsilon));
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}
