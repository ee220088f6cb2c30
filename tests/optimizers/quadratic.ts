/**
 * A fixed quadratic problem for optimizer trajectories: two variables (shapes (2, 3) and (3,)),
 * loss = sum(0.5 * curvature * (x - target)^2), so the gradient is curvature * (x - target).
 * The same problem drives kerats, a tfjs optimizer (the oracle) and hand-written reference loops.
 */
import * as tf from '@tensorflow/tfjs';
import { tensor } from '../../src/ops/index.js';
import { Variable } from '../../src/tensor/tensor.js';
import type { Optimizer } from '../../src/optimizers/index.js';

await tf.setBackend('cpu');

export const SHAPES = [[2, 3], [3]];
const START = [[1.0, -2.0, 0.5, 3.0, -1.5, 2.5], [0.25, -0.75, 1.5]];
const TARGET = [[0.3, 0.1, -0.4, 1.0, 0.2, -1.0], [-0.5, 0.5, 0.0]];
const CURVATURE = [[1.0, 2.5, 0.5, 3.0, 1.5, 0.8], [2.0, 0.6, 1.2]];

export const STEPS = 20;

/** Gradient of the problem for variable `k` at `x`. */
export function gradient(k: number, x: ArrayLike<number>): number[] {
  return Array.from(x, (xi, i) => CURVATURE[k][i] * (xi - TARGET[k][i]));
}

/** The values of both variables after each of `steps` kerats steps, flattened per step. */
export function runKerats(optimizer: Optimizer, steps = STEPS): number[][] {
  const vars = START.map((s, k) => new Variable(tensor(s, SHAPES[k]), { name: `v${k}` }));
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    optimizer.applyGradients(vars.map((v, k) => [tensor(gradient(k, v.values), SHAPES[k]), v] as const));
    out.push(vars.flatMap((v) => Array.from(v.values)));
  }
  return out;
}

let unique = 0;
/**
 * The same trajectory under a tfjs optimizer. `beforeApply` runs after the gradients are taken and
 * before tfjs applies them (where Keras applies decoupled weight decay).
 */
export function runTfjs(optimizer: tf.Optimizer, steps = STEPS, beforeApply?: (vars: tf.Variable[]) => void): number[][] {
  const names = START.map((_, k) => `quadratic_${unique++}_${k}`);
  const vars = START.map((s, k) => tf.variable(tf.tensor(s, SHAPES[k]), true, names[k]));
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const grads: Record<string, tf.Tensor> = {};
    vars.forEach((v, k) => (grads[names[k]] = tf.tensor(gradient(k, v.dataSync()), SHAPES[k])));
    beforeApply?.(vars);
    optimizer.applyGradients(grads);
    out.push(vars.flatMap((v) => Array.from(v.dataSync())));
  }
  vars.forEach((v) => v.dispose());
  optimizer.dispose();
  return out;
}

/**
 * A float64 reference loop: `step(x, g, t)` updates the flat values `x` (both variables together,
 * which is fine because every rule here is elementwise) given gradient `g` at step t = 1, 2, ...
 */
export function runReference(step: (x: number[], g: number[], t: number) => void, steps = STEPS): number[][] {
  const x = START.flat();
  const sizes = START.map((s) => s.length);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = [...gradient(0, x.slice(0, sizes[0])), ...gradient(1, x.slice(sizes[0]))];
    step(x, g, t);
    out.push([...x]);
  }
  return out;
}

export function flat(trajectory: number[][]): number[] {
  return trajectory.flat();
}
