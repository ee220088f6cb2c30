/**
 * DepthwiseConv2D (keras/src/layers/convolutional/depthwise_conv2d.py, base_depthwise_conv.py): each
 * input channel convolved with its own depth_multiplier filters; kernel (kh, kw, in, depth_multiplier)
 * named 'kernel' (Keras 3), bias (in * depth_multiplier,). No mixing across channels.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { convOutputLength } from '../../ops/convShapes.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { applyBiasActivation } from '../epilogue.js';
import { convInputFix, inputLayout, spatialAxisNames } from './convHints.js';
import {
  ConfigReader, checkStridesWithDilation, checkUnsupportedNull, normalizeDataFormat, normalizePadding, normalizeTuple,
  type DataFormat,
} from './convArgs.js';
import { depthwiseConv2d } from './depthwiseConvOp.js';

export interface DepthwiseConv2DArgs extends LayerArgs {
  depthMultiplier?: number;
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
  dilationRate?: number | [number, number];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  depthwiseInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Not supported yet: only null. */
  depthwiseRegularizer?: null;
  biasRegularizer?: null;
  activityRegularizer?: null;
  depthwiseConstraint?: null;
  biasConstraint?: null;
}

/** A positive integer depth_multiplier (Keras's message). */
export function checkDepthMultiplier(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`Invalid value for argument \`depth_multiplier\`. Expected a strictly positive value. Received depth_multiplier=${JSON.stringify(value)}.`);
  }
  return value;
}

/** Spatial output shape for the depthwise step (compute_conv_output_shape), with a teaching error when the kernel does not fit. */
export function depthwiseOutputShape(layer: Layer, rank: number, shape: Shape, kernelSize: number[], strides: number[],
  padding: 'valid' | 'same', dilationRate: number[], channelsOut: number | null): Shape {
  if (shape.length !== rank + 2) {
    throw new ShapeError(shapeErrorMessage({
      where: `Layer "${layer.name}" (${layer.className})`,
      expected: `an input of rank ${rank + 2} ${inputLayout(rank)}`,
      received: `shape ${formatShape(shape)}`,
      fix: convInputFix(layer.className, rank, shape, { ndim: rank + 2 }),
    }));
  }
  const out: Shape = [shape[0]];
  for (let i = 0; i < rank; i++) {
    const length = shape[i + 1];
    if (length === null) {
      out.push(null);
      continue;
    }
    const o = convOutputLength(length, kernelSize[i], strides[i], padding, dilationRate[i]);
    if (o <= 0) {
      const axis = spatialAxisNames(rank)[i];
      throw new ShapeError(shapeErrorMessage({
        where: `Layer "${layer.name}" (${layer.className})`,
        expected: `the input to be at least as long as the kernel along ${axis} with padding 'valid' (kernel_size=${formatShape(kernelSize)}, dilation_rate=${formatShape(dilationRate)})`,
        received: `input shape ${formatShape(shape)}, which gives an output length of ${o}`,
        fix: [`use padding: 'same'`, `or a smaller kernelSize along ${axis}`],
      }));
    }
    out.push(o);
  }
  out.push(channelsOut);
  return out;
}

export class DepthwiseConv2D extends Layer {
  static override readonly className = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';
  readonly dilationRate: [number, number];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(kernelSize: number | [number, number], args: DepthwiseConv2DArgs = {}) {
    super(args);
    this.depthMultiplier = checkDepthMultiplier(args.depthMultiplier ?? 1);
    this.kernelSize = normalizeTuple(kernelSize, 2, 'kernel_size') as [number, number];
    this.strides = normalizeTuple(args.strides ?? 1, 2, 'strides') as [number, number];
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, 'dilation_rate') as [number, number];
    this.padding = normalizePadding(args.padding ?? 'valid', false) as 'valid' | 'same';
    this.dataFormat = normalizeDataFormat(args.dataFormat, 'DepthwiseConv2D');
    checkStridesWithDilation(this.strides, this.dilationRate);
    checkUnsupportedNull('DepthwiseConv2D', {
      depthwise_regularizer: args.depthwiseRegularizer,
      bias_regularizer: args.biasRegularizer,
      activity_regularizer: args.activityRegularizer,
      depthwise_constraint: args.depthwiseConstraint,
      bias_constraint: args.biasConstraint,
    });
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.inputSpec = { ndim: 4 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('DepthwiseConv2D', 2, shape, spec);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const channels = shape[3];
    if (channels === null || channels === undefined) {
      throw new ValueError(`Layer "${this.name}" (DepthwiseConv2D): the channels axis (the last) of the input must be known. Received: input shape ${formatShape(shape)}.`);
    }
    this.computeOutputShape(shape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels, this.depthMultiplier], this.depthwiseInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [channels * this.depthMultiplier], this.biasInitializer);
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // A fresh conv or concatenation output whose gradient rules never read it: the epilogue may reuse its array.
    const y = depthwiseConv2d(x, this.kernel!, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate });
    return applyBiasActivation(y, this.bias, this.activation);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    const channels = shape[shape.length - 1];
    return depthwiseOutputShape(this, 2, shape, this.kernelSize, this.strides, this.padding, this.dilationRate,
      channels === null || channels === undefined ? null : channels * this.depthMultiplier);
  }

  /** Keras 3's BaseDepthwiseConv.get_config. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      depthwise_initializer: serializeInitializer(this.depthwiseInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      depthwise_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      depthwise_constraint: null,
      bias_constraint: null,
    };
  }

  static fromConfig(config: Record<string, unknown>): DepthwiseConv2D {
    const c = new ConfigReader('DepthwiseConv2D', config);
    const kernelSize = c.intOrInts('kernel_size');
    if (kernelSize === undefined) throw new ValueError(`DepthwiseConv2D.fromConfig: the config needs \`kernel_size\`. Received keys: ${Object.keys(c.config).join(', ')}.`);
    return new DepthwiseConv2D(kernelSize as [number, number], {
      ...c.layerArgs(),
      depthMultiplier: c.number('depth_multiplier'),
      strides: c.intOrInts('strides') as [number, number] | undefined,
      padding: c.string('padding') as 'valid' | 'same' | undefined,
      dataFormat: c.string('data_format') as DataFormat | undefined,
      dilationRate: c.intOrInts('dilation_rate') as [number, number] | undefined,
      activation: c.activation('activation'),
      useBias: c.boolean('use_bias'),
      depthwiseInitializer: c.initializer('depthwise_initializer'),
      biasInitializer: c.initializer('bias_initializer'),
      depthwiseRegularizer: c.raw('depthwise_regularizer') as null | undefined,
      biasRegularizer: c.raw('bias_regularizer') as null | undefined,
      activityRegularizer: c.raw('activity_regularizer') as null | undefined,
      depthwiseConstraint: c.raw('depthwise_constraint') as null | undefined,
      biasConstraint: c.raw('bias_constraint') as null | undefined,
    });
  }
}
