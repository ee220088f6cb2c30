/** LearningRateScheduler (keras/src/callbacks/learning_rate_scheduler.py): lr = schedule(epoch, lr) each epoch. */
import { ValueError } from '../../core/errors.js';
import { Callback, type Logs } from '../callbacks.js';
import { optimizerOf } from './monitor.js';

export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, learningRate: number) => number, readonly verbose: 0 | 1 = 0) {
    super();
  }

  onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this.model, 'LearningRateScheduler');
    const lr = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new ValueError(`The output of the \`schedule\` function should be a finite number. Got: ${String(lr)}`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = optimizerOf(this.model, 'LearningRateScheduler').learningRate;
  }
}
