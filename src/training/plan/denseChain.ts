/**
 * Planned execution for the commonest model: a chain of Dense layers (issue 4). Its shapes are fixed
 * once the model is built, so a training step can run the backend kernels directly on flat
 * Float32Arrays — matmul, bias and activation in place, the loss gradient into a buffer kept between
 * steps, dX = dY W^T and dW = X^T dY by the transposing matmul, bias gradients as column sums — with
 * no Tensor, tape node or closure per op. The optimizer's own update does the step (Tensors wrapping the
 * gradient arrays cost nothing), so every optimizer, clipping and schedule stays exact; it writes into the
 * variables' arrays (applyGradientsInPlace), since no tape here holds the old values.
 * Every matmul writes into a buffer the plan keeps (grown to the largest batch seen), so a step allocates
 * no arrays; only predict's result is a fresh array, since the caller keeps it.
 */
import { backend } from '../../tensor/engine.js';
import { Tensor, type Variable } from '../../tensor/tensor.js';
import type { Optimizer } from '../../optimizers/index.js';
import { Adam, type FusedAdamStep } from '../../optimizers/adam.js';
import { lossAndGradient, type PlannedLoss } from './losses.js';
import { copyRows } from '../data.js';

/** Backend.denseTrainStep's request (training reaches the backend only through the engine). */
type DenseTrainStep = Parameters<ReturnType<typeof backend>['denseTrainStep']>[0];

/** One Dense layer of the chain: activation(x @ kernel + bias). */
export interface DenseLink {
  kernel: Variable;
  bias: Variable | null;
  activation: string;
}

/** Activations the plan runs; softmax only on the last layer (it couples a row's outputs). */
export const PLANNED_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** Whether `links` is a chain the plan can run: shapes that connect, known activations, softmax last. */
export function isPlannable(links: readonly DenseLink[]): boolean {
  if (links.length === 0) return false;
  return links.every(({ kernel, bias, activation }, i) => kernel.rank === 2
    && (i === 0 || links[i - 1].kernel.shape[1] === kernel.shape[0])
    && (bias === null || bias.size === kernel.shape[1])
    && PLANNED_ACTIVATIONS.includes(activation)
    && (activation !== 'softmax' || i === links.length - 1));
}

export class DenseChainPlan {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Per-sample shapes, as LayerChainPlan has them. */
  readonly inputShape: number[];
  readonly outputShape: number[];
  private readonly links: DenseLink[];
  /** Each layer's output from the latest forward pass (the backward pass reads them): views of `outputs`. */
  private readonly activations: Float32Array[];
  /** Buffers for each layer's output and for d loss / d input of each layer after the first. */
  private readonly outputs: Float32Array[];
  private readonly inputGradients: Float32Array[];
  /** A batch's inputs and targets gathered from shuffled rows (gather), grown to the largest batch seen. */
  private readonly gathered = [new Float32Array(0), new Float32Array(0)];
  /** d loss / d output, grown to the largest batch seen. */
  private outputGradient = new Float32Array(0);
  private readonly kernelGradients: Float32Array[];
  private readonly biasGradients: (Float32Array | null)[];
  /** What the optimizer receives: the gradient buffers wrapped once, in the model's weight order. */
  private readonly gradients: [Tensor, Variable][];
  /** Float64 partial sums for the bias gradients. */
  private readonly sums: Float64Array;
  /**
   * The request for Backend.denseTrainStep (the whole step in one kernel call) when the chain allows it:
   * relu/linear layers with biases, at most 8. Used with the mean squared error and plain Adam; null: never.
   */
  private readonly fused: DenseTrainStep | null;
  /** Every kernel and bias, in the model's weight order. */
  private readonly variables: Variable[];

  constructor(links: readonly DenseLink[]) {
    this.links = [...links];
    this.inputDim = links[0].kernel.shape[0];
    this.outputDim = links[links.length - 1].kernel.shape[1];
    this.inputShape = [this.inputDim];
    this.outputShape = [this.outputDim];
    this.activations = links.map(() => new Float32Array(0));
    this.outputs = links.map(() => new Float32Array(0));
    this.inputGradients = links.map(() => new Float32Array(0));
    this.kernelGradients = links.map((l) => new Float32Array(l.kernel.size));
    this.biasGradients = links.map((l) => (l.bias ? new Float32Array(l.bias.size) : null));
    this.gradients = links.flatMap((l, i): [Tensor, Variable][] => [
      [new Tensor(this.kernelGradients[i], l.kernel.shape), l.kernel],
      ...(l.bias ? [[new Tensor(this.biasGradients[i]!, l.bias.shape), l.bias] as [Tensor, Variable]] : []),
    ]);
    this.sums = new Float64Array(Math.max(...links.map((l) => l.kernel.shape[1])));
    this.variables = this.gradients.map(([, v]) => v);
    const fusable = links.length <= 8
      && links.every((l) => l.bias !== null && (l.activation === 'relu' || l.activation === 'linear'));
    this.fused = !fusable ? null : {
      rows: 0, units: [this.inputDim, ...links.map((l) => l.kernel.shape[1])],
      relu: links.map((l) => l.activation === 'relu'), x: new Float32Array(0), y: new Float32Array(0),
      weights: [], momentum: [], velocity: [], perElement: 0, alpha: 0, beta1: 0, beta2: 0, epsilon: 0,
      output: new Float32Array(0),
    };
  }

