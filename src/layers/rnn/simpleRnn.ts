/**
 * SimpleRNN: h_t = activation(x_t W + h_{t-1} U + b), the output being the state
 * (keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call). Weights in Keras's order:
 * kernel (features, units), recurrent_kernel (units, units), bias (units).
 */
import { getActivation, type ActivationFn } from '../../activations/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { RecurrentConfigReader } from './recurrentConfig.js';
import { RecurrentLayer, type RecurrentLayerArgs } from './recurrentLayer.js';

export { checkNoDropout } from './recurrentLayer.js';

/** SimpleRNN's arguments (Keras accepts `seed`; without dropout it has no effect and Keras does not save it). */
export type SimpleRNNArgs = RecurrentLayerArgs;

/** The built-in activations ops.simpleRnn applies, by identity (a custom function named 'tanh' is not one). */
const FUSED_ACTIVATIONS = new Map<ActivationFn, ops.RecurrentActivation>(
  ops.SIMPLE_RNN_ACTIVATIONS.map((name) => [getActivation(name), name]));

export class SimpleRNN extends RecurrentLayer {
  static override readonly className = 'SimpleRNN';

  constructor(units: number, args: SimpleRNNArgs = {}) {
    super(units, args);
  }

  protected get gates(): number {
    return 1;
  }

  protected step(projectedInput: Tensor, states: Tensor[]): [Tensor, Tensor[]] {
    const h = this.activation(ops.add(projectedInput, ops.matmul(states[0], this.recurrentKernel!)));
    return [h, [h]];
  }

  /**
   * The fused op (one tape node for the sequence, BPTT in a few large matmuls) for the built-in linear,
   * relu, tanh and sigmoid; other activations, and subclasses that change the step or the projection,
   * run the step loop. Masking, dropout and stateful, which the op does not handle, are rejected by the
   * constructor for now; `unroll` computes the same either way.
   */
  protected override wholeSequence(sequences: Tensor, states: Tensor[]): { sequence: Tensor; last: Tensor; states: Tensor[] } | null {
    const activation = FUSED_ACTIVATIONS.get(this.activation);
    const own = this.step === SimpleRNN.prototype.step && this.projectInputs === SimpleRNN.prototype.projectInputs;
    if (activation === undefined || !own) return null;
    const sequence = ops.simpleRnn(sequences, this.kernel!, this.recurrentKernel!, this.bias, states[0],
      { activation, goBackwards: this.goBackwards });
    const last = ops.take(sequence, sequence.shape[1] - 1, 1);
    return { sequence, last, states: [last] };
  }

  /** Keras 3's SimpleRNN.get_config (which, unlike LSTM's and GRU's, has no `seed`). */
  override getConfig(): Record<string, unknown> {
    return this.cellConfig(null);
  }

  /** Rebuilds the layer from a Keras config (snake_case keys, as in a .keras file's config.json). */
  static fromConfig(config: Record<string, unknown>): SimpleRNN {
    const { units, args } = new RecurrentConfigReader('SimpleRNN', config).read();
    return new SimpleRNN(units, args);
  }
}
