/**
 * SimpleRNN: h_t = activation(x_t W + h_{t-1} U + b), the output being the state
 * (keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call). Weights in Keras's order:
 * kernel (features, units), recurrent_kernel (units, units), bias (units).
 */
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { baseArgsFromConfig, checkDtype } from '../config.js';
import { BaseRNN, type BaseRNNArgs } from './baseRnn.js';

export interface SimpleRNNArgs extends BaseRNNArgs {
  /** Default 'tanh'; null means linear. */
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Only 0 for now. */
  dropout?: number;
  /** Only 0 for now. */
  recurrentDropout?: number;
  /** Seed for dropout (Keras accepts it; without dropout it has no effect and Keras does not save it). */
  seed?: number | null;
}

/** Rejects a dropout rate other than 0 (kerats has no recurrent dropout yet). */
export function checkNoDropout(className: string, name: string, rate: number | undefined): void {
  if (rate === undefined || rate === 0) return;
  if (typeof rate !== 'number' || Number.isNaN(rate)) {
    throw new ValueError(`${className}: \`${name}\` must be a number between 0 and 1. Received: ${name}=${JSON.stringify(rate)}.`);
  }
  throw new ValueError(
    `${className}: ${name} is not supported yet; only 0 is. Received: ${name}=${rate}. Leave it out (or pass 0) to train without it.`,
  );
}

/** Config keys kerats reads but can only honour as null (no regularizers or constraints yet). */
const NULL_ONLY_KEYS = [
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint',
] as const;

export class SimpleRNN extends BaseRNN {
  static override readonly className = 'SimpleRNN';
  readonly units: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerIdentifier;
  readonly recurrentInitializer: InitializerIdentifier;
  readonly biasInitializer: InitializerIdentifier;
  readonly dropout = 0;
  readonly recurrentDropout = 0;
  readonly seed: number | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, args: SimpleRNNArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${units}.`);
    }
    checkNoDropout('SimpleRNN', 'dropout', args.dropout);
    checkNoDropout('SimpleRNN', 'recurrentDropout', args.recurrentDropout);
    this.units = units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.recurrentInitializer = args.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.seed = args.seed ?? null;
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }

  protected buildCell(features: number): void {
    this.kernel = this.addWeight('kernel', [features, this.units], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, this.units], this.recurrentInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer);
  }

  /** x W + b for every timestep in one matmul; the loop then only adds h U. */
  protected override projectInputs(sequences: Tensor): Tensor {
    const projected = ops.matmul(sequences, this.kernel!);
    return this.bias ? ops.add(projected, this.bias) : projected;
  }

  protected step(projectedInput: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const h = this.activation(ops.add(projectedInput, ops.matmul(states[0], this.recurrentKernel!)));
    return [h, [h]];
  }

  /** Keras 3's SimpleRNN.get_config (which, unlike LSTM's and GRU's, has no `seed`). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
    };
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): SimpleRNN {
    checkDtype(config, 'SimpleRNN');
    for (const key of NULL_ONLY_KEYS) {
      if (config[key] !== undefined && config[key] !== null) {
        throw new ValueError(`SimpleRNN: ${key} is not supported yet; only null is. Received: ${key}=${JSON.stringify(config[key])}.`);
      }
    }
    const units = config.units;
    if (typeof units !== 'number') {
      throw new ValueError(`SimpleRNN config needs \`units\`, a positive integer. Received: units=${JSON.stringify(units)}.`);
    }
    const bool = (key: string): boolean | undefined => {
      const v = config[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'boolean') throw new ValueError(`SimpleRNN config: \`${key}\` must be true or false. Received: ${key}=${JSON.stringify(v)}.`);
      return v;
    };
    const num = (key: string): number | undefined => (typeof config[key] === 'number' ? (config[key] as number) : undefined);
    return new SimpleRNN(units, {
      ...baseArgsFromConfig(config),
      returnSequences: bool('return_sequences'),
      returnState: bool('return_state'),
      goBackwards: bool('go_backwards'),
      stateful: bool('stateful'),
      unroll: bool('unroll'),
      zeroOutputForMask: bool('zero_output_for_mask'),
      activation: config.activation as ActivationIdentifier,
      useBias: bool('use_bias'),
      kernelInitializer: (config.kernel_initializer ?? undefined) as InitializerIdentifier | undefined,
      recurrentInitializer: (config.recurrent_initializer ?? undefined) as InitializerIdentifier | undefined,
      biasInitializer: (config.bias_initializer ?? undefined) as InitializerIdentifier | undefined,
      dropout: num('dropout'),
      recurrentDropout: num('recurrent_dropout'),
      seed: num('seed') ?? null,
    });
  }
}
