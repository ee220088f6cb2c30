/** AdamW (Loshchilov & Hutter, 2019): keras/src/optimizers/adamw.py, Adam with decoupled weight decay on by default. */
import { ValueError } from '../core/errors.js';
import { Adam, type AdamOptions } from './adam.js';

export class AdamW extends Adam {
  /** Keras's defaults: weightDecay 0.004, name 'adamw'; weightDecay may not be null. */
  constructor(options: AdamOptions = {}) {
    const weightDecay = options.weightDecay === undefined ? 0.004 : options.weightDecay;
    if (weightDecay === null) {
      throw new ValueError('Argument `weightDecay` must be a float. Received: weightDecay=null');
    }
    super({ ...options, weightDecay, name: options.name ?? 'adamw' });
  }
}
