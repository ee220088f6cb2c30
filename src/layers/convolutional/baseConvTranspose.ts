/**
 * BaseConvTranspose: the N-D transposed convolution that Conv2DTranspose specialises
 * (keras/src/layers/convolutional/base_conv_transpose.py). Kernel kernel_size + (filters, in_channels);
 * output lengths from src/ops/convShapes.ts (TensorFlow/JAX semantics, see KERAS-FACTS.md).
 */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import { convTransposeOutputLength } from '../../ops/convShapes.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Shape } from '../layer.js';
import { formatTuple, normalizeTuple } from './convArgs.js';
import { ConvCommon, commonConvArgsFromConfig, type ConvCommonArgs } from './convCommon.js';

export interface BaseConvTransposeArgs extends ConvCommonArgs {
  padding?: 'valid' | 'same';
  /**
   * Extra rows/columns at the end of the output, to pick one of the input lengths a strided conv maps to
   * the same output length. null (default): the length Keras infers. Each value must be < its stride.
   */
  outputPadding?: number | number[] | null;
}

export abstract class BaseConvTranspose extends ConvCommon {
  declare readonly padding: 'valid' | 'same';
  readonly outputPadding: number[] | null;

  constructor(rank: number, filters: number, kernelSize: number | number[], args: BaseConvTransposeArgs = {}) {
    super(rank, filters, kernelSize, args.padding, false, args);
    const outputPadding = args.outputPadding ?? null;
    this.outputPadding = outputPadding === null ? null : normalizeTuple(outputPadding, rank, 'output_padding', true);
    if (this.outputPadding !== null && this.outputPadding.some((p, i) => p >= this.strides[i])) {
      // base_conv_transpose.py: output_padding selects among the `stride` lengths that map back; it must be < stride.
      throw new ValueError(
        `\`output_padding\` must be < \`strides\`. Received: output_padding=${formatTuple(this.outputPadding)}, strides=${formatTuple(this.strides)}`,
      );
    }
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected convolutionOp(x: Tensor, kernel: Tensor): Tensor {
    if (this.rank !== 2) throw new ValueError(`${this.className}: transposed convolutions of rank ${this.rank} are not implemented.`);
    return ops.conv2dTranspose(x, kernel, {
      strides: [this.strides[0], this.strides[1]],
      padding: this.padding,
      outputPadding: this.outputPadding === null ? null : [this.outputPadding[0], this.outputPadding[1]],
      dilationRate: [this.dilationRate[0], this.dilationRate[1]],
    });
  }

  /** keras/src/backend/common/backend_utils.py compute_conv_transpose_output_shape, one axis. */
  protected outputLength(length: number, i: number, _shape: Shape): number {
    return convTransposeOutputLength(
      length, this.kernelSize[i], this.strides[i], this.padding, this.outputPadding?.[i] ?? null, this.dilationRate[i],
    );
  }

  /**
   * Keras 3.13's BaseConvTranspose.get_config omits output_padding, so a reloaded layer lost it
   * (fixed in keras-team/keras#23014). Written here, after `padding`, so the config round-trips.
   */
  protected override configAfterPadding(): Record<string, unknown> {
    return { output_padding: this.outputPadding === null ? null : [...this.outputPadding] };
  }
}

/**
 * Reads a Keras ConvTranspose config into constructor arguments. tf.keras 2 configs also carry
 * `groups` (1), inherited from Conv2D there; any other value is refused.
 */
export function convTransposeArgsFromConfig(className: string, config: Record<string, unknown>):
  { filters: number; kernelSize: number | number[]; args: BaseConvTransposeArgs } {
  const { c, filters, kernelSize, args } = commonConvArgsFromConfig(className, config);
  const groups = c.number('groups');
  if (groups !== undefined && groups !== 1) {
    throw new ValueError(`${className}.fromConfig: grouped transposed convolution is not supported; only groups=1. Received: groups=${groups}.`);
  }
  return {
    filters,
    kernelSize,
    args: { ...args, padding: c.string('padding') as 'valid' | 'same' | undefined, outputPadding: c.intOrInts('output_padding') ?? null },
  };
}
