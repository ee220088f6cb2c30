/** EarlyStopping (keras/src/callbacks/early_stopping.py): stop when a monitored value stops improving. */
import { ValueError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Callback, type Logs } from '../callbacks.js';
import { asCallbackModel, checkMode, copyWeights, monitorGoesUp, monitorValue, restoreWeights, type MonitorMode } from './monitor.js';

export interface EarlyStoppingArgs {
  monitor?: string;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Training stops unless the monitored value beats this. */
  baseline?: number | null;
  /** At the end, put back the weights of the best epoch. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching for improvement (a warm-up). */
  startFromEpoch?: number;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  bestWeights: Tensor[] | null = null;
  private goesUp = false;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError(`EarlyStopping: patience must be a non-negative integer. Received: patience=${this.patience}.`);
    }
    this.verbose = args.verbose ?? 0;
    this.mode = checkMode(args.mode ?? 'auto', 'EarlyStopping');
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
  }

  onTrainBegin(): void {
    // Allows the instance to be reused.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
    this.bestEpoch = 0;
    this.goesUp = monitorGoesUp(this.monitor, this.mode);
    this.best = this.goesUp ? -Infinity : Infinity;
  }

  /** Keras: monitor_op(current - min_delta, reference), with min_delta negated in 'min' mode. */
  private isImprovement(current: number, reference: number): boolean {
    return this.goesUp ? current - this.minDelta > reference : current + this.minDelta < reference;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = monitorValue(logs, this.monitor, 'Early stopping');
    if (current === undefined || epoch < this.startFromEpoch) return;
    const model = asCallbackModel(this.model, 'EarlyStopping');
    if (this.restoreBestWeights && this.bestWeights === null) {
      // If best weights were never set, the current weights are the best.
      this.bestWeights = copyWeights(model);
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = copyWeights(model);
      // Only restart the wait when both the baseline and the previous best are beaten.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      restoreWeights(asCallbackModel(this.model, 'EarlyStopping'), this.bestWeights);
    }
  }
}
