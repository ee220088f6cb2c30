/** Reshape: (batch, ...) -> (batch, ...targetShape), one -1 inferred (keras/src/layers/reshaping/reshape.py). */
import { ShapeError, ValueError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype } from '../config.js';

/** Divisors of n up to n, for suggesting targets that keep the element count. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 2; d < n && out.length < 8; d++) if (n % d === 0) out.push(d);
  return out;
}

export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  /** As given (a -1 stays -1 here and in the config, as in Keras). */
  readonly targetShape: number[];

  constructor(targetShape: number[], args: LayerArgs = {}) {
    super(args);
    if (!Array.isArray(targetShape) || targetShape.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
      throw new ValueError(
        `Reshape: \`target_shape\` must be a list of positive integers (one may be -1). Received: target_shape=${JSON.stringify(targetShape)}.`,
      );
    }
    if (targetShape.filter((d) => d === -1).length > 1) {
      throw new ValueError(
        `The \`target_shape\` argument must not contain more than one \`-1\` value. Received: target_shape=${formatShape(targetShape)}`,
      );
    }
    this.targetShape = [...targetShape];
    // No weights: built from the start, as in Keras (so, as there, its config has no build_config).
    this.built = true;
  }

  /**
   * The target with its -1 resolved for a sample shape (keras/src/ops/operation_utils.py
   * compute_reshape_output_shape); null where the sample shape has an unknown axis.
   */
  resolveTarget(inputShape: Shape): Shape {
    const sample = inputShape.slice(1);
    if (sample.some((d) => d === null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const inputSize = (sample as number[]).reduce((p, d) => p * d, 1);
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const hasUnknown = this.targetShape.includes(-1);
    if (hasUnknown ? inputSize % known !== 0 : inputSize !== known) this.throwSizeMismatch(inputShape, inputSize, known, hasUnknown);
    return this.targetShape.map((d) => (d === -1 ? inputSize / known : d));
  }

  private throwSizeMismatch(inputShape: Shape, inputSize: number, known: number, hasUnknown: boolean): never {
    const sample = formatShape(inputShape.slice(1));
    const target = formatShape(this.targetShape);
    const received = hasUnknown
      ? `input shape ${formatShape(inputShape)}, ${inputSize} elements per sample, which is not a multiple of the ${known} elements of the known sizes in target_shape=${target}`
      : `input shape ${formatShape(inputShape)}, ${inputSize} elements per sample; target_shape=${target} holds ${known}`;
    const examples = [`[${inputSize}]`, ...divisors(inputSize).slice(0, 2).map((d) => `[${d}, ${inputSize / d}]`), `[-1, ${divisors(inputSize)[0] ?? 1}]`];
    throw new ShapeError(shapeErrorMessage({
      where: `Layer "${this.name}" (Reshape) cannot reshape ${sample} to ${target}`,
      expected: 'the total size of each sample to be unchanged',
      received,
      fix: [
        `Choose a target whose sizes multiply to ${inputSize}, e.g. ${[...new Set(examples)].join(' or ')} (one -1 is inferred).`,
        `Reshape only rearranges values. To get ${hasUnknown ? 'a different number of values' : `${known} values`}, put a Dense layer first` +
          (hasUnknown ? '.' : `, e.g. Dense(${known}) then Reshape(${JSON.stringify(this.targetShape)}).`),
      ],
    }));
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const target = this.resolveTarget([null, ...x.shape.slice(1)]) as number[];
    return ops.reshape(x, [x.shape[0], ...target]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], ...this.resolveTarget(s)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  static fromConfig(config: Record<string, unknown>): Reshape {
    checkDtype(config, 'Reshape');
    const target = config.target_shape;
    if (!Array.isArray(target)) {
      throw new ValueError(`Reshape config needs \`target_shape\`, a list of integers. Received: target_shape=${JSON.stringify(target)}.`);
    }
    return new Reshape(target as number[], baseArgsFromConfig(config));
  }
}
