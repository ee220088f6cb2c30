/**
 * BaseGlobalPooling: reduces every spatial axis with max or mean, channels last
 * (keras/src/layers/pooling/base_global_pooling.py). Output (batch, channels), or
 * (batch, 1, ..., 1, channels) with `keepdims`. No weights.
 */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader, normalizeDataFormat, type DataFormat } from '../convolutional/convArgs.js';
import { poolingInputFix, type PoolMode } from './basePooling.js';

export interface GlobalPoolingArgs extends LayerArgs {
  /** Only 'channels_last' is computed for now. */
  dataFormat?: DataFormat | null;
  /** Keep the spatial axes with length 1 (as np.mean's keepdims). Default false. */
  keepdims?: boolean;
}

export abstract class BaseGlobalPooling extends Layer {
  readonly rank: number;
  readonly poolMode: PoolMode;
  readonly dataFormat: 'channels_last';
  readonly keepdims: boolean;

  constructor(rank: number, poolMode: PoolMode, args: GlobalPoolingArgs = {}) {
    super(args);
    this.rank = rank;
    this.poolMode = poolMode;
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.className);
    const keepdims = args.keepdims ?? false;
    if (typeof keepdims !== 'boolean') {
      throw new ValueError(`${this.className}: \`keepdims\` must be true or false. Received: keepdims=${JSON.stringify(keepdims)}.`);
    }
    this.keepdims = keepdims;
    this.inputSpec = { ndim: rank + 2 };
  }

  /** The class of the other rank, named in hints (GlobalMaxPooling1D <-> GlobalMaxPooling2D). */
  protected abstract get siblingClassName(): string;

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return poolingInputFix(this.className, this.rank, this.siblingClassName, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const spatialAxes = Array.from({ length: this.rank }, (_, i) => i + 1);
    return this.poolMode === 'max' ? ops.max(x, spatialAxes, this.keepdims) : ops.mean(x, spatialAxes, this.keepdims);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    const channels = shape[shape.length - 1];
    if (this.keepdims) return [shape[0], ...new Array<number>(shape.length - 2).fill(1), channels];
    return [shape[0], channels];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/** Reads a Keras global pooling config into constructor arguments. */
export function globalPoolingArgsFromConfig(className: string, config: Record<string, unknown>): GlobalPoolingArgs {
  const c = new ConfigReader(className, config);
  return {
    ...c.layerArgs(),
    dataFormat: c.string('data_format') as DataFormat | undefined,
    keepdims: c.boolean('keepdims'),
  };
}
