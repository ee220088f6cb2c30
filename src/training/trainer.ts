/**
 * compile / fit / evaluate / predict (Keras's Trainer). Works on any model that can run its graph
 * forward; it does not know about layers or graphs itself.
 */
import { ValueError } from '../core/errors.js';
import { randomFloat } from '../core/random.js';
import { valueAndGrads, noGrad } from '../ops/grad.js';
import * as ops from '../ops/index.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import { checkLossShapes, getLoss, reduceLoss, type LossFn } from '../losses/index.js';
import { getMetric, Mean, type Metric } from '../metrics/index.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { CallbackList, History, ProgbarLogger, type CallbackLike, type Logs } from './callbacks.js';
import { checkData, gatherRows, splitForValidation, toTensorList, type DataLike } from './data.js';

export type { DataLike } from './data.js';
export { History } from './callbacks.js';

/** What the trainer needs of a model. */
export interface TrainableModel {
  readonly name: string;
  readonly inputs: { shape: (number | null)[] }[];
  readonly outputs: { shape: (number | null)[] }[];
  readonly outputNames: string[];
  readonly trainableWeights: Variable[];
  stopTraining: boolean;
  ensureBuilt(inputShapes?: (number | null)[][]): void;
  forward(xs: Tensor[], training: boolean): Tensor[];
}

type LossId = string | LossFn;
export interface CompileArgs {
  optimizer?: string | Optimizer;
  /** One loss for every output, a list (one per output), or an object keyed by output name. */
  loss: LossId | LossId[] | Record<string, LossId>;
  /** Metric names for every output, or an object keyed by output name. */
  metrics?: string[] | Record<string, string | string[]>;
  lossWeights?: number[] | Record<string, number>;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2 | 'auto';
  validationSplit?: number;
  validationData?: [DataLike, DataLike];
  shuffle?: boolean;
  callbacks?: CallbackLike[];
  initialEpoch?: number;
  /** Where the progress bar writes (defaults to stdout). */
  printFn?: (text: string) => void;
}
export interface EvaluateArgs { batchSize?: number; verbose?: 0 | 1 }
export interface PredictArgs { batchSize?: number }

interface OutputSpec { name: string; lossName: string; loss: LossFn; weight: number; metrics: Metric[] }

function perOutput<T>(value: T | T[] | Record<string, T> | undefined, names: string[], what: string): (T | undefined)[] {
  if (value === undefined) return names.map(() => undefined);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ValueError(`compile: \`${what}\` has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')}).`);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null && !(typeof value === 'function')) {
    const rec = value as Record<string, T>;
    for (const k of Object.keys(rec)) {
      if (!names.includes(k)) throw new ValueError(`compile: \`${what}\` names an unknown output '${k}'. Outputs: ${names.join(', ')}.`);
    }
    return names.map((n) => rec[n]);
  }
  return names.map(() => value as T);
}

export class Trainer {
  readonly optimizer: Optimizer | null;
  private readonly outputs: OutputSpec[];

  constructor(private readonly model: TrainableModel, args: CompileArgs | null) {
    if (args === null) {
      this.optimizer = null;
      this.outputs = [];
      return;
    }
    this.optimizer = getOptimizer(args.optimizer ?? 'rmsprop');
    const names = model.outputNames;
    const losses = perOutput<LossId>(args.loss, names, 'loss');
    const weights = perOutput<number>(args.lossWeights, names, 'lossWeights');
    const metricLists: (string | string[] | undefined)[] = Array.isArray(args.metrics)
      ? names.map(() => args.metrics as string[])
      : perOutput<string | string[]>(args.metrics as Record<string, string | string[]> | undefined, names, 'metrics');
    this.outputs = names.map((name, i) => {
      const lossId = losses[i];
      if (lossId === undefined) throw new ValueError(`compile: no loss given for output '${name}'.`);
      const lossName = typeof lossId === 'string' ? lossId : (lossId.name || 'custom_loss');
      const ms = metricLists[i];
      return {
        name,
        lossName,
        loss: getLoss(lossId),
        weight: weights[i] ?? 1,
        metrics: (ms === undefined ? [] : Array.isArray(ms) ? ms : [ms]).map((m) => getMetric(m, lossName)),
      };
    });
  }

