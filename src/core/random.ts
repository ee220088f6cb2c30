/**
 * The one source of randomness: weight initialisation, shuffling and dropout all draw from it,
 * so `setSeed(n)` makes a whole run reproducible.
 */

let state = (Date.now() ^ 0x9e3779b9) >>> 0;

/** Seeds the global generator (weight initialisation, shuffling, dropout). */
export function setSeed(seed: number): void {
  state = (Math.floor(seed) ^ 0x6d2b79f5) >>> 0;
}

/** Uniform float in [0, 1) (mulberry32). */
export function randomFloat(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * For each element in order, `value` when a draw of randomFloat() is below `p`, else 0 (a dropout mask): the
 * same draws and results as calling randomFloat() per element, and the generator continues after them.
 */
export function bernoulliFill(out: Float32Array, p: number, value: number): Float32Array {
  return bernoulliFillFrom(out, reserveDraws(out.length), p, value);
}

/**
 * Takes the next n draws of the global generator for the caller: returns the state they start from (for
 * bernoulliFillFrom, or a kernel doing the same) and moves the generator past them. Mulberry32's state
 * advances by a constant per draw, so skipping n is one multiply-add.
 */
export function reserveDraws(n: number): number {
  const from = state;
  state = (state + Math.imul(n, 0x6d2b79f5)) >>> 0;
  return from;
}

/** bernoulliFill with the draws that start from state `from` (see reserveDraws); the global generator is untouched. */
export function bernoulliFillFrom(out: Float32Array, from: number, p: number, value: number): Float32Array {
  let s = from >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 < p ? value : 0;
  }
  return out;
}

/** Standard normal sample (Box-Muller). */
export function randomGaussian(): number {
  let u = 0;
  while (u === 0) u = randomFloat();
  const v = randomFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Integer in [low, high). */
export function randomInt(low: number, high: number): number {
  return low + Math.floor(randomFloat() * (high - low));
}

/** In-place Fisher-Yates shuffle. */
export function shuffleInPlace<T>(arr: T[] | Int32Array): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(randomFloat() * (i + 1));
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}
