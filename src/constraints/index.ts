/**
 * Weight constraints (keras/src/constraints/constraints.py): a projection applied to a variable after
 * each optimizer update (Keras's optimizer assigns `variable.constraint(variable)` after applying gradients).
 */
import { ValueError } from '../core/errors.js';
import { add, clip, divide, greater, multiply, sqrt, square, sum } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';

/** keras.config.epsilon(), added to norms before dividing. */
const EPSILON = 1e-7;

export type ConstraintConfig = Record<string, number | number[]>;

export interface SerializedConstraint {
  module: 'keras.constraints';
  class_name: string;
  config: ConstraintConfig;
  registered_name: null;
}

export abstract class Constraint {
  abstract readonly className: string;
  /** The projected weight, same shape as `w`. */
  abstract call(w: Tensor): Tensor;
  getConfig(): ConstraintConfig {
    return {};
  }
}

type Axis = number | number[];

/** sqrt(sum(w^2)) over `axis`, kept for broadcasting. */
function norms(w: Tensor, axis: Axis): Tensor {
  return sqrt(sum(square(w), axis, true));
}

/** Scales each slice along `axis` so its L2 norm is at most `maxValue` (Keras default 2, axis 0). */
export class MaxNorm extends Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(args: { maxValue?: number; axis?: Axis } = {}) {
    super();
    this.maxValue = args.maxValue ?? 2;
    this.axis = args.axis ?? 0;
  }
  call(w: Tensor): Tensor {
    // constraints.py MaxNorm: w * clip(norms, 0, max_value) / (epsilon + norms)
    const n = norms(w, this.axis);
    return multiply(w, divide(clip(n, 0, this.maxValue), add(n, EPSILON)));
  }
  override getConfig(): ConstraintConfig {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

/** Sets negative weights to zero. */
export class NonNeg extends Constraint {
  readonly className = 'NonNeg';
  call(w: Tensor): Tensor {
    // w * (w >= 0); multiplying by (w > 0) gives the same values (0 stays 0).
    return multiply(w, greater(w, 0));
  }
}

/** Divides each slice along `axis` by its L2 norm. */
export class UnitNorm extends Constraint {
  readonly className = 'UnitNorm';
  readonly axis: Axis;
  constructor(args: { axis?: Axis } = {}) {
    super();
    this.axis = args.axis ?? 0;
  }
  call(w: Tensor): Tensor {
    return divide(w, add(norms(w, this.axis), EPSILON));
  }
  override getConfig(): ConstraintConfig {
    return { axis: this.axis };
  }
}

/** Keeps each slice's norm in [minValue, maxValue], moving `rate` of the way there each step. */
export class MinMaxNorm extends Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    super();
    this.minValue = args.minValue ?? 0;
    this.maxValue = args.maxValue ?? 1;
    this.rate = args.rate ?? 1;
    this.axis = args.axis ?? 0;
    if (this.minValue > this.maxValue) {
      throw new ValueError(`MinMaxNorm: \`min_value\` must be <= \`max_value\`. Received: min_value=${this.minValue}, max_value=${this.maxValue}`);
    }
  }
  call(w: Tensor): Tensor {
    // desired = rate * clip(norms, min, max) + (1 - rate) * norms; w * desired / (epsilon + norms)
    const n = norms(w, this.axis);
    const desired = add(multiply(clip(n, this.minValue, this.maxValue), this.rate), multiply(n, 1 - this.rate));
    return multiply(w, divide(desired, add(n, EPSILON)));
  }
  override getConfig(): ConstraintConfig {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

/** Keras's lowercase aliases. */
export function maxNorm(maxValue = 2, axis: Axis = 0): MaxNorm {
  return new MaxNorm({ maxValue, axis });
}
export function nonNeg(): NonNeg {
  return new NonNeg();
}
export function unitNorm(axis: Axis = 0): UnitNorm {
  return new UnitNorm({ axis });
}
export function minMaxNorm(args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}): MinMaxNorm {
  return new MinMaxNorm(args);
}

export type ConstraintIdentifier =
  | string
  | Constraint
  | { class_name: string; config?: Record<string, unknown>; module?: string; registered_name?: unknown };

function fromClassName(name: string, config: Record<string, unknown>): Constraint {
  const num = (key: string): number | undefined => {
    const v = config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw new ValueError(`Constraint ${name}: \`${key}\` must be a number. Received: ${key}=${JSON.stringify(v)}.`);
    return v;
  };
  const axis = (): Axis | undefined => {
    const v = config.axis;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' || (Array.isArray(v) && v.every((a) => typeof a === 'number'))) return v as Axis;
    throw new ValueError(`Constraint ${name}: \`axis\` must be an integer or a list of integers. Received: axis=${JSON.stringify(v)}.`);
  };
  // Class names and Keras's snake_case names ('max_norm', 'non_neg', 'unit_norm', 'min_max_norm').
  switch (name.toLowerCase().replace(/_/g, '')) {
    case 'maxnorm': return new MaxNorm({ maxValue: num('max_value'), axis: axis() });
    case 'nonneg': return new NonNeg();
    case 'unitnorm': return new UnitNorm({ axis: axis() });
    case 'minmaxnorm':
      return new MinMaxNorm({ minValue: num('min_value'), maxValue: num('max_value'), rate: num('rate'), axis: axis() });
    default:
      throw new ValueError(`Unknown constraint: '${name}'. Please ensure you are using a kerats constraint: MaxNorm, NonNeg, UnitNorm, MinMaxNorm.`);
  }
}

/** Resolves an identifier; null or undefined means none. */
export function getConstraint(identifier: ConstraintIdentifier | null | undefined): Constraint | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Constraint) return identifier;
  if (typeof identifier === 'string') return fromClassName(identifier, {});
  if (typeof identifier === 'object' && typeof identifier.class_name === 'string') {
    const config = identifier.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ValueError(`Constraint config must be an object. Received: config=${JSON.stringify(config)}.`);
    }
    return fromClassName(identifier.class_name, config);
  }
  throw new ValueError(`Could not interpret constraint identifier: ${JSON.stringify(identifier)}.`);
}

/** Keras 3's JSON for a constraint (null for none). */
export function serializeConstraint(constraint: Constraint | null): SerializedConstraint | null {
  if (constraint === null) return null;
  return { module: 'keras.constraints', class_name: constraint.className, config: constraint.getConfig(), registered_name: null };
}
