/**
 * LSTM (keras/src/layers/rnn/lstm.py LSTMCell.call, implementation 2): with z = x_t W + h_{t-1} U + b
 * split into gates i, f, c, o,
 *   c_t = sigmoid(z_f) * c_{t-1} + sigmoid(z_i) * tanh(z_c),   h_t = sigmoid(z_o) * tanh(c_t)
 * (sigmoid being recurrent_activation and tanh activation). States [h, c]; the output is h.
 * Weights in Keras's order: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units).
 */
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { Initializer, getInitializer, serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { BaseRNN, type BaseRNNArgs } from './baseRnn.js';
import { RecurrentConfigReader, nullRegularizersAndConstraints } from './recurrentConfig.js';
import { checkNoDropout } from './simpleRnn.js';

export interface LSTMArgs extends BaseRNNArgs {
  /** For the cell input and the output (default 'tanh'; null means linear). */
  activation?: ActivationIdentifier;
  /** For the gates i, f, o (default 'sigmoid', as Keras 3; TensorFlow.js defaults to 'hard_sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Start the forget-gate block of the bias at 1 (Jozefowicz et al. 2015). Default true. */
  unitForgetBias?: boolean;
  /** Only 0 for now. */
  dropout?: number;
  /** Only 0 for now. */
  recurrentDropout?: number;
  /** Seed for dropout (kept in the config, as Keras does). */
  seed?: number | null;
}

/**
 * Keras's unit_forget_bias initializer (LSTMCell.build): bias_initializer((units,)), ones((units,)),
 * bias_initializer((2 units,)), concatenated, so random initializers draw in Keras's order.
 */
class UnitForgetBias extends Initializer {
  readonly className = 'UnitForgetBias';
  constructor(private readonly base: Initializer, private readonly units: number) {
    super();
  }
  call(): Tensor {
    const u = this.units;
    return ops.concatenate([this.base.call([u]), ops.ones([u]), this.base.call([2 * u])], 0);
  }
}

export class LSTM extends BaseRNN {
  static override readonly className = 'LSTM';
  readonly units: number;
  readonly activation: ActivationFn;
  readonly recurrentActivation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerIdentifier;
  readonly recurrentInitializer: InitializerIdentifier;
  readonly biasInitializer: InitializerIdentifier;
  readonly unitForgetBias: boolean;
  readonly dropout = 0;
  readonly recurrentDropout = 0;
  readonly seed: number | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, args: LSTMArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${units}.`);
    }
    checkNoDropout('LSTM', 'dropout', args.dropout);
    checkNoDropout('LSTM', 'recurrentDropout', args.recurrentDropout);
    this.units = units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.recurrentInitializer = args.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.seed = args.seed ?? null;
  }

  /** [h, c]: the hidden state (also the output) and the carry. */
  get stateSize(): number[] {
    return [this.units, this.units];
  }

  get outputSize(): number {
    return this.units;
  }

  protected buildCell(features: number): void {
    const u = this.units;
    this.kernel = this.addWeight('kernel', [features, 4 * u], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 4 * u], this.recurrentInitializer);
    if (this.useBias) {
      const init = this.unitForgetBias ? new UnitForgetBias(getInitializer(this.biasInitializer), u) : this.biasInitializer;
      this.bias = this.addWeight('bias', [4 * u], init);
    }
  }

  /** x W + b for every timestep in one matmul; the loop then only adds h U. */
  protected override projectInputs(sequences: Tensor): Tensor {
    const projected = ops.matmul(sequences, this.kernel!);
    return this.bias ? ops.add(projected, this.bias) : projected;
  }

  protected step(projectedInput: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const [hPrev, cPrev] = states;
    const z = ops.add(projectedInput, ops.matmul(hPrev, this.recurrentKernel!));
    const [zi, zf, zc, zo] = ops.split(z, 4, 1);
    const i = this.recurrentActivation(zi);
    const f = this.recurrentActivation(zf);
    const c = ops.add(ops.multiply(f, cPrev), ops.multiply(i, this.activation(zc)));
    const o = this.recurrentActivation(zo);
    const h = ops.multiply(o, this.activation(c));
    return [h, [h, c]];
  }

  /** Keras 3's LSTM.get_config: the RNN keys, then the cell's (unit_forget_bias after the initializers). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      unit_forget_bias: this.unitForgetBias,
      ...nullRegularizersAndConstraints(),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed,
    };
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): LSTM {
    const reader = new RecurrentConfigReader('LSTM', config);
    const { units, args } = reader.read();
    return new LSTM(units, { ...args, unitForgetBias: reader.bool('unit_forget_bias') });
  }
}
