/**
 * Planned execution for a chain of layers that is more than Dense (issue 4: Keras's MNIST convnet, W5; W3):
 * Conv1D and Conv2D, MaxPooling1D and MaxPooling2D, GlobalMaxPooling1D/2D and GlobalAveragePooling1D/2D,
 * Flatten, Dropout and Dense, each exactly that class,
 * with a built-in activation (softmax on a last Dense) and no regularizer. Once per batch size the chain
 * is lowered into one backend Program for the training step (forward, the loss and its gradient in a
 * host op, backward) and one for the forward pass, so a backend that keeps its own memory (wasm) runs the
 * whole step without copying each kernel's operands and output between JavaScript and wasm memory, and
 * a step makes no Tensor, tape node or fresh array. The kernels are the ones the layers call, so a planned
 * step gives the generic path's values up to float32 rounding (wasm sums bias gradients over two threads
 * and runs large 3x3 forward convs as Winograd's F(2x2, 3x3); large Conv1Ds run as Winograd's F(m, m) in
 * both paths); the optimizer's own update then runs in place on the gradients (every optimizer, schedule
 * and clipping stays exact).
 * Dropout draws its mask from the global generator in the layer's order, so `setSeed` reproduces it.
 */
import { reserveDraws } from '../../core/random.js';
import { convOutputLength, convPadding, type Padding } from '../../ops/convShapes.js';
import {
  backend, type Conv2DParams, type EpilogueActivation, type Pool2DParams, type Program, type ProgramIO, type ProgramOp,
} from '../../tensor/engine.js';
import { Tensor, type Variable } from '../../tensor/tensor.js';
import type { Optimizer } from '../../optimizers/index.js';
import { copyRows } from '../data.js';
import { activate, activationGradient, rowsOf } from './denseChain.js';
import { lossAndGradient, type PlannedLoss } from './losses.js';

/**
 * A layer of a chain as the model describes it (src/models/chain.ts): Conv1D/Conv2D, MaxPooling1D/2D,
 * GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D, Flatten, Dropout or Dense, each exactly that class; with
 * weights, only when it trains them all with no regularizer. `activation`: linear, relu, sigmoid, tanh, softmax,
 * or null for any other. Anything else: 'other'.
 */
export type ChainLayer =
  | { kind: 'conv'; rank: number; kernel: Variable; bias: Variable | null; activation: string | null; filters: number;
      kernelSize: number[]; strides: number[]; padding: Padding; dilationRate: number[]; groups: number }
  | { kind: 'maxPool'; rank: number; poolSize: number[]; strides: number[]; padding: 'valid' | 'same' }
  | { kind: 'globalPool'; mode: 'max' | 'avg' }
  | { kind: 'flatten'; channelsLast: boolean }
  | { kind: 'dropout'; rate: number; noiseShape: (number | null)[] | null }
  | { kind: 'dense'; kernel: Variable; bias: Variable | null; activation: string | null }
  | { kind: 'other' };

/** One node of a model that is a chain: its layer and per-sample input and output shapes. */
export interface ChainLink {
  layer: ChainLayer;
  inputShape: number[];
  outputShape: number[];
}

