/**
 * BaseConvTranspose: the N-D transposed convolution that Conv2DTranspose specialises
 * (keras/src/layers/convolutional/base_conv_transpose.py). Kernel kernel_size + (filters, in_channels);
 * output lengths from src/ops/convShapes.ts (TensorFlow/JAX semantics, see KERAS-FACTS.md).
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from '../../constraints/index.js';
import { convTransposeOutputLength } from '../../ops/convShapes.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { convInputFix, inputLayout } from './baseConv.js';
import {
  ConfigReader, checkFilters, checkStridesWithDilation, formatTuple, normalizeDataFormat,
  normalizePadding, normalizeTuple, type DataFormat,
} from './convArgs.js';

export interface BaseConvTransposeArgs extends LayerArgs {
  strides?: number | number[];
  padding?: 'valid' | 'same';
  /**
   * Extra rows/columns at the end of the output, to pick one of the input lengths a strided conv maps to
   * the same output length. null (default): the length Keras infers. Each value must be < its stride.
   */
  outputPadding?: number | number[] | null;
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

export abstract class BaseConvTranspose extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly outputPadding: number[] | null;
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

  constructor(rank: number, filters: number, kernelSize: number | number[], args: BaseConvTransposeArgs = {}) {
    super(args);
    this.rank = rank;
    this.filters = checkFilters(filters);
    this.kernelSize = normalizeTuple(kernelSize, rank, 'kernel_size');
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate');
    this.padding = normalizePadding(args.padding ?? 'valid', false) as 'valid' | 'same';
    const outputPadding = args.outputPadding ?? null;
    this.outputPadding = outputPadding === null ? null : normalizeTuple(outputPadding, rank, 'output_padding', true);
    if (this.outputPadding !== null && this.outputPadding.some((p, i) => p >= this.strides[i])) {
      // base_conv_transpose.py: output_padding selects among the `stride` lengths that map back; it must be < stride.
      throw new ValueError(
        `\`output_padding\` must be < \`strides\`. Received: output_padding=${formatTuple(this.outputPadding)}, strides=${formatTuple(this.strides)}`,
      );
    }
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
    this.computeOutputShape(shape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, channels], this.kernelInitializer, true,
      { regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, true,
        { regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (this.rank !== 2) throw new ValueError(`${this.className}: transposed convolutions of rank ${this.rank} are not implemented.`);
    let y = ops.conv2dTranspose(x, this.kernel!, {
      strides: [this.strides[0], this.strides[1]],
      padding: this.padding,
      outputPadding: this.outputPadding === null ? null : [this.outputPadding[0], this.outputPadding[1]],
      dilationRate: [this.dilationRate[0], this.dilationRate[1]],
    });
    if (this.bias) y = ops.add(y, this.bias);
    const out = this.activation(y);
    if (this.activityRegularizer) this.addLoss(this.activityRegularizer.call(out));
    return out;
  }

  /** keras/src/backend/common/backend_utils.py compute_conv_transpose_output_shape, channels last. */
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
      out.push(length === null ? null : convTransposeOutputLength(
        length, this.kernelSize[i], this.strides[i], this.padding, this.outputPadding?.[i] ?? null, this.dilationRate[i],
      ));
    }
    out.push(this.filters);
    return out;
  }

  /**
   * Keras 3.13's BaseConvTranspose.get_config omits output_padding, so a reloaded layer lost it
   * (fixed in keras-team/keras#23014). Written here, after `padding`, so the config round-trips.
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      output_padding: this.outputPadding === null ? null : [...this.outputPadding],
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
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
 * Reads a Keras ConvTranspose config into constructor arguments. tf.keras 2 configs also carry
 * `groups` (1), inherited from Conv2D there; any other value is refused.
 */
export function convTransposeArgsFromConfig(className: string, config: Record<string, unknown>):
  { filters: number; kernelSize: number | number[]; args: BaseConvTransposeArgs } {
  const c = new ConfigReader(className, config);
  const filters = c.number('filters');
  const kernelSize = c.intOrInts('kernel_size');
  if (filters === undefined || kernelSize === undefined) {
    throw new ValueError(`${className}.fromConfig: the config needs \`filters\` and \`kernel_size\`. Received keys: ${Object.keys(c.config).join(', ')}.`);
  }
  const groups = c.number('groups');
  if (groups !== undefined && groups !== 1) {
    throw new ValueError(`${className}.fromConfig: grouped transposed convolution is not supported; only groups=1. Received: groups=${groups}.`);
  }
  const args: BaseConvTransposeArgs = {
    ...c.layerArgs(),
    strides: c.intOrInts('strides'),
    padding: c.string('padding') as 'valid' | 'same' | undefined,
    outputPadding: c.intOrInts('output_padding') ?? null,
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
  return { filters, kernelSize, args };
}
