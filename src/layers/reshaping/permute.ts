/** Permute: reorders the non-batch axes; dims are 1-based, as in Keras (keras/src/layers/reshaping/permute.py). */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader } from '../convolutional/convArgs.js';

export class Permute extends Layer {
  static override readonly className = 'Permute';
  readonly dims: number[];

  /** `dims` is a permutation of 1..rank-1, e.g. [2, 1] swaps the two axes of (batch, a, b). */
  constructor(dims: number[], args: LayerArgs = {}) {
    super(args);
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new ValueError(
        'Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. ' +
          `Received dims=${JSON.stringify(dims)}. (Axis 0, the batch, never moves: Permute([2, 1]) turns (batch, a, b) into (batch, b, a).)`,
      );
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: dims.length + 1 };
  }

  protected override inputFix(shape: Shape, _spec: InputSpec): string {
    return `Permute(${JSON.stringify(this.dims)}) reorders ${this.dims.length} axes after the batch axis; ` +
      `the input has ${shape.length - 1}. Give one index per non-batch axis, e.g. Permute(${JSON.stringify(Array.from({ length: shape.length - 1 }, (_, i) => shape.length - 1 - i))}).`;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.transpose(x, [0, ...this.dims]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], ...this.dims.map((d) => s[d])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }

  static fromConfig(config: Record<string, unknown>): Permute {
    const c = new ConfigReader('Permute', config);
    return new Permute(c.raw('dims') as number[], c.layerArgs());
  }
}
