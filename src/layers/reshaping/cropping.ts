/**
 * Cropping1D / Cropping2D: remove steps (rows, columns) from the start and end of the spatial axes
 * (keras/src/layers/reshaping/cropping1d.py, cropping2d.py).
 */
import { ShapeError, shapeErrorMessage } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader, normalizeDataFormat, normalizeTuple, type DataFormat } from '../convolutional/convArgs.js';
import { convInputFix, spatialAxisNames } from '../convolutional/convHints.js';
import { normalizePairs2D, type Pair, type PairsArg } from './spatialPairs.js';

/** Output length of one cropped axis; refuses crops that leave nothing (Keras: "should be smaller than"). */
function croppedLength(layer: Layer, shape: Shape, axis: number, crop: Pair, axisName: string): number | null {
  const length = shape[axis];
  if (length === null) return null;
  if (crop[0] + crop[1] >= length) {
    throw new ShapeError(shapeErrorMessage({
      where: `Layer "${layer.name}" (${layer.className})`,
      expected: `the cropping along ${axisName} (${crop[0]} + ${crop[1]} = ${crop[0] + crop[1]}) to be smaller than the input's ${axisName} length`,
      received: `input_shape=${formatShape(shape)}, cropping=${JSON.stringify(crop)}`,
      fix: `crop at most ${length - 1} in total along ${axisName}, or feed a larger input.`,
    }));
  }
  return length - crop[0] - crop[1];
}

export class Cropping1D extends Layer {
  static override readonly className = 'Cropping1D';
  readonly cropping: Pair;

  /** `cropping`: an int (both ends) or [start, end] along the steps axis of (batch, steps, features). */
  constructor(cropping: number | [number, number] = [1, 1], args: LayerArgs = {}) {
    super(args);
    const [a, b] = normalizeTuple(cropping, 2, 'cropping', true);
    this.cropping = [a, b];
    this.inputSpec = { ndim: 3 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('Cropping1D', 1, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const steps = croppedLength(this, x.shape, 1, this.cropping, 'steps') as number;
    return ops.slice(x, [0, this.cropping[0], 0], [-1, steps, -1]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], croppedLength(this, s, 1, this.cropping, 'steps'), s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }

  static fromConfig(config: Record<string, unknown>): Cropping1D {
    const c = new ConfigReader('Cropping1D', config);
    return new Cropping1D(c.intOrInts('cropping') as number | [number, number] | undefined, c.layerArgs());
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /** Only 'channels_last' for now. */
  dataFormat?: DataFormat | null;
}

export class Cropping2D extends Layer {
  static override readonly className = 'Cropping2D';
  /** ((top, bottom), (left, right)). */
  readonly cropping: [Pair, Pair];
  readonly dataFormat: 'channels_last';

  constructor(cropping: PairsArg = [[0, 0], [0, 0]], args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = normalizePairs2D(cropping, 'cropping');
    this.dataFormat = normalizeDataFormat(args.dataFormat, 'Cropping2D');
    this.inputSpec = { ndim: 4 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('Cropping2D', 2, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [, h, w] = this.computeOutputShape(x.shape) as number[];
    return ops.slice(x, [0, this.cropping[0][0], this.cropping[1][0], 0], [-1, h, w, -1]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    const [hName, wName] = spatialAxisNames(2);
    return [s[0], croppedLength(this, s, 1, this.cropping[0], hName), croppedLength(this, s, 2, this.cropping[1], wName), s[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): Cropping2D {
    const c = new ConfigReader('Cropping2D', config);
    return new Cropping2D((c.raw('cropping') ?? undefined) as PairsArg | undefined, {
      ...c.layerArgs(),
      dataFormat: c.string('data_format') as DataFormat | undefined,
    });
  }
}
