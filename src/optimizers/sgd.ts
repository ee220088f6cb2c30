/** SGD with optional (Nesterov) momentum: keras/src/optimizers/sgd.py. */
import { ValueError } from '../core/errors.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super('SGD', 0.01, options);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`\`momentum\` must be a float between [0, 1]. Received: momentum=${this.momentum}`);
    }
  }

  protected override slotCount(): number {
    return this.momentum !== 0 ? 1 : 0;
  }

  protected override updateStep(g: Float32Array, x: Float32Array, next: Float32Array, slots: Float32Array[], lr: number): void {
    const n = x.length;
    if (this.momentum === 0) {
      for (let i = 0; i < n; i++) next[i] = x[i] - lr * g[i];
      return;
    }
    // m = momentum * m - lr * g;  var += m  (nesterov: var += momentum * m - lr * g)
    const m = slots[0];
    const mu = this.momentum;
    for (let i = 0; i < n; i++) {
      m[i] = mu * m[i] - lr * g[i];
      next[i] = this.nesterov ? x[i] + mu * m[i] - lr * g[i] : x[i] + m[i];
    }
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
