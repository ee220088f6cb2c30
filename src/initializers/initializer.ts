/**
 * The Initializer contract (keras/src/initializers/initializer.py): `call(shape)` makes a tensor,
 * `getConfig()` gives the Keras config that rebuilds it. Random initializers draw from the global
 * seeded generator (src/core/random.ts), so `setSeed(n)` makes weight initialisation reproducible.
 */
import { ValueError } from '../core/errors.js';
import { randomFloat, setSeed } from '../core/random.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** A Keras config: snake_case keys with JSON values, as written in a .keras file. */
export type InitializerConfig = Record<string, unknown>;

export abstract class Initializer {
  /** The class name Keras writes as `class_name` ('GlorotUniform'). */
  abstract readonly className: string;

  /** Makes a tensor of `shape` (Keras's `__call__(shape)`). */
  abstract call(shape: readonly number[]): Tensor;

  /** Same as `call`. */
  apply(shape: readonly number[]): Tensor {
    return this.call(shape);
  }

  getConfig(): InitializerConfig {
    return {};
  }
}

export function checkShape(who: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`${who}: expected a shape of non-negative integers. Received: shape=${formatShape(shape ?? [])}.`);
  }
}

/**
 * Runs `draw` with the generator seeded by `seed` when one is given, so a seeded initializer gives
 * the same values on every call, as in Keras. The global stream then resumes from a value taken
 * from it beforehand, so later draws stay a function of the last `setSeed`.
 */
export function drawWithSeed<T>(seed: number | null, draw: () => T): T {
  if (seed === null) return draw();
  const resume = Math.floor(randomFloat() * 4294967296);
  setSeed(seed);
  try {
    return draw();
  } finally {
    setSeed(resume);
  }
}

/** Validates a `seed` argument: an integer or null. */
export function checkSeed(who: string, seed: unknown): number | null {
  if (seed === null || seed === undefined) return null;
  if (typeof seed === 'number' && Number.isInteger(seed)) return seed;
  throw new ValueError(`${who}: \`seed\` should be an integer or null. Received: seed=${JSON.stringify(seed)}.`);
}

/**
 * Fan-in and fan-out of a weight shape (keras/src/initializers/random_initializers.py compute_fans):
 * rank 0 -> (1, 1); rank 1 -> (n, n); rank 2 -> (rows, cols); a conv kernel (..., in, out) multiplies
 * both by the receptive field prod(shape[:-2]). Explicit axes (Keras 3.15's input_axes/output_axes,
 * keras-team/keras#22789) take the product of those axes instead.
 */
export function computeFans(shape: readonly number[], inputAxes: readonly number[] | null = null,
  outputAxes: readonly number[] | null = null): [number, number] {
  const rank = shape.length;
  if (inputAxes !== null && outputAxes !== null) {
    const prod = (axes: readonly number[]) => axes.reduce((p, a) => p * shape[a < 0 ? a + rank : a], 1);
    return [prod(inputAxes), prod(outputAxes)];
  }
  if (rank < 1) return [1, 1];
  if (rank === 1) return [shape[0], shape[0]];
  if (rank === 2) return [shape[0], shape[1]];
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return [shape[rank - 2] * receptiveField, shape[rank - 1] * receptiveField];
}
