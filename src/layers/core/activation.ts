/** Activation: applies an activation function elementwise (keras/src/layers/activations/activation.py). */
import { ValueError } from '../../core/errors.js';
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype } from '../config.js';

export class Activation extends Layer {
  static override readonly className = 'Activation';
  readonly activation: ActivationFn;

  constructor(activation: ActivationIdentifier, args: LayerArgs = {}) {
    super(args);
    if (activation === undefined) {
      throw new ValueError("Activation needs an activation: a name such as 'relu' or a function. Received: activation=undefined.");
    }
    this.activation = getActivation(activation);
    // No weights: built from the start, as Keras's _build_at_init (so its config has no build_config).
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return this.activation(Array.isArray(inputs) ? inputs[0] : inputs);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }

  static fromConfig(config: Record<string, unknown>): Activation {
    checkDtype(config, 'Activation');
    return new Activation(config.activation as ActivationIdentifier, baseArgsFromConfig(config));
  }
}
