/**
 * Embedding: integer indices -> rows of a trainable (input_dim, output_dim) table
 * (keras/src/layers/core/embedding.py: ops.take(embeddings, inputs, axis=0)). Indices come as
 * float32 values holding whole numbers; the output shape is input_shape + (output_dim,).
 */
import { ValueError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { serializeInitializer, type InitializerIdentifier } from '../../initializers/index.js';
import * as ops from '../../ops/index.js';
import type { Tensor, Variable } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader, checkUnsupportedNull } from '../convolutional/convArgs.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Default 'uniform': RandomUniform(-0.05, 0.05), as Keras. */
  embeddingsInitializer?: InitializerIdentifier;
  /** Masking is not supported yet: only false. */
  maskZero?: boolean;
  /** Not supported yet: only null. */
  embeddingsRegularizer?: null;
  activityRegularizer?: null;
  embeddingsConstraint?: null;
}

export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: InitializerIdentifier;
  readonly maskZero: boolean;
  embeddings: Variable | null = null;

  constructor(inputDim: number, outputDim: number, args: EmbeddingArgs = {}) {
    super(args);
    if (!Number.isInteger(inputDim) || inputDim <= 0) {
      throw new ValueError(
        `Embedding: \`input_dim\` is the vocabulary size (largest index + 1) and must be a positive integer. Received: input_dim=${inputDim}.`,
      );
    }
    if (!Number.isInteger(outputDim) || outputDim <= 0) {
      throw new ValueError(`Embedding: \`output_dim\` (the vector length) must be a positive integer. Received: output_dim=${outputDim}.`);
    }
    if (args.maskZero) {
      throw new ValueError(
        'Embedding: mask_zero=true is not supported yet (kerats has no masking). Received: mask_zero=true. ' +
          'Pad sequences with an index the model can learn to ignore, or keep sequences the same length.',
      );
    }
    checkUnsupportedNull('Embedding', {
      embeddings_regularizer: args.embeddingsRegularizer,
      activity_regularizer: args.activityRegularizer,
      embeddings_constraint: args.embeddingsConstraint,
    });
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.embeddingsInitializer = args.embeddingsInitializer ?? 'uniform';
    this.maskZero = false;
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    for (let i = 0; i < x.size; i++) {
      const v = x.values[i];
      if (!Number.isInteger(v) || v < 0 || v >= this.inputDim) {
        throw new ValueError(
          `Layer "${this.name}" (Embedding): expected whole-number indices in [0, ${this.inputDim - 1}] (input_dim=${this.inputDim}). ` +
            `Received: ${v} in an input of shape ${formatShape(x.shape)}.\n  Fix: ` +
            (Number.isInteger(v) && v >= this.inputDim
              ? `set inputDim to at least the largest index + 1 (here ${v + 1}), e.g. new Embedding(${v + 1}, ${this.outputDim}).`
              : 'give Embedding token ids (0, 1, 2, ...), not features; for real-valued inputs use Dense.'),
        );
      }
    }
    return ops.gather(this.embeddings!, x);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape), this.outputDim];
  }

  /** Keras 3's Embedding.get_config. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(this.embeddingsInitializer),
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      quantization_config: null,
    };
  }

  static fromConfig(config: Record<string, unknown>): Embedding {
    const c = new ConfigReader('Embedding', config);
    const inputDim = c.number('input_dim');
    const outputDim = c.number('output_dim');
    if (inputDim === undefined || outputDim === undefined) {
      throw new ValueError(`Embedding.fromConfig: the config needs \`input_dim\` and \`output_dim\`. Received keys: ${Object.keys(c.config).join(', ')}.`);
    }
    for (const key of ['lora_rank', 'quantization_config']) {
      if (c.raw(key) !== undefined && c.raw(key) !== null) {
        throw new ValueError(`Embedding.fromConfig: \`${key}\` is not supported yet. Received: ${key}=${JSON.stringify(c.raw(key))}.`);
      }
    }
    return new Embedding(inputDim, outputDim, {
      ...c.layerArgs(),
      embeddingsInitializer: c.initializer('embeddings_initializer'),
      maskZero: c.boolean('mask_zero'),
      embeddingsRegularizer: c.raw('embeddings_regularizer') as null | undefined,
      activityRegularizer: c.raw('activity_regularizer') as null | undefined,
      embeddingsConstraint: c.raw('embeddings_constraint') as null | undefined,
    });
  }
}
