/**
 * Metrics over confusion counts at thresholds (keras/src/metrics/confusion_metrics.py and
 * metrics_utils.py update_confusion_matrix_variables): a label counts as positive when non-zero, a
 * prediction when strictly above the threshold. Counts accumulate in float64 across batches.
 */
import { ShapeError, ValueError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metric.js';

/** keras.config.epsilon(), which pads AUC's outer thresholds. */
const EPSILON = 1e-7;

/** A weight per element: none (1), one per element, or one per sample (broadcast over the rest). */
function weightAt(name: string, yTrue: Tensor, sampleWeight: Tensor | undefined): (i: number) => number {
  if (sampleWeight === undefined) return () => 1;
  const w = sampleWeight.values;
  if (w.length === yTrue.size) return (i) => w[i];
  const samples = yTrue.rank === 0 ? 1 : yTrue.shape[0];
  if (w.length === samples) {
    const per = yTrue.size / Math.max(samples, 1);
    return (i) => w[Math.floor(i / per)];
  }
  throw new ShapeError(
    `Metric '${name}': expected sample_weight with one value per sample or per element. ` +
      `Received: sample_weight.shape=${formatShape(sampleWeight.shape)}, y_true.shape=${formatShape(yTrue.shape)}.`,
  );
}

function checkSameSize(name: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.size !== yPred.size) {
    throw new ShapeError(
      `Metric '${name}': expected y_true and y_pred with the same number of values. ` +
        `Received: y_true.shape=${formatShape(yTrue.shape)}, y_pred.shape=${formatShape(yPred.shape)}.`,
    );
  }
}

function checkThreshold(threshold: number): void {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new ValueError(`Threshold values must be in [0, 1]. Received: thresholds=${threshold}`);
  }
}

/** Counts of true/false positives and negatives at one threshold. */
abstract class ThresholdMetric implements Metric {
  name: string;
  readonly thresholds: number;
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;

  constructor(name: string, thresholds: number) {
    checkThreshold(thresholds);
    this.name = name;
    this.thresholds = thresholds;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    checkSameSize(this.name, yTrue, yPred);
    const weight = weightAt(this.name, yTrue, sampleWeight);
    const t = yTrue.values, p = yPred.values;
    for (let i = 0; i < t.length; i++) {
      const w = weight(i);
      const actual = t[i] !== 0, predicted = p[i] > this.thresholds;
      if (actual && predicted) this.tp += w;
      else if (predicted) this.fp += w;
      else if (actual) this.fn += w;
    }
  }

  abstract result(): number;

  resetState(): void {
    this.tp = this.fp = this.fn = 0;
  }
}

/** tp / (tp + fp), 0 when nothing was predicted positive (divide_no_nan). */
export class Precision extends ThresholdMetric {
  constructor(name = 'precision', { thresholds = 0.5 }: { thresholds?: number } = {}) {
    super(name, thresholds);
  }
  result(): number {
    const d = this.tp + this.fp;
    return d === 0 ? 0 : this.tp / d;
  }
}

/** tp / (tp + fn), 0 when there were no positive labels (divide_no_nan). */
export class Recall extends ThresholdMetric {
  constructor(name = 'recall', { thresholds = 0.5 }: { thresholds?: number } = {}) {
    super(name, thresholds);
  }
  result(): number {
    const d = this.tp + this.fn;
    return d === 0 ? 0 : this.tp / d;
  }
}

export type AucSummationMethod = 'interpolation' | 'minoring' | 'majoring';

export interface AUCOptions {
  numThresholds?: number;
  /** Only Keras's default 'ROC' curve is implemented. */
  curve?: 'ROC';
  summationMethod?: AucSummationMethod;
}

/**
 * Area under the ROC curve by a Riemann sum over `numThresholds` thresholds: (i + 1) / (n - 1) for
 * i < n - 2, plus -eps and 1 + eps at the ends, so every prediction in [0, 1] falls inside.
 */
export class AUC implements Metric {
  name: string;
  readonly numThresholds: number;
  readonly curve = 'ROC' as const;
  readonly summationMethod: AucSummationMethod;
  readonly thresholds: Float64Array;
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private readonly tn: Float64Array;
  private readonly fn: Float64Array;

  constructor(name = 'auc', options: AUCOptions = {}) {
    this.name = name;
    this.numThresholds = options.numThresholds ?? 200;
    this.summationMethod = options.summationMethod ?? 'interpolation';
    if ((options.curve ?? 'ROC') !== 'ROC') throw new ValueError(`Only curve='ROC' is supported. Received: curve=${options.curve}`);
    if (!(Number.isInteger(this.numThresholds) && this.numThresholds > 1)) {
      throw new ValueError(`Argument \`numThresholds\` must be an integer > 1. Received: numThresholds=${this.numThresholds}`);
    }
    const n = this.numThresholds;
    this.thresholds = new Float64Array(n);
    this.thresholds[0] = 0 - EPSILON;
    for (let i = 0; i < n - 2; i++) this.thresholds[i + 1] = (i + 1) / (n - 1);
    this.thresholds[n - 1] = 1 + EPSILON;
    this.tp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.tn = new Float64Array(n);
    this.fn = new Float64Array(n);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    checkSameSize(this.name, yTrue, yPred);
    const weight = weightAt(this.name, yTrue, sampleWeight);
    const t = yTrue.values, p = yPred.values;
    for (let i = 0; i < t.length; i++) {
      const w = weight(i);
      const actual = t[i] !== 0;
      for (let k = 0; k < this.numThresholds; k++) {
        const predicted = p[i] > this.thresholds[k];
        if (actual) (predicted ? this.tp : this.fn)[k] += w;
        else (predicted ? this.fp : this.tn)[k] += w;
      }
    }
  }

  result(): number {
    const n = this.numThresholds;
    const ratio = (a: number, b: number) => (a + b === 0 ? 0 : a / (a + b));
    let area = 0;
    for (let k = 0; k < n - 1; k++) {
      // x: false positive rate, falling as the threshold rises; y: recall.
      const x0 = ratio(this.fp[k], this.tn[k]), x1 = ratio(this.fp[k + 1], this.tn[k + 1]);
      const y0 = ratio(this.tp[k], this.fn[k]), y1 = ratio(this.tp[k + 1], this.fn[k + 1]);
      const height = this.summationMethod === 'interpolation' ? (y0 + y1) / 2
        : this.summationMethod === 'minoring' ? Math.min(y0, y1) : Math.max(y0, y1);
      area += (x0 - x1) * height;
    }
    return area;
  }

  resetState(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }
}
