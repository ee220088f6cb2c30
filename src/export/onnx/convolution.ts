/**
 * Conv1D/Conv2D, Conv2DTranspose and pooling as ONNX Conv / ConvTranspose / MaxPool / AveragePool.
 * Keras is channels last and ONNX channels first, so each layer is wrapped in a Transpose pair
 * (onnxruntime's optimizer cancels the back-to-back pairs between consecutive layers). Padding comes
 * from the same shape math the layers use (src/ops/convShapes.ts), so TensorFlow's asymmetric 'same'
 * (the odd pixel at the end) and 'causal' (all padding in front) are written as explicit pads.
 */
import { ValueError } from '../../core/errors.js';
import type { BaseConv } from '../../layers/convolutional/baseConv.js';
import type { BaseConvTranspose } from '../../layers/convolutional/baseConvTranspose.js';
import type { BasePooling } from '../../layers/pooling/basePooling.js';
import type { BaseGlobalPooling } from '../../layers/pooling/baseGlobalPooling.js';
import type { Shape } from '../../layers/layer.js';
import { convPadding, convTransposePadBefore, effectiveKernelSize } from '../../ops/convShapes.js';
import { emitActivation } from './activations.js';
import { transposeValues, type GraphBuilder } from './builder.js';
import type { AttributeValue } from './protobuf.js';

/** (batch, ...spatial, channels) -> (batch, channels, ...spatial) and back. */
const toChannelsFirst = (rank: number) => [0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)];
const toChannelsLast = (rank: number) => [0, ...Array.from({ length: rank }, (_, i) => i + 2), 1];

/**
 * ONNX `pads` ([begin..., end...]) for a window layer, or auto_pad SAME_UPPER (TensorFlow's 'same', the
 * extra pad at the end) when a spatial length is unknown at export time.
 */
function windowPadding(inputShape: Shape, rank: number, kernel: number[], strides: number[], padding: 'valid' | 'same' | 'causal',
  dilations: number[]): Record<string, AttributeValue> {
  if (padding === 'valid') return { pads: new Array<number>(2 * rank).fill(0) };
  const lengths = inputShape.slice(1, rank + 1);
  if (padding === 'same' && lengths.some((d) => d === null)) return { auto_pad: 'SAME_UPPER' };
  const pairs = lengths.map((d, i) => convPadding(d ?? 0, kernel[i], strides[i], padding, dilations[i]));
  return { pads: [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])] };
}

/** Keras kernel (...kernel, a, b) -> ONNX (b, a, ...kernel): Conv's (out, in, ...) and ConvTranspose's (in, out, ...). */
function convWeight(g: GraphBuilder, kernel: Float32Array, shape: number[], rank: number, prefix: string): string {
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  const t = transposeValues(kernel, shape, perm);
  return g.floatConstant(`${prefix}/W`, t.shape, t.values);
}

export function emitConv(g: GraphBuilder, layer: BaseConv, x: string, inputShape: Shape, prefix: string): string {
  const r = layer.rank;
  if (r !== 1 && r !== 2) throw new ValueError(`exportOnnx: layer "${layer.name}" (${layer.className}) has rank ${r}; only 1-D and 2-D convolutions are exported.`);
  const inputs = [g.transpose(x, toChannelsFirst(r), prefix), convWeight(g, layer.kernel!.dataSync(), layer.kernel!.shape, r, prefix)];
  if (layer.bias) inputs.push(g.floatConstant(`${prefix}/B`, [layer.filters], layer.bias.dataSync()));
  const y = g.op('Conv', inputs, prefix, {
    kernel_shape: layer.kernelSize,
    strides: layer.strides,
    dilations: layer.dilationRate,
    group: layer.groups,
    ...windowPadding(inputShape, r, layer.kernelSize, layer.strides, layer.padding, layer.dilationRate),
  });
  const out = g.transpose(y, toChannelsLast(r), prefix);
  return emitActivation(g, layer.activation.activationName, out, prefix, `layer "${layer.name}" (${layer.className})`);
}

/**
 * ONNX's ConvTranspose output length is (in - 1) s + k_eff + output_padding - pad_begin - pad_end.
 * Keras crops `padBefore` at the start and keeps `outLength`; what is left over is cropped at the end, and a
 * shortfall (padding 'valid' with strides > kernel) is made up with output_padding.
 */
export function emitConvTranspose(g: GraphBuilder, layer: BaseConvTranspose, x: string, inputShape: Shape, outputShape: Shape,
  prefix: string): string {
  const r = layer.rank;
  const begins: number[] = [];
  const ends: number[] = [];
  const outputPadding: number[] = [];
  for (let i = 0; i < r; i++) {
    const length = inputShape[i + 1];
    const outLength = outputShape[i + 1];
    if (length === null || outLength === null) {
      throw new ValueError(
        `exportOnnx: layer "${layer.name}" (${layer.className}) needs known spatial input sizes to compute its padding. ` +
          `Received input shape (${inputShape.map((d) => d ?? 'None').join(', ')}). Build the model with Input([height, width, channels]).`,
      );
    }
    const k = layer.kernelSize[i];
    const s = layer.strides[i];
    const d = layer.dilationRate[i];
    const before = convTransposePadBefore(length, outLength, k, s, layer.padding, d);
    const full = (length - 1) * s + effectiveKernelSize(k, d);
    const end = full - outLength - before;
    begins.push(before);
    ends.push(Math.max(end, 0));
    outputPadding.push(Math.max(-end, 0));
  }
  const inputs = [g.transpose(x, toChannelsFirst(r), prefix), convWeight(g, layer.kernel!.dataSync(), layer.kernel!.shape, r, prefix)];
  if (layer.bias) inputs.push(g.floatConstant(`${prefix}/B`, [layer.filters], layer.bias.dataSync()));
  const y = g.op('ConvTranspose', inputs, prefix, {
    kernel_shape: layer.kernelSize,
    strides: layer.strides,
    dilations: layer.dilationRate,
    pads: [...begins, ...ends],
    output_padding: outputPadding,
  });
  const out = g.transpose(y, toChannelsLast(r), prefix);
  return emitActivation(g, layer.activation.activationName, out, prefix, `layer "${layer.name}" (${layer.className})`);
}

/** MaxPool / AveragePool; average pooling with 'same' divides by the window's valid cells only, as TensorFlow does. */
export function emitPooling(g: GraphBuilder, layer: BasePooling, x: string, inputShape: Shape, prefix: string): string {
  const r = layer.rank;
  const attributes: Record<string, AttributeValue> = {
    kernel_shape: layer.poolSize,
    strides: layer.strides,
    ...windowPadding(inputShape, r, layer.poolSize, layer.strides, layer.padding, layer.poolSize.map(() => 1)),
  };
  if (layer.poolMode !== 'max') attributes.count_include_pad = 0;
  const y = g.op(layer.poolMode === 'max' ? 'MaxPool' : 'AveragePool', [g.transpose(x, toChannelsFirst(r), prefix)], prefix, attributes);
  return g.transpose(y, toChannelsLast(r), prefix);
}

/**
 * Global pooling reduces the spatial axes in place (ReduceMax / ReduceMean over axes 1..rank, channels last),
 * the same result as GlobalMaxPool / GlobalAveragePool between two Transposes, in one node.
 */
export function emitGlobalPooling(g: GraphBuilder, layer: BaseGlobalPooling, x: string, prefix: string): string {
  const axes = Array.from({ length: layer.rank }, (_, i) => i + 1);
  return g.reduce(layer.poolMode === 'max' ? 'ReduceMax' : 'ReduceMean', x, axes, layer.keepdims, prefix);
}
