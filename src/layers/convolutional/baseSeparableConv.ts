/**
 * BaseSeparableConv (keras/src/layers/convolutional/base_separable_conv.py): a depthwise convolution
 * (kernel_size + (in, depth_multiplier), with the strides, padding and dilation) followed by a 1x1
 * pointwise convolution ((1,)*rank + (in * depth_multiplier, filters)) and the bias. Weights in Keras's
 * order: depthwise_kernel, pointwise_kernel, bias.
 */
import { ValueError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { applyBiasActivation } from '../epilogue.js';
import { convInputFix } from './convHints.js';
import {
  checkFilters, checkStridesWithDilation, checkUnsupportedNull, normalizeDataFormat, normalizePadding,
  normalizeTuple, type DataFormat,
} from './convArgs.js';
import { filtersAndKernelSize } from './convCommon.js';
import { checkDepthMultiplier, depthwiseOutputShape } from './depthwiseConv2d.js';
import { depthwiseConv1d, depthwiseConv2d } from './depthwiseConvOp.js';

export interface BaseSeparableConvArgs extends LayerArgs {
  depthMultiplier?: number;
  strides?: number | number[];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
  dilationRate?: number | number[];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  depthwiseInitializer?: InitializerIdentifier;
  pointwiseInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Not supported yet: only null. */
  depthwiseRegularizer?: null;
  pointwiseRegularizer?: null;
  biasRegularizer?: null;
  activityRegularizer?: null;
  depthwiseConstraint?: null;
  pointwiseConstraint?: null;
  biasConstraint?: null;
}

export abstract class BaseSeparableConv extends Layer {
  readonly rank: number;
  readonly depthMultiplier: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';
  readonly dilationRate: number[];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly pointwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(rank: number, filters: number, kernelSize: number | number[], args: BaseSeparableConvArgs = {}) {
    super(args);
    this.rank = rank;
    this.depthMultiplier = checkDepthMultiplier(args.depthMultiplier ?? 1);
    this.filters = checkFilters(filters);
    this.kernelSize = normalizeTuple(kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate');
    this.padding = normalizePadding(args.padding ?? 'valid', false) as 'valid' | 'same';
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.className);
    checkStridesWithDilation(this.strides, this.dilationRate);
    checkUnsupportedNull(this.className, {
      depthwise_regularizer: args.depthwiseRegularizer,
      pointwise_regularizer: args.pointwiseRegularizer,
      bias_regularizer: args.biasRegularizer,
      activity_regularizer: args.activityRegularizer,
      depthwise_constraint: args.depthwiseConstraint,
      pointwise_constraint: args.pointwiseConstraint,
      bias_constraint: args.biasConstraint,
    });
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorot_uniform');
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.inputSpec = { ndim: rank + 2 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix(this.className, this.rank, shape, spec);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const channels = shape[shape.length - 1];
    if (channels === null || channels === undefined) {
      throw new ValueError(`Layer "${this.name}" (${this.className}): the channels axis (the last) of the input must be known. Received: input shape ${formatShape(shape)}.`);
    }
    this.computeOutputShape(shape);
    const ones = new Array<number>(this.rank).fill(1);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, channels, this.depthMultiplier], this.depthwiseInitializer);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [...ones, channels * this.depthMultiplier, this.filters], this.pointwiseInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const depthwise = this.rank === 1
      ? depthwiseConv1d(x, this.depthwiseKernel!, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0] })
      : depthwiseConv2d(x, this.depthwiseKernel!, {
        strides: [this.strides[0], this.strides[1]], padding: this.padding, dilationRate: [this.dilationRate[0], this.dilationRate[1]],
      });
    // The 1x1 pointwise step is a matmul over the channels axis.
    const pw = this.pointwiseKernel!;
    // matmul's output is fresh and its gradient rule never reads it: the epilogue may reuse its array.
    return applyBiasActivation(ops.matmul(depthwise, ops.reshape(pw, pw.shape.slice(-2))), this.bias, this.activation);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return depthwiseOutputShape(this, this.rank, inputShape as Shape, this.kernelSize, this.strides, this.padding, this.dilationRate, this.filters);
  }

  /** Keras 3's BaseSeparableConv.get_config. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      depthwise_initializer: serializeInitializer(this.depthwiseInitializer),
      pointwise_initializer: serializeInitializer(this.pointwiseInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      depthwise_regularizer: null,
      pointwise_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      depthwise_constraint: null,
      pointwise_constraint: null,
      bias_constraint: null,
    };
  }
}

/** Reads a Keras SeparableConv config into constructor arguments. */
export function separableConvArgsFromConfig(className: string, config: Record<string, unknown>):
  { filters: number; kernelSize: number | number[]; args: BaseSeparableConvArgs } {
  const { c, filters, kernelSize } = filtersAndKernelSize(className, config);
  const args: BaseSeparableConvArgs = {
    ...c.layerArgs(),
    depthMultiplier: c.number('depth_multiplier'),
    strides: c.intOrInts('strides'),
    padding: c.string('padding') as 'valid' | 'same' | undefined,
    dataFormat: c.string('data_format') as DataFormat | undefined,
    dilationRate: c.intOrInts('dilation_rate'),
    activation: c.activation('activation'),
    useBias: c.boolean('use_bias'),
    depthwiseInitializer: c.initializer('depthwise_initializer'),
    pointwiseInitializer: c.initializer('pointwise_initializer'),
    biasInitializer: c.initializer('bias_initializer'),
  };
  const unsupported = ['depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer',
    'depthwise_constraint', 'pointwise_constraint', 'bias_constraint'];
  checkUnsupportedNull(className, Object.fromEntries(unsupported.map((k) => [k, c.raw(k)])));
  return { filters, kernelSize, args };
}
