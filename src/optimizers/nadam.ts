/**
 * Nadam (Dozat, 2016) exactly as keras/src/optimizers/nadam.py computes it: Adam with Nesterov
 * momentum and the momentum schedule u_t = beta_1 * (1 - 0.5 * 0.96^t), whose running product
 * ("u_product") is shared by all variables and advanced once per step.
 */
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** prod_{i <= t} u_i after step t's prepareStep. */
  private uProduct = 1;

  constructor(options: NadamOptions = {}) {
    super('nadam', 0.001, options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  private momentumAt(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }

  protected override prepareStep(): void {
    this.uProduct *= this.momentumAt(this.iterations + 1);
  }

  /** momentum, velocity. */
  protected override slotCount(): number {
    return 2;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const [m, v] = slots;
    const b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
    const t = this.iterations + 1;
    const uT = this.momentumAt(t);
    const uNext = this.momentumAt(t + 1);
    const uProductNext = this.uProduct * uNext;
    const b2Power = Math.pow(b2, t);
    for (let i = 0; i < x.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      const mHat = (uNext * m[i]) / (1 - uProductNext) + ((1 - uT) * g[i]) / (1 - this.uProduct);
      const vHat = v[i] / (1 - b2Power);
      next[i] = x[i] - (mHat * lr) / (Math.sqrt(vHat) + eps);
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}