  /**
   * Rows order[start..end) of `values` (rows of `width` floats) into gather buffer `slot` (0: inputs,
   * 1: targets), grown to the largest batch seen: a view valid until the next gather into that slot.
   */
  gather(slot: 0 | 1, values: Float32Array, width: number, order: Int32Array, start: number, end: number): Float32Array {
    return copyRows(values, width, order, start, end, rowsOf(this.gathered, slot, (end - start) * width));
  }

  /** Whether this plan was made for `links` (the same variables and activations). */
  matches(links: readonly DenseLink[]): boolean {
    return links.length === this.links.length && links.every((l, i) => l.kernel === this.links[i].kernel
      && l.bias === this.links[i].bias && l.activation === this.links[i].activation);
  }

  /**
   * The chain's output for `rows` rows of `x` (rows x inputDim): a buffer of the plan, valid until the
   * next call, or with `fresh` a new array the caller may keep.
   */
  forward(x: Float32Array, rows: number, fresh = false): Float32Array {
    if (this.fused !== null) {
      // Predict and evaluate need no layer but the last: the whole pass as one backend call where it takes it.
      const size = rows * this.outputDim;
      const output = fresh ? new Float32Array(size) : rowsOf(this.outputs, this.links.length - 1, size);
      const { units, relu } = this.fused;
      const inputs = x.length === rows * this.inputDim ? x : x.subarray(0, rows * this.inputDim);
      // Read values each time: setWeights, assign and the generic path replace a variable's array.
      if (backend().denseForward({ rows, units, relu, x: inputs, weights: this.variables.map((v) => v.values), output })) return output;
    }
    return this.forwardLayers(x, rows, fresh);
  }

  /** The forward pass layer by layer, keeping every layer's output for the backward pass (`activations`). */
  private forwardLayers(x: Float32Array, rows: number, fresh = false): Float32Array {
    const b = backend();
    const last = this.links.length - 1;
    let a = x;
    for (let l = 0; l <= last; l++) {
      const { kernel, bias, activation } = this.links[l];
      const units = kernel.shape[1];
      const out = fresh && l === last ? undefined : rowsOf(this.outputs, l, rows * units);
      // Read values each time: setWeights, assign and the generic path replace a variable's array.
      const z = b.matmul(a, kernel.values, 1, rows, kernel.shape[0], units, false, false, 1, out);
      if (bias && (activation === 'relu' || activation === 'linear')) {
        addBias(z, bias.values, rows, units, activation === 'relu');
      } else {
        if (bias) addBias(z, bias.values, rows, units, false);
        activate(activation, z, rows, units);
      }
      this.activations[l] = z;
      a = z;
    }
    return a;
  }

  /**
   * One training step on a batch: forward, the loss and its gradient, backward, then the optimizer's
   * update. Returns the loss (unweighted, before the update) and the predictions it came from.
   */
  trainStep(x: Float32Array, yTrue: Float32Array, rows: number, loss: PlannedLoss, lossWeight: number,
    optimizer: Optimizer): { loss: number; output: Float32Array } {
    // Exactly Adam: a subclass may change the update (AdamW's decay makes fusedStep null anyway).
    if (this.fused !== null && loss === 'mean_squared_error' && optimizer.constructor === Adam) {
      const adamOptimizer = optimizer as Adam;
      const adam = adamOptimizer.fusedStep(this.variables);
      const fused = adam === null ? null : this.fusedStep(this.fused, x, yTrue, rows, lossWeight, adam);
      if (fused !== null) {
        adamOptimizer.iterations++;
        return fused;
      }
    }
    const output = this.forwardLayers(x, rows);
    const size = rows * this.outputDim;
    if (this.outputGradient.length < size) this.outputGradient = new Float32Array(size);
    const dy = this.outputGradient.subarray(0, size);
    const value = lossAndGradient(loss, yTrue, output, rows, this.outputDim, lossWeight, dy);
    optimizer.applyGradientsInPlace(this.backward(x, rows, dy));
    return { loss: value, output };
  }

