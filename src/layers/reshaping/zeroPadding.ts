/**
 * ZeroPadding1D / ZeroPadding2D: zeros added before and after the spatial axes
 * (keras/src/layers/reshaping/zero_padding1d.py, zero_padding2d.py).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader, normalizeDataFormat, normalizeTuple, type DataFormat } from '../convolutional/convArgs.js';
import { convInputFix } from '../convolutional/convHints.js';
import { normalizePairs2D, type Pair, type PairsArg } from './spatialPairs.js';

export class ZeroPadding1D extends Layer {
  static override readonly className = 'ZeroPadding1D';
  readonly padding: Pair;

  /** `padding`: an int (both ends) or [before, after] along the steps axis of (batch, steps, features). */
  constructor(padding: number | [number, number] = 1, args: LayerArgs = {}) {
    super(args);
    const [a, b] = normalizeTuple(padding, 2, 'padding', true);
    this.padding = [a, b];
    this.inputSpec = { ndim: 3 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('ZeroPadding1D', 1, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.pad(x, [[0, 0], this.padding, [0, 0]]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], s[1] === null ? null : s[1] + this.padding[0] + this.padding[1], s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding] };
  }

  static fromConfig(config: Record<string, unknown>): ZeroPadding1D {
    const c = new ConfigReader('ZeroPadding1D', config);
    return new ZeroPadding1D(c.intOrInts('padding') as number | [number, number] | undefined, c.layerArgs());
  }
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Only 'channels_last' for now. */
  dataFormat?: DataFormat | null;
}

export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  /** ((top, bottom), (left, right)). */
  readonly padding: [Pair, Pair];
  readonly dataFormat: 'channels_last';

  constructor(padding: PairsArg = [[1, 1], [1, 1]], args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = normalizePairs2D(padding, 'padding');
    this.dataFormat = normalizeDataFormat(args.dataFormat, 'ZeroPadding2D');
    this.inputSpec = { ndim: 4 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('ZeroPadding2D', 2, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    const grow = (d: number | null, p: Pair) => (d === null ? null : d + p[0] + p[1]);
    return [s[0], grow(s[1], this.padding[0]), grow(s[2], this.padding[1]), s[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): ZeroPadding2D {
    const c = new ConfigReader('ZeroPadding2D', config);
    return new ZeroPadding2D((c.raw('padding') ?? undefined) as PairsArg | undefined, {
      ...c.layerArgs(),
      dataFormat: c.string('data_format') as DataFormat | undefined,
    });
  }
}