/** A layer of the chain as the plan runs it; `geometry` gives the kernel params for a batch of `rows`. */
type Stage =
  | { kind: 'conv'; kernel: Variable; bias: Variable | null; activation: EpilogueActivation; geometry: (rows: number) => Conv2DParams }
  | { kind: 'dense'; kernel: Variable; bias: Variable | null; activation: EpilogueActivation | 'softmax' }
  | { kind: 'pool'; geometry: (rows: number) => Pool2DParams }
  /** The max or mean over every spatial position (`positions` of them) per channel. */
  | { kind: 'globalPool'; mode: 'max' | 'avg'; positions: number; channels: number }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number };

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const EPILOGUE: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** The stage for one link, or null when the plan does not run that layer (the model then trains generically). */
function stageOf({ layer, inputShape, outputShape }: ChainLink, last: boolean): Stage | null {
  switch (layer.kind) {
    case 'conv': {
      const activation = layer.activation;
      if (activation === null || !EPILOGUE.includes(activation) || layer.padding === 'causal' || layer.groups !== 1) return null;
      // A Conv1D is a Conv2D over a height of 1 (ops.conv1d); its kernel (k, in, out) is (1, k, in, out).
      const one = layer.rank === 1;
      if (inputShape.length !== (one ? 2 : 3)) return null;
      const [h, w, c] = one ? [1, ...inputShape] : inputShape;
      const [kh, kw] = one ? [1, layer.kernelSize[0]] : layer.kernelSize;
      const [sh, sw] = one ? [1, layer.strides[0]] : layer.strides;
      const [dh, dw] = one ? [1, layer.dilationRate[0]] : layer.dilationRate;
      const oh = convOutputLength(h, kh, sh, layer.padding, dh), ow = convOutputLength(w, kw, sw, layer.padding, dw);
      if (oh * ow * layer.filters !== size(outputShape)) return null;
      const padTop = convPadding(h, kh, sh, layer.padding, dh)[0], padLeft = convPadding(w, kw, sw, layer.padding, dw)[0];
      const filters = layer.filters;
      return {
        kind: 'conv', kernel: layer.kernel, bias: layer.bias, activation: activation as EpilogueActivation,
        geometry: (rows) => ({
          batch: rows, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: filters,
          kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft,
        }),
      };
    }
    case 'maxPool': {
      const one = layer.rank === 1;
      if (inputShape.length !== (one ? 2 : 3)) return null;
      const [h, w, c] = one ? [1, ...inputShape] : inputShape;
      const [ph, pw] = one ? [1, layer.poolSize[0]] : layer.poolSize;
      const [sh, sw] = one ? [1, layer.strides[0]] : layer.strides;
      const oh = convOutputLength(h, ph, sh, layer.padding), ow = convOutputLength(w, pw, sw, layer.padding);
      if (oh * ow * c !== size(outputShape)) return null;
      const padTop = convPadding(h, ph, sh, layer.padding)[0], padLeft = convPadding(w, pw, sw, layer.padding)[0];
      return {
        kind: 'pool',
        geometry: (rows) => ({
          batch: rows, inHeight: h, inWidth: w, channels: c, outHeight: oh, outWidth: ow, poolHeight: ph, poolWidth: pw,
          strideHeight: sh, strideWidth: sw, padTop, padLeft,
        }),
      };
    }
    case 'globalPool': {
      // (spatial..., channels), channels last, into (channels) or, with keepdims, (1, ..., channels): the same floats.
      if (inputShape.length < 2) return null;
      const channels = inputShape[inputShape.length - 1];
      if (size(outputShape) !== channels) return null;
      return { kind: 'globalPool', mode: layer.mode, positions: size(inputShape) / channels, channels };
    }
    case 'flatten': return layer.channelsLast ? { kind: 'flatten' } : null;
    case 'dropout': return layer.noiseShape === null ? { kind: 'dropout', rate: layer.rate } : null;
    case 'dense': {
      const activation = layer.activation;
      if (inputShape.length !== 1 || activation === null) return null;
      // Softmax couples a row's outputs: the loss's host op applies it, so only on the last layer.
      if (activation === 'softmax' ? !last : !EPILOGUE.includes(activation)) return null;
      return { kind: 'dense', kernel: layer.kernel, bias: layer.bias, activation: activation as EpilogueActivation | 'softmax' };
    }
    default: return null;
  }
}

/**
 * The plan's stages for a chain, or null when it has a layer the plan does not run, no weights, or an
 * output of more than one axis per sample (the planned losses take rows of values).
 */
export function lowerChain(links: readonly ChainLink[]): Stage[] | null {
  if (links.length === 0 || links[links.length - 1].outputShape.length !== 1) return null;
  const stages: Stage[] = [];
  for (let i = 0; i < links.length; i++) {
    const stage = stageOf(links[i], i === links.length - 1);
    if (stage === null) return null;
    stages.push(stage);
  }
  return stages.some((s) => s.kind === 'conv' || s.kind === 'dense') ? stages : null;
}

/** The programs of one batch size, with the buffers the plan fills and reads around them. */
interface Programs {
  rows: number;
  train: Program;
  forward: Program;
  /** Training: the input, then every kernel and bias in weight order. */
  trainInputs: number[];
  /** Training: the output, then the gradient of every kernel and bias in weight order. */
  trainOutputs: number[];
  forwardInputs: number[];
  forwardOutput: number;
  /** The ops drawing the dropout masks, one per dropout stage that trains (rate > 0), in order: `from` set per step. */
  masks: BernoulliOp[];
}

