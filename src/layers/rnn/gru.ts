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
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { BaseRNN, type BaseRNNArgs } from './baseRnn.js';
import { RecurrentConfigReader, nullRegularizersAndConstraints } from './recurrentConfig.js';
import { checkNoDropout } from './simpleRnn.js';

export interface GRUArgs extends BaseRNNArgs {
  /** For the candidate state (default 'tanh'; null means linear). */
  activation?: ActivationIdentifier;
  /** For the gates z and r (default 'sigmoid', as Keras 3; TensorFlow.js defaults to 'hard_sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Apply the reset gate after the recurrent matmul, with a separate recurrent bias (Keras's default, true). */
  resetAfter?: boolean;
  /** Only 0 for now. */
  dropout?: number;
  /** Only 0 for now. */
  recurrentDropout?: number;
  /** Seed for dropout (kept in the config, as Keras does). */
  seed?: number | null;
}

export class GRU extends BaseRNN {
  static override readonly className = 'GRU';
  readonly units: number;
  readonly activation: ActivationFn;
  readonly recurrentActivation: ActivationFn;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerIdentifier;
  readonly recurrentInitializer: InitializerIdentifier;
  readonly biasInitializer: InitializerIdentifier;
  readonly resetAfter: boolean;
  readonly dropout = 0;
  readonly recurrentDropout = 0;
  readonly seed: number | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, args: GRUArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${units}.`);
    }
    checkNoDropout('GRU', 'dropout', args.dropout);
    checkNoDropout('GRU', 'recurrentDropout', args.recurrentDropout);
    this.units = units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? 'glorot_uniform';
    this.recurrentInitializer = args.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.resetAfter = args.resetAfter ?? true;
    this.seed = args.seed ?? null;
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }

  protected buildCell(features: number): void {
    const u = this.units;
    this.kernel = this.addWeight('kernel', [features, 3 * u], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], this.recurrentInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', this.resetAfter ? [2, 3 * u] : [3 * u], this.biasInitializer);
  }

  /** x W + input bias for every timestep in one matmul. */
  protected override projectInputs(sequences: Tensor): Tensor {
    const projected = ops.matmul(sequences, this.kernel!);
    if (!this.bias) return projected;
    return ops.add(projected, this.resetAfter ? ops.take(this.bias, 0, 0) : this.bias);
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
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      ...nullRegularizersAndConstraints(),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      reset_after: this.resetAfter,
      seed: this.seed,
    };
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): GRU {
    const reader = new RecurrentConfigReader('GRU', config);
    const { units, args } = reader.read();
    return new GRU(units, { ...args, resetAfter: reader.bool('reset_after') });
  }
}
