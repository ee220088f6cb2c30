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
import { Tensor, type Variable } from '../tensor/tensor.js';
import { CallbackList, History, ProgbarLogger, type CallbackLike, type Logs } from './callbacks.js';
import {
  BatchReader, batchShape, checkData, classWeightToSampleWeight, gatherRows, isBatchSource, RowBatch, splitForValidation,
  toSampleWeight, toTensorList, type BatchSource, type DataLike, type TensorBatch,
} from './data.js';
import type { TensorLike } from '../ops/convert.js';
import { DenseChainPlan, isPlannable, type DenseLink } from './plan/denseChain.js';
import { LayerChainPlan, lowerChain, type ChainLink } from './plan/layerChain.js';
import { fusedLoss, lossAndGradient, plannedLoss, type PlannedLoss } from './plan/losses.js';

export type { DataLike, Batch, BatchSource } from './data.js';
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
  /** Regularization penalties of the current weights (and of the last forward pass), added to the loss. */
  regularizationLosses?(): Tensor[];
  /** Projects constrained weights; called after every optimizer step. */
  applyConstraints?(): void;
  /**
   * The model as a chain of Dense layers, input first, when it is exactly that (one rank-2 input, one
   * output, no regularizers, constraints or other layers); null otherwise. Lets the trainer run planned steps.
   */
  denseChain?(): DenseLink[] | null;
  /** The model as a chain of single-input, single-output layers with known shapes; null otherwise (see Model). */
  layerChain?(): ChainLink[] | null;
}

/** A planned step: a Dense chain's, or a chain of layers the layer plan runs. */
type Plan = DenseChainPlan | LayerChainPlan;

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
  /** [x, y], [x, y, sampleWeight], or a generator of validation batches. */
  validationData?: [DataLike, DataLike] | [DataLike, DataLike, TensorLike] | BatchSource;
  /** Batches to draw from a validation generator each epoch (default: until it ends). */
  validationSteps?: number;
  /** Batches per epoch when `x` is a generator; required for an endless one. */
  stepsPerEpoch?: number;
  /** One weight per sample, shape (n,): the loss becomes sum(w * loss) / n (Keras's sum_over_batch_size). */
  sampleWeight?: TensorLike;
  /** Weight per class index, turned into sample weights from the targets (single-output models). */
  classWeight?: Record<number, number>;
  shuffle?: boolean;
  callbacks?: CallbackLike[];
  initialEpoch?: number;
  /** Where the progress bar writes (defaults to stdout). */
  printFn?: (text: string) => void;
  /**
   * Internal: `false` forces the generic (tape) path even where a planned step applies (a chain of
   * Dense layers with a named loss; see src/training/plan/), and Keras's op chain for a named loss where
   * the generic step would run it as one tape node (fusedLoss). Tests use it to compare the two.
   */
  planned?: boolean;
}
export interface EvaluateArgs { batchSize?: number; verbose?: 0 | 1; sampleWeight?: TensorLike; planned?: boolean }
export interface BatchArgs { sampleWeight?: TensorLike; classWeight?: Record<number, number> }
export interface PredictArgs { batchSize?: number; planned?: boolean }

type Trackers = { loss: Mean; parts: Mean[] };

/** Rows per forward call when a plan evaluates (rounded down to whole batches). */
const EVALUATION_ROWS = 1024;

/** What fit iterates: each epoch's batches, and validation held out of the arrays. */
interface EpochSource {
  /** Batches per epoch; null until a generator without stepsPerEpoch has made one pass. */
  steps: number | null;
  heldOut: TensorBatch | null;
  /** Whether a generator ended before stepsPerEpoch batches. */
  ranOut(): boolean;
  epoch(): Iterable<TensorBatch> | AsyncIterable<TensorBatch>;
}

/** Keras's warning when a generator cannot supply steps_per_epoch * epochs batches. */
function warnRanOut(epochs: number, steps: number | null): void {
  console.warn(
    'Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least ' +
      `stepsPerEpoch * epochs batches${steps ? ` (in this case, ${steps * epochs} batches)` : ''}.`,
  );
}