export class LayerChainPlan {
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly links: ChainLink[];
  private readonly stages: Stage[];
  /** Every kernel and bias, in the model's weight order. */
  private readonly variables: Variable[];
  /** What the optimizer receives: the gradient arrays wrapped once, in the model's weight order. */
  private readonly gradients: [Tensor, Variable][];
  /** Programs by batch size, the latest few. */
  private readonly programs: Programs[] = [];
  private readonly gathered = [new Float32Array(0), new Float32Array(0)];
  /** The predictions of the latest step or forward pass (one buffer, grown to the largest batch seen). */
  private readonly output = [new Float32Array(0)];
  /** The host op's inputs and result for the step that runs now. */
  private step = { targets: new Float32Array(0), loss: 'mean_squared_error' as PlannedLoss, weight: 1, value: 0 };

  constructor(links: readonly ChainLink[], stages: Stage[]) {
    this.links = [...links];
    this.stages = stages;
    this.inputShape = [...links[0].inputShape];
    this.outputShape = [...links[links.length - 1].outputShape];
    this.inputDim = size(this.inputShape);
    this.outputDim = size(this.outputShape);
    this.variables = stages.flatMap((s) => (s.kind === 'conv' || s.kind === 'dense' ? [s.kernel, ...(s.bias ? [s.bias] : [])] : []));
    this.gradients = this.variables.map((v) => [new Tensor(new Float32Array(v.size), v.shape), v]);
  }

  /** Whether this plan was made for `links` (layers alike, with the same weights, and the same shapes). */
  matches(links: readonly ChainLink[]): boolean {
    return links.length === this.links.length && links.every((l, i) => sameLink(l, this.links[i]));
  }

  /** Rows order[start..end) of `values` into gather buffer `slot` (0: inputs, 1: targets): valid until the next gather. */
  gather(slot: 0 | 1, values: Float32Array, width: number, order: Int32Array, start: number, end: number): Float32Array {
    return copyRows(values, width, order, start, end, rowsOf(this.gathered, slot, (end - start) * width));
  }

  /** The chain's output for `rows` rows of `x` in inference mode: a buffer of the plan, or with `fresh` a new array. */
  forward(x: Float32Array, rows: number, fresh = false): Float32Array {
    const p = this.programsFor(rows);
    const output = fresh ? new Float32Array(rows * this.outputDim) : rowsOf(this.output, 0, rows * this.outputDim);
    backend().runProgram(p.forward, this.inputsOf(p.forwardInputs, x, rows), [[p.forwardOutput, output]]);
    return output;
  }

  /**
   * One training step on a batch: forward, the loss and its gradient, backward, then the optimizer's
   * update. Returns the loss (unweighted, before the update) and the predictions it came from.
   */
  trainStep(x: Float32Array, yTrue: Float32Array, rows: number, loss: PlannedLoss, lossWeight: number,
    optimizer: Optimizer): { loss: number; output: Float32Array } {
    const p = this.programsFor(rows);
    const output = rowsOf(this.output, 0, rows * this.outputDim);
    const inputs = this.inputsOf(p.trainInputs, x, rows);
    // dropoutWithMask's draws, in its order (none where it keeps nothing); the backend draws them.
    for (const op of p.masks) if (op.p > 0) op.from = reserveDraws(op.draws);
    const outputs: ProgramIO[] = [[p.trainOutputs[0], output]];
    this.gradients.forEach(([g], i) => outputs.push([p.trainOutputs[i + 1], g.values]));
    Object.assign(this.step, { targets: yTrue, loss, weight: lossWeight, value: 0 });
    backend().runProgram(p.train, inputs, outputs);
    optimizer.applyGradientsInPlace(this.gradients);
    return { loss: this.step.value, output };
  }

  /**
   * A program's inputs: `rows` rows of `x`, then every kernel and bias into buffers `ids`. Read values each time:
   * setWeights, assign and the generic path replace a variable's array.
   */
  private inputsOf(ids: number[], x: Float32Array, rows: number): ProgramIO[] {
    return [[ids[0], x.subarray(0, rows * this.inputDim)], ...this.variables.map((v, i): ProgramIO => [ids[i + 1], v.values])];
  }

  private programsFor(rows: number): Programs {
    const i = this.programs.findIndex((p) => p.rows === rows);
    if (i >= 0) return this.programs[i];
    const p = this.lower(rows);
    this.programs.push(p);
    // A fit uses two batch sizes (the last batch's is smaller), evaluation a few more: keep the latest four.
    if (this.programs.length > 4) this.programs.shift();
    return p;
  }

