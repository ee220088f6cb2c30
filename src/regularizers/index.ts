/**
 * Weight regularizers (keras/src/regularizers/regularizers.py): a penalty computed from a weight with
 * differentiable ops, added to the training loss. `L2(0.01)` adds `0.01 * sum(w^2)`.
 */
import { ValueError } from '../core/errors.js';
import { abs, add, multiply, square, sum } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';

export type RegularizerConfig = Record<string, number>;

/** Keras's serialized form of a regularizer, as a layer config holds it. */
export interface SerializedRegularizer {
  module: 'keras.regularizers';
  class_name: string;
  config: RegularizerConfig;
  registered_name: null;
}

export abstract class Regularizer {
  abstract readonly className: string;
  /** The penalty for `x`, a scalar tensor on the gradient tape. */
  abstract call(x: Tensor): Tensor;
  abstract getConfig(): RegularizerConfig;
}

function checkFactor(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`Value for argument \`${name}\` must be a non-negative finite number. Received: ${name}=${value}`);
  }
  return value;
}

/** `l1 * sum(|x|)`; Keras's default l1 is 0.01. */
export class L1 extends Regularizer {
  readonly className = 'L1';
  readonly l1: number;
  constructor(l1 = 0.01) {
    super();
    this.l1 = checkFactor('l1', l1);
  }
  call(x: Tensor): Tensor {
    return multiply(sum(abs(x)), this.l1);
  }
  getConfig(): RegularizerConfig {
    return { l1: this.l1 };
  }
}

/** `l2 * sum(x^2)`; Keras 3's default l2 is 0.01 (no factor 1/2). */
export class L2 extends Regularizer {
  readonly className = 'L2';
  readonly l2: number;
  constructor(l2 = 0.01) {
    super();
    this.l2 = checkFactor('l2', l2);
  }
  call(x: Tensor): Tensor {
    return multiply(sum(square(x)), this.l2);
  }
  getConfig(): RegularizerConfig {
    return { l2: this.l2 };
  }
}

/** `l1 * sum(|x|) + l2 * sum(x^2)`; both default to 0, as Keras's L1L2. */
export class L1L2 extends Regularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  constructor(args: { l1?: number; l2?: number } = {}) {
    super();
    this.l1 = checkFactor('l1', args.l1 ?? 0);
    this.l2 = checkFactor('l2', args.l2 ?? 0);
  }
  call(x: Tensor): Tensor {
    let penalty = multiply(sum(abs(x)), this.l1);
    if (this.l2) penalty = add(penalty, multiply(sum(square(x)), this.l2));
    return penalty;
  }
  getConfig(): RegularizerConfig {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Keras's lowercase aliases: `regularizers.l2(0.01)`, `regularizers.l1l2({ l1, l2 })`. */
export function l1(l1 = 0.01): L1 {
  return new L1(l1);
}
export function l2(l2 = 0.01): L2 {
  return new L2(l2);
}
export function l1l2(args: { l1?: number; l2?: number } = {}): L1L2 {
  return new L1L2(args);
}

/** A name ('l2'), an instance, or a Keras JSON config ({class_name: 'L2', config: {l2: 0.01}}). */
export type RegularizerIdentifier =
  | string
  | Regularizer
  | { class_name: string; config?: Record<string, unknown>; module?: string; registered_name?: unknown };

function fromClassName(name: string, config: Record<string, unknown>): Regularizer {
  const num = (key: string): number | undefined => {
    const v = config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw new ValueError(`Regularizer ${name}: \`${key}\` must be a number. Received: ${key}=${JSON.stringify(v)}.`);
    return v;
  };
  // Keras accepts the class name or its snake_case form ('l1_l2').
  switch (name.toLowerCase().replace(/_/g, '')) {
    case 'l1': return new L1(num('l1'));
    case 'l2': return new L2(num('l2'));
    case 'l1l2': return new L1L2({ l1: num('l1'), l2: num('l2') });
    default:
      throw new ValueError(`Unknown regularizer: '${name}'. Please ensure you are using a kerats regularizer: L1, L2, L1L2 ('l1', 'l2', 'l1_l2').`);
  }
}

/** Resolves an identifier; null or undefined means none (Keras's regularizers.get(None)). */
export function getRegularizer(identifier: RegularizerIdentifier | null | undefined): Regularizer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'string') return fromClassName(identifier, {});
  if (typeof identifier === 'object' && typeof identifier.class_name === 'string') {
    const config = identifier.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ValueError(`Regularizer config must be an object. Received: config=${JSON.stringify(config)}.`);
    }
    return fromClassName(identifier.class_name, config);
  }
  throw new ValueError(`Could not interpret regularizer identifier: ${JSON.stringify(identifier)}.`);
}

/** Keras 3's JSON for a regularizer (null for none), as keras.regularizers.serialize writes it. */
export function serializeRegularizer(regularizer: Regularizer | null): SerializedRegularizer | null {
  if (regularizer === null) return null;
  return { module: 'keras.regularizers', class_name: regularizer.className, config: regularizer.getConfig(), registered_name: null };
}
