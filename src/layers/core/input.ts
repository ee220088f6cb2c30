/** InputLayer and `Input()`: where a functional graph starts. */
import { ValueError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type Shape } from '../layer.js';
import { Node, SymbolicTensor } from '../symbolic.js';

export interface InputOptions {
  batchSize?: number;
  name?: string;
  /** Full shape with the batch axis (Keras's `batch_shape`); overrides `shape` and `batchSize`. */
  batchShape?: (number | null)[];
}

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  readonly batchShape: Shape;
  readonly output: SymbolicTensor;

  constructor(args: { batchShape: Shape; name?: string }) {
    super({ name: args.name });
    for (const d of args.batchShape.slice(1)) {
      if (d !== null && (!Number.isInteger(d) || d <= 0)) {
        throw new ValueError(`Input shape must hold positive integers or null. Received: (${args.batchShape.slice(1).join(', ')}).`);
      }
    }
    this.batchShape = [...args.batchShape];
    this.built = true;
    const node = new Node(this, [], false);
    node.outputs = [new SymbolicTensor(this.batchShape, node, 0, this.name)];
    this.inboundNodes.push(node);
    this.output = node.outputs[0];
  }

  static fromConfig(config: Record<string, unknown>): InputLayer {
    const batchShape = (config.batch_shape ?? config.batch_input_shape) as Shape | undefined;
    if (!Array.isArray(batchShape)) throw new ValueError('InputLayer config needs `batch_shape` (or Keras 2\'s `batch_input_shape`).');
    return new InputLayer({ batchShape, name: typeof config.name === 'string' ? config.name : undefined });
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  computeOutputShape(): Shape {
    return this.batchShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3 writes dtype as a plain string here, and no `trainable`.
    return { batch_shape: this.batchShape, dtype: 'float32', sparse: false, ragged: false, name: this.name, optional: false };
  }
}

/** Keras's `Input(shape)`: a symbolic tensor of shape (None, ...shape). */
export function Input(shape: (number | null)[], options: InputOptions = {}): SymbolicTensor {
  if (!Array.isArray(shape)) {
    throw new ValueError(`Input(shape) takes an array of sizes such as [10, 3]. Received: ${JSON.stringify(shape)}.`);
  }
  const batchShape = options.batchShape ?? [options.batchSize ?? null, ...shape];
  return new InputLayer({ batchShape, name: options.name }).output;
}