  /** Lowers the chain for a batch of `rows` into the training and forward programs. */
  private lower(rows: number): Programs {
    return { rows, ...this.lowerTrain(rows), ...this.lowerForward(rows) };
  }

  private lowerForward(rows: number): Pick<Programs, 'forward' | 'forwardInputs' | 'forwardOutput'> {
    const b = new ProgramBuilder();
    const x = b.buffer(rows * this.inputDim);
    const weights = this.variables.map((v) => b.buffer(v.size));
    const out = this.forwardOps(b, rows, x, weights, false).output;
    const last = this.stages[this.stages.length - 1];
    if (last.kind === 'dense' && last.activation === 'softmax') {
      const d = this.outputDim;
      b.ops.push({ op: 'host', run: (v) => activate('softmax', v[out], rows, d) });
    }
    return { forward: b.program(), forwardInputs: [x, ...weights], forwardOutput: out };
  }

  /** The forward ops from input buffer `x`: each stage's output buffer, and the dropout masks' buffers. */
  private forwardOps(b: ProgramBuilder, rows: number, x: number, weights: number[], training: boolean):
    { outputs: number[]; masks: BernoulliOp[]; output: number } {
    const outputs: number[] = [];
    const masks: BernoulliOp[] = [];
    let a = x, w = 0;
    for (const s of this.stages) {
      const n = b.sizes[a];
      switch (s.kind) {
        case 'conv': case 'dense': {
          const kernel = weights[w++], bias = s.bias ? weights[w++] : null;
          const units = s.kernel.shape[s.kernel.shape.length - 1];
          if (s.kind === 'conv') {
            const p = s.geometry(rows);
            const y = b.buffer(rows * p.outHeight * p.outWidth * units);
            b.ops.push({ op: 'conv2d', x: a, filter: kernel, y, p });
            a = y;
          } else {
            const y = b.buffer(rows * units);
            b.ops.push({ op: 'matmul', a, b: kernel, y, m: rows, k: s.kernel.shape[0], n: units, transposeA: false, transposeB: false });
            a = y;
          }
          const activation = s.activation === 'softmax' ? 'linear' : s.activation;
          if (bias !== null || activation !== 'linear') b.ops.push({ op: 'biasActivation', z: a, bias, y: a, activation });
          break;
        }
        case 'pool': {
          const p = s.geometry(rows);
          const y = b.buffer(rows * p.outHeight * p.outWidth * p.channels);
          b.ops.push({ op: 'maxPool2d', x: a, y, p });
          a = y;
          break;
        }
        case 'globalPool': {
          const y = b.buffer(rows * s.channels);
          b.ops.push({ op: s.mode === 'max' ? 'reduceMax' : 'reduceMean', x: a, y, outer: rows, mid: s.positions, inner: s.channels });
          a = y;
          break;
        }
        case 'flatten': break;
        case 'dropout': {
          if (!training || s.rate === 0) break;
          const mask = b.buffer(n), y = b.buffer(n), keep = 1 - s.rate;
          const draw: BernoulliOp = { op: 'bernoulli', y: mask, from: 0, p: keep, value: keep > 0 ? 1 / keep : 0, draws: n };
          b.ops.push(draw, { op: 'mul', a, b: mask, y });
          masks.push(draw);
          a = y;
          break;
        }
      }
      outputs.push(a);
    }
    return { outputs, masks, output: a };
  }

