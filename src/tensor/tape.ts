/**
 * The gradient tape (micrograd's design with tensor nodes): while `valueAndGrads` runs its function,
 * every op whose inputs are being tracked records its inputs and a backward closure on its output.
 * Backward walks the recorded graph in reverse topological order. Nothing is recorded outside a tape.
 */
import type { Tensor } from './tensor.js';

export interface GradNode {
  inputs: Tensor[];
  /**
   * Given dL/d(output), returns dL/d(input) for each input (null where no gradient flows). `needed[i]` is
   * false for an input the tape does not track (data, a constant): a rule may skip that gradient.
   */
  backward: (dy: Tensor, needed: boolean[]) => (Tensor | null)[];
}

export class Tape {
  readonly watched = new Set<Tensor>();
  isTracked(t: Tensor): boolean {
    return t._tape === this || this.watched.has(t);
  }
}

let current: Tape | null = null;

/** Attaches a backward rule to `out` when any input is tracked by the active tape; returns `out`. */
export function recordOp(out: Tensor, inputs: Tensor[], backward: GradNode['backward']): Tensor {
  const tape = current;
  if (tape === null) return out;
  let tracked = false;
  for (const t of inputs) if (tape.isTracked(t)) { tracked = true; break; }
  if (!tracked) return out;
  out._tape = tape;
  out._node = { inputs, backward };
  return out;
}

export function activeTape(): Tape | null {
  return current;
}

/** Runs `fn` with recording switched off (used for backward passes and inference). */
export function noGrad<T>(fn: () => T): T {
  const saved = current;
  current = null;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/**
 * Runs `fn` while recording, then backpropagates from its result.
 * `addGrad(a, b)` and `ones(t)` are passed in so this file needs no ops (ops depend on it).
 */
export function runWithTape<T extends Tensor>(
  fn: () => T,
  wrt: readonly Tensor[],
  helpers: { add: (a: Tensor, b: Tensor) => Tensor; onesLike: (t: Tensor) => Tensor; zerosLike: (t: Tensor) => Tensor },
): { value: T; grads: Tensor[] } {
  const tape = new Tape();
  for (const t of wrt) tape.watched.add(t);
  const saved = current;
  current = tape;
  let value: T;
  try {
    value = fn();
  } finally {
    current = saved;
  }
  const grads = new Map<Tensor, Tensor>();
  noGrad(() => {
    if (!tape.isTracked(value)) return;
    // Reverse topological order by iterative DFS.
    const order: Tensor[] = [];
    const seen = new Set<Tensor>();
    const stack: [Tensor, number][] = [[value, 0]];
    seen.add(value);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      const inputs = t._tape === tape && t._node ? t._node.inputs : [];
      if (i < inputs.length) {
        top[1]++;
        const child = inputs[i];
        if (!seen.has(child) && tape.isTracked(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
    grads.set(value, helpers.onesLike(value));
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = grads.get(t);
      if (!g || t._tape !== tape || !t._node) continue;
      const inputs = t._node.inputs;
      const inGrads = t._node.backward(g, inputs.map((x) => tape.isTracked(x)));
      for (let j = 0; j < inputs.length; j++) {
        const gi = inGrads[j];
        if (!gi || !tape.isTracked(inputs[j])) continue;
        const prev = grads.get(inputs[j]);
        grads.set(inputs[j], prev ? helpers.add(prev, gi) : gi);
      }
    }
    // Drop the graph so intermediates can be collected.
    for (const t of order) if (t._tape === tape) { t._node = null; t._tape = null; }
  });
  return { value, grads: wrt.map((t) => grads.get(t) ?? helpers.zerosLike(t)) };
}
