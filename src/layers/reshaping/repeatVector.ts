/** RepeatVector: (batch, features) -> (batch, n, features) (keras/src/layers/reshaping/repeat_vector.py). */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader } from '../convolutional/convArgs.js';

export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(n: number, args: LayerArgs = {}) {
    super(args);
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValueError(`Expected an integer value for \`n\` (the number of repetitions, > 0). Received: n=${JSON.stringify(n)}.`);
    }
    this.n = n;
    this.inputSpec = { ndim: 2 };
  }

  protected override inputFix(shape: Shape, _spec: InputSpec): string {
    return shape.length > 2
      ? `RepeatVector repeats one vector per sample, (batch, features); put Flatten() or a pooling layer before it to get there.`
      : 'RepeatVector needs (batch, features): give each sample a feature axis, e.g. Input([1]).';
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.broadcastTo(ops.expandDims(x, 1), [x.shape[0], this.n, x.shape[1]]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], this.n, s[1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }

  static fromConfig(config: Record<string, unknown>): RepeatVector {
    const c = new ConfigReader('RepeatVector', config);
    return new RepeatVector(c.number('n') as number, c.layerArgs());
  }
}
