/**
 * One converter per exported layer class: the layer, its input value names and shapes -> its output
 * value names. Layers are matched by exact class name, so a user subclass with its own call() is
 * refused rather than exported as its parent.
 */
import { ValueError } from '../../core/errors.js';
import {
  Activation, Add, Average, AveragePooling1D, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, Conv2DTranspose, Dense,
  Dropout, Flatten, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, GRU, LSTM,
  Maximum, MaxPooling1D, MaxPooling2D, Minimum, Multiply, Reshape, SimpleRNN, SpatialDropout1D, Subtract,
  type Layer,
} from '../../layers/index.js';
import type { Shape } from '../../layers/layer.js';
import { emitActivation } from './activations.js';
import type { GraphBuilder } from './builder.js';
import { emitConv, emitConvTranspose, emitGlobalPooling, emitPooling } from './convolution.js';
import { emitRecurrent } from './recurrent.js';

export interface LayerCall {
  g: GraphBuilder;
  layer: Layer;
  inputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /** A prefix for the names of this call's values (the layer's name). */
  prefix: string;
}

type Converter = (c: LayerCall) => string[];

const where = (layer: Layer) => `layer "${layer.name}" (${layer.className})`;

function dense(c: LayerCall): string[] {
  const layer = c.layer as Dense;
  const kernel = layer.kernel!;
  // MatMul broadcasts over leading axes, so (batch, ..., features) inputs need no reshape.
  let y = c.g.op('MatMul', [c.inputs[0], c.g.floatConstant(`${c.prefix}/kernel`, kernel.shape, kernel.dataSync())], c.prefix);
  if (layer.bias) y = c.g.op('Add', [y, c.g.floatConstant(`${c.prefix}/bias`, [layer.units], layer.bias.dataSync())], c.prefix);
  return [emitActivation(c.g, layer.activation.activationName, y, c.prefix, where(layer))];
}

/**
 * Inference-time batch normalization folded into one scale and one shift per channel:
 * y = x * gamma / sqrt(var + eps) + (beta - mean * gamma / sqrt(var + eps)), computed in float64.
 */
function batchNormalization(c: LayerCall): string[] {
  const layer = c.layer as BatchNormalization;
  const rank = c.inputShapes[0].length;
  const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
  if (axis <= 0 || axis >= rank) throw new ValueError(`exportOnnx: ${where(layer)} normalizes axis ${layer.axis}, which is not a feature axis of an input of rank ${rank}.`);
  const mean = layer.movingMean!.dataSync();
  const variance = layer.movingVariance!.dataSync();
  const gamma = layer.gamma?.dataSync();
  const beta = layer.beta?.dataSync();
  const n = mean.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + layer.epsilon);
    scale[i] = s;
    shift[i] = (beta ? beta[i] : 0) - mean[i] * s;
  }
  // Broadcast over the axes after `axis`: (n,) for the last axis, (n, 1, ..., 1) otherwise.
  const dims = [n, ...new Array<number>(rank - 1 - axis).fill(1)];
  const y = c.g.op('Mul', [c.inputs[0], c.g.floatConstant(`${c.prefix}/scale`, dims, scale)], c.prefix);
  return [c.g.op('Add', [y, c.g.floatConstant(`${c.prefix}/shift`, dims, shift)], c.prefix)];
}

function flatten(c: LayerCall): string[] {
  const layer = c.layer as Flatten;
  let x = c.inputs[0];
  const rank = c.inputShapes[0].length;
  if (layer.dataFormat === 'channels_first' && rank > 2) {
    x = c.g.transpose(x, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1], c.prefix);
  }
  // 0 keeps the (dynamic) batch size, -1 takes the rest.
  return [c.g.op('Reshape', [x, c.g.int64Constant(`${c.prefix}/shape`, [0, -1])], c.prefix)];
}

function reshape(c: LayerCall): string[] {
  const target = (c.layer as Reshape).targetShape;
  return [c.g.op('Reshape', [c.inputs[0], c.g.int64Constant(`${c.prefix}/shape`, [0, ...target])], c.prefix)];
}

/** A merge of n inputs by a binary op, left to right (Keras's merge layers fold the same way). */
const chain = (opType: string): Converter => (c) => {
  let y = c.inputs[0];
  for (const x of c.inputs.slice(1)) y = c.g.op(opType, [y, x], c.prefix);
  return [y];
};

