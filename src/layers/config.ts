/** Reading Keras's snake_case layer configs (the shared part of every layer's fromConfig). */
import { ValueError } from '../core/errors.js';
import type { LayerArgs } from './layer.js';

export type Config = Record<string, unknown>;

/** name / trainable / batch shape, accepting Keras 2's batch_input_shape and Keras 3's batch_shape. */
export function baseArgsFromConfig(config: Config): LayerArgs {
  const args: LayerArgs = {};
  if (typeof config.name === 'string') args.name = config.name;
  if (typeof config.trainable === 'boolean') args.trainable = config.trainable;
  const batch = (config.batch_shape ?? config.batch_input_shape) as (number | null)[] | undefined;
  if (Array.isArray(batch)) args.batchInputShape = batch;
  return args;
}

/** A layer config's `dtype`: a string (Keras <= 3.4) or a DTypePolicy object (>= 3.5); only float32 is supported. */
export function checkDtype(config: Config, className: string): void {
  const d = config.dtype;
  const name = typeof d === 'string' ? d : d && typeof d === 'object' ? ((d as Config).config as Config | undefined)?.name : undefined;
  if (name !== undefined && name !== null && name !== 'float32') {
    throw new ValueError(`${className}: only dtype float32 is supported. Received: dtype=${JSON.stringify(name)}.`);
  }
}
