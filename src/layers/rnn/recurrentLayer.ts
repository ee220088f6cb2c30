/**
 * RecurrentLayer: what SimpleRNN, LSTM and GRU share on top of BaseRNN's time loop — `units`, the
 * activations, kernel / recurrent_kernel / bias with their initializers, the dropout arguments kerats
 * does not honour yet, the input projection x W + b for all timesteps at once, and the config keys in
 * Keras's order (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py get_config). A cell supplies its gate
 * count, its bias shape and its step.
 */
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { serializeInitializer, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { BaseRNN, type BaseRNNArgs } from './baseRnn.js';
import { nullRegularizersAndConstraints } from './recurrentConfig.js';

export interface RecurrentLayerArgs extends BaseRNNArgs {
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
  /** Seed for dropout (kept in LSTM's and GRU's configs, as Keras does). */
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

export abstract class RecurrentLayer extends BaseRNN {
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

  constructor(units: number, args: RecurrentLayerArgs) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${units}.`);
    }
    checkNoDropout(this.className, 'dropout', args.dropout);
    checkNoDropout(this.className, 'recurrentDropout', args.recurrentDropout);
    this.units = units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.recurrentInitializer = args.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.seed = args.seed ?? null;
  }

  /** Gates per unit: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h). */
  protected abstract get gates(): number;

  /** The bias's shape and initializer (GRU with reset_after has two rows; LSTM starts its forget block at 1). */
  protected biasSpec(): { shape: number[]; initializer: InitializerIdentifier | Initializer } {
    return { shape: [this.gates * this.units], initializer: this.biasInitializer };
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }

  protected buildCell(features: number): void {
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, width], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, width], this.recurrentInitializer);
    if (this.useBias) {
      const { shape, initializer } = this.biasSpec();
      this.bias = this.addWeight('bias', shape, initializer);
    }
  }

  /** The bias added to x W (all of it, unless a cell splits it). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** x W + b for every timestep in one matmul; the loop then only adds the recurrent part. */
  protected override projectInputs(sequences: Tensor): Tensor {
    const projected = ops.matmul(sequences, this.kernel!);
    const b = this.inputBias();
    return b ? ops.add(projected, b) : projected;
  }

  /**
   * The config in Keras's order: RNN keys, units, activation(s), use_bias, initializers, `afterInitializers`,
   * the (null) regularizers and constraints, dropout, recurrent_dropout, then `afterDropout`.
   */
  protected cellConfig(recurrentActivation: ActivationFn | null, afterInitializers: Record<string, unknown> = {},
    afterDropout: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      ...(recurrentActivation ? { recurrent_activation: serializeActivation(recurrentActivation) } : {}),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      ...afterInitializers,
      ...nullRegularizersAndConstraints(),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      ...afterDropout,
    };
  }
}
