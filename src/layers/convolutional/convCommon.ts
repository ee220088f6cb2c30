/**
 * ConvCommon: what regular and transposed convolutions share (keras/src/layers/convolutional/base_conv.py
 * and base_conv_transpose.py hold the same arguments and weight handling): argument checks, kernel and
 * bias with their initializers, regularizers and constraints, `activation(conv(x) + bias)`, the
 * output-shape loop, and the config. A family supplies its kernel layout, its convolution and its
 * output length per axis.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { applyBiasActivation } from '../epilogue.js';
import {
  ConfigReader, checkFilters, checkStridesWithDilation, normalizeDataFormat, normalizePadding, normalizeTuple,
  type ConvPadding, type DataFormat,
} from './convArgs.js';
import { convInputFix, inputLayout } from './convHints.js';

/** Arguments every convolution family takes besides `filters`, `kernelSize` and `padding`. */
export interface ConvCommonArgs extends LayerArgs {
  strides?: number | number[];
  /** Only 'channels_last' is computed for now. */
  dataFormat?: DataFormat | null;
  dilationRate?: number | number[];
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

export abstract class ConvCommon extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dataFormat: 'channels_last';
  readonly dilationRate: number[];
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

  constructor(rank: number, filters: number, kernelSize: number | number[], padding: ConvPadding | undefined,
    allowCausal: boolean, args: ConvCommonArgs) {
    super(args);
    this.rank = rank;
    this.filters = checkFilters(filters);
    this.kernelSize = normalizeTuple(kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate');
    this.padding = normalizePadding(padding ?? 'valid', allowCausal);
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

  /** The kernel's shape for an input with `channels` channels (Keras's layout for the family). */
  protected abstract kernelShape(channels: number): number[];
  /**
   * The convolution itself, without bias and activation: a new tensor that nothing else holds and whose
   * values no recorded gradient rule reads (the conv ops' rules read x, the kernel and dy), because
   * `call` writes bias and activation into its array.
   */
  protected abstract convolutionOp(x: Tensor, kernel: Tensor): Tensor;
  /** Output length along spatial axis `axis` for a known input length; may throw a teaching ShapeError. */
  protected abstract outputLength(length: number, axis: number, inputShape: Shape): number;
  /** Family-specific config keys, placed where Keras writes them. */
  protected configAfterPadding(): Record<string, unknown> {
    return {};
  }
  protected configAfterDilation(): Record<string, unknown> {
    return {};
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
    this.kernel = this.addWeight('kernel', this.kernelShape(channels), this.kernelInitializer, true,
      { regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, true,
        { regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const out = applyBiasActivation(this.convolutionOp(x, this.kernel!), this.bias, this.activation);
    if (this.activityRegularizer) this.addLoss(this.activityRegularizer.call(out));
    return out;
  }

  /** Channels last: (batch, ...spatial, channels) -> (batch, ...output lengths, filters). */
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
      out.push(length === null ? null : this.outputLength(length, i, shape));
    }
    out.push(this.filters);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      ...this.configAfterPadding(),
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      ...this.configAfterDilation(),
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

/** A conv config's reader with its required `filters` and `kernel_size` (regular and separable convs). */
export function filtersAndKernelSize(className: string, config: Record<string, unknown>):
  { c: ConfigReader; filters: number; kernelSize: number | number[] } {
  const c = new ConfigReader(className, config);
  const filters = c.number('filters');
  const kernelSize = c.intOrInts('kernel_size');
  if (filters === undefined || kernelSize === undefined) {
    throw new ValueError(`${className}.fromConfig: the config needs \`filters\` and \`kernel_size\`. Received keys: ${Object.keys(c.config).join(', ')}.`);
  }
  return { c, filters, kernelSize };
}

/** Reads the shared keys of a Keras conv config; `filters` and `kernel_size` are required. */
export function commonConvArgsFromConfig(className: string, config: Record<string, unknown>):
  { c: ConfigReader; filters: number; kernelSize: number | number[]; args: ConvCommonArgs } {
  const { c, filters, kernelSize } = filtersAndKernelSize(className, config);
  const args: ConvCommonArgs = {
    ...c.layerArgs(),
    strides: c.intOrInts('strides'),
    dataFormat: c.string('data_format') as DataFormat | undefined,
    dilationRate: c.intOrInts('dilation_rate'),
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
  return { c, filters, kernelSize, args };
}
