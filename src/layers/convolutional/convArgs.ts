/**
 * Argument checks shared by the convolution layers, with Keras's messages
 * (keras/src/utils/argument_validation.py standardize_tuple / standardize_padding,
 * keras/src/backend/config.py standardize_data_format), and the readers `fromConfig` uses
 * to turn Keras's snake_case JSON back into constructor arguments.
 */
import { ValueError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { ActivationIdentifier } from '../../activations/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { baseArgsFromConfig, checkDtype } from '../config.js';
import type { LayerArgs } from '../layer.js';

export type ConvPadding = 'valid' | 'same' | 'causal';
export type DataFormat = 'channels_last' | 'channels_first';

/** Python's repr of a tuple of ints, so messages read like Keras's: (3,), (2, 2). */
export function formatTuple(values: readonly number[]): string {
  return formatShape(values);
}

/** A received value as Python would print it: lists as [1, 2], strings bare. */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * An int or `rank` ints -> `rank` ints (Keras's standardize_tuple). Zero is refused unless `allowZero`
 * (output_padding allows it), negatives always.
 */
export function normalizeTuple(value: unknown, rank: number, name: string, allowZero = false): number[] {
  const base = `The \`${name}\` argument must be a tuple of ${rank} integers. Received ${name}=${formatValue(value)}`;
  let tuple: unknown[];
  if (typeof value === 'number') tuple = new Array<number>(rank).fill(value);
  else if (Array.isArray(value) && value.length === rank) tuple = value;
  else throw new ValueError(base);
  for (const v of tuple) {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ValueError(`${base}, including element ${JSON.stringify(v)} of type ${typeof v}`);
    }
  }
  const ints = tuple as number[];
  const bad = ints.filter((v) => (allowZero ? v < 0 : v <= 0));
  if (bad.length > 0) {
    throw new ValueError(`${base}, including values {${[...new Set(bad)].join(', ')}} that do not satisfy \`value ${allowZero ? '>= 0' : '> 0'}\``);
  }
  return ints;
}

/** 'valid' | 'same' (| 'causal' where allowed), case-insensitive as in Keras. */
export function normalizePadding(value: unknown, allowCausal: boolean): ConvPadding {
  const allowed = allowCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const padding = typeof value === 'string' ? value.toLowerCase() : value;
  if (typeof padding !== 'string' || !allowed.includes(padding)) {
    const causalNote = allowCausal || padding !== 'causal' ? '' : " ('causal' is for 1-D convolutions: Conv1D)";
    throw new ValueError(
      `The \`padding\` argument must be one of {${allowed.map((p) => `'${p}'`).join(', ')}}. Received: padding=${formatValue(value)}${causalNote}`,
    );
  }
  return padding as ConvPadding;
}

/** Only channels_last is computed for now; channels_first is refused with a way out. */
export function normalizeDataFormat(value: unknown, className: string): 'channels_last' {
  if (value === undefined || value === null) return 'channels_last';
  const format = typeof value === 'string' ? value.toLowerCase() : value;
  if (format === 'channels_last') return 'channels_last';
  if (format === 'channels_first') {
    throw new ValueError(
      `${className}: data_format='channels_first' is not supported yet; kerats computes channels_last ` +
        '(batch, ..., channels), Keras\'s default. Received: data_format=channels_first. ' +
        'Transpose the input so channels come last and use data_format=\'channels_last\'.',
    );
  }
  throw new ValueError(
    `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${formatValue(value)}`,
  );
}

/** A positive integer `filters` (Keras: "Expected a strictly positive value"). */
export function checkFilters(filters: unknown): number {
  if (typeof filters !== 'number' || !Number.isInteger(filters) || filters <= 0) {
    throw new ValueError(
      `Invalid value for argument \`filters\`. Expected a strictly positive integer. Received filters=${formatValue(filters)}.`,
    );
  }
  return filters;
}

/** Keras refuses strides > 1 together with dilation_rate > 1 (base_conv.py). */
export function checkStridesWithDilation(strides: number[], dilationRate: number[]): void {
  if (Math.max(...strides) > 1 && Math.max(...dilationRate) > 1) {
    throw new ValueError(
      '`strides > 1` not supported in conjunction with `dilation_rate > 1`. ' +
        `Received: strides=${formatTuple(strides)} and dilation_rate=${formatTuple(dilationRate)}`,
    );
  }
}

/** Refuses regularizers and constraints until kerats has them, rather than dropping them silently. */
export function checkUnsupportedNull(className: string, args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined && value !== null) {
      throw new ValueError(
        `${className}: \`${key}\` is not supported yet; only null is accepted. Received: ${key}=${JSON.stringify(value)}.`,
      );
    }
  }
}

// ---- reading Keras configs ----

/**
 * Reads one key of a Keras config, checking its JSON type. Takes the layer's `config` object, or the
 * whole serialized form `{module, class_name, config, registered_name, build_config}`, whose
 * class_name must then match.
 */
export class ConfigReader {
  readonly config: Record<string, unknown>;

  constructor(readonly className: string, config: Record<string, unknown>) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new ValueError(`${className}.fromConfig expects a config object. Received: ${JSON.stringify(config)}.`);
    }
    const inner = config.config;
    if (typeof config.class_name === 'string' && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      if (config.class_name !== className) {
        throw new ValueError(`${className}.fromConfig was given a ${config.class_name} config. Received: class_name=${config.class_name}.`);
      }
      this.config = inner as Record<string, unknown>;
    } else {
      this.config = config;
    }
  }

  has(key: string): boolean {
    return this.config[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.config[key];
  }

  number(key: string): number | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw this.typeError(key, 'a number', v);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw this.typeError(key, 'true or false', v);
    return v;
  }

  string(key: string): string | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.typeError(key, 'a string', v);
    return v;
  }

  /** An int or a list of ints (kernel_size, strides, ...), left for normalizeTuple to check. */
  intOrInts(key: string): number | number[] | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'))) return v as number | number[];
    throw this.typeError(key, 'an integer or a list of integers', v);
  }

  activation(key: string): ActivationIdentifier {
    return this.config[key] as ActivationIdentifier;
  }

  initializer(key: string): InitializerIdentifier | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || (typeof v === 'object' && !Array.isArray(v))) return v as InitializerIdentifier;
    throw this.typeError(key, 'an initializer name or {class_name, config}', v);
  }

  /** name, trainable and a Keras 2 input shape (src/layers/config.ts); dtype must be float32. */
  layerArgs(): LayerArgs {
    checkDtype(this.config, `${this.className}.fromConfig`);
    return baseArgsFromConfig(this.config);
  }

  private typeError(key: string, expected: string, v: unknown): ValueError {
    return new ValueError(`${this.className}.fromConfig: \`${key}\` must be ${expected}. Received: ${key}=${JSON.stringify(v)}.`);
  }
}
