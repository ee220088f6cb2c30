/**
 * BasePooling: the windowed pooling layer that MaxPooling1D/2D and AveragePooling1D/2D specialise
 * (keras/src/layers/pooling/base_pooling.py): `ops.max_pool` or `ops.average_pool` over the spatial
 * axes, channels last, no weights. Output lengths come from src/ops/convShapes.ts, as the op's do.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import { convOutputLength } from '../../ops/convShapes.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { inputLayout, spatialAxisNames } from '../convolutional/convHints.js';
import {
  ConfigReader, formatTuple, normalizeDataFormat, normalizePadding, normalizeTuple, type DataFormat,
} from '../convolutional/convArgs.js';

export type PoolMode = 'max' | 'average';

/** Arguments every windowed pooling layer takes besides `poolSize` (Keras's names, camelCase). */
export interface BasePoolingArgs extends LayerArgs {
  /** Defaults to poolSize (non-overlapping windows). */
  strides?: number | number[] | null;
  padding?: 'valid' | 'same';
  /** Only 'channels_last' is computed for now. */
  dataFormat?: DataFormat | null;
}

/**
 * The hint for an input of the wrong rank, shared by the windowed and global pooling layers.
 * `sibling` names the class of the other rank (MaxPooling1D for MaxPooling2D, and so on).
 */
export function poolingInputFix(className: string, rank: number, sibling: string, shape: Shape, spec: InputSpec): string[] | undefined {
  const want = rank + 2;
  if (spec.ndim === undefined || shape.length === spec.ndim) return undefined;
  const layout = inputLayout(rank);
  const sample = shape.slice(1).map((d) => (d === null ? 'null' : String(d)));
  if (shape.length === want - 1) {
    const withChannels = [...sample, '1'].join(', ');
    const fixes = [`${className} needs ${layout}; add a channels axis: Input([${withChannels}])`];
    if (shape.slice(1).every((d) => d !== null)) {
      fixes.push(`if the input comes from another layer, put Reshape([${withChannels}]) before ${className}`);
    }
    if (rank === 2) fixes.push(`or, if (${sample.join(', ')}) is (steps, channels), use ${sibling}`);
    return fixes;
  }
  if (shape.length === want + 1 && rank === 1) {
    return [`${className} needs ${layout}. For images such as (${sample.join(', ')}) use ${sibling}, which pools over height and width.`];
  }
  return [`${className} needs ${layout}; the input has ${Math.max(shape.length - 2, 0)} axes between batch and channels. Reshape it, or pick the layer of that rank.`];
}

export abstract class BasePooling extends Layer {
  readonly rank: number;
  readonly poolMode: PoolMode;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';

  constructor(rank: number, poolMode: PoolMode, poolSize: number | number[], args: BasePoolingArgs = {}) {
    super(args);
    this.rank = rank;
    this.poolMode = poolMode;
    this.poolSize = normalizeTuple(poolSize, rank, 'pool_size');
    // Keras lets strides=0 through (allow_zero=True) and fails later in the backend; refused here at once.
    this.strides = normalizeTuple(args.strides ?? poolSize, rank, 'strides');
    this.padding = normalizePadding(args.padding ?? 'valid', false) as 'valid' | 'same';
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.className);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** The class of the other rank, named in hints (MaxPooling1D <-> MaxPooling2D). */
  protected abstract get siblingClassName(): string;

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return poolingInputFix(this.className, this.rank, this.siblingClassName, shape, spec);
  }

  override build(inputShape: Shape | Shape[]): void {
    // As Keras does: computing the output shape validates the input (a window larger than the input).
    this.computeOutputShape(inputShape);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const pool = this.poolMode === 'max' ? ops.maxPool : ops.averagePool;
    return pool(x, this.poolSize, this.strides, this.padding);
  }

  /** keras/src/ops/operation_utils.py compute_pooling_output_shape, channels last. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    if (shape.length !== this.rank + 2) {
      throw new ShapeError(shapeErrorMessage({
        where: `Layer "${this.name}" (${this.className})`,
        expected: `an input of rank ${this.rank + 2} ${inputLayout(this.rank)}`,
        received: `shape ${formatShape(shape)}`,
        fix: this.inputFix(shape, { ndim: this.rank + 2 }),
      }));
    }
    const out: Shape = [shape[0]];
    for (let i = 0; i < this.rank; i++) {
      const length = shape[i + 1];
      if (length === null) {
        out.push(null);
        continue;
      }
      const outLength = convOutputLength(length, this.poolSize[i], this.strides[i], this.padding);
      if (outLength <= 0) throw this.windowTooLarge(shape, i, outLength);
      out.push(outLength);
    }
    out.push(shape[shape.length - 1]);
    return out;
  }

  /**
   * The window does not fit ('valid' padding, pool longer than the input). Keras raises "Computed output
   * size would be negative" (only below zero); an empty output is refused too, as for the conv layers.
   */
  private windowTooLarge(shape: Shape, i: number, outLength: number): ShapeError {
    const length = shape[i + 1] as number;
    const axis = spatialAxisNames(this.rank)[i];
    return new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (${this.className})`,
      expected: `the input to be at least as long as the pooling window along axis ${i + 1} (${axis}) with padding 'valid': ` +
        `pool_size=${formatTuple(this.poolSize)}`,
      received: `input length ${length} along ${axis} (input shape ${formatShape(shape)}), which gives an output length of ${outLength}`,
      fix: [
        `use padding: 'same', which pads the input so the output length along ${axis} is ceil(${length} / ${this.strides[i]}) = ${Math.ceil(length / this.strides[i])}`,
        `or use a smaller pool size: poolSize <= ${length} along ${axis}`,
      ],
    }));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}

/** Reads a Keras pooling config (Keras 3 or tf.keras 2) into constructor arguments. */
export function poolingArgsFromConfig(className: string, config: Record<string, unknown>):
  { poolSize: number | number[] | undefined; args: BasePoolingArgs } {
  const c = new ConfigReader(className, config);
  const args: BasePoolingArgs = {
    ...c.layerArgs(),
    strides: c.intOrInts('strides') ?? null,
    padding: c.string('padding') as 'valid' | 'same' | undefined,
    dataFormat: c.string('data_format') as DataFormat | undefined,
  };
  return { poolSize: c.intOrInts('pool_size'), args };
}

/** `pool_size` is required to rebuild an average pooling layer (Keras 3 has no default for it). */
export function requirePoolSize(className: string, poolSize: number | number[] | undefined, config: Record<string, unknown>): number | number[] {
  if (poolSize === undefined) {
    throw new ValueError(`${className}.fromConfig: the config needs \`pool_size\`. Received keys: ${Object.keys(config).join(', ')}.`);
  }
  return poolSize;
}
