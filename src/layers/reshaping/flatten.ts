/** Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...) (keras/src/layers/reshaping/flatten.py). */
import { ValueError } from '../../core/errors.js';
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { baseArgsFromConfig, checkDtype } from '../config.js';

export type DataFormat = 'channels_last' | 'channels_first';

export interface FlattenArgs extends LayerArgs {
  /** 'channels_last' (default) or 'channels_first': channels_first inputs are moved to channels_last before flattening, as in Keras. */
  dataFormat?: DataFormat;
}

export class Flatten extends Layer {
  static override readonly className = 'Flatten';
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    const format = args.dataFormat ?? 'channels_last';
    if (format !== 'channels_last' && format !== 'channels_first') {
      throw new ValueError(
        `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${JSON.stringify(format)}`,
      );
    }
    this.dataFormat = format;
    this.inputSpec = { minNdim: 1 };
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    const rank = x.rank;
    if (this.dataFormat === 'channels_first' && rank > 2) {
      x = ops.transpose(x, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]);
    }
    return ops.reshape(x, [x.shape[0], x.shape.slice(1).reduce((p, d) => p * d, 1)]);
  }

  /** (batch,) becomes (batch, 1); an unknown non-batch axis makes the flat size unknown. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    const rest = s.slice(1);
    const flat = rest.some((d) => d === null) ? null : (rest as number[]).reduce((p, d) => p * d, 1);
    return [s[0], flat];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): Flatten {
    checkDtype(config, 'Flatten');
    const format = config.data_format;
    return new Flatten({
      ...baseArgsFromConfig(config),
      dataFormat: format === undefined || format === null ? undefined : (format as DataFormat),
    });
  }
}
