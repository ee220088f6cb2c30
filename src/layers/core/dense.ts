/** Dense: `activation(dot(x, kernel) + bias)` on the last axis of an input of any rank >= 2 (keras/src/layers/core/dense.py). */
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationIdentifier } from '../../activations/index.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintIdentifier } from '../../constraints/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { applyBiasActivation } from '../epilogue.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

export interface DenseArgs extends LayerArgs {
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

export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activation: ReturnType<typeof getActivation>;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerIdentifier;
  readonly biasInitializer: InitializerIdentifier;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly activityRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`Received an invalid value for \`units\`, expected a positive integer. Received: units=${units}`);
    }
    this.units = units;
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
    this.inputSpec = { minNdim: 2 };
  }

  protected override inputFix(): string {
    return 'Dense needs (batch, ..., features): give each sample a feature axis, e.g. Input([1]) for one number per sample.';
  }

  static fromConfig(config: Config): Dense {
    checkDtype(config, 'Dense');
    return new Dense(config.units as number, {
      ...baseArgsFromConfig(config),
      activation: (config.activation as string | null) ?? 'linear',
      useBias: (config.use_bias as boolean | undefined) ?? true,
      kernelInitializer: (config.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      kernelRegularizer: config.kernel_regularizer as RegularizerIdentifier | null | undefined,
      biasRegularizer: config.bias_regularizer as RegularizerIdentifier | null | undefined,
      activityRegularizer: config.activity_regularizer as RegularizerIdentifier | null | undefined,
      kernelConstraint: config.kernel_constraint as ConstraintIdentifier | null | undefined,
      biasConstraint: config.bias_constraint as ConstraintIdentifier | null | undefined,
    });
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim === null) {
      throw new ValueError(`Layer "${this.name}" (Dense): the last axis of the input must be known. Received shape: (${inputShape.map((d) => d ?? 'None').join(', ')}).`);
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer, true,
      { regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], this.biasInitializer, true,
        { regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // matmul's output is fresh and its gradient rule never reads it: the epilogue may reuse its array.
    const out = applyBiasActivation(ops.matmul(x, this.kernel!), this.bias, this.activation);
    if (this.activityRegularizer) this.addLoss(this.activityRegularizer.call(out));
    return out;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [...s.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
      quantization_config: null,
      // Keras's base Layer writes activity_regularizer only when one is set.
      ...(this.activityRegularizer ? { activity_regularizer: serializeRegularizer(this.activityRegularizer) } : {}),
    };
  }
}