  /**
   * The same step as one backend call (forward, mean squared error, backward, Adam); the weights and Adam's
   * slots are updated in their own arrays, so they are current after every step. Null when the backend
   * declined (nothing changed).
   */
  private fusedStep(step: DenseTrainStep, x: Float32Array, yTrue: Float32Array, rows: number, lossWeight: number,
    adam: FusedAdamStep): { loss: number; output: Float32Array } | null {
    const f32 = Math.fround;
    const size = rows * this.outputDim;
    step.rows = rows;
    step.x = x.length === rows * this.inputDim ? x : x.subarray(0, rows * this.inputDim);
    step.y = yTrue.length === size ? yTrue : yTrue.subarray(0, size);
    // Read values each time: setWeights, assign and the generic path replace a variable's array.
    step.weights = this.variables.map((v) => v.values);
    step.momentum = adam.momentum;
    step.velocity = adam.velocity;
    // losses.ts: the seed weight / rows, then / columns, each rounded to float32.
    step.perElement = f32(f32(f32(lossWeight) / rows) / this.outputDim);
    step.alpha = adam.alpha;
    step.beta1 = adam.beta1;
    step.beta2 = adam.beta2;
    step.epsilon = adam.epsilon;
    step.output = rowsOf(this.outputs, this.links.length - 1, size);
    const loss = backend().denseTrainStep(step);
    return loss === null ? null : { loss, output: step.output };
  }

  /** Gradients of every kernel and bias, in the model's weight order, given d loss / d output. */
  private backward(x: Float32Array, rows: number, outputGradient: Float32Array): [Tensor, Variable][] {
    const b = backend();
    let dy = outputGradient;
    for (let l = this.links.length - 1; l >= 0; l--) {
      const { kernel, activation } = this.links[l];
      const [inputs, units] = kernel.shape;
      activationGradient(activation, dy, this.activations[l], rows, units);
      const a = l === 0 ? x : this.activations[l - 1];
      b.matmul(a, dy, 1, inputs, rows, units, true, false, 1, this.kernelGradients[l]);
      const dBias = this.biasGradients[l];
      if (dBias) columnSums(dy, rows, units, this.sums, dBias);
      if (l > 0) dy = b.matmul(dy, kernel.values, 1, rows, units, inputs, false, true, 1, rowsOf(this.inputGradients, l, rows * inputs));
    }
    return this.gradients;
  }
}

/** The first `size` floats of buffer `l` of `buffers`, which grows (to exactly `size`) when it is shorter. */
export function rowsOf(buffers: Float32Array[], l: number, size: number): Float32Array {
  const buffer = buffers[l];
  if (buffer.length === size) return buffer;
  if (buffer.length > size) return buffer.subarray(0, size);
  return (buffers[l] = new Float32Array(size));
}

/** z += bias along rows, then relu when asked, in one pass (the same float32 values as two). */
function addBias(z: Float32Array, bias: Float32Array, rows: number, units: number, relu: boolean): void {
  if (!relu) {
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < units; j++, o++) z[o] += bias[j];
    return;
  }
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < units; j++, o++) {
      const t = Math.fround(z[o] + bias[j]);
      z[o] = t > 0 ? t : 0; // NaN -> 0, as activate's relu
    }
  }
}

/** Sums over rows into `out`, accumulating in float64 as the reduce kernel does. */
function columnSums(g: Float32Array, rows: number, units: number, acc: Float64Array, out: Float32Array): void {
  acc.fill(0, 0, units);
  for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < units; j++, o++) acc[j] += g[o];
  for (let j = 0; j < units; j++) out[j] = acc[j];
}

/** The activation in place, with the js kernels' formulas (src/kernels/js/elementwise.ts, ops/nn.ts). */
export function activate(name: string, z: Float32Array, rows: number, units: number): void {
  const n = rows * units;
  switch (name) {
    case 'relu': for (let i = 0; i < n; i++) if (!(z[i] > 0)) z[i] = 0; break;
    case 'tanh': for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i]); break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = z[i];
        if (v >= 0) z[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); z[i] = e / (1 + e); }
      }
      break;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const base = r * units;
        let max = -Infinity;
        for (let j = 0; j < units; j++) if (z[base + j] > max) max = z[base + j];
        let sum = 0;
        for (let j = 0; j < units; j++) {
          z[base + j] = Math.exp(Math.fround(z[base + j] - max));
          sum += z[base + j];
        }
        const s = Math.fround(sum);
        for (let j = 0; j < units; j++) z[base + j] /= s;
      }
      break;
    default: // linear
  }
}

/** Turns d loss / d output into d loss / d pre-activation, in place, from the layer's output `a`. */
export function activationGradient(name: string, g: Float32Array, a: Float32Array, rows: number, units: number): void {
  const n = rows * units;
  switch (name) {
    case 'relu': for (let i = 0; i < n; i++) if (!(a[i] > 0)) g[i] = 0; break;
    case 'tanh': for (let i = 0; i < n; i++) g[i] *= Math.fround(1 - Math.fround(a[i] * a[i])); break;
    case 'sigmoid': for (let i = 0; i < n; i++) g[i] *= Math.fround(a[i] * Math.fround(1 - a[i])); break;
    case 'softmax':
      // d x_j = y_j (g_j - sum_k g_k y_k)
      for (let r = 0; r < rows; r++) {
        const base = r * units;
        let dot = 0;
        for (let j = 0; j < units; j++) dot += g[base + j] * a[base + j];
        for (let j = 0; j < units; j++) g[base + j] = a[base + j] * (g[base + j] - dot);
      }
      break;
    default: // linear
  }
}
