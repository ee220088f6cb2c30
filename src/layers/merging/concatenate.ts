/**
 * Concatenate: joins a list of inputs along `axis`; every other axis must match
 * (keras/src/layers/merging/concatenate.py).
 */
import { normalizeAxis } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LayerArgs, Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';
import { Merge } from './baseMerge.js';

export interface ConcatenateArgs extends LayerArgs {
  axis?: number;
}

export class Concatenate extends Merge {
  static override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  static fromConfig(config: Config): Concatenate {
    checkDtype(config, 'Concatenate');
    return new Concatenate({ ...baseArgsFromConfig(config), axis: (config.axis as number | undefined) ?? -1 });
  }

  /** Every axis but `axis` matches (unknown sizes match anything); the output sums `axis`. */
  protected override mergedShape(shapes: Shape[]): Shape {
    const rank = shapes[0].length;
    const axisFix = `Concatenate joins along axis=${this.axis}; every other axis must be equal. Add a Reshape (or a Dense on the last axis) so they match, or choose another axis.`;
    if (shapes.some((s) => s.length !== rank)) {
      this.incompatible(shapes, 'inputs of the same rank', [axisFix]);
    }
    if (this.axis >= rank || this.axis < -rank) {
      this.incompatible(shapes, `axis=${this.axis} to be within the rank ${rank} of the inputs`, [`Use an axis in [${-rank}, ${rank - 1}].`]);
    }
    const axis = normalizeAxis(this.axis, rank);
    const out: Shape = [...shapes[0]];
    for (let k = 0; k < rank; k++) {
      const sizes = shapes.map((s) => s[k]);
      if (k === axis) {
        out[k] = sizes.some((d) => d === null) ? null : (sizes as number[]).reduce((p, d) => p + d, 0);
        continue;
      }
      const known = new Set(sizes.filter((d) => d !== null));
      if (known.size > 1) {
        this.incompatible(shapes, `matching shapes except for the concatenation axis (${this.axis}); axis ${k} differs`, [axisFix]);
      }
      out[k] = known.size === 1 ? [...known][0] : null;
    }
    return out;
  }

  protected mergeFunction(inputs: Tensor[]): Tensor {
    return ops.concatenate(inputs, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