  private lowerTrain(rows: number): Pick<Programs, 'train' | 'trainInputs' | 'trainOutputs' | 'masks'> {
    const b = new ProgramBuilder();
    const x = b.buffer(rows * this.inputDim);
    const weights = this.variables.map((v) => b.buffer(v.size));
    const { outputs, masks, output } = this.forwardOps(b, rows, x, weights, true);
    const stages = this.stages, d = this.outputDim, step = this.step;
    const last = stages[stages.length - 1];
    const softmax = last.kind === 'dense' && last.activation === 'softmax';
    // The loss and d loss / d output (for softmax, d loss / d logits) in JavaScript, between the two passes.
    let g = b.buffer(rows * d);
    const dOut = g;
    b.ops.push({
      op: 'host',
      run: (v) => {
        if (softmax) activate('softmax', v[output], rows, d);
        step.value = lossAndGradient(step.loss, step.targets, v[output], rows, d, step.weight, v[dOut]);
        if (softmax) activationGradient('softmax', v[dOut], v[output], rows, d);
      },
    });
    const grads = this.variables.map((v) => b.buffer(v.size));
    // Weight indices run backwards with the stages; the first weighted stage needs no input gradient.
    let w = this.variables.length;
    const firstWeighted = stages.findIndex((s) => s.kind === 'conv' || s.kind === 'dense');
    const maskAt = masks.slice();
    for (let i = stages.length - 1; i >= 0; i--) {
      const s = stages[i];
      const input = i === 0 ? x : outputs[i - 1];
      const needInput = i > firstWeighted;
      switch (s.kind) {
        case 'conv': case 'dense': {
          const dBias = s.bias ? grads[--w] : null;
          const dKernel = grads[--w], kernel = weights[w];
          const activation = s.activation === 'softmax' ? 'linear' : s.activation;
          const units = s.kernel.shape[s.kernel.shape.length - 1];
          if (dBias !== null || activation !== 'linear') {
            b.ops.push({ op: 'biasActivationGrad', dy: g, y: outputs[i], dz: g, dbias: dBias, activation, channels: units });
          }
          if (s.kind === 'conv') {
            const p = s.geometry(rows);
            b.ops.push({ op: 'conv2dBackpropFilter', x: input, dy: g, dfilter: dKernel, p });
            if (needInput) {
              const dx = b.buffer(b.sizes[input]);
              b.ops.push({ op: 'conv2dBackpropInput', dy: g, filter: kernel, dx, p });
              g = dx;
            }
          } else {
            const inputs = s.kernel.shape[0];
            b.ops.push({ op: 'matmul', a: input, b: g, y: dKernel, m: inputs, k: rows, n: units, transposeA: true, transposeB: false });
            if (needInput) {
              const dx = b.buffer(rows * inputs);
              b.ops.push({ op: 'matmul', a: g, b: kernel, y: dx, m: rows, k: units, n: inputs, transposeA: false, transposeB: true });
              g = dx;
            }
          }
          break;
        }
        case 'pool':
          if (needInput) {
            const dx = b.buffer(b.sizes[input]);
            b.ops.push({ op: 'maxPool2dBackprop', dy: g, x: input, dx, p: s.geometry(rows) });
            g = dx;
          }
          break;
        case 'globalPool':
          if (needInput) {
            const dx = b.buffer(b.sizes[input]);
            const [outer, mid, inner] = [rows, s.positions, s.channels];
            b.ops.push(s.mode === 'max' ? { op: 'reduceMaxGrad', x: input, y: outputs[i], dy: g, dx, outer, mid, inner }
              : { op: 'reduceMeanGrad', dy: g, dx, outer, mid, inner });
            g = dx;
          }
          break;
        case 'flatten': break;
        case 'dropout':
          if (needInput && s.rate > 0) b.ops.push({ op: 'mul', a: g, b: maskAt.pop()!.y, y: g });
          break;
      }
    }
    return {
      train: b.program(),
      trainInputs: [x, ...weights],
      trainOutputs: [output, ...grads],
      masks,
    };
  }
}

/** Two links alike: the same description and shapes, and for a layer with weights the same variables. */
function sameLink(a: ChainLink, b: ChainLink): boolean {
  const withoutWeights = (l: ChainLink) => JSON.stringify(l, (k, v: unknown) => (k === 'kernel' || k === 'bias' ? null : v));
  const weighted = (l: ChainLayer) => (l.kind === 'conv' || l.kind === 'dense' ? [l.kernel, l.bias] : []);
  const [wa, wb] = [weighted(a.layer), weighted(b.layer)];
  return wa.length === wb.length && wa.every((v, i) => v === wb[i]) && withoutWeights(a) === withoutWeights(b);
}

/** A program's dropout-mask op, with its size for the draws it takes. */
type BernoulliOp = Extract<ProgramOp, { op: 'bernoulli' }> & { draws: number };

/** Collects a program's buffers and ops. */
class ProgramBuilder {
  readonly sizes: number[] = [];
  readonly ops: ProgramOp[] = [];

  buffer(floats: number): number {
    return this.sizes.push(floats) - 1;
  }

  program(): Program {
    return { buffers: this.sizes, ops: this.ops };
  }
}