const variadic = (opType: string): Converter => (c) => [c.g.op(opType, c.inputs, c.prefix)];

const identity: Converter = (c) => [c.inputs[0]];

const CONVERTERS: Record<string, [abstract new (...args: never[]) => Layer, Converter]> = {
  Dense: [Dense, dense],
  Activation: [Activation, (c) => [emitActivation(c.g, (c.layer as Activation).activation.activationName, c.inputs[0], c.prefix, where(c.layer))]],
  Dropout: [Dropout, identity],
  SpatialDropout1D: [SpatialDropout1D, identity],
  Flatten: [Flatten, flatten],
  Reshape: [Reshape, reshape],
  BatchNormalization: [BatchNormalization, batchNormalization],
  Conv1D: [Conv1D, (c) => [emitConv(c.g, c.layer as Conv1D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  Conv2D: [Conv2D, (c) => [emitConv(c.g, c.layer as Conv2D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  Conv2DTranspose: [Conv2DTranspose, (c) => [emitConvTranspose(c.g, c.layer as Conv2DTranspose, c.inputs[0], c.inputShapes[0], c.outputShapes[0], c.prefix)]],
  MaxPooling1D: [MaxPooling1D, (c) => [emitPooling(c.g, c.layer as MaxPooling1D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  MaxPooling2D: [MaxPooling2D, (c) => [emitPooling(c.g, c.layer as MaxPooling2D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  AveragePooling1D: [AveragePooling1D, (c) => [emitPooling(c.g, c.layer as AveragePooling1D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  AveragePooling2D: [AveragePooling2D, (c) => [emitPooling(c.g, c.layer as AveragePooling2D, c.inputs[0], c.inputShapes[0], c.prefix)]],
  GlobalMaxPooling1D: [GlobalMaxPooling1D, (c) => [emitGlobalPooling(c.g, c.layer as GlobalMaxPooling1D, c.inputs[0], c.prefix)]],
  GlobalMaxPooling2D: [GlobalMaxPooling2D, (c) => [emitGlobalPooling(c.g, c.layer as GlobalMaxPooling2D, c.inputs[0], c.prefix)]],
  GlobalAveragePooling1D: [GlobalAveragePooling1D, (c) => [emitGlobalPooling(c.g, c.layer as GlobalAveragePooling1D, c.inputs[0], c.prefix)]],
  GlobalAveragePooling2D: [GlobalAveragePooling2D, (c) => [emitGlobalPooling(c.g, c.layer as GlobalAveragePooling2D, c.inputs[0], c.prefix)]],
  SimpleRNN: [SimpleRNN, (c) => emitRecurrent(c.g, c.layer as SimpleRNN, c.inputs[0], c.inputShapes[0], c.prefix)],
  LSTM: [LSTM, (c) => emitRecurrent(c.g, c.layer as LSTM, c.inputs[0], c.inputShapes[0], c.prefix)],
  GRU: [GRU, (c) => emitRecurrent(c.g, c.layer as GRU, c.inputs[0], c.inputShapes[0], c.prefix)],
  Add: [Add, chain('Add')],
  Subtract: [Subtract, chain('Sub')],
  Multiply: [Multiply, chain('Mul')],
  Average: [Average, variadic('Mean')],
  Maximum: [Maximum, variadic('Max')],
  Minimum: [Minimum, variadic('Min')],
  Concatenate: [Concatenate, (c) => [c.g.op('Concat', c.inputs, c.prefix, { axis: (c.layer as Concatenate).axis })]],
};

/** The exported layer classes, by Keras class name. */
export const ONNX_LAYERS: readonly string[] = Object.keys(CONVERTERS);

export function convertLayer(c: LayerCall): string[] {
  const entry = Object.hasOwn(CONVERTERS, c.layer.className) ? CONVERTERS[c.layer.className] : undefined;
  if (!entry || !(c.layer instanceof entry[0])) {
    throw new ValueError(
      `exportOnnx: ${where(c.layer)} has no ONNX export. Supported layers: ${ONNX_LAYERS.join(', ')}. ` +
        'Rebuild the model from these layers, or leave this one out of the exported part.',
    );
  }
  return entry[1](c);
}
