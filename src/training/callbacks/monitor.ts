/** What the built-in callbacks use of a model, and how they read a monitored value. */
import { ValueError } from '../../core/errors.js';
import { Tensor, type Variable } from '../../tensor/tensor.js';
import type { Logs } from '../callbacks.js';

/** The parts of a model the callbacks touch (Model has all of them). */
export interface CallbackModel {
  stopTraining: boolean;
  optimizer?: { learningRate: number } | null;
  weights?: Variable[];
  getWeights?(): Tensor[];
  setWeights?(weights: Tensor[]): void;
}

export type MonitorMode = 'auto' | 'min' | 'max';

export function asCallbackModel(model: unknown, who: string): CallbackModel {
  if (model === null || typeof model !== 'object' || !('stopTraining' in model)) {
    throw new ValueError(`${who} needs a model: it runs inside model.fit({ callbacks: [...] }).`);
  }
  return model as CallbackModel;
}

/** The optimizer whose learning rate a schedule callback sets. */
export function optimizerOf(model: unknown, who: string): { learningRate: number } {
  const opt = asCallbackModel(model, who).optimizer;
  if (!opt || typeof opt.learningRate !== 'number') {
    throw new ValueError(`${who}: the model's optimizer has no numeric \`learningRate\`. Compile the model with an optimizer first.`);
  }
  return opt;
}

/** Whether larger is better for `monitor` in 'auto' mode: accuracy-like metrics go up, losses and errors down. */
export function monitorGoesUp(monitor: string, mode: MonitorMode): boolean {
  if (mode === 'min') return false;
  if (mode === 'max') return true;
  const name = monitor.replace(/^val_/, '');
  return /acc|auc|precision|recall|top_k/.test(name);
}

export function checkMode(mode: string, who: string): MonitorMode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
    throw new ValueError(`${who}: mode must be one of 'auto', 'min', 'max'. Received: mode=${mode}.`);
  }
  return mode;
}

/** The monitored value, or undefined with Keras's warning when the logs lack it. */
export function monitorValue(logs: Logs, monitor: string, who: string): number | undefined {
  const v = logs[monitor];
  if (v === undefined) {
    console.warn(`${who} conditioned on metric \`${monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
  }
  return v;
}

/** Copies of all the model's weights, in `model.weights` order. */
export function copyWeights(model: CallbackModel): Tensor[] {
  if (model.getWeights) return model.getWeights();
  return (model.weights ?? []).map((v) => new Tensor(Float32Array.from(v.values), v.shape));
}

export function restoreWeights(model: CallbackModel, weights: Tensor[]): void {
  if (model.setWeights) model.setWeights(weights);
  else (model.weights ?? []).forEach((v, i) => v.assign(weights[i]));
}
