/**
 * From a model to a list of C steps: walks the single chain from the model's input to its output,
 * lowers each layer to a kernel call with every size fixed, folds BatchNormalization into the Dense or
 * Conv before it, fuses Activation layers, and drops the layers that do nothing at inference.
 * Everything the C code cannot do is refused here, naming the layer.
 */
import { ValueError } from '../../core/errors.js';
import { convPadding } from '../../ops/convShapes.js';
import type { Layer } from '../../layers/layer.js';
import {
  Activation, AveragePooling1D, AveragePooling2D, BatchNormalization, Conv1D, Conv2D, Dense, Dropout, Flatten,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, GRU, InputLayer, LSTM,
  MaxPooling1D, MaxPooling2D, Reshape, SimpleRNN, SpatialDropout1D,
} from '../../layers/index.js';
import { Model } from '../../models/model.js';
import { isElementwise, isSupportedActivation, SUPPORTED_ACTIVATIONS } from './activations.js';

export type Shape = number[];

interface StepBase {
  /** The Keras layer(s) this step computes, for the comment above its call. */
  layers: string[];
  inShape: Shape;
  outShape: Shape;
  /** Applied to the step's output in place ('linear': nothing). */
  activation: string;
}

export interface DenseStep extends StepBase {
  kind: 'dense';
  rows: number; inputs: number; units: number;
  kernel: Float32Array; bias: Float32Array | null;
}

/** Conv1D is a Conv2D with height 1. */
export interface ConvStep extends StepBase {
  kind: 'conv';
  inH: number; inW: number; inC: number; outH: number; outW: number; outC: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padLeft: number;
  kernel: Float32Array; bias: Float32Array | null;
}

/** Pooling1D is a Pooling2D with height 1. */
export interface PoolStep extends StepBase {
  kind: 'pool';
  mode: 'max' | 'average';
  inH: number; inW: number; channels: number; outH: number; outW: number;
  poolH: number; poolW: number; strideH: number; strideW: number; padTop: number; padLeft: number;
}

export interface GlobalPoolStep extends StepBase {
  kind: 'globalPool';
  mode: 'max' | 'average';
  positions: number; channels: number;
}

/** y = x * scale[c] + shift[c], c the channel of each value: BatchNormalization that could not be folded. */
export interface ScaleShiftStep extends StepBase {
  kind: 'scaleShift';
  channels: number; inner: number;
  scale: Float32Array; shift: Float32Array;
}

/** A copy with an activation: an Activation layer with nothing to fuse into. */
export interface ActivationStep extends StepBase {
  kind: 'activation';
}

export interface RnnStep extends StepBase {
  kind: 'rnn';
  cell: 'simple' | 'lstm' | 'gru';
  timesteps: number; features: number; units: number;
  kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array | null;
  cellActivation: string; recurrentActivation: string;
  resetAfter: boolean; returnSequences: boolean; goBackwards: boolean;
}

export type Step = DenseStep | ConvStep | PoolStep | GlobalPoolStep | ScaleShiftStep | ActivationStep | RnnStep;

export interface Plan {
  inShape: Shape;
  outShape: Shape;
  steps: Step[];
}

export const SUPPORTED_LAYERS = [
  'Dense', 'Conv1D', 'Conv2D', 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'Flatten', 'Reshape', 'Activation', 'BatchNormalization', 'Dropout', 'SpatialDropout1D', 'SimpleRNN', 'LSTM', 'GRU',
];

interface LayerCall {
  layer: Layer;
  inShape: Shape;
  outShape: Shape;
}

function refuse(layer: Layer, why: string): ValueError {
  return new ValueError(`exportC: layer "${layer.name}" (${layer.className}) ${why}`);
}

function knownShape(layer: Layer, shape: readonly (number | null)[]): Shape {
  const sample = shape.slice(1);
  if (sample.some((d) => d === null)) {
    throw refuse(layer, `has an input or output shape with unknown sizes, (${shape.map((d) => d ?? 'None').join(', ')}); ` +
      'C code is sized at export time, so build the model with a fully known input shape, e.g. Input([45, 45]).');
  }
  return sample as Shape;
}

