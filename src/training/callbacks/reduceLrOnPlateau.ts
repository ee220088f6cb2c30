/** ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py): lr *= factor after `patience` flat epochs. */
import { ValueError } from '../../core/errors.js';
import { Callback, type Logs } from '../callbacks.js';
import { checkMode, monitorValue, optimizerOf, type MonitorMode } from './monitor.js';

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** new_lr = lr * factor; must be < 1. */
  factor?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (this.factor >= 1) throw new ValueError(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${this.factor}`);
    this.patience = args.patience ?? 10;
    this.verbose = args.verbose ?? 0;
    this.mode = checkMode(args.mode ?? 'auto', 'ReduceLROnPlateau');
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
  }

  /** Keras's rule here (unlike EarlyStopping's): 'auto' maximises only when the name contains 'acc'. */
  private get goesUp(): boolean {
    return this.mode === 'max' || (this.mode === 'auto' && this.monitor.includes('acc'));
  }

  private isImprovement(current: number): boolean {
    return this.goesUp ? current > this.best + this.minDelta : current < this.best - this.minDelta;
  }

  onTrainBegin(): void {
    this.best = this.goesUp ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = optimizerOf(this.model, 'ReduceLROnPlateau');
    logs.learning_rate = optimizer.learningRate;
    const current = monitorValue(logs, this.monitor, 'Learning rate reduction');
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const oldLr = optimizer.learningRate;
        if (oldLr > Math.fround(this.minLr)) {
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          optimizer.learningRate = newLr;
          if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
