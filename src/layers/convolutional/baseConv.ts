/**
 * BaseConv: the N-D convolution layer that Conv1D and Conv2D specialise
 * (keras/src/layers/convolutional/base_conv.py): `activation(conv(inputs, kernel) + bias)`,
 * kernel of shape kernel_size + (in_channels, filters), channels last. Shape math comes from
 * src/ops/convShapes.ts, the same functions the conv ops use.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from '../../constraints/index.js';
import { convOutputLength, effectiveKernelSize } from '../../ops/convShapes.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import {
  ConfigReader, checkFilters, checkStridesWithDilation, formatTuple, normalizeDataFormat,
  normalizePadding, normalizeTuple, type ConvPadding, type DataFormat,
} from './convArgs.js';

/** Arguments every convolution layer takes besides `filters` and `kernelSize` (Keras's names, camelCase). */
export interface BaseConvArgs extends LayerArgs {
  strides?: number | number[];
  padding?: ConvPadding;
  /** Only 'channels_last' is computed for now. */
  dataFormat?: DataFormat | null;
  dilationRate?: number | number[];
  /** Only 1 for now. */
  groups?: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  /** A penalty on the layer's output, added to the loss on each call. */
  activityRegularizer?: RegularizerIdentifier | null;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

/** Names of the spatial axes, for messages: (batch, steps, channels), (batch, height, width, channels). */
export function spatialAxisNames(rank: number): string[] {
  if (rank === 1) return ['steps'];
  if (rank === 2) return ['height', 'width'];
  return Array.from({ length: rank }, (_, i) => `spatial_${i + 1}`);
}

/** The input layout a rank-N channels-last convolution expects, e.g. "(batch, height, width, channels)". */
export function inputLayout(rank: number): string {
  return `(batch, ${spatialAxisNames(rank).join(', ')}, channels)`;
}

/** The hint for an input of the wrong rank or channel count, shared by BaseConv and BaseConvTranspose. */
export function convInputFix(className: string, rank: number, shape: Shape, spec: InputSpec): string[] | undefined {
  const layout = inputLayout(rank);
  const sample = shape.slice(1).map((d) => (d === null ? 'null' : String(d)));
  const want = rank + 2;
  if (spec.ndim !== undefined && shape.length !== spec.ndim) {
    if (shape.length === want - 1) {
      const withChannels = [...sample, '1'].join(', ');
      const fixes = [`${className} needs ${layout}; add a channels axis: Input([${withChannels}])`];
      if (shape.slice(1).every((d) => d !== null)) {
        fixes.push(`if the input comes from another layer, put Reshape([${withChannels}]) before ${className}`);
      }
      return fixes;
    }
    if (shape.length === want + 1 && rank === 1) {
      return [`${className} needs ${layout}. For images such as (${sample.join(', ')}) use Conv2D, which slides over height and width.`];
    }
    if (shape.length < want) {
      return [`${className} needs ${layout}: ${rank} spatial ${rank > 1 ? 'axes' : 'axis'} and a channels axis. Reshape each sample to that layout, e.g. Input([${[...spatialAxisNames(rank), '1'].join(', ')}]).`];
    }
    return [`${className} needs ${layout}; the input has ${shape.length - 2} axes between batch and channels. Reshape it, or pick the layer of that rank.`];
  }
  const channels = spec.axes?.[-1];
  if (channels !== undefined) {
    return [`this ${className} was built for inputs with ${channels} channels (its kernel is sized for them); give it inputs with ${channels} channels, or use a new ${className} for ${shape[shape.length - 1]}.`];
  }
  return undefined;
}

export abstract class BaseConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dataFormat: 'channels_last';
  readonly dilationRate: number[];
  readonly groups: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly activityRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(rank: number, filters: number, kernelSize: number | number[], args: BaseConvArgs = {}) {
    super(args);
    this.rank = rank;
    this.filters = checkFilters(filters);
    const groups = args.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) {
      throw new ValueError(`The number of groups must be a positive integer. Received: groups=${groups}.`);
    }
    if (groups !== 1) {
      throw new ValueError(
        `${this.className}: grouped convolution is not supported yet; only groups=1. Received: groups=${groups}.`,
      );
    }
    this.groups = groups;
    this.kernelSize = normalizeTuple(kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate');
    this.padding = normalizePadding(args.padding ?? 'valid', rank === 1);
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.className);
    checkStridesWithDilation(this.strides, this.dilationRate);
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
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
      throw new ValueError(
        `Layer "${this.name}" (${this.className}): the channels axis (the last) of the input must be known to size the kernel. ` +
          `Received: input shape ${formatShape(shape)}.`,
      );
    }
    // As Keras does: computing the output shape validates the input (a kernel larger than the input).
    this.computeOutputShape(shape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels / this.groups, this.filters], this.kernelInitializer, true,
      { regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, true,
        { regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    let y = this.convolutionOp(x, this.kernel!);
    if (this.bias) y = ops.add(y, this.bias);
    const out = this.activation(y);
    if (this.activityRegularizer) this.addLoss(this.activityRegularizer.call(out));
    return out;
  }

  /** The convolution itself, by rank (Keras's convolution_op over ops.conv). */
  protected convolutionOp(x: Tensor, kernel: Tensor): Tensor {
    if (this.rank === 1) {
      return ops.conv1d(x, kernel, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0] });
    }
    if (this.rank === 2) {
      return ops.conv2d(x, kernel, {
        strides: [this.strides[0], this.strides[1]],
        padding: this.padding,
        dilationRate: [this.dilationRate[0], this.dilationRate[1]],
      });
    }
    throw new ValueError(`${this.className}: convolutions of rank ${this.rank} are not implemented.`);
  }

  /** keras/src/ops/operation_utils.py compute_conv_output_shape, channels last. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    if (shape.length !== this.rank + 2) {
      throw new ShapeError(shapeErrorMessage({
        where: `Layer "${this.name}" (${this.className})`,
        expected: `an input of rank ${this.rank + 2} ${inputLayout(this.rank)}`,
        received: `shape ${formatShape(shape)}`,
        fix: convInputFix(this.className, this.rank, shape, { ndim: this.rank + 2 }),
      }));
    }
    const out: Shape = [shape[0]];
    for (let i = 0; i < this.rank; i++) {
      const length = shape[i + 1];
      if (length === null) {
        out.push(null);
        continue;
      }
      const outLength = convOutputLength(length, this.kernelSize[i], this.strides[i], this.padding, this.dilationRate[i]);
      if (outLength <= 0) throw this.kernelTooLarge(shape, i, outLength);
      out.push(outLength);
    }
    out.push(this.filters);
    return out;
  }

  /**
   * The kernel does not fit ('valid' padding, kernel longer than the input). Keras raises "Computed output
   * size would be negative" (only below zero); here an empty output is refused too, since nothing follows from it.
   */
  private kernelTooLarge(shape: Shape, i: number, outLength: number): ShapeError {
    const length = shape[i + 1] as number;
    const axis = spatialAxisNames(this.rank)[i];
    const k = this.kernelSize[i];
    const d = this.dilationRate[i];
    const span = effectiveKernelSize(k, d);
    const dilation = d > 1 ? ` with dilation_rate ${d}` : '';
    const largest = Math.floor((length - 1) / d) + 1;
    const fixes = [
      `use padding: 'same', which pads the input so the output length along ${axis} is ceil(${length} / ${this.strides[i]}) = ${Math.ceil(length / this.strides[i])}`,
      `or use a smaller kernel: kernelSize ${largest === 1 ? '1' : `<= ${largest}`} along ${axis}${d > 1 ? ', or a smaller dilationRate' : ''}`,
    ];
    return new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (${this.className})`,
      expected: `the input to be at least as long as the kernel along axis ${i + 1} (${axis}) with padding 'valid': ` +
        `kernel_size=${formatTuple(this.kernelSize)} spans ${span}${dilation}`,
      received: `input length ${length} along ${axis} (input shape ${formatShape(shape)}), which gives an output length of ${outLength}`,
      fix: fixes,
    }));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: this.groups,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
    };
  }
}

/**
 * Reads a Keras Conv config (Keras 3 or tf.keras 2) into constructor arguments. `module` and
 * `registered_name` (of the wrapper) are not part of `config` and are ignored if present.
 */
export function convArgsFromConfig(className: string, config: Record<string, unknown>):
  { filters: number; kernelSize: number | number[]; args: BaseConvArgs } {
  const c = new ConfigReader(className, config);
  const filters = c.number('filters');
  const kernelSize = c.intOrInts('kernel_size');
  if (filters === undefined || kernelSize === undefined) {
    throw new ValueError(`${className}.fromConfig: the config needs \`filters\` and \`kernel_size\`. Received keys: ${Object.keys(c.config).join(', ')}.`);
  }
  for (const key of ['lora_rank', 'dora_rank']) {
    if (c.raw(key) !== undefined && c.raw(key) !== null) {
      throw new ValueError(`${className}.fromConfig: \`${key}\` (low-rank adaptation) is not supported yet. Received: ${key}=${JSON.stringify(c.raw(key))}.`);
    }
  }
  const args: BaseConvArgs = {
    ...c.layerArgs(),
    strides: c.intOrInts('strides'),
    padding: c.string('padding') as ConvPadding | undefined,
    dataFormat: c.string('data_format') as DataFormat | undefined,
    dilationRate: c.intOrInts('dilation_rate'),
    groups: c.number('groups'),
    activation: c.activation('activation'),
    useBias: c.boolean('use_bias'),
    kernelInitializer: c.initializer('kernel_initializer'),
    biasInitializer: c.initializer('bias_initializer'),
    kernelRegularizer: c.raw('kernel_regularizer') as RegularizerIdentifier | null | undefined,
    biasRegularizer: c.raw('bias_regularizer') as RegularizerIdentifier | null | undefined,
    activityRegularizer: c.raw('activity_regularizer') as RegularizerIdentifier | null | undefined,
    kernelConstraint: c.raw('kernel_constraint') as ConstraintIdentifier | null | undefined,
    biasConstraint: c.raw('bias_constraint') as ConstraintIdentifier | null | undefined,
  };
  return { filters, kernelSize, args };
}
