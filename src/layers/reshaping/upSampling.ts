/**
 * UpSampling1D / UpSampling2D: repeat each step (each row and column) `size` times
 * (keras/src/layers/reshaping/up_sampling1d.py, up_sampling2d.py; 'nearest' is ops.repeat there).
 */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type InputSpec, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { ConfigReader, normalizeDataFormat, normalizeTuple, type DataFormat } from '../convolutional/convArgs.js';
import { convInputFix } from '../convolutional/convHints.js';

export class UpSampling1D extends Layer {
  static override readonly className = 'UpSampling1D';
  readonly size: number;

  constructor(size = 2, args: LayerArgs = {}) {
    super(args);
    this.size = normalizeTuple(size, 1, 'size')[0];
    this.inputSpec = { ndim: 3 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('UpSampling1D', 1, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [n, steps, c] = x.shape;
    return ops.reshape(ops.broadcastTo(ops.expandDims(x, 2), [n, steps, this.size, c]), [n, steps * this.size, c]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], s[1] === null ? null : s[1] * this.size, s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling1D {
    const c = new ConfigReader('UpSampling1D', config);
    return new UpSampling1D(c.number('size'), c.layerArgs());
  }
}

export interface UpSampling2DArgs extends LayerArgs {
  /** Only 'channels_last' for now. */
  dataFormat?: DataFormat | null;
  /** Only 'nearest' for now. */
  interpolation?: string;
}

export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly dataFormat: 'channels_last';
  readonly interpolation: 'nearest';

  constructor(size: number | [number, number] = [2, 2], args: UpSampling2DArgs = {}) {
    super(args);
    const [sh, sw] = normalizeTuple(size, 2, 'size');
    this.size = [sh, sw];
    this.dataFormat = normalizeDataFormat(args.dataFormat, 'UpSampling2D');
    const interpolation = (args.interpolation ?? 'nearest').toLowerCase();
    if (interpolation !== 'nearest') {
      const known = ['bicubic', 'bilinear', 'lanczos3', 'lanczos5', 'nearest'];
      throw new ValueError(
        known.includes(interpolation)
          ? `UpSampling2D: interpolation='${interpolation}' is not supported yet; only 'nearest'. Received: interpolation=${interpolation}.`
          : `UpSampling2D: \`interpolation\` must be one of ${known.join(', ')} (kerats computes 'nearest'). Received: interpolation=${interpolation}.`,
      );
    }
    this.interpolation = 'nearest';
    this.inputSpec = { ndim: 4 };
  }

  protected override inputFix(shape: Shape, spec: InputSpec): string[] | undefined {
    return convInputFix('UpSampling2D', 2, shape, spec);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [n, h, w, c] = x.shape;
    const [sh, sw] = this.size;
    const spread = ops.broadcastTo(ops.reshape(x, [n, h, 1, w, 1, c]), [n, h, sh, w, sw, c]);
    return ops.reshape(spread, [n, h * sh, w * sw, c]);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0], s[1] === null ? null : s[1] * this.size[0], s[2] === null ? null : s[2] * this.size[1], s[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat, interpolation: this.interpolation };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling2D {
    const c = new ConfigReader('UpSampling2D', config);
    return new UpSampling2D(c.intOrInts('size') as number | [number, number] | undefined, {
      ...c.layerArgs(),
      dataFormat: c.string('data_format') as DataFormat | undefined,
      interpolation: c.string('interpolation'),
    });
  }
}
