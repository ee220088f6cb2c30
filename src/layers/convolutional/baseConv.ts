/**
 * BaseConv: the N-D convolution layer that Conv1D and Conv2D specialise
 * (keras/src/layers/convolutional/base_conv.py): `activation(conv(inputs, kernel) + bias)`,
 * kernel of shape kernel_size + (in_channels, filters), channels last. Shape math comes from
 * src/ops/convShapes.ts, the same functions the conv ops use.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import { convOutputLength, effectiveKernelSize } from '../../ops/convShapes.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Shape } from '../layer.js';
import { formatTuple, type ConvPadding } from './convArgs.js';
import { ConvCommon, commonConvArgsFromConfig, type ConvCommonArgs } from './convCommon.js';
import { spatialAxisNames } from './convHints.js';

/** Arguments every convolution layer takes besides `filters` and `kernelSize` (Keras's names, camelCase). */
export interface BaseConvArgs extends ConvCommonArgs {
  padding?: ConvPadding;
  /** Only 1 for now. */
  groups?: number;
}

export abstract class BaseConv extends ConvCommon {
  readonly groups: number;

  constructor(rank: number, filters: number, kernelSize: number | number[], args: BaseConvArgs = {}) {
    super(rank, filters, kernelSize, args.padding, rank === 1, args);
    const groups = args.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) {
      throw new ValueError(`The number of groups must be a positive integer. Received: groups=${groups}.`);
    }
    if (groups !== 1) {
      throw new ValueError(
        `${this.className}: grouped convolution is not supported yet; only groups=1. Received: groups=${groups}.`,
      );
    }
    this.groups = groups;
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels / this.groups, this.filters];
  }

  /** The convolution itself, by rank (Keras's convolution_op over ops.conv). */
  protected convolutionOp(x: Tensor, kernel: Tensor): Tensor {
    if (this.rank === 1) {
      return ops.conv1d(x, kernel, { strides: this.strides[0], padding: this.padding, dilationRate: this.dilationRate[0] });
    }
    if (this.rank === 2) {
      return ops.conv2d(x, kernel, {
        strides: [this.strides[0], this.strides[1]],
        padding: this.padding,
        dilationRate: [this.dilationRate[0], this.dilationRate[1]],
      });
    }
    throw new ValueError(`${this.className}: convolutions of rank ${this.rank} are not implemented.`);
  }

  /** keras/src/ops/operation_utils.py compute_conv_output_shape, one axis. */
  protected outputLength(length: number, i: number, shape: Shape): number {
    const outLength = convOutputLength(length, this.kernelSize[i], this.strides[i], this.padding, this.dilationRate[i]);
    if (outLength <= 0) throw this.kernelTooLarge(shape, i, outLength);
    return outLength;
  }

  /**
   * The kernel does not fit ('valid' padding, kernel longer than the input). Keras raises "Computed output
   * size would be negative" (only below zero); here an empty output is refused too, since nothing follows from it.
   */
  private kernelTooLarge(shape: Shape, i: number, outLength: number): ShapeError {
    const length = shape[i + 1] as number;
    const axis = spatialAxisNames(this.rank)[i];
    const k = this.kernelSize[i];
    const d = this.dilationRate[i];
    const span = effectiveKernelSize(k, d);
    const dilation = d > 1 ? ` with dilation_rate ${d}` : '';
    const largest = Math.floor((length - 1) / d) + 1;
    const fixes = [
      `use padding: 'same', which pads the input so the output length along ${axis} is ceil(${length} / ${this.strides[i]}) = ${Math.ceil(length / this.strides[i])}`,
      `or use a smaller kernel: kernelSize ${largest === 1 ? '1' : `<= ${largest}`} along ${axis}${d > 1 ? ', or a smaller dilationRate' : ''}`,
    ];
    return new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (${this.className})`,
      expected: `the input to be at least as long as the kernel along axis ${i + 1} (${axis}) with padding 'valid': ` +
        `kernel_size=${formatTuple(this.kernelSize)} spans ${span}${dilation}`,
      received: `input length ${length} along ${axis} (input shape ${formatShape(shape)}), which gives an output length of ${outLength}`,
      fix: fixes,
    }));
  }

  protected override configAfterDilation(): Record<string, unknown> {
    return { groups: this.groups };
  }
}

/**
 * Reads a Keras Conv config (Keras 3 or tf.keras 2) into constructor arguments. `module` and
 * `registered_name` (of the wrapper) are not part of `config` and are ignored if present.
 */
export function convArgsFromConfig(className: string, config: Record<string, unknown>):
  { filters: number; kernelSize: number | number[]; args: BaseConvArgs } {
  const { c, filters, kernelSize, args } = commonConvArgsFromConfig(className, config);
  for (const key of ['lora_rank', 'dora_rank']) {
    if (c.raw(key) !== undefined && c.raw(key) !== null) {
      throw new ValueError(`${className}.fromConfig: \`${key}\` (low-rank adaptation) is not supported yet. Received: ${key}=${JSON.stringify(c.raw(key))}.`);
    }
  }
  return {
    filters,
    kernelSize,
    args: { ...args, padding: c.string('padding') as ConvPadding | undefined, groups: c.number('groups') },
  };
}
