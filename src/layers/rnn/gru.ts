/**
 * GRU (keras/src/layers/rnn/gru.py GRUCell.call, implementation 2), gates z, r, h:
 *   z = sigmoid(x W_z + h U_z [+ b_rz]),  r = sigmoid(x W_r + h U_r [+ b_rr])
 *   reset_after=true (Keras's default): hh = tanh(x W_h + r * (h U_h + b_rh))
 *   reset_after=false:                  hh = tanh(x W_h + (r * h) U_h)
 *   h_t = z * h_{t-1} + (1 - z) * hh
 * (x W including the input bias.) Weights in Keras's order: kernel (features, 3 units), recurrent_kernel
 * (units, 3 units), bias (2, 3 units) with reset_after — row 0 for the input, row 1 for the recurrent
 * projection — else (3 units).
 */
import { getActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { RecurrentConfigReader } from './recurrentConfig.js';
import { RecurrentLayer, type RecurrentLayerArgs } from './recurrentLayer.js';

export interface GRUArgs extends RecurrentLayerArgs {
  /** For the gates z and r (default 'sigmoid', as Keras 3; TensorFlow.js defaults to 'hard_sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  /** Apply the reset gate after the recurrent matmul, with a separate recurrent bias (Keras's default, true). */
  resetAfter?: boolean;
}

export class GRU extends RecurrentLayer {
  static override readonly className = 'GRU';
  readonly recurrentActivation: ActivationFn;
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUArgs = {}) {
    super(units, args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.resetAfter = args.resetAfter ?? true;
  }

  protected get gates(): number {
    return 3;
  }

  protected override biasSpec() {
    return { shape: this.resetAfter ? [2, 3 * this.units] : [3 * this.units], initializer: this.biasInitializer };
  }

  /** With reset_after, row 0 of the bias goes with the input, row 1 with the recurrent part. */
  protected override inputBias(): Tensor | null {
    if (!this.bias) return null;
    return this.resetAfter ? ops.take(this.bias, 0, 0) : this.bias;
  }

  protected step(projectedInput: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const u = this.units;
    const hPrev = states[0];
    const U = this.recurrentKernel!;
    const [xz, xr, xh] = ops.split(projectedInput, 3, 1);
    let z: Tensor, r: Tensor, hh: Tensor;
    if (this.resetAfter) {
      let inner = ops.matmul(hPrev, U);
      if (this.bias) inner = ops.add(inner, ops.take(this.bias, 1, 0));
      const [rz, rr, rh] = ops.split(inner, 3, 1);
      z = this.recurrentActivation(ops.add(xz, rz));
      r = this.recurrentActivation(ops.add(xr, rr));
      hh = this.activation(ops.add(xh, ops.multiply(r, rh)));
    } else {
      const inner = ops.matmul(hPrev, ops.slice(U, [0, 0], [u, 2 * u]));
      const [rz, rr] = ops.split(inner, 2, 1);
      z = this.recurrentActivation(ops.add(xz, rz));
      r = this.recurrentActivation(ops.add(xr, rr));
      hh = this.activation(ops.add(xh, ops.matmul(ops.multiply(r, hPrev), ops.slice(U, [0, 2 * u], [u, u]))));
    }
    const h = ops.add(ops.multiply(z, hPrev), ops.multiply(ops.subtract(1, z), hh));
    return [h, [h]];
  }

  /** Keras 3's GRU.get_config: the RNN keys, then the cell's, reset_after and seed last. */
  override getConfig(): Record<string, unknown> {
    return this.cellConfig(this.recurrentActivation, {}, { reset_after: this.resetAfter, seed: this.seed });
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): GRU {
    const reader = new RecurrentConfigReader('GRU', config);
    const { units, args } = reader.read();
    return new GRU(units, { ...args, resetAfter: reader.bool('reset_after') });
  }
}