/** The layer calls from the model's one input to its one output, nested models inlined. */
function chainOf(model: Model): LayerCall[] {
  model.ensureBuilt();
  if (model.inputs.length !== 1) {
    throw new ValueError(`exportC: model "${model.name}" has ${model.inputs.length} inputs (${model.inputNames.join(', ')}); only single-input models can be exported.`);
  }
  if (model.outputs.length !== 1) {
    throw new ValueError(`exportC: model "${model.name}" has ${model.outputs.length} outputs (${model.outputNames.join(', ')}); only single-output models can be exported.`);
  }
  const input = model.inputs[0];
  const calls: LayerCall[] = [];
  let t = model.outputs[0];
  while (t !== input) {
    const node = t.node;
    const layer = node.layer;
    if (layer instanceof InputLayer) throw refuse(layer, 'is an input the model was not given.');
    if (node.allInputs.length !== 1) {
      throw refuse(layer, `takes ${node.allInputs.length} inputs; only a chain of single-input, single-output layers (a Sequential-like model, no branches or merges) can be exported.`);
    }
    if (node.outputs.length !== 1) {
      throw refuse(layer, `returns ${node.outputs.length} outputs (returnState?); only single-output layers can be exported.`);
    }
    const inner = node.inputs[0];
    if (layer instanceof Model) calls.unshift(...chainOf(layer));
    else calls.unshift({ layer, inShape: knownShape(layer, inner.shape), outShape: knownShape(layer, t.shape) });
    t = inner;
  }
  return calls;
}

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function activationOf(layer: Layer, name: string, what = 'activation'): string {
  if (!isSupportedActivation(name)) {
    throw refuse(layer, `uses ${what} '${name}', which the C export does not have. Supported: ${SUPPORTED_ACTIVATIONS.join(', ')}.`);
  }
  return name;
}

function elementwiseActivationOf(layer: Layer, name: string, what: string): string {
  activationOf(layer, name, what);
  if (!isElementwise(name)) throw refuse(layer, `uses ${what} '${name}', which is not elementwise; a recurrent cell needs an elementwise one.`);
  return name;
}

const copy = (v: { values: Float32Array } | null) => (v ? Float32Array.from(v.values) : null);

function lowerConv(layer: Conv1D | Conv2D, call: LayerCall): ConvStep {
  const one = layer.rank === 1;
  const [inH, inW, inC] = one ? [1, ...call.inShape] : call.inShape;
  const [outH, outW, outC] = one ? [1, ...call.outShape] : call.outShape;
  const k = one ? [1, layer.kernelSize[0]] : layer.kernelSize;
  const s = one ? [1, layer.strides[0]] : layer.strides;
  const d = one ? [1, layer.dilationRate[0]] : layer.dilationRate;
  const padTop = one ? 0 : convPadding(inH, k[0], s[0], layer.padding, d[0])[0];
  const padLeft = convPadding(inW, k[1], s[1], layer.padding, d[1])[0];
  return {
    kind: 'conv', layers: [layer.name], inShape: call.inShape, outShape: call.outShape,
    activation: activationOf(layer, layer.activation.activationName),
    inH, inW, inC, outH, outW, outC, kernelH: k[0], kernelW: k[1], strideH: s[0], strideW: s[1],
    dilationH: d[0], dilationW: d[1], padTop, padLeft, kernel: copy(layer.kernel)!, bias: copy(layer.bias),
  };
}

function lowerPool(layer: MaxPooling1D | MaxPooling2D | AveragePooling1D | AveragePooling2D, call: LayerCall): PoolStep {
  const one = layer.rank === 1;
  const [inH, inW, channels] = one ? [1, ...call.inShape] : call.inShape;
  const [outH, outW] = one ? [1, ...call.outShape] : call.outShape;
  const p = one ? [1, layer.poolSize[0]] : layer.poolSize;
  const s = one ? [1, layer.strides[0]] : layer.strides;
  return {
    kind: 'pool', layers: [layer.name], inShape: call.inShape, outShape: call.outShape, activation: 'linear',
    mode: layer.poolMode === 'max' ? 'max' : 'average',
    inH, inW, channels, outH, outW, poolH: p[0], poolW: p[1], strideH: s[0], strideW: s[1],
    padTop: one ? 0 : convPadding(inH, p[0], s[0], layer.padding)[0], padLeft: convPadding(inW, p[1], s[1], layer.padding)[0],
  };
}

function lowerRnn(layer: SimpleRNN | LSTM | GRU, call: LayerCall): RnnStep {
  if (layer.returnState) throw refuse(layer, 'returns its states (returnState); only the output can be exported.');
  const [timesteps, features] = call.inShape;
  const cell = layer instanceof SimpleRNN ? 'simple' : layer instanceof LSTM ? 'lstm' : 'gru';
  return {
    kind: 'rnn', layers: [layer.name], inShape: call.inShape, outShape: call.outShape, activation: 'linear',
    cell, timesteps, features, units: layer.units,
    kernel: copy(layer.kernel)!, recurrentKernel: copy(layer.recurrentKernel)!, bias: copy(layer.bias),
    cellActivation: elementwiseActivationOf(layer, layer.activation.activationName, 'activation'),
    recurrentActivation: layer instanceof SimpleRNN ? 'linear'
      : elementwiseActivationOf(layer, layer.recurrentActivation.activationName, 'recurrent_activation'),
    resetAfter: layer instanceof GRU ? layer.resetAfter : false,
    returnSequences: layer.returnSequences, goBackwards: layer.goBackwards,
  };
}

