/**
 * Planned-step tests' oracle: the generic tape path itself. Two models built from the same seed (the same initial
 * weights), the first made to fail if it ever runs the generic forward pass, so everything it does is planned.
 */
import assert from 'node:assert/strict';
import { setSeed, type CompileArgs, type History, type Model } from '../../src/index.js';
import { assertRelativeClose } from './gradcheck.js';

/** Two compiled models with the same initial weights; `planned` throws from its generic forward pass. */
export function twins(build: () => Model, compile: () => CompileArgs, isPlanned: (m: Model) => boolean, what: string):
  { planned: Model; generic: Model } {
  setSeed(11);
  const planned = build();
  setSeed(11);
  const generic = build();
  planned.compile(compile());
  generic.compile(compile());
  assert.ok(isPlanned(planned), what);
  planned.forward = () => {
    throw new Error('the planned model ran the generic forward pass');
  };
  return { planned, generic };
}

/** The same History keys and values up to float32 rounding (`relative`). */
export function assertSameHistory(planned: History, generic: History, relative = 1e-5): void {
  assert.deepEqual(Object.keys(planned.history).sort(), Object.keys(generic.history).sort());
  for (const key of Object.keys(generic.history)) assertRelativeClose(planned.history[key], generic.history[key], key, relative);
}
