/**
 * Stateful metrics (keras/src/metrics/reduction_metrics.py): each keeps a running total and count in
 * float64 and reports total / count. They read tensors' values with plain loops and build no graph.
 */
import type { Tensor } from '../tensor/tensor.js';

/** What training needs from a metric computed from targets and predictions. */
export interface Metric {
  /** The key under which History and the progress bar report it (Keras: the string the user passed). */
  name: string;
  updateState(yTrue: Tensor, yPred: Tensor): void;
  result(): number;
  resetState(): void;
}

/**
 * Running (weighted) mean of values, as keras.metrics.Mean. Training uses one to average the loss
 * across batches, weighted by each batch's sample count.
 */
export class Mean {
  name: string;
  private total = 0;
  private count = 0;

  constructor(name = 'mean') {
    this.name = name;
  }

  /**
   * Adds values. With a numeric `sampleWeight` (e.g. the batch size), the values count as their mean
   * with that weight. Without one, a tensor counts one value per sample along axis 0 (its other axes
   * averaged), and a number or scalar counts once.
   */
  updateState(values: number | Tensor, sampleWeight?: number): void {
    if (typeof values === 'number') {
      this.add(values * (sampleWeight ?? 1), sampleWeight ?? 1);
    } else if (sampleWeight !== undefined) {
      this.add(meanOf(values.values) * sampleWeight, sampleWeight);
    } else {
      this.addSamples(values.values, values.shape);
    }
  }

  /** Adds a batch of computed values of `shape`, one sample per index of axis 0 (a scalar is one sample). */
  addSamples(values: ArrayLike<number>, shape: readonly number[]): void {
    if (shape.length === 0) {
      this.add(values[0], 1);
      return;
    }
    // The mean over the non-batch axes of each sample, summed: what Keras's reduce_to_samplewise_values gives.
    const samples = shape[0];
    const per = samples === 0 ? 0 : values.length / samples;
    let total = 0;
    for (let s = 0; s < samples; s++) {
      let sampleSum = 0;
      for (let j = 0; j < per; j++) sampleSum += values[s * per + j];
      total += sampleSum / per;
    }
    this.add(total, samples);
  }

  private add(total: number, count: number): void {
    this.total += total;
    this.count += count;
  }

  /** total / count, or 0 before any update (Keras's divide_no_nan). */
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }
}

function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? 0 : s / values.length;
}

/** A metric function's output: its values (float64) and their shape, before the running mean. */
export interface MetricValues {
  values: Float64Array;
  shape: number[];
}

/**
 * keras.metrics.MeanMetricWrapper: a function (yTrue, yPred) -> values, averaged over all samples seen.
 * Subclasses implement `compute` with plain loops.
 */
export abstract class MeanMetricWrapper implements Metric {
  private readonly mean: Mean;

  constructor(name: string) {
    this.mean = new Mean(name);
  }

  get name(): string {
    return this.mean.name;
  }
  set name(value: string) {
    this.mean.name = value;
  }

  protected abstract compute(yTrue: Tensor, yPred: Tensor): MetricValues;

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const { values, shape } = this.compute(yTrue, yPred);
    this.mean.addSamples(values, shape);
  }

  result(): number {
    return this.mean.result();
  }

  resetState(): void {
    this.mean.resetState();
  }
}

/** Means over the last axis: `values` of `shape` -> shape[:-1] (Keras's `ops.mean(..., axis=-1)`). */
export function meanOverLastAxis(values: ArrayLike<number>, shape: readonly number[]): MetricValues {
  const last = shape.length === 0 ? 1 : shape[shape.length - 1];
  const rows = last === 0 ? 0 : values.length / last;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < last; j++) s += values[r * last + j];
    out[r] = s / last;
  }
  return { values: out, shape: shape.slice(0, -1) };
}
