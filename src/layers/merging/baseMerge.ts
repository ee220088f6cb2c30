/**
 * Merge: the shared base of the elementwise merging layers (keras/src/layers/merging/base_merge.py).
 * Shapes (batch axis aside) must match, or be 1 on an axis to broadcast; an input of lower rank gets
 * size-1 axes inserted after the batch axis, as Keras does.
 */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, isShapeList, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype, type Config } from '../config.js';

/** `fromConfig` for merging layers whose config is only the base (name, trainable, dtype). */
export function mergeFromConfig<T extends Layer>(cls: new (args?: LayerArgs) => T, className: string, config: Config): T {
  checkDtype(config, className);
  return new cls(baseArgsFromConfig(config));
}

export abstract class Merge extends Layer {
  /** The pairwise or n-ary merge, on tensors already of one rank. */
  protected abstract mergeFunction(inputs: Tensor[]): Tensor;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  /** Rejects a single tensor: a merge layer is called on a list. */
  protected shapeList(inputShape: Shape | Shape[]): Shape[] {
    if (!isShapeList(inputShape)) {
      throw new ValueError(
        `Layer "${this.name}" (${this.className}): a merge layer should be called on a list of inputs, e.g. ` +
          `new ${this.className}().apply([a, b]). Received: input_shape=${formatShape(inputShape as Shape)} (not a list of shapes).`,
      );
    }
    return inputShape;
  }

  protected incompatible(shapes: Shape[], detail: string, fix: string[]): never {
    throw new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (${this.className}): inputs have incompatible shapes`,
      expected: detail,
      received: shapes.map((s, i) => `input ${i} ${formatShape(s)}`).join(', '),
      fix,
    }));
  }

  /** Batch axis aside, the broadcast of all shapes; throws a ShapeError naming the mismatch. */
  protected mergedShape(shapes: Shape[]): Shape {
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined));
    if (batches.size > 1) {
      this.incompatible(shapes, 'the same batch size for every input', ['Feed every input the same number of samples.']);
    }
    const samples = shapes.map((s) => s.slice(1));
    const rank = Math.max(...samples.map((s) => s.length));
    const out: Shape = [];
    for (let k = 0; k < rank; k++) {
      // Sample axes align from the right, as the size-1 axes Keras inserts after the batch axis do.
      const sizes = samples.map((s) => s[s.length - rank + k]).filter((d) => d !== undefined) as (number | null)[];
      if (sizes.some((d) => d === null)) {
        out.push(null);
        continue;
      }
      const big = (sizes as number[]).filter((d) => d !== 1);
      if (new Set(big).size > 1) {
        const target = formatShape(shapes[0]);
        const last = shapes.map((s) => s[s.length - 1]);
        this.incompatible(
          shapes,
          'the same shape for every input (or size 1 on an axis to broadcast)',
          [
            `Make every input ${target}: e.g. a Dense(${last[0] ?? 'n'}) on the others if only the last axis differs, ` +
              'or a Reshape if the sizes hold the same values in another arrangement.',
            ...(this.className !== 'Concatenate' ? ['To join inputs of different sizes side by side, use Concatenate instead.'] : []),
          ],
        );
      }
      out.push(big.length > 0 ? big[0] : 1);
    }
    return [batches.size === 1 ? [...batches][0] : null, ...out];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.mergedShape(this.shapeList(inputShape));
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    if (!Array.isArray(inputs)) {
      throw new ValueError(`Layer "${this.name}" (${this.className}): a merge layer should be called on a list of inputs. Received: one tensor of shape ${formatShape(inputs.shape)}.`);
    }
    this.mergedShape(inputs.map((t) => t.shape));
    const rank = Math.max(...inputs.map((t) => t.rank));
    const sameRank = inputs.map((t) => {
      let x = t;
      while (x.rank < rank) x = ops.expandDims(x, 1);
      return x;
    });
    return this.mergeFunction(sameRank);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.mergedShape(this.shapeList(inputShape));
  }
}
