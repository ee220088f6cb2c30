/** TerminateOnNaN (keras/src/callbacks/terminate_on_nan.py): stop as soon as a batch's loss is NaN or infinite. */
import { Callback, type Logs } from '../callbacks.js';
import { asCallbackModel } from './monitor.js';

export class TerminateOnNaN extends Callback {
  onTrainBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      asCallbackModel(this.model, 'TerminateOnNaN').stopTraining = true;
    }
  }
}
