/**
 * SimpleRNN: h_t = activation(x_t W + h_{t-1} U + b), the output being the state
 * (keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call). Weights in Keras's order:
 * kernel (features, units), recurrent_kernel (units, units), bias (units).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { RecurrentConfigReader } from './recurrentConfig.js';
import { RecurrentLayer, type RecurrentLayerArgs } from './recurrentLayer.js';

export { checkNoDropout } from './recurrentLayer.js';

/** SimpleRNN's arguments (Keras accepts `seed`; without dropout it has no effect and Keras does not save it). */
export type SimpleRNNArgs = RecurrentLayerArgs;

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
