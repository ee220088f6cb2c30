/** Adam (Kingma & Ba, 2014) exactly as keras/src/optimizers/adam.py computes it. */
import type { Variable } from '../tensor/tensor.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

/** One Adam step for a kernel that runs it (Adam.fusedStep). */
export interface FusedAdamStep {
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  momentum: Float32Array[];
  velocity: Float32Array[];
}

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}) {
    super('adam', 0.001, options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.amsgrad = options.amsgrad ?? false;
  }

  /** momentum, velocity (and velocity_hat with amsgrad), as Keras names them. */
  protected override slotCount(): number {
    return this.amsgrad ? 3 : 2;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const [m, v, vHat] = slots;
    const b1 = this.beta1, b2 = this.beta2, eps = this.epsilon;
    // Keras folds the bias corrections into the step size and adds epsilon to the uncorrected
    // sqrt(v) ("epsilon hat" in the paper), unlike tf.train.adam, which adds it to sqrt(v_hat).
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
    const c1 = 1 - b1, c2 = 1 - b2;
    const f32 = Math.fround;
    // Each slot value is rounded to float32 as its array stores it, and reused from a local.
    for (let i = 0; i < x.length; i++) {
      const gi = g[i];
      const mi = f32(m[i] + (gi - m[i]) * c1);
      const vi = f32(v[i] + (gi * gi - v[i]) * c2);
      m[i] = mi;
      v[i] = vi;
      let denom = vi;
      if (vHat !== undefined) {
        if (vi > vHat[i]) vHat[i] = vi;
        denom = vHat[i];
      }
      next[i] = x[i] - (mi * alpha) / (Math.sqrt(denom) + eps);
    }
  }

  /**
   * This step as numbers, for a kernel that runs the update whole (Backend.denseTrainStep): alpha, the betas,
   * epsilon and each variable's momentum and velocity, which the caller updates in place; the caller counts
   * the step (`iterations`) once it ran. Null with amsgrad, clipping or weight decay.
   */
  fusedStep(variables: readonly Variable[]): FusedAdamStep | null {
    const state = this.amsgrad ? null : this.externalStep(variables);
    if (state === null) return null;
    const t = this.iterations + 1;
    const alpha = (state.learningRate * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    return {
      alpha, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon,
      momentum: state.slots.map((s) => s[0]), velocity: state.slots.map((s) => s[1]),
    };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
