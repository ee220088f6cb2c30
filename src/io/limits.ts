/**
 * Size checks on a model config before any layer is built, so that a hostile config (Dense with a
 * billion units, an input of absurd shape) is refused instead of allocating its weights.
 * Where Keras wrote a layer's build_config, its parameter count is estimated from it.
 */
import { ValueError } from '../core/errors.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MAX_UNITS = 2 ** 20;
const MAX_DIM = 2 ** 24;
const GATES: Record<string, number> = { SimpleRNN: 1, GRU: 3, LSTM: 4 };

function positiveInt(v: unknown, max: number, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new ValueError(`${what} must be an integer between 0 and ${max}. Received: ${JSON.stringify(v)?.slice(0, 40)}.`);
  }
  return v;
}

function checkShape(v: unknown, what: string): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) return;
  let size = 1;
  for (const d of v) {
    if (d === null) continue;
    positiveInt(d, MAX_DIM, what);
    size *= d as number;
  }
  if (size > 2 ** 31) throw new ValueError(`${what} (${v.join(', ')}) is absurdly large.`);
}

/** Rough parameter count of one layer, from its config and build_config; 0 when unknown. */
function estimate(className: string, config: Json, buildConfig: unknown): number {
  const shape = isObject(buildConfig) && Array.isArray(buildConfig.input_shape) ? buildConfig.input_shape : null;
  const last = shape && typeof shape[shape.length - 1] === 'number' ? (shape[shape.length - 1] as number) : 0;
  const units = typeof config.units === 'number' ? config.units : 0;
  const filters = typeof config.filters === 'number' ? config.filters : 0;
  const kernel = Array.isArray(config.kernel_size) ? config.kernel_size.reduce((n: number, k) => n * (typeof k === 'number' ? k : 1), 1) : 1;
  if (className in GATES) return GATES[className] * (last + units + 2) * units;
  if (units) return (last + 1) * units;
  if (filters) return kernel * (last + 1) * filters;
  return 0;
}

/** Throws a ValueError when the config declares sizes beyond the limits. */
export function checkConfigSizes(root: Json, maxParams: number): void {
  let total = 0;
  let nodes = 0;
  const visit = (v: unknown, depth: number): void => {
    if (++nodes > 1_000_000 || depth > 64) throw new ValueError('The model config is too large or too deeply nested.');
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isObject(v)) return;
    if (typeof v.class_name === 'string' && isObject(v.config)) {
      const c = v.config;
      const where = `Layer config ${JSON.stringify(c.name ?? v.class_name).slice(0, 60)}`;
      positiveInt(c.units, MAX_UNITS, `${where}: units`);
      positiveInt(c.filters, MAX_UNITS, `${where}: filters`);
      checkShape(c.batch_shape, `${where}: batch_shape`);
      checkShape(c.batch_input_shape, `${where}: batch_input_shape`);
      checkShape(c.kernel_size, `${where}: kernel_size`);
      checkShape(c.target_shape, `${where}: target_shape`);
      total += estimate(v.class_name, c, v.build_config);
      if (total > maxParams) {
        throw new ValueError(`The model config declares more than ${maxParams} parameters (raise the limit with { maxParams }).`);
      }
    }
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(root, 0);
}