  private prefix(o: OutputSpec): string {
    return this.outputs.length > 1 ? `${o.name}_` : '';
  }

  private checkTargets(ys: Tensor[]): void {
    this.outputs.forEach((o, i) => {
      const predShape = this.model.outputs[i].shape;
      checkLossShapes(o.lossName, ys[i].shape, predShape);
    });
  }

  /** Loss of one batch: weighted sum over outputs; also returns each output's loss and the predictions. */
  private batchLoss(xs: Tensor[], ys: Tensor[], training: boolean): { total: Tensor; parts: Tensor[]; preds: Tensor[] } {
    const preds = this.model.forward(xs, training);
    const parts = this.outputs.map((o, i) => reduceLoss(o.loss(ys[i], preds[i])));
    let total = ops.multiply(parts[0], this.outputs[0].weight);
    for (let i = 1; i < parts.length; i++) total = ops.add(total, ops.multiply(parts[i], this.outputs[i].weight));
    return { total, parts, preds };
  }

  private makeTrackers(): { loss: Mean; parts: Mean[] } {
    for (const o of this.outputs) for (const m of o.metrics) m.resetState();
    return { loss: new Mean('loss'), parts: this.outputs.map((o) => new Mean(`${o.name}_loss`)) };
  }

  private logs(trackers: { loss: Mean; parts: Mean[] }, prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: trackers.loss.result() };
    if (this.outputs.length > 1) this.outputs.forEach((o, i) => (logs[`${prefix}${o.name}_loss`] = trackers.parts[i].result()));
    for (const o of this.outputs) for (const m of o.metrics) logs[`${prefix}${this.prefix(o)}${m.name}`] = m.result();
    return logs;
  }

  private track(trackers: { loss: Mean; parts: Mean[] }, total: Tensor, parts: Tensor[], preds: Tensor[], ys: Tensor[]): void {
    const n = ys[0].shape[0];
    trackers.loss.updateState(total.values[0], n);
    parts.forEach((p, i) => trackers.parts[i].updateState(p.values[0], n));
    this.outputs.forEach((o, i) => { for (const m of o.metrics) m.updateState(ys[i], preds[i]); });
  }

  async fit(x: DataLike, y: DataLike | undefined, args: FitArgs): Promise<History> {
    if (!this.optimizer) throw new ValueError('You must call compile() before fit().');
    if (y === undefined) throw new ValueError('fit() needs targets: model.fit(x, y, {...}).');
    const epochs = args.epochs ?? 1;
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`epochs must be a non-negative integer. Received: ${epochs}.`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batchSize must be a positive integer. Received: ${batchSize}.`);
    let xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    let ys = toTensorList(y, this.outputs.length, 'output');
    checkData(xs, ys);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    this.checkTargets(ys);

    let valXs: Tensor[] | null = null;
    let valYs: Tensor[] | null = null;
    if (args.validationData) {
      valXs = toTensorList(args.validationData[0], xs.length, 'input');
      valYs = toTensorList(args.validationData[1], ys.length, 'output');
      checkData(valXs, valYs);
    } else if (args.validationSplit) {
      const { train, val } = splitForValidation([...xs, ...ys], args.validationSplit);
      xs = train.slice(0, xs.length);
      ys = train.slice(xs.length);
      valXs = val.slice(0, xs.length);
      valYs = val.slice(xs.length);
    }

    const n = xs[0].shape[0];
    const steps = Math.ceil(n / batchSize);
    const verbose = args.verbose === undefined || args.verbose === 'auto' ? 1 : args.verbose;
    const history = new History();
    const callbacks = new CallbackList([
      history,
      ...(verbose ? [new ProgbarLogger(verbose, args.printFn ? { write: args.printFn, dynamic: false } : {})] : []),
      ...(args.callbacks ?? []),
    ]);
    callbacks.setModel(this.model);
    callbacks.setParams({ epochs, steps, verbose });
    const weights = this.model.trainableWeights;
    const optimizer = this.optimizer;
    this.model.stopTraining = false;

    await callbacks.call('onTrainBegin', {});
    const order = new Int32Array(n);
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs; epoch++) {
      await callbacks.call('onEpochBegin', epoch, {});
      for (let i = 0; i < n; i++) order[i] = i;
      if (args.shuffle ?? true) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(randomFloat() * (i + 1));
          const t = order[i]; order[i] = order[j]; order[j] = t;
        }
      }
      const trackers = this.makeTrackers();
      for (let step = 0; step < steps; step++) {
        await callbacks.call('onTrainBatchBegin', step, {});
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        const xb = xs.map((t) => gatherRows(t, order, start, end));
        const yb = ys.map((t) => gatherRows(t, order, start, end));
        let parts: Tensor[] = [];
        let preds: Tensor[] = [];
        const { value, grads } = valueAndGrads(() => {
          const r = this.batchLoss(xb, yb, true);
          parts = r.parts;
          preds = r.preds;
          return r.total;
        }, weights);
        optimizer.applyGradients(grads.map((g, i) => [g, weights[i]] as const));
        this.track(trackers, value, parts, preds, yb);
        await callbacks.call('onTrainBatchEnd', step, this.logs(trackers));
      }
      const logs = this.logs(trackers);
      if (valXs && valYs) Object.assign(logs, this.evaluateLogs(valXs, valYs, batchSize, 'val_'));
      await callbacks.call('onEpochEnd', epoch, logs);
      // Let timers and I/O run between epochs (a browser page stays responsive).
      await new Promise((r) => setImmediate(r));
      if (this.model.stopTraining) break;
    }
    await callbacks.call('onTrainEnd', {});
    return history;
  }

  private evaluateLogs(xs: Tensor[], ys: Tensor[], batchSize: number, prefix: string): Logs {
    const n = xs[0].shape[0];
    const idx = Array.from({ length: n }, (_, i) => i);
    const trackers = this.makeTrackers();
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const xb = xs.map((t) => gatherRows(t, idx, start, end));
        const yb = ys.map((t) => gatherRows(t, idx, start, end));
        const { total, parts, preds } = this.batchLoss(xb, yb, false);
        this.track(trackers, total, parts, preds, yb);
      }
    });
    return this.logs(trackers, prefix);
  }

  /** Returns the loss, or [loss, ...per-output losses, ...metrics] when there is more than one value (Keras's order). */
  evaluate(x: DataLike, y: DataLike | undefined, args: EvaluateArgs): number | number[] {
    if (!this.optimizer) throw new ValueError('You must call compile() before evaluate().');
    if (y === undefined) throw new ValueError('evaluate() needs targets: model.evaluate(x, y).');
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    const ys = toTensorList(y, this.outputs.length, 'output');
    checkData(xs, ys);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    this.checkTargets(ys);
    const values = Object.values(this.evaluateLogs(xs, ys, args.batchSize ?? 32, ''));
    return values.length === 1 ? values[0] : values;
  }

  predict(x: DataLike, args: PredictArgs): Tensor | Tensor[] {
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    checkData(xs, null);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    const n = xs[0].shape[0];
    const batchSize = args.batchSize ?? 32;
    const idx = Array.from({ length: n }, (_, i) => i);
    const chunks: Tensor[][] = [];
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        chunks.push(this.model.forward(xs.map((t) => gatherRows(t, idx, start, end)), false));
      }
    });
    const outs = chunks[0].map((_, o) => (chunks.length === 1 ? chunks[0][o] : ops.concatenate(chunks.map((c) => c[o]), 0)));
    return outs.length === 1 ? outs[0] : outs;
  }
}
