/**
 * Keras initializers: lookup by name or config (keras/src/initializers/__init__.py get/deserialize)
 * and Keras 3's serialized form, as found in a layer's `kernel_initializer` in a .keras config.json.
 */
import { ValueError } from '../core/errors.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';
import { Initializer, type InitializerConfig } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, RandomNormal, RandomUniform,
  TruncatedNormal, VarianceScaling, type FanMode, type VarianceScalingDistribution,
} from './randomInitializers.js';

export { Initializer, computeFans, type InitializerConfig } from './initializer.js';
export { Constant, Identity, Ones, Zeros } from './constant.js';
export {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, RandomInitializer, RandomNormal,
  RandomUniform, TruncatedNormal, VarianceScaling, type FanMode, type VarianceScalingDistribution,
  type VarianceScalingOptions,
} from './randomInitializers.js';
export { Orthogonal, householderQR } from './orthogonal.js';

/** Keras 3's serialized initializer: `{module, class_name, config, registered_name}`. */
export interface SerializedInitializer {
  module: string;
  class_name: string;
  config: InitializerConfig;
  registered_name: string | null;
}

export type InitializerIdentifier =
  | string
  | Initializer
  | { class_name: string; config?: InitializerConfig; module?: string; registered_name?: string | null };

/** Builds an initializer from its Keras config; `c` holds the config's keys, each read once. */
type Factory = (c: ConfigReader) => Initializer;

class ConfigReader {
  private readonly unread: Set<string>;
  constructor(readonly className: string, private readonly config: InitializerConfig) {
    this.unread = new Set(Object.keys(config));
  }
  number(key: string): number | undefined {
    this.unread.delete(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw new ValueError(`${this.className}: \`${key}\` must be a number. Received: ${key}=${JSON.stringify(v)}.`);
    return v;
  }
  string(key: string): string | undefined {
    this.unread.delete(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new ValueError(`${this.className}: \`${key}\` must be a string. Received: ${key}=${JSON.stringify(v)}.`);
    return v;
  }
  /** An integer seed, or null. A serialized SeedGenerator (a dict) only matters for fresh draws; it reads as null. */
  seed(): number | null {
    this.unread.delete('seed');
    const v = this.config.seed;
    return typeof v === 'number' ? v : null;
  }
  axes(key: string): number[] | null {
    this.unread.delete(key);
    const v = this.config[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.some((a) => !Number.isInteger(a))) {
      throw new ValueError(`${this.className}: \`${key}\` must be a list of axes. Received: ${key}=${JSON.stringify(v)}.`);
    }
    return v as number[];
  }
  /** Keras passes config keys as keyword arguments, so an unknown key is an error there too. */
  done(): void {
    if (this.unread.size) {
      throw new ValueError(`Unrecognized keyword arguments passed to ${this.className}: ${[...this.unread].join(', ')}.`);
    }
  }
}

const preset = (Ctor: new (o: { seed?: number | null; inputAxes?: number[] | null; outputAxes?: number[] | null }) => Initializer): Factory =>
  (c) => new Ctor({ seed: c.seed(), inputAxes: c.axes('input_axes'), outputAxes: c.axes('output_axes') });

const FACTORIES: Record<string, Factory> = {
  Zeros: () => new Zeros(),
  Ones: () => new Ones(),
  Constant: (c) => new Constant(c.number('value') ?? 0),
  Identity: (c) => new Identity({ gain: c.number('gain') }),
  RandomNormal: (c) => new RandomNormal({ mean: c.number('mean'), stddev: c.number('stddev'), seed: c.seed() }),
  RandomUniform: (c) => new RandomUniform({ minval: c.number('minval'), maxval: c.number('maxval'), seed: c.seed() }),
  TruncatedNormal: (c) => new TruncatedNormal({ mean: c.number('mean'), stddev: c.number('stddev'), seed: c.seed() }),
  VarianceScaling: (c) => new VarianceScaling({
    scale: c.number('scale'),
    mode: c.string('mode') as FanMode | undefined,
    distribution: c.string('distribution') as VarianceScalingDistribution | undefined,
    seed: c.seed(),
    inputAxes: c.axes('input_axes'),
    outputAxes: c.axes('output_axes'),
  }),
  GlorotUniform: preset(GlorotUniform),
  GlorotNormal: preset(GlorotNormal),
  HeNormal: preset(HeNormal),
  HeUniform: preset(HeUniform),
  LecunNormal: preset(LecunNormal),
  LecunUniform: preset(LecunUniform),
  Orthogonal: (c) => new Orthogonal({ gain: c.number('gain'), seed: c.seed() }),
};

/** Keras's to_snake_case for class names: 'GlorotUniform' -> 'glorot_uniform'. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Every accepted name -> its class name: class names, their snake_case, and Keras's aliases. */
const NAMES: Record<string, string> = {};
for (const cls of Object.keys(FACTORIES)) {
  NAMES[cls] = cls;
  NAMES[snakeCase(cls)] = cls;
}
Object.assign(NAMES, {
  uniform: 'RandomUniform',
  normal: 'RandomNormal',
  one: 'Ones',
  zero: 'Zeros',
  // Keras 3.0-3.4 wrote the class as OrthogonalInitializer; later versions write Orthogonal.
  OrthogonalInitializer: 'Orthogonal',
  orthogonal_initializer: 'Orthogonal',
  IdentityInitializer: 'Identity',
  identity_initializer: 'Identity',
});

/** Every name `getInitializer` accepts. */
export const INITIALIZER_NAMES: readonly string[] = Object.keys(NAMES).sort();

function fromClassName(name: string, config: InitializerConfig): Initializer {
  const cls = NAMES[name];
  if (cls === undefined) {
    throw new ValueError(`Unknown initializer: '${name}'. Expected one of: ${INITIALIZER_NAMES.join(', ')}.`);
  }
  const reader = new ConfigReader(cls, config);
  const init = FACTORIES[cls](reader);
  reader.done();
  return init;
}

/**
 * Resolves an initializer identifier: a name ('glorot_uniform', 'GlorotUniform', 'orthogonal'),
 * an Initializer (returned as is), or a Keras config `{class_name, config}` (Keras 3 or tf.keras 2).
 */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string') return fromClassName(identifier, {});
  if (identifier !== null && typeof identifier === 'object' && typeof identifier.class_name === 'string') {
    const config = identifier.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ValueError(`Initializer config must be an object. Received: config=${JSON.stringify(config)}.`);
    }
    return fromClassName(identifier.class_name, config);
  }
  throw new ValueError(`Could not interpret initializer identifier: ${JSON.stringify(identifier)}.`);
}

/** Keras 3's JSON for an initializer, as a layer config holds it. */
export function serializeInitializer(init: InitializerIdentifier): SerializedInitializer {
  const resolved = getInitializer(init);
  return { module: 'keras.initializers', class_name: resolved.className, config: resolved.getConfig(), registered_name: null };
}