/** BatchNormalization at inference: y = x * scale + shift with scale = gamma / sqrt(var + eps), shift = beta - mean * scale. */
function batchNormScaleShift(layer: BatchNormalization): { scale: Float64Array; shift: Float64Array } {
  const mean = layer.movingMean!.values;
  const variance = layer.movingVariance!.values;
  const n = mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = (layer.gamma ? layer.gamma.values[c] : 1) / Math.sqrt(variance[c] + layer.epsilon);
    shift[c] = (layer.beta ? layer.beta.values[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift };
}

/** Folds y = (x W + b) * scale + shift into W' = W * scale (per output channel), b' = b * scale + shift. */
function foldInto(step: DenseStep | ConvStep, layer: BatchNormalization): void {
  const { scale, shift } = batchNormScaleShift(layer);
  const outputs = step.kind === 'dense' ? step.units : step.outC;
  for (let i = 0; i < step.kernel.length; i++) step.kernel[i] = step.kernel[i] * scale[i % outputs];
  const bias = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++) bias[c] = (step.bias ? step.bias[c] : 0) * scale[c] + shift[c];
  step.bias = bias;
  step.layers.push(layer.name);
}

export function planModel(model: Model): Plan {
  if (!(model instanceof Model)) throw new ValueError('exportC expects a kerats Model (Sequential or functional).');
  const calls = chainOf(model);
  const steps: Step[] = [];
  // The step the next BatchNormalization or Activation may merge into: the one just made, if nothing
  // but Dropout came after it (a Reshape in between would change which axis is the channel).
  let mergeTarget: Step | null = null;
  for (const call of calls) {
    const { layer } = call;
    let made: Step | null = null;
    if (layer instanceof Dropout || layer instanceof SpatialDropout1D) {
      continue; // identity at inference
    } else if (layer instanceof Flatten || layer instanceof Reshape) {
      if (layer instanceof Flatten && layer.dataFormat === 'channels_first' && call.inShape.length > 1) {
        throw refuse(layer, "uses data_format 'channels_first', which reorders values; only 'channels_last' can be exported.");
      }
      // Row-major and channels last: the values stay where they are.
    } else if (layer instanceof Dense) {
      const inputs = call.inShape[call.inShape.length - 1];
      made = {
        kind: 'dense', layers: [layer.name], inShape: call.inShape, outShape: call.outShape,
        activation: activationOf(layer, layer.activation.activationName),
        rows: product(call.inShape) / inputs, inputs, units: layer.units, kernel: copy(layer.kernel)!, bias: copy(layer.bias),
      };
    } else if (layer instanceof Conv1D || layer instanceof Conv2D) {
      made = lowerConv(layer, call);
    } else if (layer instanceof MaxPooling1D || layer instanceof MaxPooling2D || layer instanceof AveragePooling1D || layer instanceof AveragePooling2D) {
      made = lowerPool(layer, call);
    } else if (layer instanceof GlobalMaxPooling1D || layer instanceof GlobalMaxPooling2D
      || layer instanceof GlobalAveragePooling1D || layer instanceof GlobalAveragePooling2D) {
      const channels = call.inShape[call.inShape.length - 1];
      made = {
        kind: 'globalPool', layers: [layer.name], inShape: call.inShape, outShape: call.outShape, activation: 'linear',
        mode: layer.poolMode === 'max' ? 'max' : 'average', positions: product(call.inShape) / channels, channels,
      };
    } else if (layer instanceof Activation) {
      const name = activationOf(layer, layer.activation.activationName);
      if (mergeTarget && mergeTarget.activation === 'linear') {
        mergeTarget.activation = name;
        mergeTarget.layers.push(layer.name);
        mergeTarget.outShape = call.outShape;
        continue;
      }
      made = { kind: 'activation', layers: [layer.name], inShape: call.inShape, outShape: call.outShape, activation: name };
    } else if (layer instanceof BatchNormalization) {
      const rank = call.inShape.length + 1;
      const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
      const last = axis === rank - 1;
      if (last && mergeTarget && (mergeTarget.kind === 'dense' || mergeTarget.kind === 'conv') && mergeTarget.activation === 'linear') {
        foldInto(mergeTarget, layer);
        continue;
      }
      if (axis === 0) throw refuse(layer, 'normalizes the batch axis (axis=0), which has no meaning for one sample.');
      const { scale, shift } = batchNormScaleShift(layer);
      made = {
        kind: 'scaleShift', layers: [layer.name], inShape: call.inShape, outShape: call.outShape, activation: 'linear',
        channels: call.inShape[axis - 1], inner: product(call.inShape.slice(axis)),
        scale: Float32Array.from(scale), shift: Float32Array.from(shift),
      };
    } else if (layer instanceof SimpleRNN || layer instanceof LSTM || layer instanceof GRU) {
      made = lowerRnn(layer, call);
    } else {
      throw refuse(layer, `is not supported by the C export. Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`);
    }
    if (made) steps.push(made);
    mergeTarget = made;
  }
  const input = model.inputs[0];
  const output = model.outputs[0];
  return {
    inShape: knownShape(input.sourceLayer, input.shape),
    outShape: calls.length ? calls[calls.length - 1].outShape : knownShape(input.sourceLayer, output.shape),
    steps,
  };
}
