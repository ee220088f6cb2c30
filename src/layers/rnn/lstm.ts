/**
 * LSTM (keras/src/layers/rnn/lstm.py LSTMCell.call, implementation 2): with z = x_t W + h_{t-1} U + b
 * split into gates i, f, c, o,
 *   c_t = sigmoid(z_f) * c_{t-1} + sigmoid(z_i) * tanh(z_c),   h_t = sigmoid(z_o) * tanh(c_t)
 * (sigmoid being recurrent_activation and tanh activation). States [h, c]; the output is h.
 * Weights in Keras's order: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units).
 */
import { getActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { Initializer, getInitializer } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { RecurrentConfigReader } from './recurrentConfig.js';
import { RecurrentLayer, type RecurrentLayerArgs } from './recurrentLayer.js';

export interface LSTMArgs extends RecurrentLayerArgs {
  /** For the gates i, f, o (default 'sigmoid', as Keras 3; TensorFlow.js defaults to 'hard_sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Start the forget-gate block of the bias at 1 (Jozefowicz et al. 2015). Default true. */
  unitForgetBias?: boolean;
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

export class LSTM extends RecurrentLayer {
  static override readonly className = 'LSTM';
  readonly recurrentActivation: ActivationFn;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMArgs = {}) {
    super(units, args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected get gates(): number {
    return 4;
  }

  /** [h, c]: the hidden state (also the output) and the carry. */
  override get stateSize(): number[] {
    return [this.units, this.units];
  }

  protected override biasSpec() {
    const init = this.unitForgetBias ? new UnitForgetBias(getInitializer(this.biasInitializer), this.units) : this.biasInitializer;
    return { shape: [4 * this.units], initializer: init };
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
    return this.cellConfig(this.recurrentActivation, { unit_forget_bias: this.unitForgetBias }, { seed: this.seed });
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): LSTM {
    const reader = new RecurrentConfigReader('LSTM', config);
    const { units, args } = reader.read();
    return new LSTM(units, { ...args, unitForgetBias: reader.bool('unit_forget_bias') });
  }
}