/** Keras returns a lone loss as a number, several values as a list in logs order. */
function flattenLogs(logs: Logs): number | number[] {
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}

interface OutputSpec {
  name: string;
  lossName: string;
  loss: LossFn;
  /** The loss as a planned step computes it, when it was given by a name the plan knows. */
  planned: PlannedLoss | null;
  weight: number;
  metrics: Metric[];
}

/** Plans by model, kept across Trainers (predict before compile makes a Trainer per call). */
const plans = new WeakMap<TrainableModel, Plan>();

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

/** Rows [start, end) of a tensor as a view of its values. */
function rowsOf(t: Tensor, start: number, end: number): Tensor {
  const per = t.shape.slice(1).reduce((p, d) => p * d, 1);
  return new Tensor(t.values.subarray(start * per, end * per), [end - start, ...t.shape.slice(1)]);
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
        planned: plannedLoss(lossId),
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
  private batchLoss(xs: Tensor[], ys: Tensor[], training: boolean, sampleWeight: Tensor | null = null, fused = false):
    { total: Tensor; parts: Tensor[]; preds: Tensor[] } {
    const preds = this.model.forward(xs, training);
    // With `fused`, a loss given by name runs as one tape node where its shapes allow (plan/losses.ts fusedLoss).
    const parts = this.outputs.map((o, i) => (fused && o.planned !== null && sampleWeight === null
      ? fusedLoss(o.planned, ys[i], preds[i]) : null) ?? reduceLoss(o.loss(ys[i], preds[i]), sampleWeight ?? undefined));
    let total = ops.multiply(parts[0], this.outputs[0].weight);
    for (let i = 1; i < parts.length; i++) total = ops.add(total, ops.multiply(parts[i], this.outputs[i].weight));
    // Keras's compute_loss adds model.losses (regularization penalties) to the total.
    for (const penalty of this.model.regularizationLosses?.() ?? []) total = ops.add(total, ops.sum(penalty));
    return { total, parts, preds };
  }

  /** Sample weights for a batch: the given ones, or those from `classWeight` (Keras refuses both at once). */
  private sampleWeightFor(batch: { ys: Tensor[] }, sampleWeight: Tensor | null, classWeight: Record<number, number> | undefined): Tensor | null {
    if (!classWeight) return sampleWeight;
    if (sampleWeight) throw new ValueError('You cannot use `classWeight` and `sampleWeight` at the same time.');
    if (this.outputs.length > 1) throw new ValueError('`classWeight` is only supported for models with a single output.');
    return classWeightToSampleWeight(batch.ys[0], classWeight);
  }

  /**
   * The planned step for this model when it is a chain of Dense layers (and, with `withLoss`, has one
   * output whose loss the plan knows); null means the generic path. `planned: false` forces that.
   */
  private planFor(planned: boolean | undefined, withLoss: boolean): Plan | null {
    if (planned === false) return null;
    if (withLoss && (this.outputs.length !== 1 || this.outputs[0].planned === null)) return null;
    const known = plans.get(this.model);
    const chain = this.model.denseChain?.() ?? null;
    if (chain !== null && isPlannable(chain)) {
      if (known instanceof DenseChainPlan && known.matches(chain)) return known;
      const plan = new DenseChainPlan(chain);
      plans.set(this.model, plan);
      return plan;
    }
    // Other chains (convolutions, pooling, dropout): one backend program per step (plan/layerChain.ts).
    const links = this.model.layerChain?.() ?? null;
    if (links === null) return null;
    if (known instanceof LayerChainPlan && known.matches(links)) return known;
    const stages = lowerChain(links);
    if (stages === null) return null;
    const plan = new LayerChainPlan(links, stages);
    plans.set(this.model, plan);
    return plan;
  }

  /** Whether a plan runs this batch: no sample weights, inputs (rows, inputDim), targets the loss's size. */
  private fitsPlan(plan: Plan, batch: TensorBatch): boolean {
    const x = batchShape(batch, 'xs', 0)!;
    const inputs = batch instanceof RowBatch ? batch.sources.xs.length : batch.xs.length;
    const shape = plan.inputShape;
    if (batch.sampleWeight || inputs !== 1 || x.length !== shape.length + 1 || x[0] === 0
      || shape.some((d, i) => x[i + 1] !== d)) return false;
    const y = batchShape(batch, 'ys', 0);
    if (y === undefined) return true;
    const perRow = this.outputs[0].planned === 'sparse_categorical_crossentropy' ? 1 : plan.outputDim;
    return y.length >= 1 && y[0] === x[0] && y.reduce((p, d) => p * d, 1) === x[0] * perRow;
  }

  /** Tracks a planned batch as `track` does a generic one: the loss (float32, as the tape's), then metrics. */
  private trackPlanned(trackers: Trackers, part: number, output: Float32Array, yTrue: Tensor, plan: Plan): void {
    const o = this.outputs[0];
    const rows = yTrue.shape[0];
    trackers.loss.updateState(Math.fround(part * o.weight), rows);
    trackers.parts[0].updateState(part, rows);
    if (o.metrics.length === 0) return;
    const preds = new Tensor(output, [rows, plan.outputDim]);
    for (const m of o.metrics) m.updateState(yTrue, preds);
  }

  /** A planned batch's inputs and targets as flat arrays: a RowBatch's rows gathered into the plan's buffers. */
  private plannedArrays(plan: Plan, batch: TensorBatch): { x: Float32Array; y: Tensor; rows: number } {
    if (!(batch instanceof RowBatch)) return { x: batch.xs[0].values, y: batch.ys[0], rows: batch.xs[0].shape[0] };
    const { sources, order, start, end } = batch;
    const [xSource, ySource] = [sources.xs[0], sources.ys[0]];
    const x = plan.gather(0, xSource.values, xSource.size / xSource.shape[0], order, start, end);
    const y = plan.gather(1, ySource.values, ySource.size / ySource.shape[0], order, start, end);
    return { x, y: new Tensor(y, [end - start, ...ySource.shape.slice(1)]), rows: end - start };
  }

  /**
   * One optimizer step on a batch; constraints are applied after the update, as Keras's optimizer does.
   * `fuseLoss`: named losses as one tape node (fit's default; `planned: false` keeps Keras's op chain).
   */
  private trainStep(batch: TensorBatch, trackers: Trackers, plan: Plan | null = null, fuseLoss = false): void {
    if (plan && this.fitsPlan(plan, batch)) {
      const o = this.outputs[0];
      const { x, y, rows } = this.plannedArrays(plan, batch);
      const { loss, output } = plan.trainStep(x, y.values, rows, o.planned!, o.weight, this.optimizer!);
      this.model.applyConstraints?.();
      this.trackPlanned(trackers, loss, output, y, plan);
      return;
    }
    const weights = this.model.trainableWeights;
    let parts: Tensor[] = [];
    let preds: Tensor[] = [];
    const { value, grads } = valueAndGrads(() => {
      const r = this.batchLoss(batch.xs, batch.ys, true, batch.sampleWeight, fuseLoss);
      parts = r.parts;
      preds = r.preds;
      return r.total;
    }, weights);
    this.optimizer!.applyGradients(grads.map((g, i) => [g, weights[i]] as const));
    this.model.applyConstraints?.();
    this.track(trackers, value, parts, preds, batch.ys);
  }

  private makeTrackers(): Trackers {
    for (const o of this.outputs) for (const m of o.metrics) m.resetState();
    return { loss: new Mean('loss'), parts: this.outputs.map((o) => new Mean(`${o.name}_loss`)) };
  }

  private logs(trackers: Trackers, prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: trackers.loss.result() };
    if (this.outputs.length > 1) this.outputs.forEach((o, i) => (logs[`${prefix}${o.name}_loss`] = trackers.parts[i].result()));
    for (const o of this.outputs) for (const m of o.metrics) logs[`${prefix}${this.prefix(o)}${m.name}`] = m.result();
    return logs;
  }

  private track(trackers: Trackers, total: Tensor, parts: Tensor[], preds: Tensor[], ys: Tensor[]): void {
    const n = ys[0].shape[0];
    trackers.loss.updateState(total.values[0], n);
    parts.forEach((p, i) => trackers.parts[i].updateState(p.values[0], n));
    this.outputs.forEach((o, i) => { for (const m of o.metrics) m.updateState(ys[i], preds[i]); });
  }

  /**
   * Keras's fit: arrays (x, y) cut into shuffled batches, or a generator of batches (x is the source,
   * y is not given) with `stepsPerEpoch` batches per epoch (one pass per epoch when it is not given).
   */
  async fit(x: DataLike | BatchSource, y: DataLike | undefined, args: FitArgs): Promise<History> {
    if (!this.optimizer) throw new ValueError('You must call compile() before fit().');
    const epochs = args.epochs ?? 1;
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`epochs must be a non-negative integer. Received: ${epochs}.`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batchSize must be a positive integer. Received: ${batchSize}.`);
    for (const key of ['stepsPerEpoch', 'validationSteps'] as const) {
      const v = args[key];
      if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new ValueError(`${key} must be a positive integer. Received: ${v}.`);
    }
    const data = isBatchSource(x) ? this.sourceEpochs(x, y, args) : this.arrayEpochs(x, y, args);
    const validate = this.validation(args, data.heldOut, batchSize);

    let steps = data.steps;
    const verbose = args.verbose === undefined || args.verbose === 'auto' ? 1 : args.verbose;
    const history = new History();
    // Keras's order: the user's callbacks, then History, then the progress bar (so they see logs the others add).
    const callbacks = new CallbackList([
      ...(args.callbacks ?? []),
      history,
      ...(verbose ? [new ProgbarLogger(verbose, args.printFn ? { write: args.printFn, dynamic: false } : {})] : []),
    ]);
    callbacks.setModel(this.model);
    callbacks.setParams({ epochs, steps, verbose });
    this.model.stopTraining = false;

    // Resolved at the first batch: a Sequential given no input shape builds from it.
    let plan: Plan | null | undefined;
    // Per-batch hooks nobody defines cost nothing (no logs built, no await).
    const batchBegin = callbacks.has('onTrainBatchBegin');
    const batchEnd = callbacks.has('onTrainBatchEnd');
    await callbacks.call('onTrainBegin', {});
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs; epoch++) {
      await callbacks.call('onEpochBegin', epoch, {});
      const trackers = this.makeTrackers();
      let step = 0;
      for await (const batch of data.epoch()) {
        if (batchBegin) await callbacks.call('onTrainBatchBegin', step, {});
        const sampleWeight = this.sampleWeightFor(batch, batch.sampleWeight, args.classWeight);
        if (plan === undefined) plan = this.planFor(args.planned, true);
        // The batch itself when its weights stand (a RowBatch's rows are gathered only if the generic path runs).
        this.trainStep(sampleWeight === batch.sampleWeight ? batch : { xs: batch.xs, ys: batch.ys, sampleWeight }, trackers, plan,
          args.planned !== false);
        if (batchEnd) await callbacks.call('onTrainBatchEnd', step, this.logs(trackers));
        step++;
        if (this.model.stopTraining) break;
      }
      if (step === 0) {
        warnRanOut(epochs, steps);
        break;
      }
      if (steps === null) {
        // A finite generator without stepsPerEpoch: one pass is one epoch, now of known length.
        steps = step;
        callbacks.setParams({ epochs, steps, verbose });
      }
      const logs = this.logs(trackers);
      if (validate) Object.assign(logs, await validate());
      await callbacks.call('onEpochEnd', epoch, logs);
      // Let timers and I/O run between epochs (a browser page stays responsive).
      await new Promise((r) => setImmediate(r));
      if (data.ranOut()) {
        warnRanOut(epochs, steps);
        break;
      }
      if (this.model.stopTraining) break;
    }
    await callbacks.call('onTrainEnd', {});
    return history;
  }

  /** Epochs over in-memory arrays: shuffled batches of `batchSize`, with validationSplit and sample weights. */
  private arrayEpochs(x: DataLike, y: DataLike | undefined, args: FitArgs): EpochSource {
    if (y === undefined) throw new ValueError('fit() needs targets: model.fit(x, y, {...}).');
    if (args.stepsPerEpoch !== undefined) {
      throw new ValueError('stepsPerEpoch is for generators; with arrays an epoch is one pass over the data in batches of batchSize.');
    }
    const batchSize = args.batchSize ?? 32;
    let xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    let ys = toTensorList(y, this.outputs.length, 'output');
    const n0 = checkData(xs, ys);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    this.checkTargets(ys);
    let sw = args.sampleWeight === undefined ? null : toSampleWeight(args.sampleWeight, n0);
    this.sampleWeightFor({ ys }, sw, args.classWeight);
    let heldOut: TensorBatch | null = null;
    if (args.validationSplit && !args.validationData) {
      const all = [...xs, ...ys, ...(sw ? [sw] : [])];
      const { train, val } = splitForValidation(all, args.validationSplit);
      const nx = xs.length;
      const ny = ys.length;
      xs = train.slice(0, nx);
      ys = train.slice(nx, nx + ny);
      sw = sw ? train[nx + ny] : null;
      heldOut = { xs: val.slice(0, nx), ys: val.slice(nx, nx + ny), sampleWeight: sw ? val[nx + ny] : null };
    }
    const n = xs[0].shape[0];
    const shuffle = args.shuffle ?? true;
    const order = new Int32Array(n);
    return {
      steps: Math.ceil(n / batchSize),
      heldOut,
      ranOut: () => false,
      *epoch() {
        for (let i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
          for (let i = n - 1; i > 0; i--) {
            const j = Math.floor(randomFloat() * (i + 1));
            const t = order[i]; order[i] = order[j]; order[j] = t;
          }
        }
        const sources = { xs, ys, sampleWeight: sw };
        for (let start = 0; start < n; start += batchSize) yield new RowBatch(sources, order, start, Math.min(n, start + batchSize));
      },
    };
  }

  /** Epochs over a generator of batches (Keras's steps_per_epoch semantics). */
  private sourceEpochs(source: BatchSource, y: DataLike | undefined, args: FitArgs): EpochSource {
    if (y !== undefined) {
      throw new ValueError('When x is a generator, it yields the targets too: call model.fit(generator, undefined, {...}) with batches [x, y].');
    }
    if (args.sampleWeight !== undefined) throw new ValueError('With a generator, yield sample weights in the batches: [x, y, sampleWeight].');
    if (args.validationSplit) throw new ValueError('validationSplit is not supported with a generator; pass validationData instead.');
    const reader = new BatchReader(source, this.model.inputs.length || 1, this.outputs.length);
    const stepsPerEpoch = args.stepsPerEpoch;
    const checked = { done: false };
    let ranOut = false;
    const self = this;
    return {
      steps: stepsPerEpoch ?? null,
      heldOut: null,
      ranOut: () => ranOut,
      async *epoch() {
        for (let step = 0; stepsPerEpoch === undefined || step < stepsPerEpoch; step++) {
          let batch = await reader.next();
          // With stepsPerEpoch, a re-iterable source starts a new pass; an exhausted generator stays empty.
          if (!batch && stepsPerEpoch !== undefined) batch = await reader.next();
          if (!batch) {
            if (stepsPerEpoch !== undefined) ranOut = true;
            return;
          }
          if (!checked.done) {
            self.model.ensureBuilt(batch.xs.map((t) => [null, ...t.shape.slice(1)]));
            self.checkTargets(batch.ys);
            checked.done = true;
          }
          yield batch;
        }
      },
    };
  }

  /** Validation for each epoch's end: arrays, the validationSplit held out, or a generator. */
  private validation(args: FitArgs, split: TensorBatch | null, batchSize: number): (() => Promise<Logs>) | null {
    const v = args.validationData;
    if (v !== undefined && isBatchSource(v)) {
      const reader = new BatchReader(v, this.model.inputs.length || 1, this.outputs.length);
      const steps = args.validationSteps;
      return async () => {
        const trackers = this.makeTrackers();
        for (let step = 0; steps === undefined || step < steps; step++) {
          let batch = await reader.next();
          if (!batch && steps !== undefined && step === 0) batch = await reader.next();
          if (!batch) break;
          this.testStep(batch, trackers, this.planFor(args.planned, true));
        }
        return this.logs(trackers, 'val_');
      };
    }
    if (v !== undefined) {
      if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3)) {
        throw new ValueError('validationData must be [x, y], [x, y, sampleWeight] or a generator of batches.');
      }
      const xs = toTensorList(v[0] as DataLike, this.model.inputs.length || 1, 'input');
      const ys = toTensorList(v[1] as DataLike, this.outputs.length, 'output');
      const n = checkData(xs, ys);
      const sw = v.length === 3 ? toSampleWeight(v[2] as TensorLike, n) : null;
      return async () => this.evaluateLogs(xs, ys, batchSize, 'val_', sw, this.planFor(args.planned, true));
    }
    if (split) {
      return async () => this.evaluateLogs(split.xs, split.ys, batchSize, 'val_', split.sampleWeight, this.planFor(args.planned, true));
    }
    return null;
  }

  /** Loss and metrics of one batch, without updating weights. */
  private testStep(batch: TensorBatch, trackers: Trackers, plan: Plan | null = null): void {
    if (plan && this.fitsPlan(plan, batch)) {
      const { x, y, rows } = this.plannedArrays(plan, batch);
      const output = plan.forward(x, rows);
      const part = lossAndGradient(this.outputs[0].planned!, y.values, output, rows, plan.outputDim, 1, null);
      this.trackPlanned(trackers, part, output, y, plan);
      return;
    }
    noGrad(() => {
      const { total, parts, preds } = this.batchLoss(batch.xs, batch.ys, false, batch.sampleWeight);
      this.track(trackers, total, parts, preds, batch.ys);
    });
  }

  private evaluateLogs(xs: Tensor[], ys: Tensor[], batchSize: number, prefix: string, sampleWeight: Tensor | null = null,
    plan: Plan | null = null): Logs {
    const n = xs[0].shape[0];
    const trackers = this.makeTrackers();
    if (plan && this.fitsPlan(plan, { xs, ys, sampleWeight })) {
      // The forward pass runs on whole batches at a time, up to ~1,024 rows per call (a row's output does not
      // depend on the rows computed with it: the same values as batch by batch); the loss and metrics are
      // still taken batch by batch, as Keras does. Batches are runs of contiguous rows: views, no copies.
      const chunk = batchSize * Math.max(1, Math.floor(EVALUATION_ROWS / batchSize));
      const y = ys[0];
      for (let from = 0; from < n; from += chunk) {
        const to = Math.min(n, from + chunk);
        const output = plan.forward(xs[0].values.subarray(from * plan.inputDim, to * plan.inputDim), to - from);
        for (let start = from; start < to; start += batchSize) {
          const end = Math.min(to, start + batchSize);
          const rows = end - start;
          const preds = output.subarray((start - from) * plan.outputDim, (end - from) * plan.outputDim);
          const yTrue = rowsOf(y, start, end);
          const part = lossAndGradient(this.outputs[0].planned!, yTrue.values, preds, rows, plan.outputDim, 1, null);
          this.trackPlanned(trackers, part, preds, yTrue, plan);
        }
      }
      return this.logs(trackers, prefix);
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      this.testStep({
        xs: xs.map((t) => gatherRows(t, idx, start, end)),
        ys: ys.map((t) => gatherRows(t, idx, start, end)),
        sampleWeight: sampleWeight ? gatherRows(sampleWeight, idx, start, end) : null,
      }, trackers);
    }
    return this.logs(trackers, prefix);
  }

  /** Returns the loss, or [loss, ...per-output losses, ...metrics] when there is more than one value (Keras's order). */
  evaluate(x: DataLike, y: DataLike | undefined, args: EvaluateArgs): number | number[] {
    if (!this.optimizer) throw new ValueError('You must call compile() before evaluate().');
    if (y === undefined) throw new ValueError('evaluate() needs targets: model.evaluate(x, y).');
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    const ys = toTensorList(y, this.outputs.length, 'output');
    const n = checkData(xs, ys);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    this.checkTargets(ys);
    const sw = args.sampleWeight === undefined ? null : toSampleWeight(args.sampleWeight, n);
    return flattenLogs(this.evaluateLogs(xs, ys, args.batchSize ?? 32, '', sw, this.planFor(args.planned, true)));
  }

  predict(x: DataLike, args: PredictArgs): Tensor | Tensor[] {
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    checkData(xs, null);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    const n = xs[0].shape[0];
    const batchSize = args.batchSize ?? 32;
    const plan = this.planFor(args.planned, false);
    if (plan && this.fitsPlan(plan, { xs, ys: [], sampleWeight: null })) return this.predictPlanned(plan, xs[0], batchSize);
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

  /** predict on a plan: each batch of rows is a view of x, written into one output array. */
  private predictPlanned(plan: Plan, x: Tensor, batchSize: number): Tensor {
    const n = x.shape[0];
    const d = plan.outputDim;
    // One batch: the plan writes its output into a fresh array, returned as is.
    if (n <= batchSize) return new Tensor(plan.forward(x.values, n, true), [n, d]);
    const out = new Float32Array(n * d);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      out.set(plan.forward(x.values.subarray(start * plan.inputDim, end * plan.inputDim), end - start), start * d);
    }
    return new Tensor(out, [n, d]);
  }

  private batchTensors(x: DataLike, y: DataLike, sampleWeight: TensorLike | undefined): TensorBatch {
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    const ys = toTensorList(y, this.outputs.length, 'output');
    const n = checkData(xs, ys);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    this.checkTargets(ys);
    return { xs, ys, sampleWeight: sampleWeight === undefined ? null : toSampleWeight(sampleWeight, n) };
  }

  /** Keras's train_on_batch: one update; returns the batch's loss (before the update) and metrics. */
  trainOnBatch(x: DataLike, y: DataLike, args: BatchArgs): number | number[] {
    if (!this.optimizer) throw new ValueError('You must call compile() before trainOnBatch().');
    const batch = this.batchTensors(x, y, args.sampleWeight);
    const trackers = this.makeTrackers();
    this.trainStep({ ...batch, sampleWeight: this.sampleWeightFor(batch, batch.sampleWeight, args.classWeight) }, trackers);
    return flattenLogs(this.logs(trackers));
  }

  /** Keras's test_on_batch: loss and metrics of one batch, no update. */
  testOnBatch(x: DataLike, y: DataLike, args: BatchArgs): number | number[] {
    if (!this.optimizer) throw new ValueError('You must call compile() before testOnBatch().');
    const batch = this.batchTensors(x, y, args.sampleWeight);
    const trackers = this.makeTrackers();
    this.testStep(batch, trackers);
    return flattenLogs(this.logs(trackers));
  }

  /** Keras's predict_on_batch: the model's outputs for one batch, in inference mode. */
  predictOnBatch(x: DataLike): Tensor | Tensor[] {
    const xs = toTensorList(x, this.model.inputs.length || 1, 'input');
    checkData(xs, null);
    this.model.ensureBuilt(xs.map((t) => [null, ...t.shape.slice(1)]));
    const outs = noGrad(() => this.model.forward(xs, false));
    return outs.length === 1 ? outs[0] : outs;
  }
}
